/**
 * `OnboardingTemplate`: a Partner Hub onboarding template as a Pulumi dynamic resource (served by
 * APIs that have the template endpoint: the emulator, a partner gateway; not webexapis.com).
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiInputs } from "../common/input-types";
import { WebexResource } from "../common/resource-base";
import { ONBOARDING_TEMPLATE_COMPUTED, type OnboardingTemplateArgsInput, type OnboardingTemplateInputs } from "./schema";
// One provider object for every resource of this kind: `dynamic.Resource` serializes it once per
// program, and, installed from npm, as a `require` of this module (see `instance.ts`).
import provider = require("./instance");

/** Arguments of {@link OnboardingTemplate}: each field of the zod schema's input type, as a `pulumi.Input`. */
export type OnboardingTemplateArgs = PulumiInputs<OnboardingTemplateArgsInput>;

/** Computed outputs (declared by the state schema), seeded as undefined so the engine fills them (they are not inputs). */
const COMPUTED = Object.fromEntries(ONBOARDING_TEMPLATE_COMPUTED.map((k) => [k, undefined]));

/**
 * An onboarding template: the defaults customers are created with. Its `provisioningId` goes to
 * `CustomerOrg.provisioningId`. Against the public Webex API, which has no template endpoint,
 * `create` fails and says to create the template in Partner Hub and pass its provisioningId directly.
 *
 * @example
 * ```ts
 * import { OnboardingTemplate } from "pulumi-webex-wholesale";
 *
 * const smb = new OnboardingTemplate("smb-emea", {
 *   templateName: "SMB EMEA",
 *   serviceProviderAdmin: "ops@partner.example",
 *   countryCode: "FR",
 *   defaultEmailLanguage: "fr_FR",
 *   wholesaleSubscriptionId: "Sub-123",
 *   emailBrandName: "Partner Voice",
 * });
 * export const provisioningId = smb.provisioningId;
 * ```
 */
export class OnboardingTemplate extends WebexResource {
  /** Name of the template, unique per partner. */
  declare readonly templateName: pulumi.Output<string>;
  /** Email of the partner administrator. */
  declare readonly serviceProviderAdmin: pulumi.Output<string>;
  /** Country, ISO 3166-1 alpha-2. */
  declare readonly countryCode: pulumi.Output<string>;
  /** Language of onboarding emails. */
  declare readonly defaultEmailLanguage: pulumi.Output<string>;
  /** The Wholesale subscription customers draw on. */
  declare readonly wholesaleSubscriptionId: pulumi.Output<string>;
  /** Cloud-connected PSTN provider, if any. */
  declare readonly pstnProviderId: pulumi.Output<string | undefined>;
  /** How users sign in. */
  declare readonly authentication: pulumi.Output<OnboardingTemplateInputs["authentication"]>;
  /** Brand name in onboarding emails. */
  declare readonly emailBrandName: pulumi.Output<string>;
  /** Whether invite emails go out when existing orgs are attached. */
  declare readonly allowAdminInviteEmails: pulumi.Output<boolean>;
  /** Whether Webex-to-Webex calls are allowed. */
  declare readonly allowWebexToWebexCalls: pulumi.Output<boolean>;
  /** The template's id (= the resource id). */
  declare readonly templateId: pulumi.Output<string>;
  /** Pass to `CustomerOrg.provisioningId`; stable across updates. */
  declare readonly provisioningId: pulumi.Output<string>;
  /** Version of the state's shape. */
  declare readonly schemaVersion: pulumi.Output<number>;

  /**
   * @param name the logical name; keep it stable, or rename with `aliases`.
   * @param args the template's inputs.
   * @param opts resource options.
   */
  constructor(name: string, args: OnboardingTemplateArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...COMPUTED, ...args }, opts, "OnboardingTemplate");
  }
}
