/**
 * Against nock: `webex:subPartnerOrgId` checked once per run by `configure` against
 * `GET /v1/wholesale/subPartners` (a wrong id fails before any check, naming the valid ones), and
 * `consentMove: true` on a CustomerUser left in `pending_user_migration`, both ways.
 */
import { expect } from "chai";
import nock from "nock";
import { CustomerOrgProvider } from "../../../provider/resources/customer-org/provider";
import { CustomerUserProvider } from "../../../provider/resources/customer-user/provider";
import { CUSTOMER_USER_SCHEMA_VERSION } from "../../../provider/resources/customer-user/schema";
import { BASE, configureRequest, enc, TOKEN, useProviderHarness, withTestClients, type LooseProvider } from "./operations-harness";

const SUB = "c3ViLXBhcnRuZXItMQ==";
const USER = "Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMQ==";
const ARGS = { customerId: "cust-1", email: "ada@acme.example", firstName: "Ada", lastName: "Lovelace", package: "webex_meetings" };

function api() {
  return nock(BASE).matchHeader("authorization", `Bearer ${TOKEN}`);
}

function subscriber(status: string) {
  return { id: USER, email: ARGS.email, customerId: "cust-1", packages: ["webex_meetings"], status };
}

describe("configure: webex:subPartnerOrgId is checked against GET subPartners once per run", () => {
  const progress = useProviderHarness();

  it("a sub-partner the partner manages passes; the list is read once for every provider, without onBehalfOfSubPartnerOrgId", async () => {
    const scope = api()
      .get("/v1/wholesale/subPartners")
      .query((q) => q["onBehalfOfSubPartnerOrgId"] === undefined)
      .reply(200, { items: [{ orgId: "other" }, { orgId: SUB, provisioningState: "active" }] });
    await withTestClients(new CustomerOrgProvider()).configure(configureRequest({ "webex:subPartnerOrgId": SUB }) as never);
    await withTestClients(new CustomerUserProvider()).configure(configureRequest({ "webex:subPartnerOrgId": SUB }) as never);
    scope.done();
  });

  it("a wrong id fails configure (so the preview) naming the setting and listing the valid ids", async () => {
    const scope = api()
      .get("/v1/wholesale/subPartners")
      .query(true)
      .reply(200, { items: [{ orgId: SUB }, { orgId: "sub-2" }] });
    const error = await withTestClients(new CustomerOrgProvider())
      .configure(configureRequest({ "webex:subPartnerOrgId": "not-mine" }) as never)
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    scope.done();
    expect(error?.name).to.equal("ConfigurationError");
    expect(error?.message).to.include("webex:subPartnerOrgId").and.include("not-mine").and.include(`${SUB}, sub-2`);
    expect(error?.message).to.not.include(TOKEN);
  });

  it("without the setting, or without a token, no request is sent", async () => {
    await withTestClients(new CustomerOrgProvider()).configure(configureRequest() as never);
    await withTestClients(new CustomerOrgProvider()).configure({
      config: { get: (k: string) => (k === "webex:subPartnerOrgId" ? SUB : undefined) },
    } as never);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it("a list that cannot be read (403) is a warning, not a failure", async () => {
    const scope = api()
      .get("/v1/wholesale/subPartners")
      .query(true)
      .reply(403, { message: "forbidden", errors: [{ errorCode: 1403, description: "missing scope" }] });
    await withTestClients(new CustomerOrgProvider()).configure(configureRequest({ "webex:subPartnerOrgId": SUB }) as never);
    scope.done();
    expect(progress.lines.some((l) => l.includes("warning") && l.includes("not checked"))).to.equal(true);
  });
});

describe("CustomerUser consentMove", () => {
  const progress = useProviderHarness();

  async function provider(): Promise<LooseProvider> {
    const p = withTestClients(new CustomerUserProvider());
    await p.configure(configureRequest() as never);
    return p as unknown as LooseProvider;
  }

  async function checked(p: LooseProvider, args: Record<string, unknown>) {
    const result = await p.check({}, args);
    expect(result.failures ?? []).to.deep.equal([]);
    return result.inputs as Record<string, unknown>;
  }

  it("left false (the default): a pending user is not emailed, and the warning says how to ask", async () => {
    const p = await provider();
    const scope = api().post("/v1/wholesale/subscribers").reply(202, subscriber("pending_user_migration"));
    const result = await p.create(await checked(p, ARGS));
    scope.done();
    expect(result.outs).to.include({ status: "pending_user_migration", consentMove: false });
    expect(progress.lines.some((l) => l.includes("consentMove: true"))).to.equal(true);
  });

  it("true on create: consentMove is called for the pending user, which is read again", async () => {
    const p = await provider();
    const scope = api()
      .post("/v1/wholesale/subscribers")
      .reply(202, subscriber("pending_user_migration"))
      .post(`/v1/subscribers/${enc(USER)}/emails/consentMove`)
      .reply(204)
      .get(`/v1/wholesale/subscribers/${enc(USER)}`)
      .reply(200, { ...subscriber("provisioned"), personId: "person-1" });
    const result = await p.create(await checked(p, { ...ARGS, consentMove: true }));
    scope.done();
    expect(result.outs).to.include({ status: "provisioned", personId: "person-1", consentMove: true });
  });

  it("true on create of a user provisioned at once: no consentMove call", async () => {
    const p = await provider();
    const scope = api().post("/v1/wholesale/subscribers").reply(200, subscriber("provisioned"));
    const result = await p.create(await checked(p, { ...ARGS, consentMove: true }));
    scope.done();
    expect(result.outs["status"]).to.equal("provisioned");
  });

  it("state written before the input existed: absent counts as false (no change), and turning it on is a change", async () => {
    const p = await provider();
    const inputs = await checked(p, ARGS);
    const { consentMove: _absent, ...olderInputs } = inputs;
    const olds = { ...olderInputs, userId: USER, status: "pending_user_migration", schemaVersion: CUSTOMER_USER_SCHEMA_VERSION };
    expect((await p.diff(USER, olds, inputs)).changes).to.equal(false);
    expect((await p.diff(USER, olds, await checked(p, { ...ARGS, consentMove: true }))).changes).to.equal(true);
  });

  it("set to true later on a user left pending: the update calls consentMove; the user may stay pending", async () => {
    const p = await provider();
    const before = await checked(p, ARGS);
    const olds = { ...before, userId: USER, status: "pending_user_migration", schemaVersion: CUSTOMER_USER_SCHEMA_VERSION };
    const news = await checked(p, { ...ARGS, consentMove: true });
    const diff = await p.diff(USER, olds, news);
    expect(diff.changes).to.equal(true);
    const scope = api()
      .get(`/v1/wholesale/subscribers/${enc(USER)}`)
      .reply(200, subscriber("pending_user_migration"))
      .post(`/v1/subscribers/${enc(USER)}/emails/consentMove`)
      .reply(204)
      .get(`/v1/wholesale/subscribers/${enc(USER)}`)
      .reply(200, subscriber("pending_user_migration"));
    const result = await p.update(USER, olds, news);
    scope.done();
    expect(result.outs).to.include({ status: "pending_user_migration", consentMove: true });
    expect(progress.lines.some((l) => l.includes("consent email was sent"))).to.equal(true);
  });
});
