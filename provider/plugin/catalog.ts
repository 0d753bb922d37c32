/**
 * The plugin's view of the three resources: each one's type token, its operations module (the SAME
 * module the dynamic providers load, so no rule exists twice), its zod schemas and its change rules.
 * The schema generator and the plugin both read this list; nothing else names the tokens.
 */
import type { z } from "zod";
import type { ResourceRules } from "../resources/common/change-rules";
import * as customerOrgOperations from "../resources/customer-org/operations";
import { customerOrgRules } from "../resources/customer-org/rules";
import { CustomerOrgArgsSchema, CustomerOrgStateSchema } from "../resources/customer-org/schema";
import * as customerUserOperations from "../resources/customer-user/operations";
import { customerUserRules } from "../resources/customer-user/rules";
import { CustomerUserArgsSchema, CustomerUserStateSchema } from "../resources/customer-user/schema";
import * as onboardingTemplateOperations from "../resources/onboarding-template/operations";
import { onboardingTemplateRules } from "../resources/onboarding-template/rules";
import { OnboardingTemplateArgsSchema, OnboardingTemplateStateSchema } from "../resources/onboarding-template/schema";

/** The Pulumi package name: type tokens are `webex-wholesale:index:<Resource>`, config keys `webex-wholesale:<key>`. */
export const PACKAGE_NAME = "webex-wholesale";

/** The type token of a resource, type or function of this package. */
export function token(name: string): string {
  return `${PACKAGE_NAME}:index:${name}`;
}

/**
 * What the plugin calls on a resource: the operations contract every `operations.ts` exports
 * (the same functions the dynamic providers' `__provider` code calls). `owner` keys the
 * configuration the operation reads.
 */
export interface ResourceOperations {
  /** Remembers the `webex:*` settings of `owner`. */
  configure(owner: object, req: { config: { get(key: string): string | undefined } }): void;
  /** Checks the settings of `owner` against the service once per run (`webex:subPartnerOrgId`). */
  verifyConfiguration(owner: object): Promise<void>;
  /** Pure validation and defaults; never throws. */
  check(
    owner: object,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): {
    inputs?: Record<string, unknown>;
    failures?: { property: string; reason: string }[];
  };
  /** Pure diff by the rule table; throws for a refused change. */
  diff(
    owner: object,
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): {
    changes?: boolean;
    replaces?: string[];
    deleteBeforeReplace?: boolean;
  };
  /** Creates (or adopts) the object and waits for it. */
  create(owner: object, news: Record<string, unknown>): Promise<{ id: string; outs?: Record<string, unknown> }>;
  /** Reads the object; an empty id means it is gone. */
  read(
    owner: object,
    id: string,
    props?: Record<string, unknown>,
  ): Promise<{ id?: string; props?: Record<string, unknown>; inputs?: Record<string, unknown> }>;
  /** Updates the object in place. */
  update(
    owner: object,
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ outs?: Record<string, unknown> }>;
  /** Deletes the object; already gone is success. */
  remove(owner: object, id: string, props: Record<string, unknown>): Promise<void>;
}

/** One resource as the plugin serves it. */
export interface PluginResource {
  /** The resource name, as in the TypeScript package (`CustomerOrg`). */
  readonly name: string;
  /** Its type token, `webex-wholesale:index:<name>`. */
  readonly token: string;
  /** The schema's description of the resource (Markdown). */
  readonly description: string;
  /** Its operations module. */
  readonly operations: ResourceOperations;
  /** Its arguments' zod schema (inputs, descriptions, defaults). */
  readonly args: z.ZodObject;
  /** Its state's zod schema (inputs plus computed outputs). */
  readonly state: z.ZodObject;
  /** Its change rules (which changes replace). */
  readonly rules: ResourceRules;
}

/** The three resources, in dependency order. */
export const PLUGIN_RESOURCES: readonly PluginResource[] = [
  {
    name: "OnboardingTemplate",
    token: token("OnboardingTemplate"),
    description:
      "A Partner Hub onboarding template: the defaults customers are created with. Its `provisioningId` goes to " +
      "`CustomerOrg.provisioningId`. Served by APIs that have the template endpoint (a partner gateway, the emulator); " +
      "against the public Webex API create the template in Partner Hub and pass its provisioningId directly.",
    operations: onboardingTemplateOperations,
    args: OnboardingTemplateArgsSchema,
    state: OnboardingTemplateStateSchema,
    rules: onboardingTemplateRules,
  },
  {
    name: "CustomerOrg",
    token: token("CustomerOrg"),
    description:
      "A Webex Wholesale customer organisation, created from an onboarding template (or adopted when one with the same " +
      "`externalId` already exists and agrees with the inputs). Changes the service cannot make fail `pulumi preview` " +
      "with the reason and what to do instead. Import an existing customer with `pulumi import` and its customer id.",
    operations: customerOrgOperations,
    args: CustomerOrgArgsSchema,
    state: CustomerOrgStateSchema,
    rules: customerOrgRules,
  },
  {
    name: "CustomerUser",
    token: token("CustomerUser"),
    description:
      "A user (subscriber) of a Webex Wholesale customer, with one subscriber package. Changing `customerId` or `email` " +
      "replaces the user (deleting the old one first: emails and numbers are unique).",
    operations: customerUserOperations,
    args: CustomerUserArgsSchema,
    state: CustomerUserStateSchema,
    rules: customerUserRules,
  },
];

/** The resource served under `typeToken`, or undefined. */
export function resourceByToken(typeToken: string): PluginResource | undefined {
  return PLUGIN_RESOURCES.find((r) => r.token === typeToken);
}
