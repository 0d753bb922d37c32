/**
 * The quickstart under the REAL Pulumi CLI (npm run pulumi:install) against the emulator, for a
 * program in another language using the provider plugin (cli-yaml.test.ts, cli-python.test.ts): create
 * (a second site with two numbers and a user on it besides the headquarters), a no-change up (0 writes),
 * a refused change failing preview with the TypeScript package's message, `pulumi import` of a customer
 * and of a location created outside Pulumi (0 writes, and for the location a following `up` that writes
 * nothing), refresh, destroy. One harness, so every language is held to the same checks.
 * Where the language cannot run here the suite says so in one line; CI (PULUMI_CLI_REQUIRED=1) fails instead.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../../local/emulator";
import * as customerOrgOperations from "../../provider/resources/customer-org/operations";
import { CLI_REQUIRED_ENV, cliEnv, findCli } from "../../scripts/pulumi-cli";
import { REPO_ROOT } from "../dynamic-provider/plugin-harness";

/**
 * The second site every language's quickstart declares: the customer holds `webex_voice` too, so it
 * is created with a calling headquarters, and `Lyon` is declared with two numbers (the first its
 * main number) and one calling user, `lea`, on the second.
 */
export const SITE = {
  name: "Lyon",
  numbers: ["+33478000100", "+33478000101"],
  user: "lea@quickstart-bistro.example",
} as const;

/**
 * The location the harness creates in the customer's org outside Pulumi, for `pulumi import`; a
 * program written with `imported` declares it as resource `nice` with exactly these inputs (no
 * `calling`: calling is not enabled there).
 */
export const IMPORTED_SITE = {
  name: "Nice",
  timeZone: "Europe/Paris",
  preferredLanguage: "fr_FR",
  announcementLanguage: "fr_FR",
  address: { address1: "1 promenade des Anglais", city: "Nice", state: "PAC", postalCode: "06000", country: "FR" },
} as const;

/** One language's quickstart program. */
export type QuickstartProgram = {
  /** The language, as suite titles and the skip line name it ("YAML", "Python"). */
  language: string;
  /** Why the language cannot run here (its host or environment is missing), or undefined when it can. */
  missing: string | undefined;
  /**
   * Writes the program into `progDir` (Pulumi.yaml and any source), declaring the plugin at
   * `pluginDir`, the quickstart's template, customer `quickstart-001` named `companyName` (packages
   * `webex_meetings` and `webex_voice`, headquarters in `Europe/Paris`), users claire and hugo, and
   * {@link SITE} with its user (with the stack, the 7 resources `up` reports); with `imported`, also
   * {@link IMPORTED_SITE} as resource `nice`.
   */
  write(progDir: string, pluginDir: string, companyName: string, imported?: boolean): void;
  /** Extra flags of `pulumi import` (e.g. `--generate-code=false` where the language host cannot generate code). */
  importFlags?: string[];
  /**
   * Checks how the program's end shows in a refused preview's output, beyond the refusal itself,
   * which every language shows once as the resource's error. Default: nothing more (the YAML host
   * bails quietly).
   */
  refusedPreviewEnd?: (out: string) => void;
};

/** What the YAML host's refused preview shows after the refusal: nothing (it bails). */
const quietEnd = (out: string) =>
  expect(out, out).not.to.match(/[Pp]rogram exited with non-zero exit code|Resource monitor has terminated/);

