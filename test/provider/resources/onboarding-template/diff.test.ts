import { expect } from "chai";
import { checkOnboardingTemplate } from "../../../../provider/resources/onboarding-template/check";
import { diffOnboardingTemplate } from "../../../../provider/resources/onboarding-template/diff";
import { ONBOARDING_TEMPLATE_SCHEMA_VERSION } from "../../../../provider/resources/onboarding-template/schema";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { stateOf, templateArgs } from "../check-fixtures";
import { runDiffCases, type DiffCase } from "../diff-cases";

function checked(args: Record<string, unknown>): Record<string, unknown> {
  const { inputs, failures } = checkOnboardingTemplate(args);
  expect(failures, "fixture must be valid").to.deep.equal([]);
  return inputs;
}

const state = (args = templateArgs()) =>
  stateOf(checked(args), { templateId: "tpl-1", provisioningId: "prov-1", schemaVersion: ONBOARDING_TEMPLATE_SCHEMA_VERSION });
const with_ = (changes: Record<string, unknown>) => checked({ ...templateArgs(), ...changes });
const update = (...changedKeys: string[]) => ({ changes: true, changedKeys });

// Every input of the reference's table updates in place: one case per row.
const rows: [string, unknown][] = [
  ["templateName", "SMB Americas"],
  ["serviceProviderAdmin", "noc@partner.example"],
  ["countryCode", "DE"],
  ["defaultEmailLanguage", "fr_FR"],
  ["wholesaleSubscriptionId", "Sub-456"],
  ["pstnProviderId", "pstn-7"],
  ["authentication", { type: "partnerOidc", idpName: "partner-idp" }],
  ["emailBrandName", "Partner Cloud"],
  ["allowAdminInviteEmails", true],
  ["allowWebexToWebexCalls", false],
];

const cases: DiffCase[] = [
  { name: "no change", olds: state(), news: with_({}), expect: { changes: false, changedKeys: [] } },
  ...rows.map(([key, value]): DiffCase => ({
    name: `${key} changed: update`,
    olds: state(),
    news: with_({ [key]: value }),
    expect: update(key),
  })),
  {
    name: "pstnProviderId removed: update",
    olds: state({ ...templateArgs(), pstnProviderId: "pstn-7" }),
    news: with_({}),
    expect: update("pstnProviderId"),
  },
  {
    name: "provisioningId output is not an input: never compared",
    olds: { ...state(), provisioningId: "other" },
    news: with_({}),
    expect: { changes: false, changedKeys: [] },
  },
  { name: "unknown templateName", olds: state(), news: with_({ templateName: UNKNOWN }), expect: update("templateName") },
  {
    name: "absent old pstnProviderId in state without schemaVersion counts as unchanged",
    olds: { ...state(), schemaVersion: undefined },
    news: with_({ pstnProviderId: "pstn-7" }),
    expect: { changes: false, changedKeys: [] },
  },
  { name: "older schemaVersion is migrated by an update", olds: { ...state(), schemaVersion: 0 }, news: with_({}), expect: update() },
];

describe("OnboardingTemplate diff", () => {
  runDiffCases(diffOnboardingTemplate, cases);
});
