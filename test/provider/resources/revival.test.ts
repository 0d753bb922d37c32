/**
 * The operations contract, pinned at run time: `__provider` texts saved from earlier versions (as
 * stored in existing stacks' state, under `fixtures/provider-text/`) are revived the way the
 * dynamic-provider plugin does (the module text evaluated with require-from-string, no filename) and
 * each runs check → create → read → diff → update → delete against the emulator with the package
 * installed today. Renaming an operation, changing its arguments or moving an `operations` module
 * breaks existing stacks, and fails here. Two forms are stored: the loader-only class by value
 * (`v0.1.0`, what a program in a linked layout stores) and, installed from npm, a `require` of the
 * provider instance module (`v0.1.0-installed`). Both are resolved as the plugin resolves them: from
 * the program's directory, here a temporary one whose `node_modules/pulumi-webex-wholesale` links to
 * this checkout.
 */
import type * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator } from "../../../local/emulator";
import { ClientCache, useClients } from "../../../provider/resources/common/client-cache";
import { captureProgress } from "./progress-capture";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => pulumi.dynamic.ResourceProvider } = require("require-from-string");

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Props = Record<string, unknown>;

const FIXTURES = join(__dirname, "fixtures", "provider-text");
/** Saved texts by version: `<folder>.<version>.txt`. */
const versions = [...new Set(readdirSync(FIXTURES).map((f) => f.replace(/^[a-z-]+\.(.+)\.txt$/, "$1")))];

/** Revives a stored provider text as the plugin does and hands back its provider object. */
function revive(folder: string, version: string): pulumi.dynamic.ResourceProvider {
  return requireFromString(readFileSync(join(FIXTURES, `${folder}.${version}.txt`), "utf8")).handler();
}

/** Inputs per resource (the customer's depend on the template's, the user's on the customer's). */
const resources: { folder: string; args: (ids: Record<string, Props>) => Props; change: Props; changed: Props }[] = [
  {
    folder: "onboarding-template",
    args: () => ({
      templateName: "Revival",
      serviceProviderAdmin: "ops@partner.example",
      countryCode: "fr",
      wholesaleSubscriptionId: "Sub-1",
      emailBrandName: "Brand",
    }),
    change: { emailBrandName: "Brand Pro" },
    changed: { emailBrandName: "Brand Pro" },
  },
  {
    folder: "customer-org",
    args: (outs) => ({
      provisioningId: outs["onboarding-template"]!.provisioningId,
      externalId: "revival-001",
      companyName: "Revival",
      adminEmail: "admin@revival.example",
      supportedLocationConfirmed: true,
      address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
      packages: [
        { name: "webex_calling", quantity: 10 },
        { name: "webex_suite", quantity: 5 },
      ],
      headquarters: { timeZone: "America/Chicago" },
    }),
    change: {
      packages: [
        { name: "webex_calling", quantity: 20 },
        { name: "webex_suite", quantity: 5 },
      ],
    },
    changed: { status: "provisioned" },
  },
  {
    folder: "customer-user",
    args: (outs) => ({
      customerId: outs["customer-org"]!.customerId,
      email: "bob@revival.example",
      firstName: "Bob",
      lastName: "B",
      package: "webex_calling",
      extension: "0101",
    }),
    change: { package: "webex_suite" },
    changed: { package: "webex_suite" },
  },
];

for (const version of versions) {
  describe(`stored __provider texts of ${version}, revived, run against the emulator`, function () {
    this.timeout(60_000);
    let emu: Emulator;
    let restoreSink: () => void = () => undefined;
    const outs: Record<string, Props> = {};
    const ids: Record<string, string> = {};
    const providers: Record<string, pulumi.dynamic.ResourceProvider> = {};

    const cwd = process.cwd();
    let program = "";
    before(async () => {
      program = mkdtempSync(join(tmpdir(), "webex-revival-"));
      mkdirSync(join(program, "node_modules"));
      symlinkSync(resolve(__dirname, "../../.."), join(program, "node_modules", "pulumi-webex-wholesale"), "dir");
      process.chdir(program);
      emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 20 });
      // The revived providers' operations run on clients that never wait between polls.
      const clients = new ClientCache({ sleep: async () => undefined, coldInitialDelayMs: 0 });
      restoreSink = captureProgress();
      for (const r of resources) {
        const p = revive(r.folder, version);
        await p.configure!({
          config: { get: (k: string) => ({ "webex:accessToken": emu.token, "webex:baseUrl": emu.url })[k], require: () => "" },
        } as never);
        useClients(p, clients);
        providers[r.folder] = p;
      }
    });
    after(async () => {
      process.chdir(cwd);
      if (program) rmSync(program, { recursive: true, force: true });
      restoreSink();
      await emu?.close();
    });

    for (const r of resources) {
      it(`${r.folder}: check → create → read → diff → update`, async () => {
        const p = providers[r.folder]!;
        const checked = await p.check!({}, r.args(outs));
        expect(checked.failures ?? []).to.deep.equal([]);
        const created = await p.create!(checked.inputs);
        expect(created.id).to.be.a("string").and.not.equal("");
        const read = await p.read!(created.id, created.outs);
        expect(read.id).to.equal(created.id);
        const news = (await p.check!(checked.inputs, { ...r.args(outs), ...r.change })).inputs;
        expect((await p.diff!(created.id, read.props!, checked.inputs)).changes).to.equal(false);
        expect((await p.diff!(created.id, read.props!, news)).changes).to.equal(true);
        const updated = await p.update!(created.id, read.props!, news);
        expect(updated.outs).to.include(r.changed);
        outs[r.folder] = updated.outs!;
        ids[r.folder] = created.id;
      });
    }

    for (const r of [...resources].reverse()) {
      it(`${r.folder}: delete, then read says it is gone`, async () => {
        const p = providers[r.folder]!;
        await p.delete!(ids[r.folder]!, outs[r.folder]!);
        expect((await p.read!(ids[r.folder]!, outs[r.folder]!)).id ?? "").to.equal("");
      });
    }
  });
}
