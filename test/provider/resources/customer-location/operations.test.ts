/**
 * The CustomerLocation operations against nock: create with calling (enable, PSTN, numbers, main
 * number), adoption of the headquarters by exact name, numbers by difference with the main number
 * changed before the old one is removed, numbers held or owned elsewhere named with their owner,
 * an integrated PSTN refused before any number is sent, and delete's precheck and job.
 */
import { expect } from "chai";
import nock from "nock";
import { RefusedChangeError } from "../../../../provider/resources/common/change-rules";
import { ResourceInitError } from "../../../../provider/resources/common/errors";
import * as ops from "../../../../provider/resources/customer-location/operations";
import { CUSTOMER_LOCATION_SCHEMA_VERSION } from "../../../../provider/resources/customer-location/schema";
import { BASE, configureRequest, containsToken, enc, thrownBy, TOKEN, useProviderHarness, withTestClients } from "../operations-harness";
import { locationArgs, withCalling } from "./fixtures";

const ORG = "b3JnLTE=";
const LOC = "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OLzE=";
const Q = { orgId: ORG };
const NUMBERS = `/v1/telephony/config/locations/${enc(LOC)}/numbers`;
const CONNECTION = `/v1/telephony/pstn/locations/${enc(LOC)}/connection`;
const CALLING = `/v1/telephony/config/locations/${enc(LOC)}`;
const JOBS = "/v1/telephony/config/jobs/locations/deleteCallingLocation";
const address = { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" };

/** A configured provider object using the current test's clients (a fresh memo per test). */
function owner(): object {
  const o = withTestClients({});
  ops.configure(o, configureRequest() as never);
  return o;
}

function checked(args: Record<string, unknown>): Record<string, unknown> {
  const result = ops.check(owner(), {}, args);
  expect(result.failures ?? [], "fixture inputs must be valid").to.deep.equal([]);
  return result.inputs as Record<string, unknown>;
}

function api() {
  return nock(BASE).matchHeader("authorization", `Bearer ${TOKEN}`);
}

const num = (phoneNumber: string, extra: Record<string, unknown> = {}) => ({
  phoneNumber,
  state: "ACTIVE",
  mainNumber: false,
  location: { id: LOC, name: "Denver" },
  ...extra,
});
const numbersQuery = { orgId: ORG, locationId: LOC, start: "0", max: "100" };

/** The state after a create of the fixture. */
function state(args: Record<string, unknown> = locationArgs(), extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...checked(args),
    locationId: LOC,
    orgId: ORG,
    pstnConnectionType: "LOCAL_GATEWAY",
    inventory: [
      { number: "+13035550100", state: "ACTIVE" },
      { number: "+13035550101", state: "ACTIVE" },
    ],
    mainNumber: "+13035550100",
    schemaVersion: CUSTOMER_LOCATION_SCHEMA_VERSION,
    ...extra,
  };
}

