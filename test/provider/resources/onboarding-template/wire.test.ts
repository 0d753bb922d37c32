import { expect } from "chai";
import { checkOnboardingTemplate } from "../../../../provider/resources/onboarding-template/check";
import { OnboardingTemplateArgsSchema } from "../../../../provider/resources/onboarding-template/schema";
import { differencesFromServer, inputsFromServer, toTemplateBody } from "../../../../provider/resources/onboarding-template/wire";

const ARGS = {
  templateName: "T",
  serviceProviderAdmin: "ops@p.example",
  countryCode: "de",
  wholesaleSubscriptionId: "S",
  emailBrandName: "B",
};

function inputs(extra: Record<string, unknown>) {
  const { inputs: checked, failures } = checkOnboardingTemplate({ ...ARGS, ...extra });
  expect(failures).to.deep.equal([]);
  return OnboardingTemplateArgsSchema.parse(checked);
}

describe("OnboardingTemplate ↔ wire", () => {
  const cases = [
    { name: "webex (default)", extra: {}, auth: { type: "webex" } },
    {
      name: "partnerSaml → partner_saml with idpEntityId",
      extra: { authentication: { type: "partnerSaml", idpEntityId: "urn:idp" } },
      auth: { type: "partner_saml", idpEntityId: "urn:idp" },
    },
    {
      name: "partnerOidc → partner_oidc, idpName sent as idpEntityId",
      extra: { authentication: { type: "partnerOidc", idpName: "oidc-1" } },
      auth: { type: "partner_oidc", idpEntityId: "oidc-1" },
    },
  ];
  for (const c of cases) {
    it(`authentication ${c.name}, and back`, () => {
      const i = inputs(c.extra);
      const body = toTemplateBody(i);
      expect(body.authentication).to.deep.equal(c.auth);
      expect(body).to.include({
        name: "T",
        country: "DE",
        defaultEmailLanguage: "en_US",
        allowAdminInviteEmails: false,
        allowWebexToWebexCalls: true,
      });
      const server = { ...body, id: "t", provisioningId: "p" };
      expect(inputsFromServer(i, server)).to.deep.equal(i);
      expect(differencesFromServer(i, server)).to.deep.equal([]);
    });
  }

  it("a pstnProviderId set on the server but not in the program is a difference", () => {
    const i = inputs({});
    expect(differencesFromServer(i, { ...toTemplateBody(i), pstnProviderId: "pstn", id: "t", provisioningId: "p" })).to.have.length(1);
  });
});
