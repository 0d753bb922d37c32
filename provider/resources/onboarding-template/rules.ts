/**
 * OnboardingTemplate change rules, as data: every input updates the template in place (the
 * template endpoint's PUT takes the full body), so nothing is refused or replaced.
 */
import type { ResourceRules } from "../common/change-rules";
import { ONBOARDING_TEMPLATE_SCHEMA_VERSION, type OnboardingTemplateInputs } from "./schema";

/** The change rules of OnboardingTemplate: one per input. */
export const onboardingTemplateRules: ResourceRules<keyof OnboardingTemplateInputs & string> = {
  resource: "OnboardingTemplate",
  schemaVersion: ONBOARDING_TEMPLATE_SCHEMA_VERSION,
  optionalInputs: ["pstnProviderId"],
  fields: {
    templateName: { kind: "update", description: "changing `templateName` renames the template in place" },
    serviceProviderAdmin: { kind: "update", description: "changing `serviceProviderAdmin` updates the template in place" },
    countryCode: {
      kind: "update",
      description: "changing `countryCode` updates the template in place (existing customers keep their country)",
    },
    defaultEmailLanguage: { kind: "update", description: "changing `defaultEmailLanguage` updates the template in place" },
    wholesaleSubscriptionId: { kind: "update", description: "changing `wholesaleSubscriptionId` updates the template in place" },
    pstnProviderId: { kind: "update", description: "setting, changing or removing `pstnProviderId` updates the template in place" },
    authentication: { kind: "update", description: "changing `authentication` updates the template in place" },
    emailBrandName: { kind: "update", description: "changing `emailBrandName` updates the template in place" },
    allowAdminInviteEmails: { kind: "update", description: "changing `allowAdminInviteEmails` updates the template in place" },
    allowWebexToWebexCalls: { kind: "update", description: "changing `allowWebexToWebexCalls` updates the template in place" },
  },
  checks: [],
};