describe("CustomerLocation operations against nock", () => {
  const progress = useProviderHarness();

  it("create: a new location, calling enabled, PSTN set, numbers added, main number set; outputs from the final inventory", async () => {
    const scope = api()
      .get("/v1/wholesale/customers/cust-1")
      .reply(200, { id: "cust-1", status: "provisioned", orgId: ORG })
      .get("/v1/locations")
      .query({ orgId: ORG, name: "Denver", offset: "0", max: "100" })
      .reply(200, { items: [{ id: "other", name: "Denver West" }] })
      .post("/v1/locations", {
        name: "Denver",
        timeZone: "America/Denver",
        preferredLanguage: "en_us",
        announcementLanguage: "en_us",
        address,
      })
      .query(Q)
      .reply(201, { id: LOC })
      .post("/v1/telephony/config/locations", {
        id: LOC,
        name: "Denver",
        timeZone: "America/Denver",
        preferredLanguage: "en_us",
        announcementLanguage: "en_us",
        address,
      })
      .query(Q)
      .reply(200, { id: LOC })
      .put(CONNECTION, { id: "lgw-1" })
      .query(Q)
      .reply(204)
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [] })
      .post(NUMBERS, { phoneNumbers: ["+13035550100", "+13035550101"], state: "ACTIVE" })
      .query(Q)
      .reply(200)
      .put(CALLING, { callingLineId: { phoneNumber: "+13035550100" } })
      .query(Q)
      .reply(204)
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, {
        phoneNumbers: [
          num("+13035550100", { mainNumber: true }),
          num("+13035550101", { owner: { id: "p-1", type: "PEOPLE", firstName: "Ada", lastName: "Lovelace" } }),
        ],
      });
    const result = await ops.create(owner(), checked(locationArgs()));
    scope.done();
    expect(result.id).to.equal(LOC);
    expect(result.outs!).to.include({ locationId: LOC, orgId: ORG, pstnConnectionType: "LOCAL_GATEWAY", mainNumber: "+13035550100" });
    expect(result.outs!.inventory).to.deep.equal([
      { number: "+13035550100", state: "ACTIVE" },
      { number: "+13035550101", state: "ACTIVE", owner: { id: "p-1", type: "PEOPLE", name: "Ada Lovelace" } },
    ]);
    expect(containsToken(result)).to.equal(false);
  });

  it("create: the headquarters is adopted by exact name (no POST), brought to the inputs by PUT, calling not enabled again", async () => {
    const hq = { id: LOC, name: "Headquarters", timeZone: "America/New_York", preferredLanguage: "en_us", address };
    const args = { ...withCalling({ mainNumber: "+13035550100" }), name: "Headquarters" };
    const scope = api()
      .get("/v1/wholesale/customers/cust-1")
      .reply(200, { id: "cust-1", status: "provisioned", orgId: ORG })
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [hq, { id: "l2", name: "headquarters" }] })
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(200, hq)
      .put(`/v1/locations/${enc(LOC)}`, { name: "Headquarters", timeZone: "America/Denver", preferredLanguage: "en_us", address })
      .query(Q)
      .reply(204)
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "ccp-integrated", pstnConnectionType: "INTEGRATED_CCP" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [num("+13035550100"), num("+13035550900", { mainNumber: true })] })
      .put(CALLING, { callingLineId: { phoneNumber: "+13035550100" } })
      .query(Q)
      .reply(204)
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [num("+13035550100", { mainNumber: true }), num("+13035550900")] });
    const result = await ops.create(owner(), checked(args));
    scope.done();
    expect(result.id).to.equal(LOC);
    expect(result.outs).to.include({ pstnConnectionType: "INTEGRATED_CCP", mainNumber: "+13035550100" });
  });

  it("create: numbers on a connection that turns out integrated are refused before any number is sent; the location is recorded", async () => {
    const scope = api()
      .get("/v1/wholesale/customers/cust-1")
      .reply(200, { id: "cust-1", status: "provisioned", orgId: ORG })
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/locations")
      .query(Q)
      .reply(201, { id: LOC })
      .post("/v1/telephony/config/locations")
      .query(Q)
      .reply(200, { id: LOC })
      .put(CONNECTION, { id: "ccp-integrated" })
      .query(Q)
      .reply(204)
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "ccp-integrated", pstnConnectionType: "INTEGRATED_CCP" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [] });
    const err = await thrownBy(() =>
      ops.create(owner(), checked(withCalling({ pstnConnectionId: "ccp-integrated", numbers: [{ number: "+13035550100" }] }))),
    );
    scope.done();
    expect(err).to.be.instanceOf(ResourceInitError);
    expect((err as ResourceInitError).id).to.equal(LOC);
    expect(err.message).to.match(
      /CustomerLocation Denver: .*INTEGRATED_CCP.*remove calling\.numbers.*Nothing about numbers was sent.*recorded in state/,
    );
  });

  it("create: a number already at another location is named with that location and its owner", async () => {
    const scope = api()
      .get("/v1/wholesale/customers/cust-1")
      .reply(200, { id: "cust-1", status: "provisioned", orgId: ORG })
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/locations")
      .query(Q)
      .reply(201, { id: LOC })
      .post("/v1/telephony/config/locations")
      .query(Q)
      .reply(200, { id: LOC })
      .put(CONNECTION, { id: "lgw-1" })
      .query(Q)
      .reply(204)
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [] })
      .post(NUMBERS)
      .query(Q)
      .reply(409, {
        message: "The phone number is already in a number inventory.",
        errors: [{ errorCode: 1605, description: "+13035550100 is already in location Boston" }],
      })
      .get("/v1/telephony/config/numbers")
      .query({ orgId: ORG, phoneNumber: "+13035550100", start: "0", max: "100" })
      .reply(200, {
        phoneNumbers: [
          num("+13035550100", {
            location: { id: "boston", name: "Boston" },
            owner: { id: "p-9", type: "PEOPLE", firstName: "Grace", lastName: "Hopper" },
          }),
        ],
      })
      .get("/v1/telephony/config/numbers")
      .query({ orgId: ORG, phoneNumber: "+13035550101", start: "0", max: "100" })
      .reply(200, { phoneNumbers: [] });
    const err = await thrownBy(() => ops.create(owner(), checked(locationArgs())));
    scope.done();
    expect(err.message).to.match(
      /\+13035550100 is already at location Boston, held by Grace Hopper \(PEOPLE, id p-9\).*Remove each from calling\.numbers/,
    );
    expect(err.message).to.not.include("+13035550101 is already");
  });

  it("update: numbers by difference; the new main number is set before the old one is removed", async () => {
    const news = checked(
      withCalling({
        pstnConnectionId: "lgw-1",
        numbers: [{ number: "+13035550101" }, { number: "+13035550102" }],
        mainNumber: "+13035550101",
      }),
    );
    const order: string[] = [];
    const scope = api()
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(200, { id: LOC, name: "Denver", timeZone: "America/Denver", preferredLanguage: "en_us", address })
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [num("+13035550100", { mainNumber: true }), num("+13035550101"), num("+13035550555")] })
      .post(NUMBERS, { phoneNumbers: ["+13035550102"], state: "ACTIVE" })
      .query(Q)
      .reply(() => (order.push("add"), [200]))
      .put(CALLING, { callingLineId: { phoneNumber: "+13035550101" } })
      .query(Q)
      .reply(() => (order.push("main"), [204]))
      .intercept(NUMBERS, "DELETE", { phoneNumbers: ["+13035550100"] })
      .query(Q)
      .reply(() => (order.push("remove"), [204]))
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [num("+13035550101", { mainNumber: true }), num("+13035550102"), num("+13035550555")] });
    const result = await ops.update(owner(), LOC, state(), news);
    scope.done();
    // +13035550555 was never declared by the program: it stays.
    expect(order).to.deep.equal(["add", "main", "remove"]);
    expect(result.outs).to.include({ mainNumber: "+13035550101" });
    expect((result.outs!.inventory as unknown[]).length).to.equal(3);
  });

  it("update: removing a number someone holds is refused naming the holder; nothing is written", async () => {
    const news = checked(withCalling({ pstnConnectionId: "lgw-1", numbers: [{ number: "+13035550100" }], mainNumber: "+13035550100" }));
    const scope = api()
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(200, { id: LOC, name: "Denver", timeZone: "America/Denver", preferredLanguage: "en_us", address })
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, {
        phoneNumbers: [
          num("+13035550100", { mainNumber: true }),
          num("+13035550101", { owner: { id: "p-1", type: "PEOPLE", firstName: "Ada", lastName: "Lovelace" } }),
        ],
      });
    const err = await thrownBy(() => ops.update(owner(), LOC, state(), news));
    scope.done();
    expect(err.message).to.match(
      /CustomerLocation Denver: cannot remove numbers someone holds: \+13035550101 \(held by Ada Lovelace \(PEOPLE, id p-1\)\).*Nothing was removed/,
    );
  });

  it("update: a refused change (main number removed) throws before any request", async () => {
    const news = checked(withCalling({ pstnConnectionId: "lgw-1", numbers: [{ number: "+13035550101" }] }));
    const err = await thrownBy(() => ops.update(owner(), LOC, state(), news));
    expect(err).to.be.instanceOf(RefusedChangeError);
    expect(err.message).to.match(/main number/);
  });

  it("update: a plain location gains calling: the probe sees it is not enabled, so it is enabled", async () => {
    const scope = api()
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(200, { id: LOC, name: "Denver", timeZone: "America/Denver", preferredLanguage: "en_us", address })
      .get(CONNECTION)
      .query(Q)
      .reply(400, { message: "The location is not enabled for Webex Calling.", errors: [{ errorCode: 1602, description: "not enabled" }] })
      .post("/v1/telephony/config/locations")
      .query(Q)
      .reply(200, { id: LOC })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [] });
    const result = await ops.update(
      owner(),
      LOC,
      state(withCalling(undefined), { pstnConnectionType: undefined, inventory: undefined, mainNumber: undefined }),
      checked(withCalling({})),
    );
    scope.done();
    expect(result.outs).to.deep.include({ inventory: [] });
  });

  describe("delete", () => {
    const props = () => ({ ...state(), __provider: "x" });

    it("BLOCKED: refused naming every reason; no job", async () => {
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, {
          locationDeleteStatus: "BLOCKED",
          blocking: { lastLocation: false, usersInUseCount: 2, workspacesInUseCount: 0, numbersOrderPending: true },
          nonBlocking: { numbersPresent: true },
        });
      const err = await thrownBy(() => ops.remove(owner(), LOC, props()));
      scope.done();
      expect(err.message).to.match(/BLOCKED \(2 users still placed there; numbers still on order\).*Move or delete what still uses it/);
    });

    it("FORCE_REQUIRED without calling.forceDisable: refused, saying to set it", async () => {
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "FORCE_REQUIRED", blockingUnlessForced: { featuresInUseCount: 1 } });
      const err = await thrownBy(() => ops.remove(owner(), LOC, props()));
      scope.done();
      expect(err.message).to.match(/FORCE_REQUIRED \(1 call feature still there\).*Set calling\.forceDisable: true/);
    });

    it("FORCE_REQUIRED with forceDisable: the job runs with forceDelete, is polled to COMPLETED, and a warning says the record stays", async () => {
      const forced = state(withCalling({ ...(locationArgs().calling as object), forceDisable: true }));
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "FORCE_REQUIRED", blockingUnlessForced: { featuresInUseCount: 1 } })
        .post(JOBS, { locationId: LOC, locationName: "Denver", forceDelete: true })
        .query(Q)
        .reply(202, { id: "job-1", latestExecutionStatus: "STARTING" })
        .get(`${JOBS}/job-1`)
        .query(Q)
        .reply(200, { id: "job-1", latestExecutionStatus: "STARTED" })
        .get(`${JOBS}/job-1`)
        .query(Q)
        .reply(200, { id: "job-1", latestExecutionStatus: "COMPLETED" });
      await ops.remove(owner(), LOC, forced);
      scope.done();
      expect(progress.lines.join("\n")).to.match(/CustomerLocation Denver: warning: Webex Calling disabled; the location record stays/);
    });

    it("UNBLOCKED, job FAILED: an error with the job's errors", async () => {
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "UNBLOCKED" })
        .post(JOBS, { locationId: LOC, locationName: "Denver", forceDelete: false })
        .query(Q)
        .reply(202, { id: "job-2" })
        .get(`${JOBS}/job-2`)
        .query(Q)
        .reply(200, { id: "job-2", latestExecutionStatus: "FAILED", errors: [{ errorCode: 1500, description: "could not be disabled" }] });
      const err = await thrownBy(() => ops.remove(owner(), LOC, props()));
      scope.done();
      expect(err.message).to.match(/job job-2 ended FAILED: could not be disabled.*destroy again/);
    });

    it("the org's last calling location: no job, it leaves the stack with a warning that calling stays", async () => {
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "BLOCKED", blocking: { lastLocation: true, usersInUseCount: 0 } });
      await ops.remove(owner(), LOC, props());
      scope.done();
      expect(progress.lines.join("\n")).to.match(/warning: calling stays enabled: this is the org's last calling location/);
    });

    it("a job refused because a sibling's job made this the last location: judged again, then left with the warning", async () => {
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "UNBLOCKED" })
        .post(JOBS)
        .query(Q)
        .reply(409, { errors: [{ errorCode: 1613, description: "blocking.lastLocation: the organization's last calling location" }] })
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "BLOCKED", blocking: { lastLocation: true } });
      await ops.remove(owner(), LOC, props());
      scope.done();
      expect(progress.lines.join("\n")).to.match(/last calling location/);
    });

    it("a job refused for another reason stays an error", async () => {
      const scope = api()
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "UNBLOCKED" })
        .post(JOBS)
        .query(Q)
        .reply(409, { errors: [{ errorCode: 1613, description: "blocking.usersInUseCount: 1 user" }] })
        .post(`${CALLING}/actions/precheckForDeletion/invoke`)
        .query(Q)
        .reply(200, { locationDeleteStatus: "BLOCKED", blocking: { usersInUseCount: 1 } });
      const err = await thrownBy(() => ops.remove(owner(), LOC, props()));
      scope.done();
      expect(err.message).to.match(/BLOCKED \(1 user still placed there\)/);
    });

    it("a location gone (404 at the precheck) is success", async () => {
      const scope = api().post(`${CALLING}/actions/precheckForDeletion/invoke`).query(Q).reply(404, {});
      await ops.remove(owner(), LOC, props());
      scope.done();
    });

    it("without calling: no request, a warning that the record stays", async () => {
      await ops.remove(owner(), LOC, state(withCalling(undefined)));
      expect(progress.lines.join("\n")).to.match(/removed from the stack; the location record stays/);
    });
  });

  it("read: 404 → gone (empty id)", async () => {
    const scope = api()
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(404, {});
    expect(await ops.read(owner(), LOC, state())).to.deep.equal({});
    scope.done();
  });

  it("read: the server's name and time zone, the inventory; declared inputs carried over", async () => {
    const scope = api()
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(200, { id: LOC, name: "Denver (renamed)", timeZone: "America/Denver", address })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [num("+13035550100", { mainNumber: true })] })
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" });
    const result = await ops.read(owner(), LOC, state());
    scope.done();
    expect(result.id).to.equal(LOC);
    expect(result.inputs).to.include({ name: "Denver (renamed)" });
    expect(result.inputs).to.not.have.property("inventory");
    expect(result.props).to.deep.include({ mainNumber: "+13035550100", inventory: [{ number: "+13035550100", state: "ACTIVE" }] });
  });
  it("read for pulumi import (<customerId>:<locationId>, no props): every field the API returns becomes an input, the location's own id is recorded", async () => {
    const scope = api()
      .get("/v1/wholesale/customers/cust-1")
      .reply(200, { id: "cust-1", status: "provisioned", orgId: ORG })
      .get(`/v1/locations/${enc(LOC)}`)
      .query(Q)
      .reply(200, {
        id: LOC,
        name: "Denver",
        timeZone: "America/Denver",
        preferredLanguage: "en_us",
        announcementLanguage: "en_us",
        address,
      })
      .get(CONNECTION)
      .query(Q)
      .reply(200, { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" })
      .get("/v1/telephony/config/numbers")
      .query(numbersQuery)
      .reply(200, { phoneNumbers: [num("+13035550100", { mainNumber: true })] });
    const result = await ops.read(owner(), `cust-1:${LOC}`, {});
    scope.done();
    expect(result.id).to.equal(LOC);
    expect(result.inputs).to.deep.equal({
      customerId: "cust-1",
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_us",
      announcementLanguage: "en_us",
      address,
    });
    // The program's declaration then checks clean against what the import recorded.
    const program = ops.check(owner(), result.inputs!, { ...locationArgs(), calling: undefined });
    expect(program.failures ?? []).to.deep.equal([]);
    expect(result.props).to.deep.include({ locationId: LOC, orgId: ORG, pstnConnectionType: "LOCAL_GATEWAY", mainNumber: "+13035550100" });
  });

  it("read for pulumi import of a bare location id: says the id format, with no request", async () => {
    const err = await thrownBy(() => ops.read(owner(), LOC, {}));
    expect(err.message).to.match(/import it as <customerId>:<locationId>/);
  });
});