/** Declares the suite for one language (or its one skip line / CI failure). */
export function describeQuickstartUnderCli(quickstart: QuickstartProgram): void {
  const cli = findCli();
  const reason = !cli.found ? cli.reason : quickstart.missing;
  if (reason !== undefined) {
    if (process.env[CLI_REQUIRED_ENV] === "1") {
      describe(`provider plugin under the real Pulumi CLI (${quickstart.language})`, () => {
        it("needs the real CLI", () => expect.fail(reason));
      });
    } else {
      console.log(`provider plugin real-CLI suite (${quickstart.language}) not run: ${reason}`);
    }
  } else {
    describe(`provider plugin under the real Pulumi CLI: the quickstart in ${quickstart.language}`, function () {
      this.timeout(240_000);
      let emu: Awaited<ReturnType<typeof startEmulator>>;
      let dir: string;
      let env: NodeJS.ProcessEnv;

      /** Runs `pulumi <args>` in the program folder (asynchronously: the emulator answers in this process). */
      function pulumi(args: string[]): Promise<{ code: number | null; out: string }> {
        return new Promise((resolve) => {
          const child = spawn(cli.found ? cli.pulumi : "pulumi", [...args, "--non-interactive", "--stack", "dev"], {
            cwd: join(dir, "prog"),
            env,
          });
          let out = "";
          child.stdout.on("data", (d) => (out += String(d)));
          child.stderr.on("data", (d) => (out += String(d)));
          child.on("close", (code) => resolve({ code, out }));
        });
      }
      const writes = async () => (await emu.admin.counters()).writes;
      /** `pulumi import` of one object by id (unprotected, with the language's flags): it must import, writing nothing. */
      async function importWithoutWrites(type: string, name: string, id: string): Promise<void> {
        await emu.admin.resetCounters();
        const r = await pulumi(["import", type, name, id, "--yes", "--protect=false", ...(quickstart.importFlags ?? [])]);
        expect(r.code, r.out).to.equal(0);
        expect(r.out).to.include("imported");
        expect(await writes()).to.equal(0);
      }

      before(async () => {
        emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
        dir = mkdtempSync(join(tmpdir(), `webex-plugin-${quickstart.language.toLowerCase()}-`));
        for (const d of ["prog", "plugin"]) mkdirSync(join(dir, d));
        // What `npm install -g` would put on PATH: the package's bin, run by Node.
        const shim = join(dir, "plugin", "pulumi-resource-webex-wholesale");
        writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, "dist", "provider", "plugin", "main.js")}" "$@"\n`);
        chmodSync(shim, 0o755);
        quickstart.write(join(dir, "prog"), join(dir, "plugin"), "Quickstart Bistro");
        env = cliEnv({ binDir: cli.found ? cli.binDir : "", stateDir: dir, passphrase: "plugin-test" });
        for (const k of Object.keys(env)) if (k.startsWith("WEBEX_")) delete env[k];
        for (const args of [
          ["stack", "init"],
          ["config", "set", "webex-wholesale:baseUrl", emu.url],
          ["config", "set", "--secret", "webex-wholesale:accessToken", emu.token],
        ]) {
          const r = await pulumi(args);
          expect(r.code, r.out).to.equal(0);
        }
      });

      after(async () => {
        await emu?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      it("up creates the template, the customer, the second site with its numbers and main number, and the three users", async () => {
        await emu.admin.resetCounters();
        const r = await pulumi(["up", "--yes"]);
        expect(r.code, r.out).to.equal(0);
        expect(r.out).to.include("7 created");
        // One write for the template, the customer and each user; the site: create, enable calling, PSTN
        // connection, its numbers (one request), main number.
        expect(await writes()).to.equal(2 + 3 + 5);
        const state = await emu.admin.state();
        expect(Object.keys(state.customers ?? {}).length + Object.keys(state.subscribers ?? {}).length).to.equal(4);
        const site = Object.values(state.locations).find((l) => l.name === SITE.name)!;
        expect(site.numbers.map((n) => n.phoneNumber).sort()).to.deep.equal([...SITE.numbers]);
        expect(site.mainNumber).to.equal(SITE.numbers[0]);
        const lea = Object.values(state.subscribers).find((u) => u.email === SITE.user)!;
        expect([lea.locationId, lea.primaryPhoneNumber]).to.deep.equal([site.id, SITE.numbers[1]]);
        expect(r.out).not.to.include(emu.token);
      });

      it("a second up changes nothing and writes nothing", async () => {
        await emu.admin.resetCounters();
        const r = await pulumi(["up", "--yes"]);
        expect(r.code, r.out).to.equal(0);
        expect(r.out).to.include("7 unchanged");
        expect(await writes()).to.equal(0);
      });

      it("renaming the customer fails preview with the TypeScript package's message, without an API call", async () => {
        const owner = {};
        const inputs = customerOrgOperations.check(
          owner,
          {},
          {
            provisioningId: "p",
            externalId: "quickstart-001",
            companyName: "Quickstart Bistro",
            adminEmail: "claire@quickstart-bistro.example",
            language: "fr_FR",
            supportedLocationConfirmed: true,
            address: { line1: "3 rue du Port", city: "Marseille", postalCode: "13002", country: "FR" },
            packages: [{ name: "webex_meetings" }],
          },
        ).inputs!;
        // Refusals are check's (previous inputs against new ones), so a refresh's diff never meets them.
        const refused = customerOrgOperations.check(owner, inputs, { ...inputs, companyName: "Quickstart Brasserie" }).failures ?? [];
        expect(refused.map((f) => f.property)).to.deep.equal(["companyName"]);
        const expected = refused[0]!.reason;
        expect(expected).to.match(/^Refused change: CustomerOrg property companyName/);
        quickstart.write(join(dir, "prog"), join(dir, "plugin"), "Quickstart Brasserie");
        await emu.admin.resetCounters();
        const r = await pulumi(["preview"]);
        quickstart.write(join(dir, "prog"), join(dir, "plugin"), "Quickstart Bistro");
        expect(r.code, r.out).not.to.equal(0);
        expect(r.out).to.include(expected);
        (quickstart.refusedPreviewEnd ?? quietEnd)(r.out);
        expect((await emu.admin.counters()).total).to.equal(0);
      });

      it("pulumi import adopts a location created outside Pulumi (<customerId>:<locationId>) with 0 writes; the next up writes nothing", async () => {
        const state = await emu.admin.state();
        const customer = Object.values(state.customers).find((c) => c.externalId === "quickstart-001")!;
        const created = await fetch(`${emu.url}/v1/locations?orgId=${encodeURIComponent(customer.orgId)}`, {
          method: "POST",
          headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
          body: JSON.stringify({ ...IMPORTED_SITE, preferredLanguage: "fr_fr", announcementLanguage: "fr_fr" }),
        });
        expect(created.status).to.equal(201);
        const { id } = (await created.json()) as { id: string };
        await importWithoutWrites("webex-wholesale:index:CustomerLocation", "nice", `${customer.id}:${id}`);
        // The program now declares it: the state is completed from the program (the import could
        // not know every input), with no API write, and the location is the same one.
        quickstart.write(join(dir, "prog"), join(dir, "plugin"), "Quickstart Bistro", true);
        await emu.admin.resetCounters();
        const up = await pulumi(["up", "--yes"]);
        expect(up.code, up.out).to.equal(0);
        expect(up.out).not.to.match(/\bcreated\b|replaced/);
        expect(await writes()).to.equal(0);
        const exported = JSON.parse((await pulumi(["stack", "export"])).out) as {
          deployment: { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] };
        };
        const nice = exported.deployment.resources.filter((x) => x.type === "webex-wholesale:index:CustomerLocation" && x.id === id);
        expect(nice.map((x) => x.outputs?.name)).to.deep.equal([IMPORTED_SITE.name]);
        expect(Object.values((await emu.admin.state()).locations).filter((l) => l.name === IMPORTED_SITE.name)).to.have.length(1);
      });

      it("pulumi import adopts a customer created outside Pulumi with 0 writes", async () => {
        const template = (await (
          await fetch(`${emu.url}/v1/wholesale/onboardingTemplates`, {
            method: "POST",
            headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
            body: JSON.stringify({
              name: "Other",
              serviceProviderAdmin: "ops@partner.example",
              country: "FR",
              defaultEmailLanguage: "fr_FR",
              wholesaleSubscriptionId: "S",
              emailBrandName: "B",
            }),
          })
        ).json()) as { provisioningId: string };
        const posted = await fetch(`${emu.url}/v1/wholesale/customers`, {
          method: "POST",
          headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
          body: JSON.stringify({
            provisioningId: template.provisioningId,
            externalId: "outside-001",
            packages: ["webex_meetings"],
            address: { addressLine1: "1 quai", city: "Lyon", zipOrPostalCode: "69001", country: "FR" },
            customerInfo: { name: "Outside", primaryEmail: "a@outside.example", language: "fr_FR" },
          }),
        });
        expect(posted.status).to.equal(202);
        const id = decodeURIComponent(posted.headers.get("location")!.split("/").pop()!);
        await new Promise((r) => setTimeout(r, 300));
        await importWithoutWrites("webex-wholesale:index:CustomerOrg", "outside-001", id);
        const exported = await pulumi(["stack", "export"]);
        expect(exported.out).to.include(id);
      });

      it("refresh reads everything without writing", async () => {
        await emu.admin.resetCounters();
        const r = await pulumi(["refresh", "--yes"]);
        expect(r.code, r.out).to.equal(0);
        expect(await writes()).to.equal(0);
      });

      it("destroy deletes users, then customers, then the template", async () => {
        await emu.admin.resetCounters();
        const r = await pulumi(["destroy", "--yes"]);
        expect(r.code, r.out).to.equal(0);
        const log = (await emu.admin.requests()).filter((q) => q.method === "DELETE").map((q) => q.route);
        const first = (s: string) => log.findIndex((p) => String(p).includes(s));
        expect(first("subscribers"), log.join("\n")).to.be.below(first("customers"));
        expect(first("customers"), log.join("\n")).to.be.below(first("onboardingTemplates"));
        const state = await emu.admin.state();
        expect(Object.keys(state.customers ?? {})).to.deep.equal([]);
      });
    });
  }
}
