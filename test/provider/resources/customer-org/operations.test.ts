/**
 * CustomerOrgProvider's methods against nock: the requests sent, polling, adoption, ambiguous
 * creates, partial creates, resume without a blind write, 423, 404 on read and delete, migrations.
 */
import { expect } from "chai";
import nock from "nock";
import { ConflictError, ValidationError } from "../../../../provider/client";
import { ResourceInitError, ConfigurationError } from "../../../../provider/resources/common/errors";
import { RefusedChangeError } from "../../../../provider/resources/common/change-rules";
import { CustomerOrgProvider } from "../../../../provider/resources/customer-org/provider";
import { CUSTOMER_ORG_SCHEMA_VERSION } from "../../../../provider/resources/customer-org/schema";
import { customerOrgRules } from "../../../../provider/resources/customer-org/rules";
import { diffCustomerOrg } from "../../../../provider/resources/customer-org/diff";
import type { ClientTuning } from "../../../../provider/resources/common/client-cache";
import {
  BASE,
  configureRequest,
  containsToken,
  enc,
  thrownBy,
  TOKEN,
  useProviderHarness,
  type LooseProvider,
  TEST_TUNING,
  withTestClients,
} from "../operations-harness";

const ID = "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSLzE=";
const ORG = "org-1";
const LOCATION = "loc-hq-1";
const PATH = `/v1/wholesale/customers/${enc(ID)}`;

/** What a user writes. */
const ARGS = {
  provisioningId: "prov-1",
  externalId: "acme-001",
  companyName: "Acme",
  adminEmail: "admin@acme.example",
  supportedLocationConfirmed: true,
  address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "us" },
  packages: [
    { name: "webex_calling", quantity: 10 },
    { name: "webex_meetings", quantity: 5 },
  ],
  headquarters: { timeZone: "America/Chicago" },
};

const WIRE_ADDRESS = { addressLine1: "1 Main St", city: "Austin", stateOrProvince: "TX", zipOrPostalCode: "78701", country: "US" };

/** The customer as the API returns it. */
function serverCustomer(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: ID,
    externalId: "acme-001",
    address: WIRE_ADDRESS,
    packages: ["webex_calling", "webex_meetings"],
    status,
    ...(status === "provisioning" ? {} : { orgId: ORG }),
    ...extra,
  };
}

async function provider(extraConfig: Record<string, string> = {}, tuning?: ClientTuning): Promise<LooseProvider> {
  const p = withTestClients(new CustomerOrgProvider(), tuning);
  await p.configure(configureRequest(extraConfig) as never);
  return p;
}

/** The checked inputs (what Pulumi passes to create/update). */
async function checked(p: LooseProvider, args: Record<string, unknown> = ARGS): Promise<Record<string, unknown>> {
  const result = await p.check({}, args);
  expect(result.failures ?? [], "fixture inputs must be valid").to.deep.equal([]);
  return result.inputs as Record<string, unknown>;
}

function api() {
  return nock(BASE).matchHeader("authorization", `Bearer ${TOKEN}`);
}

