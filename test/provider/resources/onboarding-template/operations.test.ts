/**
 * OnboardingTemplateProvider's methods against nock, including the public Webex API, which has no
 * template endpoint (404/405 without an error code).
 */
import { expect } from "chai";
import nock from "nock";
import { ConflictError } from "../../../../provider/client";
import { TemplatesUnavailableError } from "../../../../provider/resources/common/errors";
import { OnboardingTemplateProvider } from "../../../../provider/resources/onboarding-template/provider";
import { ONBOARDING_TEMPLATE_SCHEMA_VERSION } from "../../../../provider/resources/onboarding-template/schema";
import {
  BASE,
  configureRequest,
  enc,
  thrownBy,
  TOKEN,
  useProviderHarness,
  type LooseProvider,
  withTestClients,
} from "../operations-harness";

const ID = "tmpl-1";
const PATH = `/v1/wholesale/onboardingTemplates/${enc(ID)}`;
const ARGS = {
  templateName: "SMB EMEA",
  serviceProviderAdmin: "ops@partner.example",
  countryCode: "fr",
  defaultEmailLanguage: "fr_FR",
  wholesaleSubscriptionId: "Sub-123",
  authentication: { type: "partnerOidc", idpName: "partner-idp" },
  emailBrandName: "Partner Voice",
};
const WIRE = {
  name: "SMB EMEA",
  serviceProviderAdmin: "ops@partner.example",
  country: "FR",
  defaultEmailLanguage: "fr_FR",
  wholesaleSubscriptionId: "Sub-123",
  authentication: { type: "partner_oidc", idpEntityId: "partner-idp" },
  emailBrandName: "Partner Voice",
  allowAdminInviteEmails: false,
  allowWebexToWebexCalls: true,
};

async function provider(): Promise<LooseProvider> {
  const p = withTestClients(new OnboardingTemplateProvider());
  await p.configure(configureRequest() as never);
  return p;
}

async function checked(p: LooseProvider, args: Record<string, unknown> = ARGS) {
  const r = await p.check({}, args);
  expect(r.failures ?? []).to.deep.equal([]);
  return r.inputs as Record<string, unknown>;
}

function api() {
  return nock(BASE).matchHeader("authorization", `Bearer ${TOKEN}`);
}

