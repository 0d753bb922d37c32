/**
 * CustomerUserProvider's methods against nock: the request body, the headquarters fallback,
 * adoption on 10022, the 1202 explanation, pending_user_migration, 404 on read and delete, the
 * package move that carries a number, migrations.
 */
import { expect } from "chai";
import nock from "nock";
import { ConflictError, ValidationError } from "../../../../provider/client";
import { RefusedChangeError } from "../../../../provider/resources/common/change-rules";
import { CustomerUserProvider } from "../../../../provider/resources/customer-user/provider";
import { CUSTOMER_USER_SCHEMA_VERSION } from "../../../../provider/resources/customer-user/schema";
import {
  BASE,
  configureRequest,
  containsToken,
  enc,
  thrownBy,
  TOKEN,
  useProviderHarness,
  type LooseProvider,
  withTestClients,
} from "../operations-harness";

const CUSTOMER = "cust-1";
const ORG = "org-1";
const HQ = "loc-hq";
const USER = "Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMQ==";
const USER_PATH = `/v1/wholesale/subscribers/${enc(USER)}`;

const ARGS = {
  customerId: CUSTOMER,
  email: "ada@acme.example",
  firstName: "Ada",
  lastName: "Lovelace",
  package: "webex_calling",
  extension: "0100",
};

function subscriber(extra: Record<string, unknown> = {}) {
  return {
    id: USER,
    email: "ada@acme.example",
    customerId: CUSTOMER,
    packages: ["webex_calling"],
    status: "provisioned",
    personId: "person-1",
    ...extra,
  };
}

async function provider(extra: Record<string, string> = {}): Promise<LooseProvider> {
  const p = withTestClients(new CustomerUserProvider());
  await p.configure(configureRequest(extra) as never);
  return p;
}

async function checked(p: LooseProvider, args: Record<string, unknown> = ARGS) {
  const result = await p.check({}, args);
  expect(result.failures ?? [], "fixture inputs must be valid").to.deep.equal([]);
  return result.inputs as Record<string, unknown>;
}

function api() {
  return nock(BASE).matchHeader("authorization", `Bearer ${TOKEN}`);
}

