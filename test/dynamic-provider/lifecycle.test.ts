/**
 * Plugin level: each provider serialized exactly as `dynamic.Resource` does, run by Pulumi's own
 * dynamic-provider plugin over gRPC against the emulator, the token passed ONLY through Configure:
 * configure → check → create → diff → update → read → delete for each resource. Records the API
 * calls each operation made (emulator counters) and the size of `__provider`, and prints them.
 */
import { expect } from "chai";
import { startEmulator } from "../../local/emulator";
import { CustomerOrgProvider, CustomerUserProvider, OnboardingTemplateProvider } from "../../provider";
import { assertBuildIsFresh, PROJECT, serializeProvider, startPlugin, type Plugin, type PluginError } from "./plugin-harness";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const urn = (type: string, name: string) => `urn:pulumi:dev::${PROJECT}::pulumi-nodejs:dynamic/webex:${type}::${name}`;
const DIFF_SOME = 2;
const DIFF_NONE = 1;

/** API calls of one operation, by route, plus totals. */
interface Calls {
  total: number;
  writes: number;
  byRoute: Record<string, number>;
}

describe("dynamic-provider plugin over gRPC against the emulator (token only through Configure)", function () {
  this.timeout(120_000);
  let emu: Emulator;
  let plugin: Plugin;
  const code: Record<string, string> = {};
  const figures: { resource: string; operation: string; calls: Calls }[] = [];
  const everything: unknown[] = [];

  /** Runs `op` and returns its result with the API calls it made. */
  async function measured<T>(resource: string, operation: string, op: () => Promise<T>): Promise<{ result: T; calls: Calls }> {
    await emu.admin.resetCounters();
    const result = await op();
    const c = await emu.admin.counters();
    const calls = { total: c.total, writes: c.writes, byRoute: c.byRoute };
    figures.push({ resource, operation, calls });
    everything.push(result);
    return { result, calls };
  }

  before(async function () {
    assertBuildIsFresh();
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
    code.OnboardingTemplate = await serializeProvider(new OnboardingTemplateProvider());
    code.CustomerOrg = await serializeProvider(new CustomerOrgProvider());
    code.CustomerUser = await serializeProvider(new CustomerUserProvider());
    plugin = await startPlugin();
    await plugin.configure({
      "webex:accessToken": emu.token,
      "webex:baseUrl": emu.url,
      "webex:provisioningTimeoutSeconds": "60",
      [`${PROJECT}:unrelated`]: "x",
    });
  });

  after(async function () {
    await plugin?.close();
    await emu?.close();
    if (figures.length > 0) {
      const sizes = Object.entries(code)
        .map(([k, v]) => `${k} ${v.length} chars`)
        .join(", ");
      const lines = figures.map(
        (f) =>
          `  ${f.resource.padEnd(18)} ${f.operation.padEnd(7)} calls=${String(f.calls.total).padEnd(3)} writes=${f.calls.writes}  ` +
          Object.entries(f.calls.byRoute)
            .map(([r, n]) => `${r}×${n}`)
            .join(", "),
      );
      console.log(`\n  __provider sizes: ${sizes}\n  API calls per operation:\n${lines.join("\n")}\n`);
    }
  });

  it("serialized providers hold no token and stay small", () => {
    for (const [name, text] of Object.entries(code)) {
      expect(text, name).not.to.include(emu.token);
      expect(text.length, name).to.be.below(5000);
    }
  });

  const state: Record<string, { id: string; outs: Record<string, unknown>; inputs: Record<string, unknown> }> = {};

  /** check → create for one resource, asserting check made no call and create one write. */
  async function checkAndCreate(type: string, name: string, args: Record<string, unknown>) {
    const { result: checked, calls: checkCalls } = await measured(type, "check", () =>
      plugin.check(urn(type, name), {}, { ...args, __provider: code[type]! }),
    );
    expect(checked.failures).to.deep.equal([]);
    expect(checkCalls.total, "check makes no API call").to.equal(0);
    const { result: created, calls } = await measured(type, "create", () => plugin.create(urn(type, name), checked.inputs));
    expect(calls.writes, "create makes exactly one write").to.equal(1);
    expect(created.outs.__provider).to.equal(code[type]);
    state[type] = { id: created.id, outs: created.outs, inputs: checked.inputs };
    return created;
  }

  it("OnboardingTemplate: check → create", async () => {
    const created = await checkAndCreate("OnboardingTemplate", "smb", {
      templateName: "SMB EMEA",
      serviceProviderAdmin: "ops@partner.example",
      countryCode: "fr",
      defaultEmailLanguage: "fr_FR",
      wholesaleSubscriptionId: "Sub-123",
      emailBrandName: "Partner Voice",
    });
    expect(created.outs).to.include({ templateId: created.id, countryCode: "FR" });
    expect(created.outs.provisioningId).to.be.a("string");
  });

  it("CustomerOrg: check → create (waits until provisioned, outputs the headquarters)", async () => {
    const created = await checkAndCreate("CustomerOrg", "acme-001", {
      provisioningId: state.OnboardingTemplate!.outs.provisioningId,
      externalId: "acme-001",
      companyName: "Acme",
      adminEmail: "admin@acme.example",
      supportedLocationConfirmed: true,
      address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
      packages: [
        { name: "webex_calling", quantity: 10 },
        { name: "webex_suite", quantity: 5 },
      ],
      headquarters: { timeZone: "America/Chicago" },
    });
    expect(created.outs).to.include({ customerId: created.id, status: "provisioned", limited: true, adminPackage: "webex_suite" });
    expect(created.outs.headquartersLocationId).to.be.a("string");
  });

  it("CustomerOrg: the rerun of a create a killed run left pending (cleared by refresh --clear-pending-creates) adopts it: 0 writes, same id", async () => {
    const s = state.CustomerOrg!;
    const { result, calls } = await measured("CustomerOrg", "rerun", () => plugin.create(urn("CustomerOrg", "acme-001"), s.inputs));
    expect(result.id).to.equal(s.id);
    expect(calls.writes, "no second customer").to.equal(0);
  });

  it("CustomerUser: check → create (placed in the headquarters without a lookup of its own)", async () => {
    const created = await checkAndCreate("CustomerUser", "bob@acme.example", {
      customerId: state.CustomerOrg!.id,
      email: "bob@acme.example",
      firstName: "Bob",
      lastName: "Builder",
      package: "webex_calling",
      extension: "0101",
    });
    expect(created.outs).to.include({ status: "provisioned", assignedLocationId: state.CustomerOrg!.outs.headquartersLocationId });
  });

  const updates: {
    type: string;
    name: string;
    change: (inputs: Record<string, unknown>) => Record<string, unknown>;
    expectOut: Record<string, unknown>;
  }[] = [
    {
      type: "OnboardingTemplate",
      name: "smb",
      change: (i) => ({ ...i, emailBrandName: "Partner Voice Pro" }),
      expectOut: { emailBrandName: "Partner Voice Pro" },
    },
    {
      type: "CustomerOrg",
      name: "acme-001",
      change: (i) => ({
        ...i,
        packages: [
          { name: "webex_calling", quantity: 20 },
          { name: "webex_suite", quantity: 5 },
        ],
      }),
      expectOut: { status: "provisioned", limited: true },
    },
    {
      type: "CustomerUser",
      name: "bob@acme.example",
      change: (i) => ({ ...i, package: "webex_suite" }),
      expectOut: { package: "webex_suite", status: "provisioned" },
    },
  ];
  for (const u of updates) {
    it(`${u.type}: diff (no call; unchanged → none, changed → some) → update (one write) → read`, async () => {
      const s = state[u.type]!;
      const unchanged = await measured(u.type, "diff", () => plugin.diff(urn(u.type, u.name), s.id, s.outs, s.inputs));
      expect(unchanged.result.changes).to.equal(DIFF_NONE);
      const news = u.change(s.inputs);
      const changed = await measured(u.type, "diff", () => plugin.diff(urn(u.type, u.name), s.id, s.outs, news));
      expect(changed.result.changes).to.equal(DIFF_SOME);
      expect(changed.result.replaces).to.deep.equal([]);
      expect(unchanged.calls.total + changed.calls.total, "diff makes no API call").to.equal(0);

      const updateStarted = Date.now();
      const { result: outs, calls } = await measured(u.type, "update", () => plugin.update(urn(u.type, u.name), s.id, s.outs, news));
      expect(calls.writes, "update makes exactly one write").to.equal(1);
      if (u.type === "CustomerOrg") {
        // State records the customer provisioned: the PUT goes first (no read before it), and one
        // status read sees the update done (50 ms here; the first poll comes after a second).
        const sent = (await emu.admin.requests())
          .filter((e) => Date.parse(e.time) >= updateStarted && e.route === "/v1/wholesale/customers/{id}")
          .map((e) => e.method);
        expect(sent, "requests of the update").to.deep.equal(["PUT", "GET"]);
      }
      expect(outs).to.include(u.expectOut);
      expect(outs.__provider).to.equal(code[u.type]);
      for (const key of Object.keys(s.outs)) expect(outs, `update keeps output ${key}`).to.have.property(key);

      const { result: read, calls: readCalls } = await measured(u.type, "read", () => plugin.read(urn(u.type, u.name), s.id, outs));
      expect(readCalls.writes).to.equal(0);
      expect(read.id).to.equal(s.id);
      expect(read.props).to.include(u.expectOut);
      expect(read.inputs).to.be.an("object");
      state[u.type] = { id: s.id, outs: read.props, inputs: news };
    });
  }

  it("CustomerOrg: a refused change fails check (which preview calls before diff) with the property, old and new values, and what to do", async () => {
    const s = state.CustomerOrg!;
    await emu.admin.resetCounters();
    const checked = await plugin.check(urn("CustomerOrg", "acme-001"), s.inputs, { ...s.inputs, companyName: "Acme Renamed" });
    expect(checked.failures.map((f) => f.property)).to.deep.equal(["companyName"]);
    expect(checked.failures[0]!.reason).to.include("Acme Renamed").and.to.include("Instead,");
    expect((await emu.admin.counters()).total, "nothing is sent").to.equal(0);
  });

  it("CustomerOrg: refresh with drift succeeds (the engine's sequence: read, then diff of refreshed outputs against prior inputs)", async () => {
    const s = state.CustomerOrg!;
    // An administrator changed the country and added a package outside Pulumi.
    const server = await emu.admin.state();
    const record = server.customers[s.id]!;
    server.customers[s.id] = { ...record, address: { ...record.address, country: "CA" }, packages: [...record.packages, "webex_meetings"] };
    await emu.admin.replaceState(server);
    try {
      const read = await plugin.read(urn("CustomerOrg", "acme-001"), s.id, s.outs);
      expect(read.props.address).to.include({ country: "CA" });
      const drift = await plugin.diff(urn("CustomerOrg", "acme-001"), s.id, read.props, s.inputs);
      expect(drift.changes, "drift is shown, not refused").to.equal(DIFF_SOME);
      // The next preview's check judges the program against the refreshed inputs: moving the
      // customer back to its old country is refused, so that preview stops there, before any write.
      const next = await plugin.check(urn("CustomerOrg", "acme-001"), { ...read.inputs! }, s.inputs);
      expect(next.failures.map((f) => f.property)).to.include("address.country");
    } finally {
      await emu.admin.replaceState({ ...(await emu.admin.state()), customers: { ...(await emu.admin.state()).customers, [s.id]: record } });
    }
  });

  it("CustomerOrg: provisioned_with_errors → the plugin reports a partial create (id + outputs); the next update re-sends once and heals it", async () => {
    await emu.admin.loadFixtures({ asyncOutcomes: { "broken-001": "provisioned_with_errors" } });
    const type = "CustomerOrg";
    const name = "broken-001";
    const checked = await plugin.check(
      urn(type, name),
      {},
      {
        provisioningId: state.OnboardingTemplate!.outs.provisioningId,
        externalId: "broken-001",
        companyName: "Broken",
        adminEmail: "admin@broken.example",
        supportedLocationConfirmed: true,
        address: { line1: "2 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
        packages: [{ name: "webex_meetings" }, { name: "webex_calling" }],
        headquarters: { timeZone: "America/Chicago" },
        __provider: code[type]!,
      },
    );
    let error: PluginError | undefined;
    await emu.admin.resetCounters();
    try {
      await plugin.create(urn(type, name), checked.inputs);
    } catch (e) {
      error = e as PluginError;
    }
    expect(error, "create must fail").not.to.equal(undefined);
    expect(error!.details).to.include("provisioned_with_errors");
    expect(error!.initFailure, "reported as a partial create").not.to.equal(undefined);
    const partial = error!.initFailure!;
    expect(partial.id).to.be.a("string").and.not.equal("");
    expect(partial.properties).to.include({ status: "provisioned_with_errors", customerId: partial.id });
    expect(partial.properties.__provider, "the recorded state can be read, updated and deleted later").to.equal(code[type]);
    expect(partial.reasons.length).to.be.greaterThan(0);
    expect((await emu.admin.counters()).writes, "one write").to.equal(1);

    const refreshed = await plugin.read(urn(type, name), partial.id, partial.properties);
    expect(refreshed.props).to.include({ status: "provisioned_with_errors" });
    // A successful read clears the engine's init errors: only diff can make the next up retry.
    const afterRefresh = await plugin.diff(urn(type, name), partial.id, refreshed.props, { ...checked.inputs });
    expect(afterRefresh.changes, "a failed customer is a change after a refresh").to.equal(DIFF_SOME);
    await emu.admin.loadFixtures({ asyncOutcomes: {} });
    const { result: outs, calls } = await measured(type, "resume", () =>
      plugin.update(urn(type, name), partial.id, refreshed.props, checked.inputs),
    );
    expect(outs).to.include({ status: "provisioned", customerId: partial.id });
    expect(calls.writes, "one retried write, no second customer").to.equal(1);
    const puts = Object.entries(calls.byRoute).filter(([route]) => route.startsWith("PUT "));
    expect(
      puts.reduce((n, [, count]) => n + count, 0),
      `exactly one PUT (${JSON.stringify(calls.byRoute)})`,
    ).to.equal(1);
    expect(calls.byRoute["POST /v1/wholesale/customers"] ?? 0).to.equal(0);
    await plugin.delete(urn(type, name), partial.id, outs);
  });

  for (const [type, name] of [
    ["CustomerUser", "bob@acme.example"],
    ["CustomerOrg", "acme-001"],
    ["OnboardingTemplate", "smb"],
  ] as const) {
    it(`${type}: delete (waits until gone), then read answers gone and a second delete succeeds`, async () => {
      const s = state[type]!;
      const { calls } = await measured(type, "delete", () => plugin.delete(urn(type, name), s.id, s.outs));
      expect(calls.byRoute[`DELETE ${routeOf(type)}/{id}`]).to.equal(1);
      const gone = await plugin.read(urn(type, name), s.id, s.outs);
      expect(gone.id).to.equal("");
      await plugin.delete(urn(type, name), s.id, s.outs);
    });
  }

  it("the token appears in no output, no __provider and no line the plugin wrote", () => {
    expect(JSON.stringify(everything)).not.to.include(emu.token);
    expect(plugin.stderr()).not.to.include(emu.token);
    expect(plugin.stderr()).to.include("[webex] CustomerOrg acme-001:");
  });
});

function routeOf(type: string): string {
  return type === "OnboardingTemplate"
    ? "/v1/wholesale/onboardingTemplates"
    : type === "CustomerOrg"
      ? "/v1/wholesale/customers"
      : "/v1/wholesale/subscribers";
}
