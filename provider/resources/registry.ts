/**
 * The one declared list of the package's resources. The plugin's catalogue (`plugin/catalog.ts`)
 * and the reference generator (`scripts/docs.ts`) read it; the package entry (`provider/index.ts`)
 * and `package.json`'s `exports` are checked against it (`test/provider/resources/registry.test.ts`:
 * at compile time for the entry's exports, at run time for the `exports` map, which cannot import
 * TypeScript).
 *
 * How to add a resource: write its folder (the same files as the others, see `README.md` here), add
 * one entry below, then do what the failing checks name: export its class, args type and provider
 * from `provider/index.ts`, and its `operations` and `instance` subpaths from `package.json`.
 *
 * Each entry is checked by {@link resourceEntry}: the folder's `operations` module must satisfy the
 * operations contract ({@link OperationsAbi}) for the inputs and outputs of the entry's own zod
 * schemas, so an operation whose outputs change shape fails to compile, and the rule table must
 * name each input. This list imports the folders and nothing in them imports it: `common/` knows no
 * resource.
 */
import type { z } from "zod";
import type { ResourceRules } from "./common/change-rules";
import type { CrossFieldRule } from "./common/failures";
import type { OperationsAbi } from "./common/operations-abi";
import { customerLocationCheckRules } from "./customer-location/check";
import * as customerLocationOperations from "./customer-location/operations";
import { customerLocationRules } from "./customer-location/rules";
import { CustomerLocationArgsSchema, CustomerLocationStateSchema } from "./customer-location/schema";
import { customerOrgCheckRules } from "./customer-org/check";
import * as customerOrgOperations from "./customer-org/operations";
import { customerOrgRules } from "./customer-org/rules";
import { CustomerOrgArgsSchema, CustomerOrgStateSchema } from "./customer-org/schema";
import { customerUserCheckRules } from "./customer-user/check";
import * as customerUserOperations from "./customer-user/operations";
import { customerUserRules } from "./customer-user/rules";
import { CustomerUserArgsSchema, CustomerUserStateSchema } from "./customer-user/schema";
import { onboardingTemplateCheckRules } from "./onboarding-template/check";
import * as onboardingTemplateOperations from "./onboarding-template/operations";
import { onboardingTemplateRules } from "./onboarding-template/rules";
import { OnboardingTemplateArgsSchema, OnboardingTemplateStateSchema } from "./onboarding-template/schema";

/**
 * One resource of the package.
 * @typeParam A its arguments' zod schema; `z.output<A>` is its checked inputs.
 * @typeParam S its state's zod schema; `z.output<S>` is its outputs.
 */
export interface ResourceEntry<A extends z.ZodObject = z.ZodObject, S extends z.ZodObject = z.ZodObject> {
  /** The resource name, as exported by the package (`CustomerOrg`); the type token's last part. */
  readonly name: string;
  /** Its folder under `provider/resources/`: the `<folder>` of the subpaths stored providers require. */
  readonly folder: string;
  /** What the resource is, in Markdown (the plugin's package schema shows it). */
  readonly description: string;
  /** Its arguments' zod schema (inputs, descriptions, defaults). */
  readonly args: A;
  /** Its state's zod schema (inputs plus computed outputs). */
  readonly state: S;
  /** Its `operations` module, the same one the dynamic providers load by package name. */
  readonly operations: OperationsAbi<z.output<A>, z.output<S>>;
  /** Its rules across fields, judged by `check` (documented in the reference). */
  readonly checks: readonly CrossFieldRule[];
  /** Its change rules, judged by `check` (refusals) and `diff` (what each change does). */
  readonly rules: ResourceRules<keyof z.output<A> & string>;
}

/**
 * One entry of {@link RESOURCES}, checked against the contract for its own schemas' types; keeps
 * the literal name and folder, so the checks that read the list can name them.
 */
function resourceEntry<const N extends string, const F extends string, A extends z.ZodObject, S extends z.ZodObject>(
  entry: ResourceEntry<A, S> & { readonly name: N; readonly folder: F },
): ResourceEntry<A, S> & { readonly name: N; readonly folder: F } {
  return entry;
}

/** The package's resources, in dependency order (a template, the customers made from it, their locations, their users). */
export const RESOURCES = [
  resourceEntry({
    name: "OnboardingTemplate",
    folder: "onboarding-template",
    description:
      "A Partner Hub onboarding template: the defaults customers are created with. Its `provisioningId` goes to " +
      "`CustomerOrg.provisioningId`. Served by APIs that have the template endpoint (a partner gateway, the emulator); " +
      "against the public Webex API create the template in Partner Hub and pass its provisioningId directly.",
    args: OnboardingTemplateArgsSchema,
    state: OnboardingTemplateStateSchema,
    operations: onboardingTemplateOperations,
    checks: onboardingTemplateCheckRules,
    rules: onboardingTemplateRules,
  }),
  resourceEntry({
    name: "CustomerOrg",
    folder: "customer-org",
    description:
      "A Webex Wholesale customer organisation, created from an onboarding template (or adopted when one with the same " +
      "`externalId` already exists and agrees with the inputs). Changes the service cannot make fail `pulumi preview` " +
      "with the reason and what to do instead. Import an existing customer with `pulumi import` and its customer id.",
    args: CustomerOrgArgsSchema,
    state: CustomerOrgStateSchema,
    operations: customerOrgOperations,
    checks: customerOrgCheckRules,
    rules: customerOrgRules,
  }),
  resourceEntry({
    name: "CustomerLocation",
    folder: "customer-location",
    description:
      "A location (site) of a Webex Wholesale customer, with its Webex Calling settings: PSTN connection, numbers " +
      "(added, activated and removed by difference) and main number. A location of the same exact name is adopted " +
      "(the headquarters too). Destroying it disables calling after the API's precheck; the location record stays.",
    args: CustomerLocationArgsSchema,
    state: CustomerLocationStateSchema,
    operations: customerLocationOperations,
    checks: customerLocationCheckRules,
    rules: customerLocationRules,
  }),
  resourceEntry({
    name: "CustomerUser",
    folder: "customer-user",
    description:
      "A user (subscriber) of a Webex Wholesale customer, with one subscriber package. Changing `customerId` or `email` " +
      "replaces the user (deleting the old one first: emails and numbers are unique).",
    args: CustomerUserArgsSchema,
    state: CustomerUserStateSchema,
    operations: customerUserOperations,
    checks: customerUserCheckRules,
    rules: customerUserRules,
  }),
] as const;

/** The name of each resource in {@link RESOURCES}, e.g. `CustomerOrg`. */
export type ResourceName = (typeof RESOURCES)[number]["name"];

/** The folder of each resource in {@link RESOURCES}: the `<folder>` of `pulumi-webex-wholesale/resources/<folder>/…`. */
export type ResourceFolder = (typeof RESOURCES)[number]["folder"];
