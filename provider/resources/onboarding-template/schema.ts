/**
 * OnboardingTemplate: the zod schemas that are the single source of its argument, input and state
 * types, and of the reference's argument table (docs/resources.md) (descriptions live here, next to the rules they state).
 */
import { z } from "zod";
import { boundedString, countryCodeSchema, emailSchema, localeSchema, typeMessage, computedOutputs } from "../common/input-types";

/**
 * Version of the state shape this code writes. Raise it when the shape of outputs changes and add
 * the migration to the resource's update; `diff` reports a change for state written by an older one.
 */
export const ONBOARDING_TEMPLATE_SCHEMA_VERSION = 1;

const objectError = (what: string) => ({ error: (iss: { input: unknown }) => typeMessage(iss.input, what) });

/** How the customer's users sign in; the partner variants name the partner's identity provider. */
export const TemplateAuthenticationSchema = z
  .discriminatedUnion(
    "type",
    [
      z
        .object({ type: z.literal("webex").describe("Webex Common Identity signs users in (the default).") })
        .describe("Webex authentication"),
      z
        .object({
          type: z.literal("partnerSaml").describe("The partner's SAML identity provider."),
          idpEntityId: boundedString(1, 1024).describe("EntityID from the identity provider's SAML metadata XML."),
        })
        .describe("Partner SSO with SAML"),
      z
        .object({
          type: z.literal("partnerOidc").describe("The partner's OpenID Connect identity provider."),
          idpName: boundedString(1, 256).describe("IdP name given when the OIDC provider was set up through Cisco TAC."),
        })
        .describe("Partner SSO with OpenID Connect"),
    ],
    {
      error: (iss) =>
        iss.input === undefined || (typeof iss.input === "object" && iss.input !== null)
          ? 'must have `type` "webex", "partnerSaml" (with `idpEntityId`) or "partnerOidc" (with `idpName`)'
          : typeMessage(iss.input, 'an object such as { type: "webex" }'),
    },
  )
  .default({ type: "webex" })
  .describe('How users sign in: `{ type: "webex" }`, `{ type: "partnerSaml", idpEntityId }` or `{ type: "partnerOidc", idpName }`.');

/** The inputs of an OnboardingTemplate, with their defaults. */
export const OnboardingTemplateArgsSchema = z.object(
  {
    templateName: boundedString(1, 80).describe("Name of the template, unique per partner (1–80 characters)."),
    serviceProviderAdmin: emailSchema().describe("Email of the partner administrator who administers customers made from this template."),
    countryCode: countryCodeSchema().describe("Country or region, ISO 3166-1 alpha-2 (e.g. `FR`); any case, stored upper-case."),
    defaultEmailLanguage: localeSchema().default("en_US").describe("Language of onboarding emails, e.g. `en_US`, `fr_FR`."),
    wholesaleSubscriptionId: boundedString(1, 256).describe("The Wholesale subscription customers of this template draw on."),
    pstnProviderId: boundedString(1, 256)
      .optional()
      .describe("Cloud-connected PSTN provider. Optional and not recommended by Cisco (see Partner Hub's customer PSTN setup)."),
    authentication: TemplateAuthenticationSchema,
    emailBrandName: boundedString(1, 60).describe("Brand name shown in every onboarding email (1–60 characters)."),
    allowAdminInviteEmails: z
      .boolean({ error: (iss) => typeMessage(iss.input, "true or false") })
      .default(false)
      .describe("Send invite emails when attaching existing organisations."),
    allowWebexToWebexCalls: z
      .boolean({ error: (iss) => typeMessage(iss.input, "true or false") })
      .default(true)
      .describe("Allow Webex-to-Webex (non-PSTN) calls; turn off only to disable them."),
  },
  objectError("an object of OnboardingTemplate arguments"),
);

/** What a user writes (defaults optional). */
export type OnboardingTemplateArgsInput = z.input<typeof OnboardingTemplateArgsSchema>;

/** Checked inputs: defaults applied, country upper-cased. */
export type OnboardingTemplateInputs = z.output<typeof OnboardingTemplateArgsSchema>;

/** Outputs: the inputs plus computed values; loose so `__provider` and future fields survive. */
export const OnboardingTemplateStateSchema = OnboardingTemplateArgsSchema.extend({
  templateId: z.string().describe("The template's id (= the resource id)."),
  provisioningId: z.string().describe("Pass to `CustomerOrg.provisioningId`; stable across updates."),
  schemaVersion: z.number().int().describe("Version of this state's shape."),
}).loose();

/** The state (outputs) of an OnboardingTemplate. */
export type OnboardingTemplateState = z.output<typeof OnboardingTemplateStateSchema>;

/** The computed outputs (state keys that are not arguments), declared once by the state schema. */
export const ONBOARDING_TEMPLATE_COMPUTED = computedOutputs(OnboardingTemplateStateSchema, OnboardingTemplateArgsSchema);
