// The admin surface and persistence over loopback: separate token, counters per route
// template, request log, reset, fixtures, planted duplicates caught by the invariants, and a
// state file that survives a restart (in-flight provisioning resuming) without holding a token.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorAdmin, EmulatorAdminError, type EmulatorHandle, startEmulator } from "../../../local/emulator";
import { api, meetingsCustomer, sleep, template } from "./http";

const C = "/v1/wholesale/customers";

describe("emulator server: admin API", () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0 });
  });
  after(() => emu.close());
  beforeEach(() => emu.admin.reset());

  const refused: { name: string; headers: Record<string, string> }[] = [
    { name: "no credentials", headers: {} },
    { name: "the partner token as Bearer", headers: { Authorization: "Bearer PARTNER" } },
    { name: "the partner token in the admin header", headers: { "X-Emulator-Admin": "PARTNER" } },
    { name: "a wrong admin token", headers: { "X-Emulator-Admin": "not-the-admin-token" } },
  ];
  for (const r of refused) {
    it(`/__admin/state with ${r.name} → 401`, async () => {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.replace("PARTNER", emu.token)]));
      const res = await fetch(`${emu.url}/__admin/state`, { headers });
      expect(res.status).to.equal(401);
      expect(await res.text()).to.not.include(emu.adminToken);
    });
  }

  it("EmulatorAdmin built from url + admin token works from anywhere; a wrong token throws EmulatorAdminError 401", async () => {
    const other = new EmulatorAdmin(`${emu.url}/`, emu.adminToken);
    expect((await other.counters()).total).to.equal(0);
    const wrong = new EmulatorAdmin(emu.url, "wrong-admin-token");
    const err = await wrong.state().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmulatorAdminError);
    expect((err as EmulatorAdminError).status).to.equal(401);
    expect(JSON.stringify(wrong)).to.not.include("wrong-admin-token");
  });

  it("counters count per METHOD route-template, reads/writes and statuses; reset zeroes them", async () => {
    const pid = await template(emu);
    const created = await api(emu, "POST", C, meetingsCustomer(pid, "count-1"));
    await api(emu, "GET", created.body.url);
    await api(emu, "GET", created.body.url);
    await api(emu, "GET", `${C}?externalId=count-1`);
    const c = await emu.admin.counters();
    expect(c.byRoute).to.deep.equal({
      "POST /v1/wholesale/onboardingTemplates": 1,
      "POST /v1/wholesale/customers": 1,
      "GET /v1/wholesale/customers/{id}": 2,
      "GET /v1/wholesale/customers": 1,
    });
    expect([c.total, c.reads, c.writes, c.byMethod["GET"], c.byStatus["200"]]).to.deep.equal([5, 3, 2, 3, 3]);
    await emu.admin.resetCounters();
    expect((await emu.admin.counters()).total).to.equal(0);
    expect((await emu.admin.requests()).length, "the log survives a counters reset").to.equal(5);
  });

  it("the request log holds method, route template, status and time, never a token", async () => {
    await api(emu, "GET", `${C}/${encodeURIComponent("abc==")}`, undefined, { TrackingID: "log-1" });
    const [entry] = await emu.admin.requests();
    expect(entry).to.deep.include({ method: "GET", route: "/v1/wholesale/customers/{id}", status: 404, trackingId: "log-1" });
    expect(Date.parse(entry?.time ?? "")).to.be.closeTo(Date.now(), 5000);
    expect(JSON.stringify(await emu.admin.requests())).to.not.include(emu.token);
  });

  it("state shows what the API hides (limits, names) and never a token", async () => {
    const pid = await template(emu);
    const body = {
      ...meetingsCustomer(pid, "hidden-1"),
      provisioningParameters: { packages: { limits: { webex_meetings: 7 } } },
    };
    const created = await api(emu, "POST", C, body);
    const cid = decodeURIComponent(created.body.url.split("/").pop());
    await api(emu, "POST", "/v1/wholesale/subscribers", {
      customerId: cid,
      email: "ada@x.example",
      packages: ["webex_meetings"],
      provisioningParameters: { firstName: "Ada" },
    });
    const state = await emu.admin.state();
    expect(state.customers[cid]?.limits).to.deep.equal({ webex_meetings: 7 });
    expect(Object.values(state.subscribers)[0]?.firstName).to.equal("Ada");
    expect(JSON.stringify(state)).to.not.include(emu.token);
  });

  it("invariants: ok on a clean state, then report a planted duplicate externalId and email", async () => {
    const pid = await template(emu);
    const created = await api(emu, "POST", C, meetingsCustomer(pid, "dup-1"));
    const cid = decodeURIComponent(created.body.url.split("/").pop());
    await api(emu, "POST", "/v1/wholesale/subscribers", {
      customerId: cid,
      email: "same@x.example",
      packages: ["webex_meetings"],
      provisioningParameters: {},
    });
    expect(await emu.admin.invariants()).to.deep.equal({ ok: true, duplicates: [], orphans: [] });
    const state = await emu.admin.state();
    const customer = state.customers[cid];
    const subscriber = Object.values(state.subscribers)[0];
    if (customer === undefined || subscriber === undefined) throw new Error("setup failed");
    await emu.admin.replaceState({
      ...state,
      customers: { ...state.customers, twin: { ...customer, id: "twin" } },
      subscribers: { ...state.subscribers, twin: { ...subscriber, id: "twin", customerId: "twin" } },
    });
    const report = await emu.admin.invariants();
    expect(report.ok).to.equal(false);
    expect(report.duplicates.map((d) => d.kind)).to.include.members(["customer.externalId", "subscriber.email"]);
  });

  it("reset empties the data but keeps the partner token; fixtures add tokens and free accounts", async () => {
    await template(emu);
    await emu.admin.loadFixtures({
      tokens: [{ token: "fixture-token-1", scopes: ["spark-admin:wholesale_customers_read"] }],
      freeAccountEmails: ["Free@x.example"],
    });
    expect((await api(emu, "GET", C, undefined, { Authorization: "Bearer fixture-token-1" })).status).to.equal(200);
    const fixtures = (await emu.admin.state()).fixtures;
    expect(fixtures.freeAccountEmails).to.deep.equal(["free@x.example"]);
    expect(JSON.stringify(fixtures)).to.not.include("fixture-token-1");
    await emu.admin.reset();
    const state = await emu.admin.state();
    expect([Object.keys(state.templates), state.fixtures.freeAccountEmails]).to.deep.equal([[], ["free.account@example.com"]]);
    expect((await api(emu, "GET", C)).status).to.equal(200);
    expect((await api(emu, "GET", C, undefined, { Authorization: "Bearer fixture-token-1" })).status).to.equal(401);
  });

  it("configure validates its input (400 → EmulatorAdminError)", async () => {
    await expect(emu.admin.configure({ provisioningDelayMs: -1 })).to.be.rejectedWith(EmulatorAdminError, /provisioningDelayMs/);
  });

  it("an unknown admin route is 404 with the error shape", async () => {
    const res = await fetch(`${emu.url}/__admin/nothing`, { headers: { "X-Emulator-Admin": emu.adminToken } });
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).to.equal(1404);
  });
});

