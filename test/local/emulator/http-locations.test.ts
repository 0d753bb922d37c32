// HTTP contract of the Locations, PSTN and numbers routes over loopback (issue 25): a second
// site from creation to a user on one of its numbers and back to disabled calling, with the
// Webex error shape and TrackingID on every answer, faults as on every other route, and the
// route templates in the counters.
import { expect } from "chai";
import { type EmulatorHandle, startEmulator } from "../../../local/emulator";
import { api, type Reply, sleep, template } from "./http";
import { customerBody } from "./world";

const L = "/v1/locations";
const TC = "/v1/telephony/config";
const JOBS = `${TC}/jobs/locations/deleteCallingLocation`;
const SCENARIO = "X-Emulator-Scenario";
const enc = encodeURIComponent;

const SITE = {
  name: "Branch Office",
  timeZone: "America/New_York",
  preferredLanguage: "en_us",
  announcementLanguage: "en_us",
  address: { address1: "2 Side Street", city: "Boston", state: "MA", postalCode: "02101", country: "US" },
};

/** Every answer carries a TrackingID; an error's body has the Webex shape with the same id. */
function contract(r: Reply): Reply {
  const tracking = r.headers.get("trackingid");
  expect(tracking, "TrackingID header").to.be.a("string").and.not.equal("");
  if (r.status >= 400) {
    expect(r.body).to.have.keys("message", "errors", "trackingId");
    expect(r.body.trackingId).to.equal(tracking);
    expect(r.body.errors[0]).to.have.keys("errorCode", "description");
  }
  return r;
}

/** Polls until `done` says so (the provisioning delay is short here). */
async function until(read: () => Promise<Reply>, done: (r: Reply) => boolean): Promise<Reply> {
  for (let i = 0; i < 100; i++) {
    const r = await read();
    if (done(r)) return r;
    await sleep(20);
  }
  throw new Error("gave up waiting");
}

