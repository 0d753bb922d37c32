// The main job (root Pulumi.yaml + catalog/customers.yaml), as `npm start` runs it, on a private
// emulator and state, plus the argument handling of `npm start`.
import { expect } from "chai";
import { join, resolve } from "node:path";
import { parseArgs } from "../../scripts/start";
import { changes, failureText, ROOT, stepCounts, useScenario, writes } from "./harness";

describe("e2e: the main job (root program, sample catalog)", function () {
  this.timeout(120_000);
  const s = useScenario("main-job", undefined, ".");

  it("up creates the sample catalog: limited quantities kept, calling users at their headquarters or declared site", async () => {
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create).to.equal(1 + 2 + 4 + 2 + 10); // the deletion guard, templates, customers, locations, users
    const state = await s.state();
    const customers = Object.values(state.customers);
    expect(customers.map((c) => c.status)).to.deep.equal(customers.map(() => "provisioned"));
    const byExternalId = new Map(customers.map((c) => [c.externalId, c]));
    expect(byExternalId.get("boulangerie-dupont-001")?.limits).to.deep.equal({ webex_meetings: 10 });
    expect(byExternalId.get("cabinet-martin-002")?.limits).to.equal(null);
    // Users the catalog places at a site (`location:`) are there, with their number.
    const sites = r.outputs.locationIds as Record<string, string>;
    const atSite = { "linus@acme.example": "acme-corp-003/Acme Denver", "barbara@acme.example": "acme-corp-003/Acme Austin" };
    const numbers = { "linus@acme.example": "+13035550101", "barbara@acme.example": "+15125550101" };
    for (const [email, site] of Object.entries(atSite)) {
      const u = Object.values(state.subscribers).find((x) => x.email === email)!;
      expect(u.locationId, email).to.equal(sites[site]).and.not.equal(undefined);
      expect(u.primaryPhoneNumber, email).to.equal(numbers[email as keyof typeof numbers]);
    }
    for (const externalId of ["acme-corp-003", "northwind-004"]) {
      const customer = byExternalId.get(externalId)!;
      const hq = customer.headquarters?.id;
      expect(hq, `${externalId} headquarters`).to.be.a("string");
      const calling = Object.values(state.subscribers).filter(
        (u) => u.customerId === customer.id && u.packages[0] !== "webex_meetings" && !(u.email in atSite),
      );
      expect(calling.length, `${externalId} calling users`).to.be.greaterThan(0);
      for (const u of calling) expect(u.locationId, u.email).to.equal(hq);
    }
    expect(r.outputs.counts).to.deep.equal({ templates: 2, customers: 4, locations: 2, users: 10 });
  });

  it("a second up changes nothing and writes nothing", async () => {
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(changes(r)).to.equal(0);
    expect(writes(await s.requests())).to.equal(0);
  });

  it("destroy leaves the emulator empty", async () => {
    const r = await s.run("destroy");
    expect(r.ok, failureText(r)).to.equal(true);
    const state = await s.state();
    expect([Object.keys(state.templates), Object.keys(state.customers), Object.keys(state.subscribers)]).to.deep.equal([[], [], []]);
    expect(await s.invariants()).to.include({ ok: true });
  });
});

describe("npm start arguments", () => {
  /** What every option is when not given: state in .local/, the emulator's 2 s provisioning. */
  const DEFAULTS = { stateDir: join(ROOT, ".local"), provisioningMs: 2000 };
  const valid: { argv: string[]; expected: ReturnType<typeof parseArgs> }[] = [
    {
      argv: [],
      expected: { ...DEFAULTS, operation: "up", forceLocalEngine: false, requireCli: false, allowDeletes: false, allowLookalikes: false },
    },
    {
      argv: ["preview"],
      expected: {
        ...DEFAULTS,
        operation: "preview",
        forceLocalEngine: false,
        requireCli: false,
        allowDeletes: false,
        allowLookalikes: false,
      },
    },
    {
      argv: ["destroy", "--local-engine"],
      expected: {
        ...DEFAULTS,
        operation: "destroy",
        forceLocalEngine: true,
        requireCli: false,
        allowDeletes: false,
        allowLookalikes: false,
      },
    },
    {
      argv: ["--local-engine", "refresh"],
      expected: {
        ...DEFAULTS,
        operation: "refresh",
        forceLocalEngine: true,
        requireCli: false,
        allowDeletes: false,
        allowLookalikes: false,
      },
    },
    {
      argv: ["--engine", "local"],
      expected: { ...DEFAULTS, operation: "up", forceLocalEngine: true, requireCli: false, allowDeletes: false, allowLookalikes: false },
    },
    {
      argv: ["preview", "--engine=cli"],
      expected: {
        ...DEFAULTS,
        operation: "preview",
        forceLocalEngine: false,
        requireCli: true,
        allowDeletes: false,
        allowLookalikes: false,
      },
    },
    {
      argv: ["up", "--allow-deletes"],
      expected: { ...DEFAULTS, operation: "up", forceLocalEngine: false, requireCli: false, allowDeletes: true, allowLookalikes: false },
    },
    {
      argv: ["preview", "--allow-lookalikes"],
      expected: {
        ...DEFAULTS,
        operation: "preview",
        forceLocalEngine: false,
        requireCli: false,
        allowDeletes: false,
        allowLookalikes: true,
      },
    },
    {
      argv: ["--state-dir", "some/dir", "--provisioning-ms=0"],
      expected: {
        ...DEFAULTS,
        operation: "up",
        forceLocalEngine: false,
        requireCli: false,
        allowDeletes: false,
        allowLookalikes: false,
        stateDir: resolve("some/dir"),
        provisioningMs: 0,
      },
    },
  ];
  for (const c of valid) {
    it(`accepts ${JSON.stringify(c.argv)}`, () => expect(parseArgs(c.argv)).to.deep.equal(c.expected));
  }
  const invalid: { argv: string[]; reason: RegExp }[] = [
    { argv: ["deploy"], reason: /unexpected argument "deploy"/ },
    { argv: ["up", "preview"], reason: /unexpected argument "preview"/ },
    { argv: ["--yes"], reason: /usage: npm start/ },
    { argv: ["--engine", "docker"], reason: /--engine takes cli or local/ },
    { argv: ["--provisioning-ms", "soon"], reason: /--provisioning-ms takes a whole number of milliseconds/ },
    { argv: ["--state-dir"], reason: /--state-dir needs a value/ },
  ];
  for (const c of invalid) {
    it(`refuses ${JSON.stringify(c.argv)} with the usage`, () => expect(() => parseArgs(c.argv)).to.throw(c.reason));
  }
});
