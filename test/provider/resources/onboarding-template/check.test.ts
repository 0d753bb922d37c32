import { expect } from "chai";
import { checkOnboardingTemplate } from "../../../../provider/resources/onboarding-template/check";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { setPath, templateArgs } from "../check-fixtures";

const change = (path: (string | number)[], v: unknown) => setPath(templateArgs(), path, v);

const failing: { name: string; input: Record<string, unknown>; properties: string[]; reason: RegExp }[] = [
  {
    name: "templateName missing",
    input: change(["templateName"], undefined),
    properties: ["templateName"],
    reason: /required.*name of the template/,
  },
  { name: "templateName empty", input: change(["templateName"], ""), properties: ["templateName"], reason: /empty/ },
  {
    name: "templateName longer than 80",
    input: change(["templateName"], "t".repeat(81)),
    properties: ["templateName"],
    reason: /at most 80/,
  },
  {
    name: "serviceProviderAdmin not an email",
    input: change(["serviceProviderAdmin"], "ops"),
    properties: ["serviceProviderAdmin"],
    reason: /not an email/,
  },
  {
    name: "countryCode not ISO alpha-2",
    input: change(["countryCode"], "France"),
    properties: ["countryCode"],
    reason: /ISO 3166-1 alpha-2/,
  },
  {
    name: "defaultEmailLanguage not a locale",
    input: change(["defaultEmailLanguage"], "fr-FR"),
    properties: ["defaultEmailLanguage"],
    reason: /fr_FR/,
  },
  {
    name: "wholesaleSubscriptionId missing",
    input: change(["wholesaleSubscriptionId"], undefined),
    properties: ["wholesaleSubscriptionId"],
    reason: /required/,
  },
  { name: "pstnProviderId empty", input: change(["pstnProviderId"], ""), properties: ["pstnProviderId"], reason: /empty/ },
  {
    name: "authentication partnerSaml without idpEntityId",
    input: change(["authentication"], { type: "partnerSaml" }),
    properties: ["authentication.idpEntityId"],
    reason: /required.*EntityID/,
  },
  {
    name: "authentication partnerOidc without idpName",
    input: change(["authentication"], { type: "partnerOidc" }),
    properties: ["authentication.idpName"],
    reason: /required.*IdP name/,
  },
  {
    name: "authentication of an unknown type",
    input: change(["authentication"], { type: "ldap" }),
    properties: ["authentication.type"],
    reason: /"webex", "partnerSaml".*"partnerOidc"/,
  },
  {
    name: "authentication not an object",
    input: change(["authentication"], "webex"),
    properties: ["authentication"],
    reason: /must be an object/,
  },
  {
    name: "emailBrandName longer than 60",
    input: change(["emailBrandName"], "b".repeat(61)),
    properties: ["emailBrandName"],
    reason: /at most 60/,
  },
  {
    name: "allowAdminInviteEmails not a boolean",
    input: change(["allowAdminInviteEmails"], "false"),
    properties: ["allowAdminInviteEmails"],
    reason: /true or false/,
  },
  {
    name: "allowWebexToWebexCalls not a boolean",
    input: change(["allowWebexToWebexCalls"], 1),
    properties: ["allowWebexToWebexCalls"],
    reason: /true or false/,
  },
];

describe("OnboardingTemplate check", () => {
  describe("refuses, on the path the user wrote, with what to do", () => {
    for (const c of failing) {
      it(c.name, () => {
        const { failures } = checkOnboardingTemplate(c.input);
        expect(failures.map((f) => f.property)).to.deep.equal(c.properties);
        expect(failures[0]!.reason).to.match(c.reason);
      });
    }
  });

  describe("accepts and normalises", () => {
    const cases: { name: string; input: Record<string, unknown>; expected: Record<string, unknown> }[] = [
      {
        name: "defaults from the reference",
        input: templateArgs(),
        expected: {
          defaultEmailLanguage: "en_US",
          authentication: { type: "webex" },
          allowAdminInviteEmails: false,
          allowWebexToWebexCalls: true,
        },
      },
      { name: "countryCode upper-cased", input: change(["countryCode"], "fr"), expected: { countryCode: "FR" } },
      {
        name: "partner SAML",
        input: change(["authentication"], { type: "partnerSaml", idpEntityId: "https://idp.example/saml" }),
        expected: { authentication: { type: "partnerSaml", idpEntityId: "https://idp.example/saml" } },
      },
      {
        name: "partner OIDC",
        input: change(["authentication"], { type: "partnerOidc", idpName: "partner-idp" }),
        expected: { authentication: { type: "partnerOidc", idpName: "partner-idp" } },
      },
      { name: "optional pstnProviderId", input: change(["pstnProviderId"], "pstn-7"), expected: { pstnProviderId: "pstn-7" } },
      {
        name: "explicit booleans kept",
        input: { ...templateArgs(), allowAdminInviteEmails: true, allowWebexToWebexCalls: false },
        expected: { allowAdminInviteEmails: true, allowWebexToWebexCalls: false },
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { inputs, failures } = checkOnboardingTemplate(c.input);
        expect(failures).to.deep.equal([]);
        expect(inputs).to.deep.include(c.expected);
      });
    }
  });

  describe("skips unknown values during preview", () => {
    const cases: { name: string; input: Record<string, unknown>; path: string[] }[] = [
      { name: "authentication.type unknown", input: change(["authentication"], { type: UNKNOWN }), path: ["authentication", "type"] },
      { name: "countryCode unknown (not upper-cased)", input: change(["countryCode"], UNKNOWN), path: ["countryCode"] },
      { name: "serviceProviderAdmin unknown", input: change(["serviceProviderAdmin"], UNKNOWN), path: ["serviceProviderAdmin"] },
      {
        name: "idpEntityId unknown",
        input: change(["authentication"], { type: "partnerSaml", idpEntityId: UNKNOWN }),
        path: ["authentication", "idpEntityId"],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { inputs, failures } = checkOnboardingTemplate(c.input);
        expect(failures).to.deep.equal([]);
        let at: unknown = inputs;
        for (const key of c.path) at = (at as Record<string, unknown>)[key];
        expect(at).to.equal(UNKNOWN);
      });
    }
  });

  it("never throws on garbage: null is checked as an empty object", () => {
    const { failures } = checkOnboardingTemplate(null as unknown as Record<string, unknown>);
    expect(failures.map((f) => f.property)).to.deep.equal([
      "templateName",
      "serviceProviderAdmin",
      "countryCode",
      "wholesaleSubscriptionId",
      "emailBrandName",
    ]);
  });
});
