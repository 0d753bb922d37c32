// The stand-in engine (local/engine) against the REAL Pulumi CLI (issue 10.4): one program (a catalog
// of 2 customers × 2 users, and from one step on a site with numbers per customer), the same steps under both engines, each engine against its own fresh
// emulator behind a recording proxy. After every step the two runs must agree on what the API saw
// (every request: method, path, status and body, with server-made ids and timestamps normalised), on
// the emulator's final state, on each resource's outputs, on the stack outputs and on the exit
// status. The engines are compared with each other, never with hard-coded request counts: where they
// differ, the stand-in is wrong (reference/real-pulumi-engine.md).
import { expect } from "chai";
import { createServer, request as httpRequest, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { generateCatalog, type CatalogOptions } from "../../bench/workload";
import { runEngine, type EngineResult } from "../../local/engine";
import { readStoredState } from "../../local/engine/state-journal";
import { startEmulator } from "../../local/emulator";
import type { State } from "../../local/emulator/core/state";
import { CliProgram, type CliResult, type Emulator, describeWithCli, tail } from "./support";

/** One API request as the provider sent it, with the answer's status. */
type Sent = { method: string; path: string; body: unknown; status: number };

/** A recording HTTP proxy in front of an emulator: the emulator's own request log has no bodies. */
async function recordingProxy(target: string): Promise<{ url: string; sent: Sent[]; close: () => Promise<void> }> {
  const sent: Sent[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          sent.push({
            method: req.method ?? "",
            path: req.url ?? "",
            body: raw.length ? JSON.parse(raw.toString("utf8")) : undefined,
            status: answer.statusCode ?? 0,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      out.end(raw);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sent, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The SDK's signature key of a secret envelope (both engines store secrets under it). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/**
 * What differs between two correct runs: server-made ids, timestamps, tracking ids and secret
 * ciphertexts. Ids are learnt from the emulator's state after every step and named by the object's
 * natural key (a user's email, a customer's externalId, a template's name), so the two runs' ids
 * map to the same names.
 */
class Normaliser {
  private readonly names = new Map<string, string>();

  /**
   * Names every server-made id in the emulator's state by its object's natural key: first each
   * object's own id, then the id-like fields inside it (a user's `locationId`, a customer's
   * `headquarters.id`, ...), visiting objects in natural-key order so that an id seen in several
   * objects gets the same name in both runs. Names, once given, stay (deleted objects keep theirs).
   */
  async learn(e: Emulator): Promise<void> {
    const s = (await e.admin.state()) as unknown as Record<string, Record<string, Record<string, unknown>>>;
    // Locations are named by their (catalog-unique) name, disable-calling jobs by their location's.
    const keys: Record<string, string> = {
      templates: "name",
      customers: "externalId",
      subscribers: "email",
      locations: "name",
      jobs: "locationName",
    };
    const objects = Object.entries(keys).flatMap(([collection, natural]) =>
      Object.values(s[collection] ?? {})
        .map((record) => ({ who: `${collection}:${String(record[natural])}`, record, natural }))
        .sort((a, b) => (a.who < b.who ? -1 : a.who > b.who ? 1 : 0)),
    );
    for (const { who, record } of objects) if (!this.names.has(String(record.id))) this.names.set(String(record.id), `<${who}>`);
    const visit = (who: string, v: unknown, natural: string) => {
      if (v === null || typeof v !== "object") return;
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === "string" && /id$/i.test(k) && k !== natural && x !== "" && !this.names.has(x)) this.names.set(x, `<${who}.${k}>`);
        else visit(`${who}.${k}`, x, natural);
      }
    };
    for (const { who, record, natural } of objects) visit(who, record, natural);
  }

  /** `v` with known ids named, timestamps, tracking ids and ciphertexts removed, object keys sorted. */
  apply(v: unknown): unknown {
    if (typeof v === "string") {
      let t = v.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>");
      for (const id of [...this.names.keys()].sort((a, b) => b.length - a.length)) t = t.split(id).join(this.names.get(id)!);
      return t;
    }
    if (Array.isArray(v)) return v.map((x) => this.apply(x));
    if (v !== null && typeof v === "object") {
      if (SIG_KEY in v) return "<secret>";
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        if (/^(trackingId|lastStatusChange|created|time)$|At$/i.test(k)) continue;
        o[this.apply(k) as string] = this.apply((v as Record<string, unknown>)[k]);
      }
      return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  }
}

/**
 * The writes (POST, PUT, DELETE) as sorted lines, and the distinct reads without their query: how
 * often a status is polled, and whether the client's idempotency lookups of customers declared
 * within a few milliseconds of each other share one list request, depend on timing; writes must not.
 */
function requestLog(sent: readonly Sent[], n: Normaliser): { writes: string[]; reads: string[] } {
  const path = (s: Sent, query = true) => n.apply(decodeURIComponent(query ? s.path : s.path.split("?")[0]!)) as string;
  return {
    writes: sent
      .filter((s) => s.method !== "GET")
      .map((s) => `${s.method} ${path(s)} ${s.status} ${JSON.stringify(n.apply(s.body) ?? null)}`)
      .sort(),
    reads: [...new Set(sent.filter((s) => s.method === "GET").map((s) => `GET ${path(s, false)} ${s.status}`))].sort(),
  };
}

/** The emulator's objects, normalised (its counters and fixtures are not the product's doing). */
async function emulatorState(e: Emulator, n: Normaliser): Promise<unknown> {
  const s = await e.admin.state();
  return n.apply({ templates: s.templates, customers: s.customers, subscribers: s.subscribers, locations: s.locations });
}

/** A stored resource of either engine's checkpoint, as far as the comparison goes. */
type Stored = { urn: string; type: string; custom?: boolean; id?: string; outputs?: Record<string, unknown> };

/**
 * The dynamic resources of a checkpoint: `type::name` → id and outputs (without `__provider`, the
 * serialized code: the local engine stores it once in a blob table, the CLI inline).
 */
function resourcesOf(list: readonly Stored[], n: Normaliser): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of list) {
    if (!r.type.startsWith("pulumi-nodejs:dynamic")) continue;
    const { __provider: _code, ...outputs } = r.outputs ?? {};
    out[r.urn.split("::").slice(-2).join("::")] = n.apply({ id: r.id ?? "", outputs });
  }
  return out;
}

describeWithCli("differential: the local engine and the real Pulumi CLI send the same requests and leave the same state", function () {
  this.timeout(300_000);
  const p = new CliProgram("differential");
  let local!: Emulator;
  let realProxy!: Awaited<ReturnType<typeof recordingProxy>>;
  let localProxy!: Awaited<ReturnType<typeof recordingProxy>>;
  let failed = false;
  const realIds = new Normaliser();
  const localIds = new Normaliser();
  /** Both emulators: a drift or a fixture is applied to the two alike. */
  const emulators = () => [p.emulator, local];

  /** Writes the catalog the program declares (read by the program at every run, under both engines). */
  const catalog = (options: Omit<CatalogOptions, "customers" | "usersPerCustomer" | "prefix"> = {}) =>
    p.write("catalog.json", JSON.stringify(generateCatalog({ customers: 2, usersPerCustomer: 2, prefix: "diff", ...options })));

  before(async function () {
    this.timeout(900_000);
    await p.setUp("examples/quickstart");
    // The bench program's shape (bench/program): template, customers, users taking their
    // customer's headquarters location; here from a catalog file the test rewrites between steps.
    p.write(
      "index.ts",
      [
        `import { readFileSync } from "node:fs";`,
        `import * as pulumi from "@pulumi/pulumi";`,
        `import { CustomerLocation, CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";`,
        `const catalog = JSON.parse(readFileSync(__dirname + "/catalog.json", "utf8"));`,
        `const { logicalName: templateName, ...templateArgs } = catalog.template;`,
        `const template = new OnboardingTemplate(templateName, templateArgs);`,
        `export const customers: Record<string, unknown> = {};`,
        `for (const { logicalName, users, packages, site, ...args } of catalog.customers) {`,
        `  const customer = new CustomerOrg(logicalName, { ...args, packages, provisioningId: template.provisioningId });`,
        `  const location = site && (({ logicalName: name, ...siteArgs }) => new CustomerLocation(name, { ...siteArgs, customerId: customer.id }))(site);`,
        `  const userIds: Record<string, pulumi.Output<string>> = {};`,
        `  for (const { logicalName: userName, extension, ...userArgs } of users) {`,
        `    const user = new CustomerUser(userName, {`,
        `      ...userArgs,`,
        `      customerId: customer.id,`,
        `      ...(extension !== undefined ? { extension, locationId: customer.headquartersLocationId as pulumi.Output<string> } : {}),`,
        `    });`,
        `    userIds[userName] = user.userId;`,
        `  }`,
        `  customers[logicalName] = { customerId: customer.customerId, status: customer.status, users: userIds, site: location?.locationId };`,
        `}`,
        `export const provisioningId = template.provisioningId;`,
      ].join("\n"),
    );
    catalog();
    local = await startEmulator({ provisioningDelayMs: 50, rateLimit: false });
    realProxy = await recordingProxy(p.emulator.url);
    localProxy = await recordingProxy(local.url);
    for (const args of [
      ["stack", "init", "dev", "--non-interactive"],
      ["config", "set", "webex:baseUrl", realProxy.url],
      ["config", "set", "--secret", "webex:accessToken", p.emulator.token],
    ]) {
      const r = await p.pulumi(args);
      expect(r.code, tail(r)).to.equal(0);
    }
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(async () => {
    await realProxy?.close();
    await localProxy?.close();
    await local?.close();
    await p.tearDown(failed);
  });

  /** Each engine's last run, for the step's own assertions. */
  let last: { real: CliResult; stand: EngineResult };

  /**
   * Runs `operation` under both engines (the same program folder; separate stacks, state and
   * emulators) and compares requests, emulator state, resource outputs, stack outputs and exit status.
   */
  async function bothAgree(operation: "up" | "refresh" | "destroy"): Promise<void> {
    realProxy.sent.length = 0;
    localProxy.sent.length = 0;
    // At once: separate stacks, state and emulators, so neither run sees the other.
    const [real, stand] = await Promise.all([
      p.pulumi([operation, "--yes", "--non-interactive", "--skip-preview"]),
      runEngine({
        operation,
        cwd: p.dir,
        stack: "local",
        // The dev stack's file holds this too (examples/quickstart/Pulumi.dev.yaml).
        config: { "webex:baseUrl": localProxy.url, "webex:provisioningTimeoutSeconds": "600" },
        secretConfig: { "webex:accessToken": local.token },
        env: { PULUMI_CONFIG_PASSPHRASE: "differential-suite-passphrase" },
        output: () => undefined,
      }),
    ]);
    last = { real, stand };
    await realIds.learn(p.emulator);
    await localIds.learn(local);
    expect(stand.exitCode, `exit status; the CLI's ${tail(real)}\nthe stand-in's errors: ${stand.errors.join("\n")}`).to.equal(real.code);
    const [realLog, localLog] = [requestLog(realProxy.sent, realIds), requestLog(localProxy.sent, localIds)];
    expect(localLog.writes, "writes (method, path, status, body)").to.deep.equal(realLog.writes);
    expect(localLog.reads, "distinct reads (method, path, status)").to.deep.equal(realLog.reads);
    expect(await emulatorState(local, localIds), "emulator state").to.deep.equal(await emulatorState(p.emulator, realIds));

    const exported = await p.pulumi(["stack", "export"]);
    expect(exported.code, tail(exported)).to.equal(0);
    const realResources = (JSON.parse(exported.output) as { deployment: { resources?: Stored[] } }).deployment.resources ?? [];
    const localResources = (readStoredState(stand.stateFile)!.raw as { resources: Stored[] }).resources;
    expect(resourcesOf(localResources, localIds), "resources' ids and outputs").to.deep.equal(resourcesOf(realResources, realIds));

    // The Stack resource's outputs are the stack outputs (what `pulumi stack output` shows).
    const stackOutputs = realResources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
    expect(localIds.apply(stand.outputs), "stack outputs").to.deep.equal(realIds.apply(stackOutputs));
  }

  const customerOf = (s: State, externalId: string) => Object.values(s.customers).find((c) => c.externalId === externalId)!;

  it("up from empty, the customers' creates ending provisioned_with_errors: both fail alike", async () => {
    // Both customers fail: had one succeeded, whether its users' creates start before the other's
    // failure cancels the deployment would be a race (in either engine).
    const outcomes = { "diff-c0001": "provisioned_with_errors", "diff-c0002": "provisioned_with_errors" } as const;
    for (const e of emulators()) await e.admin.loadFixtures({ asyncOutcomes: outcomes });
    await bothAgree("up");
    expect(last.real.code, "the up failed").to.not.equal(0);
    expect(realProxy.sent.filter((s) => s.method === "POST").length, "the step created something").to.be.greaterThan(0);
    for (const e of emulators()) await e.admin.loadFixtures({ asyncOutcomes: {} });
  });

  it("a refresh after the failed create (a successful read clears the init errors)", async () => {
    await bothAgree("refresh");
    expect(last.real.code).to.equal(0);
    expect(
      realProxy.sent.filter((s) => s.method !== "GET"),
      "a refresh writes nothing",
    ).to.deep.equal([]);
  });

  it("the next up retries the failed customers and creates their users", async () => {
    await bothAgree("up");
    expect(last.real.code).to.equal(0);
    for (const id of ["diff-c0001", "diff-c0002"]) expect(customerOf(await p.emulator.admin.state(), id).status).to.equal("provisioned");
    expect(realProxy.sent.filter((s) => s.method === "PUT").length, "one PUT per failed customer").to.equal(2);
  });

  it("a no-change up (no write under either engine)", async () => {
    await bothAgree("up");
    expect(realProxy.sent.filter((s) => s.method !== "GET")).to.deep.equal([]);
  });

  it("a quantity bump on every customer and a user added", async () => {
    catalog({ quantityBump: 1, extraUsers: 1 });
    await bothAgree("up");
    expect(realProxy.sent.filter((s) => s.method === "PUT").length, "the customers were updated").to.be.greaterThan(0);
    expect(realProxy.sent.filter((s) => s.method === "POST").length, "the user was created").to.be.greaterThan(0);
  });

  it("each customer gains a site with two numbers on a local gateway (a location, its PSTN, numbers and main number)", async () => {
    catalog({ quantityBump: 1, extraUsers: 1, siteNumbers: 2 });
    await bothAgree("up");
    expect(last.real.code).to.equal(0);
    const sites = Object.values((await p.emulator.admin.state()).locations).sort((a, b) => a.name.localeCompare(b.name));
    expect(sites.map((l) => [l.name, l.numbers.length, l.mainNumber === l.numbers[0]?.phoneNumber])).to.deep.equal([
      ["diff-c0001 site", 2, true],
      ["diff-c0002 site", 2, true],
    ]);
  });

  it("a refresh after drift made on the server (an address changed, a user deleted outside Pulumi), then the up that puts them back", async () => {
    for (const e of emulators()) {
      const s = await e.admin.state();
      const c = customerOf(s, "diff-c0001");
      c.address = { ...c.address, addressLine1: "9 Other Street" };
      const gone = Object.entries(s.subscribers).find(([, u]) => u.email === "user0002@diff-c0002.example")![0];
      delete s.subscribers[gone];
      await e.admin.replaceState(s);
    }
    await bothAgree("refresh");
    expect(last.real.code, "the refresh succeeded").to.equal(0);
    await bothAgree("up");
    expect(last.real.code).to.equal(0);
    expect(customerOf(await p.emulator.admin.state(), "diff-c0001").address.addressLine1).to.equal("1 Market Street");
  });

  it("a removal", async () => {
    catalog({ quantityBump: 1, siteNumbers: 2 });
    await bothAgree("up");
    expect(realProxy.sent.filter((s) => s.method === "DELETE").length, "the user was deleted").to.equal(1);
  });

  it("destroy (the sites' calling disabled, their records kept)", async () => {
    await bothAgree("destroy");
    expect(last.real.code).to.equal(0);
    expect(
      realProxy.sent.filter((s) => s.path.startsWith("/v1/telephony/config/jobs/locations/deleteCallingLocation") && s.method === "POST"),
    ).to.have.length(2);
    expect(Object.keys((await local.admin.state()).customers)).to.have.length(0);
  });
});