describe("CustomerOrgProvider against nock", () => {
  const progress = useProviderHarness();

  it("create: looks up the externalId, sends one POST with the mapped body, polls to provisioned, looks up the headquarters", async () => {
    const p = await provider();
    const inputs = await checked(p);
    let posted: unknown;
    const scope = api()
      .get("/v1/wholesale/customers")
      .query((q) => q.externalId === "acme-001")
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers", (body) => ((posted = body), true))
      .reply(202, { url: `${BASE}${PATH}` }, { Location: `${BASE}${PATH}` })
      .get(PATH)
      .reply(200, serverCustomer("provisioning"))
      .get(PATH)
      .reply(200, serverCustomer("provisioned"))
      .get("/v1/locations")
      .query((q) => q.orgId === ORG)
      .reply(200, { items: [{ id: LOCATION, name: "Headquarters", orgId: ORG }] });

    const result = await p.create(inputs);

    scope.done();
    expect(posted).to.deep.equal({
      provisioningId: "prov-1",
      externalId: "acme-001",
      packages: ["webex_calling", "webex_meetings"],
      address: WIRE_ADDRESS,
      customerInfo: { name: "Acme", primaryEmail: "admin@acme.example", language: "en_US" },
      provisioningParameters: {
        calling: {
          location: { name: "Headquarters", address: WIRE_ADDRESS, timezone: "America/Chicago", language: "en_us" },
        },
        packages: { limits: { webex_calling: 10, webex_meetings: 5 } },
      },
    });
    expect(result.id).to.equal(ID);
    expect(result.outs).to.include({
      customerId: ID,
      orgId: ORG,
      status: "provisioned",
      limited: true,
      adminPackage: "webex_calling",
      headquartersLocationId: LOCATION,
      schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION,
      externalId: "acme-001",
    });
    expect(result.outs.address.country, "outputs carry the normalised inputs").to.equal("US");
    expect(progress.lines.some((l) => l.startsWith("[webex] CustomerOrg acme-001: provisioning"))).to.equal(true);
    expect(containsToken(result)).to.equal(false);
  });

  describe("create: concurrent creates share one listing for their idempotency lookups", () => {
    const ID2 = "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSLzI=";
    const PATH2 = `/v1/wholesale/customers/${enc(ID2)}`;
    const ARGS2 = { ...ARGS, externalId: "globex-002", headquarters: undefined, packages: [{ name: "webex_meetings", quantity: 5 }] };

    /** Two creates started together: the first POST adopts nothing, the second customer already exists. */
    async function twoCreates(listing: nock.Interceptor | undefined, page: unknown[]) {
      const p = await provider();
      const [a, b] = [await checked(p), await checked(p, ARGS2)];
      const scope = api();
      listing?.reply(200, { items: page });
      scope
        .post("/v1/wholesale/customers")
        .reply(202, { url: `${BASE}${PATH}` }, { Location: `${BASE}${PATH}` })
        .get(PATH)
        .reply(200, serverCustomer("provisioned"))
        .get("/v1/locations")
        .query((q) => q.orgId === ORG)
        .reply(200, { items: [{ id: LOCATION, name: "Headquarters", orgId: ORG }] })
        .get(PATH2)
        .reply(200, { ...serverCustomer("provisioned"), id: ID2, externalId: "globex-002", packages: ["webex_meetings"] });
      return { scope, results: await Promise.all([p.create(a), p.create(b)]) };
    }

    it("a partner list that fits one page: ONE unfiltered GET answers both lookups; the existing one is adopted, the other created", async () => {
      const existing = { ...serverCustomer("provisioned"), id: ID2, externalId: "globex-002", packages: ["webex_meetings"] };
      const others = Array.from({ length: 5 }, (_, i) => ({ ...existing, id: `other-${i}`, externalId: `other-${i}` }));
      const listing = api()
        .get("/v1/wholesale/customers")
        .query((q) => q.externalId === undefined && q.max === "100");
      const { scope, results } = await twoCreates(listing, [existing, ...others]);
      scope.done();
      expect(nock.pendingMocks(), "the listing was sent").to.deep.equal([]);
      expect(results.map((r) => r.id)).to.deep.equal([ID, ID2]);
    });

    it("the shared listing failing (401) fails each create with a message naming that customer alone", async () => {
      const p = await provider();
      // Names with letters outside hex: "d-4" also occurs inside a random TrackingID such as "b9bd-416e".
      const names = ["kilo-one", "lima-two", "mike-three", "oscar-four"];
      const inputs = await Promise.all(
        names.map((externalId) =>
          checked(p, { ...ARGS, externalId, headquarters: undefined, packages: [{ name: "webex_meetings", quantity: 5 }] }),
        ),
      );
      const scope = api()
        .get("/v1/wholesale/customers")
        .query((q) => q.externalId === undefined)
        .reply(401, { message: "The request requires a valid access token", errors: [{ description: "invalid token" }] });
      const errors = await Promise.all(inputs.map((i) => thrownBy(() => p.create(i))));
      scope.done();
      names.forEach((name, n) => {
        expect(errors[n]!.message, name).to.match(new RegExp(`^CustomerOrg ${name}: `));
        for (const other of names.filter((o) => o !== name))
          expect(errors[n]!.message, `${name}: ${errors[n]!.message}`).not.to.include(other);
      });
    });

    it("a partner list longer than one page: each create falls back to its own filtered lookup", async () => {
      const full = Array.from({ length: 100 }, (_, i) => ({
        ...serverCustomer("provisioned"),
        id: `other-${i}`,
        externalId: `other-${i}`,
      }));
      const listing = api()
        .get("/v1/wholesale/customers")
        .query((q) => q.externalId === undefined);
      api()
        .get("/v1/wholesale/customers")
        .query((q) => q.externalId === "acme-001")
        .reply(200, { items: [] });
      const existing = { ...serverCustomer("provisioned"), id: ID2, externalId: "globex-002", packages: ["webex_meetings"] };
      api()
        .get("/v1/wholesale/customers")
        .query((q) => q.externalId === "globex-002")
        .reply(200, { items: [existing] });
      const { scope, results } = await twoCreates(listing, full);
      scope.done();
      expect(nock.pendingMocks(), "both filtered lookups were sent").to.deep.equal([]);
      expect(results.map((r) => r.id)).to.deep.equal([ID, ID2]);
    });
  });

  const adoptionCases = [
    {
      name: "exactly one agreeing customer is adopted without any write",
      items: [serverCustomer("provisioned")],
      expectError: undefined,
    },
    {
      name: "one customer whose address differs → ConflictError naming the field, nothing created",
      items: [serverCustomer("provisioned", { address: { ...WIRE_ADDRESS, city: "Dallas" } })],
      expectError: /address\.city is "Dallas", not "Austin"/,
    },
    {
      name: "one customer with other packages → ConflictError naming the packages",
      items: [serverCustomer("provisioned", { packages: ["webex_suite"] })],
      expectError: /packages are \[webex_suite\], not \[webex_calling, webex_meetings\]/,
    },
    {
      name: "two customers sharing the externalId → ConflictError listing both ids",
      items: [serverCustomer("provisioned"), serverCustomer("provisioned", { id: "other-id" })],
      expectError: /2 objects already exist.*other-id/,
    },
  ];
  for (const c of adoptionCases) {
    it(`create: ${c.name}`, async () => {
      const p = await provider();
      const inputs = await checked(p);
      const scope = api()
        .get("/v1/wholesale/customers")
        .query((q) => q.externalId === "acme-001")
        .reply(200, { items: c.items });
      if (c.expectError === undefined) {
        scope
          .get(PATH)
          .reply(200, serverCustomer("provisioned"))
          .get("/v1/locations")
          .query(true)
          .reply(200, { items: [{ id: LOCATION, name: "Headquarters" }] });
        const result = await p.create(inputs);
        expect(result.id).to.equal(ID);
        expect(result.outs.status).to.equal("provisioned");
      } else {
        const error = await thrownBy(() => p.create(inputs));
        expect(error).to.be.instanceOf(ConflictError);
        expect(error.message).to.match(c.expectError);
        expect(error.message).to.include("CustomerOrg acme-001");
        expect(containsToken(error)).to.equal(false);
      }
      scope.done();
    });
  }

  it("create: after an ambiguous POST failure (5xx), looks again and adopts what the POST made instead of posting twice", async () => {
    const p = await provider();
    const inputs = await checked(p);
    const scope = api()
      .get("/v1/wholesale/customers")
      .query((q) => q.externalId === "acme-001")
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(502, { message: "bad gateway" })
      .get("/v1/wholesale/customers")
      .query((q) => q.externalId === "acme-001")
      .reply(200, { items: [serverCustomer("provisioning")] })
      .get(PATH)
      .reply(200, serverCustomer("provisioned"))
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [{ id: LOCATION }] });
    const result = await p.create(inputs);
    scope.done();
    expect(result.id).to.equal(ID);
  });

  it("create: after an ambiguous POST failure (503) with nothing found, sends the POST once more", async () => {
    const p = await provider();
    const inputs = await checked(p);
    const scope = api()
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(503, { message: "unavailable" })
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(202, { url: `${BASE}${PATH}` }, { Location: `${BASE}${PATH}` })
      .get(PATH)
      .reply(200, serverCustomer("provisioned"))
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [{ id: LOCATION }] });
    const result = await p.create(inputs);
    scope.done();
    expect(result.id).to.equal(ID);
  });

  it("create: a POST refused with 1301 (the externalId appeared meanwhile) looks again and adopts an agreeing customer", async () => {
    const p = await provider();
    const inputs = await checked(p);
    const scope = api()
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(409, { message: "dup", errors: [{ errorCode: 1301, description: "externalId already used" }] })
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [serverCustomer("provisioned")] })
      .get(PATH)
      .reply(200, serverCustomer("provisioned"))
      .get("/v1/locations")
      .query(true)
      .reply(200, { items: [{ id: LOCATION }] });
    const result = await p.create(inputs);
    scope.done();
    expect(result.id).to.equal(ID);
  });

  const partialCases = [
    { status: "provisioned_with_errors", errors: [{ errorCode: 2560, description: "Calling location could not be created" }] },
    { status: "error", errors: [{ description: "Org creation failed" }] },
  ];
  for (const c of partialCases) {
    it(`create: ${c.status} → an error carrying the id and the outputs (partial create) that lists the API's errors`, async () => {
      const p = await provider();
      const inputs = await checked(p);
      const scope = api()
        .get("/v1/wholesale/customers")
        .query(true)
        .reply(200, { items: [] })
        .post("/v1/wholesale/customers")
        .reply(202, {}, { Location: `${BASE}${PATH}` })
        .get(PATH)
        .reply(200, serverCustomer(c.status, { errors: c.errors }));
      const error = await thrownBy(() => p.create({ ...inputs, __provider: "serialized-code" }));
      scope.done();
      expect(error).to.be.instanceOf(ResourceInitError);
      const init = error as ResourceInitError;
      expect(init.properties.__provider, "state recorded for the partial create keeps the provider code").to.equal("serialized-code");
      expect(init.id).to.equal(ID);
      expect(init.properties).to.include({ customerId: ID, status: c.status, externalId: "acme-001" });
      for (const e of c.errors) expect(error.message).to.include(e.description);
      expect(init.reasons).to.have.length(c.errors.length);
      expect(containsToken(error)).to.equal(false);
    });
  }

  it("create: no terminal status within webex:provisioningTimeoutSeconds → an error carrying the id (the next update resumes the wait)", async () => {
    let t = 0;
    const p = await provider({ "webex:provisioningTimeoutSeconds": "30" }, { ...TEST_TUNING, now: () => (t += 5_000) });
    const inputs = await checked(p);
    const scope = api()
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(202, {}, { Location: `${BASE}${PATH}` })
      .get(PATH)
      .times(20)
      .reply(200, serverCustomer("provisioning"));
    const error = await thrownBy(() => p.create(inputs));
    expect(error).to.be.instanceOf(ResourceInitError);
    expect((error as ResourceInitError).id).to.equal(ID);
    expect((error as ResourceInitError).properties).to.include({ status: "provisioning" });
    expect(error.message).to.include("webex:provisioningTimeoutSeconds");
    expect(scope.isDone(), "polled until the deadline").to.equal(false);
    nock.cleanAll();
  });

  const gone = [
    {
      name: "update of a customer deleted outside Pulumi says to refresh",
      run: (p: LooseProvider, i: Record<string, unknown>) =>
        p.update(ID, { ...i, customerId: ID, status: "provisioning", schemaVersion: 1 }, i),
    },
  ];
  for (const c of gone) {
    it(c.name, async () => {
      const p = await provider();
      const inputs = await checked(p);
      const scope = api().get(PATH).reply(404, { message: "gone" });
      const error = await thrownBy(() => c.run(p, inputs));
      scope.done();
      expect(error.message).to.include("pulumi refresh").and.to.include("CustomerOrg acme-001");
    });
  }

  it("create: pending_rpl_review succeeds with the status shown and a warning", async () => {
    const p = await provider();
    const inputs = await checked(p, { ...ARGS, packages: [{ name: "webex_meetings" }], headquarters: undefined });
    const scope = api()
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(202, {}, { Location: `${BASE}${PATH}` })
      .get(PATH)
      .reply(200, serverCustomer("pending_rpl_review", { packages: ["webex_meetings"] }));
    const result = await p.create(inputs);
    scope.done();
    expect(result.outs.status).to.equal("pending_rpl_review");
    expect(result.outs.limited).to.equal(false);
    expect(result.outs).not.to.have.property("headquartersLocationId");
    expect(progress.lines.some((l) => l.includes("warning") && l.includes("pending_rpl_review"))).to.equal(true);
  });

  it("create: a missing token fails before any request, naming webex:accessToken and WEBEX_ACCESS_TOKEN", async () => {
    const p: LooseProvider = withTestClients(new CustomerOrgProvider());
    await p.configure({ config: { get: (k: string) => (k === "webex:baseUrl" ? BASE : undefined) } } as never);
    const inputs = await checked(p);
    const error = await thrownBy(() => p.create(inputs));
    expect(error).to.be.instanceOf(ConfigurationError);
    expect(error.message).to.include("webex:accessToken").and.to.include("WEBEX_ACCESS_TOKEN");
  });

  it("create: a server refusal keeps its class and gains the customer's name", async () => {
    const p = await provider();
    const inputs = await checked(p);
    const scope = api()
      .get("/v1/wholesale/customers")
      .query(true)
      .reply(200, { items: [] })
      .post("/v1/wholesale/customers")
      .reply(400, { message: "bad", errors: [{ errorCode: 1103, description: "webex_calling limit above maximum" }], trackingId: "T1" });
    const error = await thrownBy(() => p.create(inputs));
    scope.done();
    expect(error).to.be.instanceOf(ValidationError);
    expect(error.message).to.match(/^CustomerOrg acme-001: /);
    expect(error.message).to.include("webex_calling limit above maximum");
  });

  describe("read", () => {
    it("404 → empty id (the customer is gone)", async () => {
      const p = await provider();
      const scope = api()
        .get(PATH)
        .reply(404, { message: "not found", errors: [{ errorCode: 1404, description: "no such customer" }] });
      const result = await p.read(ID, { externalId: "acme-001" });
      scope.done();
      expect(result).to.deep.equal({});
    });

    it("refreshes what GET returns and carries over what it does not (quantities, names, headquarters, template id)", async () => {
      const p = await provider();
      const state = {
        ...(await checked(p)),
        customerId: ID,
        orgId: ORG,
        status: "provisioned",
        headquartersLocationId: LOCATION,
        schemaVersion: 1,
      };
      const scope = api()
        .get(PATH)
        .reply(200, serverCustomer("updating", { packages: ["webex_calling", "webex_meetings", "cisco_calling_plan"] }));
      const result = await p.read(ID, { ...state, __provider: "code" });
      scope.done();
      expect(result.id).to.equal(ID);
      expect(result.props).to.include({
        status: "updating",
        companyName: "Acme",
        provisioningId: "prov-1",
        headquartersLocationId: LOCATION,
      });
      expect(result.props!.packages).to.deep.equal([
        { name: "webex_calling", quantity: 10 },
        { name: "webex_meetings", quantity: 5 },
        { name: "cisco_calling_plan" },
      ]);
      expect(result.inputs).not.to.have.any.keys("status", "customerId", "orgId", "schemaVersion", "__provider");
      expect(result.inputs).to.include({ companyName: "Acme", externalId: "acme-001" });
    });
  });

  describe("delete", () => {
    it("404 on DELETE counts as success", async () => {
      const p = await provider();
      const scope = api().delete(PATH).reply(404, { message: "gone" });
      await p.delete(ID, { externalId: "acme-001" });
      scope.done();
    });

    it("waits until GET answers 404, reporting progress", async () => {
      const p = await provider();
      const scope = api()
        .delete(PATH)
        .reply(202, {})
        .get(PATH)
        .reply(200, serverCustomer("deleting"))
        .get(PATH)
        .reply(404, { message: "gone" });
      await p.delete(ID, { externalId: "acme-001" });
      scope.done();
      expect(progress.lines.some((l) => l.includes("CustomerOrg acme-001: deleting"))).to.equal(true);
    });

    it("a busy customer (423) is waited for, then deleted", async () => {
      const p = await provider();
      const scope = api()
        .delete(PATH)
        .reply(423, { message: "busy", errors: [{ errorCode: 1423, description: "updating" }] }, { "Retry-After": "0" })
        .get(PATH)
        .reply(200, serverCustomer("provisioned"))
        .delete(PATH)
        .reply(202, {})
        .get(PATH)
        .reply(404, {});
      await p.delete(ID, { externalId: "acme-001" });
      scope.done();
    });
  });

  describe("update", () => {
    async function stateAndInputs(p: LooseProvider, status = "provisioned") {
      const inputs = await checked(p);
      const olds = {
        ...inputs,
        customerId: ID,
        orgId: ORG,
        status,
        limited: true,
        adminPackage: "webex_calling",
        headquartersLocationId: LOCATION,
        schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION,
        __provider: "code",
      };
      return { inputs, olds };
    }

    /** Records the method of every request `scope` answers, in order. */
    function sequence(scope: nock.Scope): string[] {
      const seen: string[] = [];
      scope.on("request", (req: { method: string }) => seen.push(req.method));
      return seen;
    }

    it("raising a quantity on a customer state records as provisioned: ONE complete PUT with no read before it, then the polls", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p);
      const news = {
        ...inputs,
        packages: [
          { name: "webex_calling", quantity: 20 },
          { name: "webex_meetings", quantity: 5 },
        ],
      };
      let put: unknown;
      const scope = api()
        .put(PATH, (body) => ((put = body), true))
        .reply(202, {}, { Location: `${BASE}${PATH}` })
        .get(PATH)
        .reply(200, serverCustomer("updating"))
        .get(PATH)
        .reply(200, serverCustomer("provisioned"));
      const seen = sequence(scope);
      const result = await p.update(ID, olds, news);
      scope.done();
      expect(seen, "the PUT goes first: state already says the customer is provisioned").to.deep.equal(["PUT", "GET", "GET"]);
      expect(put).to.deep.equal({
        packages: ["webex_calling", "webex_meetings"],
        externalId: "acme-001",
        address: WIRE_ADDRESS,
        provisioningParameters: {
          calling: { location: { name: "Headquarters", address: WIRE_ADDRESS, timezone: "America/Chicago", language: "en_us" } },
          packages: { limits: { webex_calling: 20, webex_meetings: 5 } },
        },
      });
      expect(result.outs).to.include({ status: "provisioned", customerId: ID, headquartersLocationId: LOCATION, orgId: ORG });
      expect(result.outs.packages).to.deep.equal(news.packages);
    });

    it("a customer state records as provisioned but deleted outside Pulumi: the PUT's 404 says to refresh", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p);
      const scope = api().put(PATH).reply(404, { message: "gone" });
      const news = {
        ...inputs,
        packages: [
          { name: "webex_calling", quantity: 20 },
          { name: "webex_meetings", quantity: 5 },
        ],
      };
      const error = await thrownBy(() => p.update(ID, olds, news));
      scope.done();
      expect(error.message).to.include("pulumi refresh").and.to.include("CustomerOrg acme-001");
    });

    it("after a partial create, unchanged inputs and a server that now agrees → no write, the resource heals", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p, "provisioned_with_errors");
      const scope = api().get(PATH).reply(200, serverCustomer("provisioned"));
      const result = await p.update(ID, olds, inputs);
      scope.done();
      expect(result.outs.status).to.equal("provisioned");
    });

    it("after a timeout while provisioning, waits for the busy customer instead of writing again", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p, "provisioning");
      const scope = api().get(PATH).reply(200, serverCustomer("provisioning")).get(PATH).reply(200, serverCustomer("provisioned"));
      const result = await p.update(ID, olds, inputs);
      scope.done();
      expect(result.outs.status).to.equal("provisioned");
    });

    const failedAgain = [
      { name: "heals: the retried PUT ends provisioned", final: serverCustomer("provisioned"), fails: false },
      {
        name: "fails again: error carrying the id that lists the API's errors",
        final: serverCustomer("provisioned_with_errors", { errors: [{ errorCode: 2560, description: "location failed again" }] }),
        fails: true,
      },
    ];
    for (const c of failedAgain) {
      it(`a customer left failed with unchanged inputs is re-sent its desired state once (read first, one PUT) and ${c.name}`, async () => {
        const p = await provider();
        const { inputs, olds } = await stateAndInputs(p, "provisioned_with_errors");
        const scope = api()
          .get(PATH)
          .reply(200, serverCustomer("provisioned_with_errors", { errors: [{ errorCode: 2560, description: "location failed" }] }))
          .put(PATH)
          .reply(202, {})
          .get(PATH)
          .reply(200, c.final);
        const seen = sequence(scope);
        if (c.fails) {
          const error = await thrownBy(() => p.update(ID, olds, inputs));
          expect(error).to.be.instanceOf(ResourceInitError);
          expect((error as ResourceInitError).id).to.equal(ID);
          expect((error as ResourceInitError).properties).to.include({ status: "provisioned_with_errors", customerId: ID });
          expect(error.message).to.include("location failed again");
        } else {
          const result = await p.update(ID, olds, inputs);
          expect(result.outs.status).to.equal("provisioned");
        }
        scope.done();
        expect(seen, "state records a failure: read first, then exactly one PUT").to.deep.equal(["GET", "PUT", "GET"]);
      });
    }

    describe("a PUT answered 423 (an operation started outside this update is in flight) is never repeated blindly", () => {
      // The transport may retry (6 attempts): a 423 on the first PUT must still come back to the
      // update, which reads what the busy operation leaves behind before deciding to write again.
      const retrying: ClientTuning = { ...TEST_TUNING, maxAttempts: 6 };
      const locked = () => [423, { message: "busy", errors: [{ errorCode: 1423, description: "busy" }] }, { "Retry-After": "0" }] as const;
      const moved = { address: { ...WIRE_ADDRESS, addressLine1: "2 Main St" } };
      const cases = [
        {
          name: "the operation ends and the server still differs: read, wait until idle, ONE more PUT",
          afterLock: [serverCustomer("updating"), serverCustomer("provisioned")],
          puts: 2,
          final: "provisioned",
        },
        {
          name: "the operation ends failed: read, wait, ONE deliberate PUT (as for any customer left failed)",
          afterLock: [serverCustomer("updating"), serverCustomer("provisioned_with_errors", moved)],
          puts: 2,
          final: "provisioned",
        },
        {
          name: "the operation already applied the desired state: read, no second write",
          afterLock: [serverCustomer("updating"), serverCustomer("provisioned", moved)],
          puts: 1,
          final: "provisioned",
        },
      ];
      for (const c of cases) {
        it(c.name, async () => {
          const p = await provider({}, retrying);
          const { inputs, olds } = await stateAndInputs(p);
          const news = { ...inputs, address: { ...(inputs.address as object), line1: "2 Main St" } };
          let scope = api()
            .put(PATH)
            .reply(...locked());
          for (const customer of c.afterLock) scope = scope.get(PATH).reply(200, customer);
          if (c.puts === 2) scope = scope.put(PATH).reply(202, {}).get(PATH).reply(200, serverCustomer("provisioned", moved));
          const seen = sequence(scope);
          const result = await p.update(ID, olds, news);
          scope.done();
          expect(
            seen.filter((m) => m === "PUT"),
            `requests: ${seen.join(", ")}`,
          ).to.have.length(c.puts);
          expect(seen.slice(0, 2), "after the 423, a read, not a second PUT").to.deep.equal(["PUT", "GET"]);
          expect(result.outs.status).to.equal(c.final);
          expect((result.outs.address as { line1: string }).line1).to.equal("2 Main St");
        });
      }
    });

    it("judges the rule table once per update: as many reads of it as ONE diff makes (issue 16.3)", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p);
      const news = {
        ...inputs,
        packages: [
          { name: "webex_calling", quantity: 20 },
          { name: "webex_meetings", quantity: 5 },
        ],
      };
      const rules = customerOrgRules as { fields: typeof customerOrgRules.fields };
      const original = rules.fields;
      let reads = 0;
      rules.fields = new Proxy(original, {
        ownKeys: (target) => (reads++, Reflect.ownKeys(target)),
      });
      try {
        diffCustomerOrg(olds, news, { clientRules: "strict" });
        const oneDiff = reads;
        expect(oneDiff, "a diff reads the table").to.be.greaterThan(0);
        reads = 0;
        const scope = api().put(PATH).reply(202, {}).get(PATH).reply(200, serverCustomer("provisioned"));
        await p.update(ID, olds, news);
        scope.done();
        expect(reads, "update judges the rules as one diff does").to.equal(oneDiff);
      } finally {
        rules.fields = original;
      }
    });

    it("state of an older schemaVersion with unchanged inputs is migrated without any API call", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p);
      const result = await p.update(ID, { ...olds, schemaVersion: 0 }, inputs);
      expect(result.outs).to.include({
        schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION,
        customerId: ID,
        headquartersLocationId: LOCATION,
        orgId: ORG,
      });
    });

    it("re-checks refused rules once unknowns are known, before sending anything", async () => {
      const p = await provider();
      const { inputs, olds } = await stateAndInputs(p);
      const error = await thrownBy(() => p.update(ID, olds, { ...inputs, companyName: "Acme Renamed" }));
      expect(error).to.be.instanceOf(RefusedChangeError);
      expect(error.message).to.include("companyName");
    });

    it("webex:clientRules=server lets a refused change through to the API", async () => {
      const p = await provider({ "webex:clientRules": "server" });
      const { inputs, olds } = await stateAndInputs(p);
      const news = {
        ...inputs,
        packages: [
          { name: "webex_calling", quantity: 5 },
          { name: "webex_meetings", quantity: 5 },
        ],
      };
      expect((await p.diff(ID, olds, news)).changes).to.equal(true);
      const scope = api()
        .put(PATH)
        .reply(400, { message: "lower", errors: [{ errorCode: 1102, description: "limit lower than current" }] });
      const error = await thrownBy(() => p.update(ID, olds, news));
      scope.done();
      expect(error).to.be.instanceOf(ValidationError);
      expect(error.message).to.include("limit lower than current");
    });
  });

  describe("check and diff do no I/O", () => {
    it("check returns failures instead of throwing, with no request", async () => {
      const p = await provider();
      const result = await p.check({}, { ...ARGS, packages: [{ name: "webex_calling", quantity: 0 }] });
      expect(result.failures!.map((f) => f.property)).to.include("packages[0].quantity");
    });

    it("check refuses lowering a quantity from the previous inputs, naming the package, with no request", async () => {
      const p = await provider();
      const inputs = await checked(p);
      const lowered = {
        ...inputs,
        packages: [
          { name: "webex_calling", quantity: 3 },
          { name: "webex_meetings", quantity: 5 },
        ],
      };
      const { failures } = await p.check({ ...inputs, __provider: "code" }, lowered);
      expect(failures?.map((f) => f.property)).to.deep.equal(["packages[webex_calling].quantity"]);
      expect(failures?.[0]?.reason).to.match(
        /^Refused change: CustomerOrg property packages\[webex_calling\]\.quantity cannot change from 10 to 3/,
      );
    });

    it("diff never throws on drift (a refresh diffs the refreshed outputs against the prior inputs)", async () => {
      const p = await provider();
      const inputs = await checked(p);
      // The server now lists a package state did not know, and an administrator raised the country.
      const refreshed = {
        ...inputs,
        address: { ...(inputs.address as object), country: "CA" },
        packages: [...(inputs.packages as object[]), { name: "webex_suite" }],
        customerId: ID,
        status: "provisioned",
        schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION,
      };
      expect((await p.diff(ID, refreshed, inputs)).changes).to.equal(true);
    });

    for (const status of ["provisioned_with_errors", "error", "provisioning"]) {
      it(`diff: stored status ${status} with unchanged inputs is a change, so the next up retries it`, async () => {
        const p = await provider();
        const inputs = await checked(p);
        const olds = { ...inputs, customerId: ID, status, schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION };
        expect((await p.diff(ID, olds, inputs)).changes).to.equal(true);
        expect((await p.diff(ID, { ...olds, status: "provisioned" }, inputs)).changes, "a settled customer").to.equal(false);
      });
    }
  });
});