describe("emulator server: locations, PSTN and numbers over HTTP", () => {
  let emu: EmulatorHandle;
  let orgId = "";
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    contract(await api(emu, method, `${path}${path.includes("?") ? "&" : "?"}orgId=${enc(orgId)}`, body, headers));

  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
  });
  after(() => emu.close());
  beforeEach(async () => {
    await emu.admin.reset();
    const pid = await template(emu);
    const created = await api(emu, "POST", "/v1/wholesale/customers", customerBody(pid));
    expect(created.status).to.equal(202);
    const done = await until(
      () => api(emu, "GET", created.headers.get("location") ?? ""),
      (r) => r.body.status === "provisioned",
    );
    orgId = done.body.orgId as string;
  });

  it("a second site: create, enable calling, PSTN, numbers, main number, a user, then disable calling", async () => {
    const created = await call("POST", L, SITE);
    expect(created.status).to.equal(201);
    const id = created.body.id as string;
    expect(id).to.include("="); // clients must URL-encode it
    expect((await call("POST", `${TC}/locations`, { id })).body).to.deep.equal({ id });
    const options = await call("GET", `/v1/telephony/pstn/locations/${enc(id)}/connectionOptions`);
    expect(options.body.items.map((o: { id: string }) => o.id)).to.include("lgw-1");
    const setPstn = await call("PUT", `/v1/telephony/pstn/locations/${enc(id)}/connection`, { id: "lgw-1" });
    expect([setPstn.status, setPstn.body]).to.deep.equal([204, undefined]);
    expect((await call("GET", `/v1/telephony/pstn/locations/${enc(id)}/connection`)).body.pstnConnectionType).to.equal("LOCAL_GATEWAY");

    const numbers = `${TC}/locations/${enc(id)}/numbers`;
    expect((await call("POST", numbers, { phoneNumbers: ["+16175550100", "+16175550101"] })).status).to.equal(200);
    expect((await call("PUT", numbers, { phoneNumbers: ["+16175550100", "+16175550101"] })).status).to.equal(204);
    expect((await call("PUT", `${TC}/locations/${enc(id)}`, { callingLineId: { phoneNumber: "+16175550100" } })).status).to.equal(204);

    const customerId = (await api(emu, "GET", `/v1/wholesale/customers?externalId=acme-001`)).body.items[0].id as string;
    const user = contract(
      await api(emu, "POST", "/v1/wholesale/subscribers", {
        customerId,
        email: "ann@acme.example",
        packages: ["webex_calling"],
        provisioningParameters: { firstName: "Ann", lastName: "Lee", primaryPhoneNumber: "+16175550101", locationId: id },
      }),
    );
    expect(user.status).to.equal(200);

    const inventory = await call("GET", `${TC}/numbers?locationId=${enc(id)}`);
    expect(
      inventory.body.phoneNumbers.map((n: { phoneNumber: string; mainNumber: boolean; owner?: { firstName: string } }) => [
        n.phoneNumber,
        n.mainNumber,
        n.owner?.firstName,
      ]),
    ).to.deep.equal([
      ["+16175550100", true, undefined],
      ["+16175550101", false, "Ann"],
    ]);

    // DELETE with a JSON body: the main number and the user's number are refused, named
    const main = await call("DELETE", numbers, { phoneNumbers: ["+16175550100"] });
    expect([main.status, main.body.errors[0].errorCode]).to.deep.equal([400, 1606]);
    const owned = await call("DELETE", numbers, { phoneNumbers: ["+16175550101"] });
    expect([owned.status, owned.body.errors[0].errorCode]).to.deep.equal([409, 1607]);
    expect(owned.body.errors[0].description).to.include("Ann Lee");

    const precheck = `${TC}/locations/${enc(id)}/actions/precheckForDeletion/invoke`;
    const blocked = await call("POST", precheck);
    expect([blocked.body.locationDeleteStatus, blocked.body.blocking.usersInUseCount]).to.deep.equal(["BLOCKED", 1]);
    expect((await call("POST", JOBS, { locationId: id })).status).to.equal(409);

    expect((await api(emu, "DELETE", `/v1/wholesale/subscribers/${enc(user.body.id as string)}`)).status).to.equal(204);
    expect((await call("POST", precheck)).body.locationDeleteStatus).to.equal("UNBLOCKED");
    const job = await call("POST", JOBS, { locationId: id, locationName: "Branch Office" });
    expect([job.status, job.body.latestExecutionStatus]).to.deep.equal([202, "STARTED"]);
    const finished = await until(
      () => call("GET", `${JOBS}/${enc(job.body.id as string)}`),
      (r) => r.body.latestExecutionStatus !== "STARTED",
    );
    expect(finished.body.latestExecutionStatus).to.equal("COMPLETED");
    expect((await call("GET", `${L}/${enc(id)}`)).body.name, "the location record stays").to.equal("Branch Office");
    expect((await call("GET", `${TC}/numbers`)).body.phoneNumbers).to.deep.equal([]);
  });

  it("errors: unknown location 404, wrong scope 403, bad body 400 naming the field; TrackingID echoed", async () => {
    const missing = await call("GET", `${L}/${enc("bm9wZQ==")}`, undefined, { TrackingID: "trace-loc-1" });
    expect([missing.status, missing.body.errors[0].errorCode, missing.headers.get("trackingid")]).to.deep.equal([404, 1404, "trace-loc-1"]);
    const bad = await call("POST", L, { ...SITE, timeZone: "Nowhere/Land" });
    expect([bad.status, bad.body.errors[0].description]).to.satisfy(([s, d]: [number, string]) => s === 400 && d.startsWith("timeZone:"));
    await emu.admin.loadFixtures({ tokens: [{ token: "locations-read-only", scopes: ["spark-admin:locations_read"] }] });
    const denied = contract(await api(emu, "POST", `${L}?orgId=${enc(orgId)}`, SITE, { Authorization: "Bearer locations-read-only" }));
    expect([denied.status, denied.body.errors[0].errorCode]).to.deep.equal([403, 1403]);
  });

  it("faults as on every route: forced 503 writes nothing; commit-then-500 writes (a retry gets 1601)", async () => {
    const unavailable = await call("POST", L, SITE, { [SCENARIO]: "503" });
    expect([unavailable.status, unavailable.headers.get("retry-after")]).to.deep.equal([503, "1"]);
    expect(Object.keys((await emu.admin.state()).locations)).to.deep.equal([]);
    const committed = await call("POST", L, SITE, { [SCENARIO]: "commit-then-500" });
    expect(committed.status).to.equal(500);
    const retry = await call("POST", L, SITE);
    expect([retry.status, retry.body.errors[0].errorCode]).to.deep.equal([409, 1601]);
  });

  it("X-Emulator-Scenario: error makes a disable-calling job FAILED", async () => {
    const id = (await call("POST", L, SITE)).body.id as string;
    await call("POST", `${TC}/locations`, { id });
    const job = await call("POST", JOBS, { locationId: id }, { [SCENARIO]: "error" });
    const finished = await until(
      () => call("GET", `${JOBS}/${enc(job.body.id as string)}`),
      (r) => r.body.latestExecutionStatus !== "STARTED",
    );
    expect(finished.body.latestExecutionStatus).to.equal("FAILED");
  });

  it("the inventory pages with start/max and an absolute Link; counters name the route templates", async () => {
    const headquarters = (await call("GET", L)).body.items[0].id as string;
    await call("PUT", `/v1/telephony/pstn/locations/${enc(headquarters)}/connection`, { id: "ccp-integrated" });
    const first = await call("GET", `${TC}/numbers?max=2`);
    expect(first.body.phoneNumbers).to.have.length(2);
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get("link") ?? "")?.[1] ?? "";
    expect(link).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/telephony\/config\/numbers\?.*start=2/);
    const next = contract(await api(emu, "GET", link));
    expect(next.body.phoneNumbers).to.have.length(2);
    expect(next.body.phoneNumbers[0].phoneNumber).to.not.equal(first.body.phoneNumbers[0].phoneNumber);
    const counters = await emu.admin.counters();
    expect(counters.byRoute).to.include({
      "PUT /v1/telephony/pstn/locations/{id}/connection": 1,
      "GET /v1/telephony/config/numbers": 2,
    });
  });
});