describe("emulator server: persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "emulator-state-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a restart keeps customers, and an in-flight provisioning resumes", async () => {
    const stateFile = join(dir, "nested", "state.json");
    const token = "persistent-partner-token";
    const first = await startEmulator({ stateFile, token, rateLimit: false, provisioningDelayMs: 400 });
    const pid = await template(first);
    const created = await api(first, "POST", C, meetingsCustomer(pid, "kept-1"));
    const cid = decodeURIComponent(created.body.url.split("/").pop());
    await first.close();

    const text = readFileSync(stateFile, "utf8");
    expect(text).to.include("kept-1");
    expect(text).to.not.include(token);
    expect(readdirSync(join(dir, "nested"))).to.deep.equal(["state.json"]);

    const second = await startEmulator({ stateFile, token, rateLimit: false });
    try {
      const path = `${C}/${encodeURIComponent(cid)}`;
      const during = await api(second, "GET", path);
      expect(during.status).to.equal(200);
      expect(["provisioning", "provisioned"]).to.include(during.body.status);
      await sleep(450);
      expect((await api(second, "GET", path)).body.status).to.equal("provisioned");
      expect((await api(second, "POST", C, meetingsCustomer(pid, "kept-1"))).status, "externalId still taken").to.equal(409);
    } finally {
      await second.close();
    }
  });

  it("bursts of writes are coalesced and the file is complete after close()", async () => {
    const stateFile = join(dir, "state.json");
    const emu = await startEmulator({ stateFile, rateLimit: false, provisioningDelayMs: 0 });
    const pid = await template(emu);
    await Promise.all(Array.from({ length: 20 }, (_, i) => api(emu, "POST", C, meetingsCustomer(pid, `burst-${i}`))));
    await emu.close();
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as { customers: Record<string, unknown> };
    expect(Object.keys(saved.customers)).to.have.length(20);
  });

  it("a file that is not a state is refused with its name", async () => {
    const stateFile = join(dir, "bad.json");
    writeFileSync(stateFile, JSON.stringify({ hello: "world" }));
    await expect(startEmulator({ stateFile })).to.be.rejectedWith(/bad\.json is not an emulator state file/);
  });
});