describe("CustomerUserProvider against nock", () => {
  const progress = useProviderHarness();

  it("check refuses, from the previous inputs, the location dropping the number this user holds, with no request", async () => {
    const p = await provider();
    const sited = { ...ARGS, phoneNumber: "+14155550100", locationNumbers: ["+14155550100", "+14155550101"] };
    const inputs = await checked(p, sited);
    // nock refuses every request here (net connect disabled, no scope): a request would fail the check.
    const { failures } = await p.check({ ...inputs, __provider: "code" }, { ...sited, locationNumbers: ["+14155550101"] });
    expect(failures?.map((f) => f.property)).to.deep.equal(["locationNumbers"]);
    expect(failures?.[0]?.reason).to.match(
      /^Refused change: CustomerUser property locationNumbers cannot change .*drops \+14155550100, which this user holds/,
    );
    expect(failures?.[0]?.reason).to.match(/Instead, keep \+14155550100 in that CustomerLocation's calling\.numbers/);
  });

  it("create: a calling user without locationId is placed in the customer's headquarters (one lookup) with one POST", async () => {
    const p = await provider();
    const inputs = await checked(p);
    let posted: unknown;
    const scope = api()
      .get(`/v1/wholesale/customers/${CUSTOMER}`)
      .reply(200, { id: CUSTOMER, status: "provisioned", orgId: ORG })
      .get("/v1/locations")
      .query((q) => q.orgId === ORG)
      .reply(200, { items: [{ id: HQ, name: "Headquarters" }] })
      .post("/v1/wholesale/subscribers", (b) => ((posted = b), true))
      .reply(200, subscriber());
    const result = await p.create(inputs);
    scope.done();
    expect(posted).to.deep.equal({
      customerId: CUSTOMER,
      email: "ada@acme.example",
      packages: ["webex_calling"],
      provisioningParameters: { firstName: "Ada", lastName: "Lovelace", extension: "0100", locationId: HQ },
    });
    expect(result.id).to.equal(USER);
    expect(result.outs).to.include({
      userId: USER,
      personId: "person-1",
      status: "provisioned",
      assignedLocationId: HQ,
      schemaVersion: CUSTOMER_USER_SCHEMA_VERSION,
      firstName: "Ada",
    });
    expect(containsToken(result)).to.equal(false);
  });

  it("create: a second calling user of the same customer spends no further lookup", async () => {
    const p = await provider();
    const scope = api()
      .get(`/v1/wholesale/customers/${CUSTOMER}`)
      .reply(200, { id: CUSTOMER, status: "provisioned", orgId: ORG })
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [{ id: HQ }] })
      .post("/v1/wholesale/subscribers")
      .twice()
      .reply(200, subscriber());
    await p.create(await checked(p));
    await p.create(await checked(p, { ...ARGS, email: "bob@acme.example", extension: "0101" }));
    scope.done();
  });

  it("create: a non-calling user sends neither number nor location, and no lookup", async () => {
    const p = await provider();
    let posted: { provisioningParameters?: unknown } | undefined;
    const scope = api()
      .post("/v1/wholesale/subscribers", (b) => ((posted = b), true))
      .reply(200, subscriber({ packages: ["webex_meetings"] }));
    const result = await p.create(await checked(p, { ...ARGS, package: "webex_meetings", extension: undefined }));
    scope.done();
    expect(posted!.provisioningParameters).to.deep.equal({ firstName: "Ada", lastName: "Lovelace" });
    expect(result.outs).not.to.have.property("assignedLocationId");
  });

  const conflictCases = [
    {
      name: "one agreeing user → adopted without a second write",
      items: [subscriber()],
      expect: "adopt" as const,
    },
    {
      name: "a user of another customer → ConflictError saying how to reconcile",
      items: [subscriber({ customerId: "cust-9" })],
      expect: /belongs to customer "cust-9"/,
    },
    {
      name: "no wholesale user holds the email → the API's 10022 error, explained",
      items: [],
      expect: /already belongs to a Webex user/,
    },
  ];
  for (const c of conflictCases) {
    it(`create: email taken (10022), ${c.name}`, async () => {
      const p = await provider();
      const inputs = await checked(p, { ...ARGS, locationId: "loc-own" });
      const scope = api()
        .post("/v1/wholesale/subscribers")
        .reply(409, {
          message: "The email is already associated with an existing user.",
          errors: [{ errorCode: 10022, description: "The email is already associated with an existing user." }],
        })
        .get("/v1/wholesale/subscribers")
        .query((q) => q.email === "ada@acme.example")
        .reply(200, { items: c.items });
      if (c.expect === "adopt") {
        const result = await p.create(inputs);
        expect(result.id).to.equal(USER);
        expect(result.outs.assignedLocationId).to.equal("loc-own");
      } else {
        const error = await thrownBy(() => p.create(inputs));
        expect(error).to.be.instanceOf(ConflictError);
        expect(error.message).to.match(c.expect);
        expect(error.message).to.include("CustomerUser ada@acme.example");
      }
      scope.done();
    });
  }

  it("create: 1202 (administrator's package) keeps its class and says where the admin package comes from", async () => {
    const p = await provider();
    const scope = api()
      .post("/v1/wholesale/subscribers")
      .reply(400, { message: "admin", errors: [{ errorCode: 1202, description: "admin must hold webex_suite" }] });
    const error = await thrownBy(async () => p.create(await checked(p, { ...ARGS, locationId: "loc-own" })));
    scope.done();
    expect(error).to.be.instanceOf(ValidationError);
    expect(error.message).to.include("admin must hold webex_suite").and.to.include("adminPackage output");
  });

  it("create: pending_user_migration succeeds with a warning", async () => {
    const p = await provider();
    const scope = api()
      .post("/v1/wholesale/subscribers")
      .reply(202, subscriber({ status: "pending_user_migration", personId: undefined }));
    const result = await p.create(await checked(p, { ...ARGS, locationId: "loc-own" }));
    scope.done();
    expect(result.outs.status).to.equal("pending_user_migration");
    expect(progress.lines.some((l) => l.includes("warning") && l.includes("accept"))).to.equal(true);
  });

  it("create: a customer busy (423) is waited for, then the POST is sent again", async () => {
    const p = await provider();
    const scope = api()
      .post("/v1/wholesale/subscribers")
      .reply(423, { message: "busy", errors: [{ errorCode: 1423, description: "customer updating" }] }, { "Retry-After": "0" })
      .get(`/v1/wholesale/customers/${CUSTOMER}`)
      .reply(200, { id: CUSTOMER, status: "updating", orgId: ORG })
      .get(`/v1/wholesale/customers/${CUSTOMER}`)
      .reply(200, { id: CUSTOMER, status: "provisioned", orgId: ORG })
      .post("/v1/wholesale/subscribers")
      .reply(200, subscriber());
    const result = await p.create(await checked(p, { ...ARGS, locationId: "loc-own" }));
    scope.done();
    expect(result.id).to.equal(USER);
  });

  it("read: 404 → empty id; otherwise names, number and location are carried over", async () => {
    const p = await provider();
    const state = { ...(await checked(p)), userId: USER, status: "provisioned", assignedLocationId: HQ, schemaVersion: 1 };
    const scope = api()
      .get(USER_PATH)
      .reply(200, subscriber({ packages: ["webex_suite"] }))
      .get(USER_PATH)
      .reply(404, { message: "gone" });
    const found = await p.read(USER, state);
    expect(found.props).to.include({
      package: "webex_suite",
      firstName: "Ada",
      extension: "0100",
      assignedLocationId: HQ,
      personId: "person-1",
    });
    expect(found.inputs).to.include({ package: "webex_suite", lastName: "Lovelace" });
    expect(found.inputs).not.to.have.any.keys("userId", "status", "personId", "assignedLocationId", "schemaVersion");
    expect(await p.read(USER, state)).to.deep.equal({});
    scope.done();
  });

  it("delete: 404 counts as success", async () => {
    const p = await provider();
    const scope = api().delete(USER_PATH).reply(404, {});
    await p.delete(USER, { email: "ada@acme.example", customerId: CUSTOMER });
    scope.done();
  });

  describe("update", () => {
    it("moving from webex_meetings to a calling package sends the package with number and location", async () => {
      const p = await provider();
      const olds = {
        ...(await checked(p, { ...ARGS, package: "webex_meetings", extension: undefined })),
        userId: USER,
        status: "provisioned",
        schemaVersion: 1,
      };
      const news = await checked(p, { ...ARGS, locationId: "loc-own" });
      let put: unknown;
      const scope = api()
        .get(USER_PATH)
        .reply(200, subscriber({ packages: ["webex_meetings"] }))
        .put(USER_PATH, (b) => ((put = b), true))
        .reply(200, subscriber());
      const result = await p.update(USER, olds, news);
      scope.done();
      expect(put).to.deep.equal({ packages: ["webex_calling"], provisioningParameters: { extension: "0100", locationId: "loc-own" } });
      expect(result.outs).to.include({ package: "webex_calling", assignedLocationId: "loc-own", status: "provisioned" });
    });

    it("a package already applied on the server (a resumed update) is not written again", async () => {
      const p = await provider();
      const olds = { ...(await checked(p)), userId: USER, status: "provisioned", schemaVersion: 1, package: "webex_voice" };
      const news = await checked(p, { ...ARGS, package: "webex_suite" });
      const scope = api()
        .get(USER_PATH)
        .reply(200, subscriber({ packages: ["webex_suite"] }));
      const result = await p.update(USER, olds, news);
      scope.done();
      expect(result.outs.package).to.equal("webex_suite");
    });

    it("older schemaVersion with unchanged inputs → migrated with no API call", async () => {
      const p = await provider();
      const inputs = await checked(p);
      const result = await p.update(
        USER,
        { ...inputs, userId: USER, personId: "person-1", status: "provisioned", assignedLocationId: HQ },
        inputs,
      );
      expect(result.outs).to.include({ schemaVersion: CUSTOMER_USER_SCHEMA_VERSION, personId: "person-1", assignedLocationId: HQ });
    });

    it("a renamed user is refused before anything is sent", async () => {
      const p = await provider();
      const inputs = await checked(p);
      const olds = { ...inputs, userId: USER, status: "provisioned", schemaVersion: 1 };
      const error = await thrownBy(() => p.update(USER, olds, { ...inputs, firstName: "Augusta" }));
      expect(error).to.be.instanceOf(RefusedChangeError);
      expect(error.message).to.include("firstName");
    });
  });
});