describe("OnboardingTemplateProvider against nock", () => {
  useProviderHarness();

  it("create: looks the name up, then POSTs the mapped body (partnerOidc → partner_oidc with idpEntityId)", async () => {
    const p = await provider();
    let posted: unknown;
    const scope = api()
      .get("/v1/wholesale/onboardingTemplates")
      .query((q) => q.name === "SMB EMEA")
      .reply(200, { items: [] })
      .post("/v1/wholesale/onboardingTemplates", (b) => ((posted = b), true))
      .reply(201, { ...WIRE, id: ID, provisioningId: "prov-1" });
    const result = await p.create(await checked(p));
    scope.done();
    expect(posted).to.deep.equal(WIRE);
    expect(result.id).to.equal(ID);
    expect(result.outs).to.include({
      templateId: ID,
      provisioningId: "prov-1",
      countryCode: "FR",
      schemaVersion: ONBOARDING_TEMPLATE_SCHEMA_VERSION,
    });
  });

  const existing = [
    { name: "an identical template is adopted, no POST", items: [{ ...WIRE, id: ID, provisioningId: "prov-1" }], conflict: undefined },
    {
      name: "a template with the name but another brand → ConflictError",
      items: [{ ...WIRE, emailBrandName: "Other", id: ID, provisioningId: "prov-1" }],
      conflict: /emailBrandName is "Other", not "Partner Voice"/,
    },
  ];
  for (const c of existing) {
    it(`create: ${c.name}`, async () => {
      const p = await provider();
      const scope = api().get("/v1/wholesale/onboardingTemplates").query(true).reply(200, { items: c.items });
      if (c.conflict === undefined) {
        const result = await p.create(await checked(p));
        expect(result.outs.provisioningId).to.equal("prov-1");
      } else {
        const error = await thrownBy(async () => p.create(await checked(p)));
        expect(error).to.be.instanceOf(ConflictError);
        expect(error.message).to.match(c.conflict);
      }
      scope.done();
    });
  }

  const realWebex = [
    { name: "404 with an HTML body", status: 404, body: "<html>Not Found</html>" },
    {
      name: "404 with a JSON body and no errorCode",
      status: 404,
      body: { message: "The requested resource could not be found.", trackingId: "ROUTER_1" },
    },
    { name: "405", status: 405, body: { message: "Method not allowed" } },
  ];
  for (const c of realWebex) {
    it(`create against an API without the template endpoint (${c.name}) → says to use Partner Hub and pass the provisioningId to CustomerOrg`, async () => {
      const p = await provider();
      const scope = api().get("/v1/wholesale/onboardingTemplates").query(true).reply(c.status, c.body);
      const error = await thrownBy(async () => p.create(await checked(p)));
      scope.done();
      expect(error).to.be.instanceOf(TemplatesUnavailableError);
      expect(error.message).to.include("Partner Hub").and.to.include("provisioningId").and.to.include("CustomerOrg");
      expect(error.message).not.to.include(TOKEN);
    });
  }

  it("read: 404 → empty id; otherwise every field comes from the server", async () => {
    const p = await provider();
    const state = { ...(await checked(p)), templateId: ID, provisioningId: "prov-1", schemaVersion: 1 };
    const scope = api()
      .get(PATH)
      .reply(200, { ...WIRE, emailBrandName: "Edited in Partner Hub", id: ID, provisioningId: "prov-1" })
      .get(PATH)
      .reply(404, { errors: [{ errorCode: 1404, description: "no such template" }] });
    const found = await p.read(ID, state);
    expect(found.props).to.include({ emailBrandName: "Edited in Partner Hub", provisioningId: "prov-1" });
    expect(found.inputs).to.include({ emailBrandName: "Edited in Partner Hub" });
    expect(found.inputs).not.to.have.any.keys("templateId", "provisioningId", "schemaVersion");
    expect(await p.read(ID, state)).to.deep.equal({});
    scope.done();
  });

  it("update: writes the full body only when the server differs, keeps the provisioningId", async () => {
    const p = await provider();
    const inputs = await checked(p);
    const olds = { ...inputs, templateId: ID, provisioningId: "prov-1", schemaVersion: 1 };
    const news = { ...inputs, emailBrandName: "New Brand" };
    let put: unknown;
    const scope = api()
      .get(PATH)
      .reply(200, { ...WIRE, id: ID, provisioningId: "prov-1" })
      .put(PATH, (b) => ((put = b), true))
      .reply(200, { ...WIRE, emailBrandName: "New Brand", id: ID, provisioningId: "prov-1" });
    const result = await p.update(ID, olds, news);
    scope.done();
    expect(put).to.deep.equal({ ...WIRE, emailBrandName: "New Brand" });
    expect(result.outs).to.include({ emailBrandName: "New Brand", provisioningId: "prov-1" });
  });

  it("delete: 404 counts as success; 409 (1304, still used) keeps its class and names the template", async () => {
    const p = await provider();
    const scope = api()
      .delete(PATH)
      .reply(404, {})
      .delete(PATH)
      .reply(409, { message: "in use", errors: [{ errorCode: 1304, description: "template used by 2 customers" }] });
    await p.delete(ID, { templateName: "SMB EMEA" });
    const error = await thrownBy(() => p.delete(ID, { templateName: "SMB EMEA" }));
    scope.done();
    expect(error).to.be.instanceOf(ConflictError);
    expect(error.message).to.include('OnboardingTemplate "SMB EMEA"').and.to.include("template used by 2 customers");
  });
});
