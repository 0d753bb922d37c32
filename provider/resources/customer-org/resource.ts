/**
 * `CustomerOrg`: a Webex Wholesale customer organisation as a Pulumi dynamic resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PackageName } from "../../packages";
import type { PulumiInputs } from "../common/input-types";
import { WebexResource } from "../common/resource-base";
import { CUSTOMER_ORG_COMPUTED, type CustomerOrgArgsInput, type CustomerOrgInputs } from "./schema";
// One provider object for every resource of this kind: `dynamic.Resource` serializes it once per
// program, and, installed from npm, as a `require` of this module (see `instance.ts`).
import provider = require("./instance");

/** Arguments of {@link CustomerOrg}: each field of the zod schema's input type, as a `pulumi.Input`. */
export type CustomerOrgArgs = PulumiInputs<CustomerOrgArgsInput>;

/** Computed outputs (declared by the state schema), seeded as undefined so the engine fills them (they are not inputs). */
const COMPUTED = Object.fromEntries(CUSTOMER_ORG_COMPUTED.map((k) => [k, undefined]));

/**
 * A Webex Wholesale customer organisation, created from an onboarding template's `provisioningId`.
 * `up` waits until the customer is provisioned (progress on stderr); an existing customer with the
 * same `externalId` that agrees with the inputs is adopted instead of created. Changes the service
 * refuses (company name, country, lowering a quantity, ...) fail at preview with what to do instead.
 *
 * @example
 * ```ts
 * import { CustomerOrg } from "pulumi-webex-wholesale";
 *
 * const acme = new CustomerOrg("acme-001", {
 *   provisioningId: "Y2lzY29zcGFyazovL3VzL1BST1ZJU0lPTklORy8xMjM",
 *   externalId: "acme-001",
 *   companyName: "Acme Corp",
 *   adminEmail: "admin@acme.example",
 *   supportedLocationConfirmed: true,
 *   address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
 *   packages: [{ name: "webex_calling", quantity: 50 }, { name: "webex_meetings", quantity: 20 }],
 *   headquarters: { timeZone: "America/Chicago" },
 * });
 * export const customerId = acme.customerId;
 * ```
 */
export class CustomerOrg extends WebexResource {
  /** The onboarding template's provisioningId the customer was created from. */
  declare readonly provisioningId: pulumi.Output<string>;
  /** Your identifier for the customer, unique per partner. */
  declare readonly externalId: pulumi.Output<string>;
  /** The existing Webex org attached instead of creating one, if any. */
  declare readonly existingOrgId: pulumi.Output<string | undefined>;
  /** Company name. */
  declare readonly companyName: pulumi.Output<string | undefined>;
  /** Email of the first full administrator. */
  declare readonly adminEmail: pulumi.Output<string | undefined>;
  /** Customer language, e.g. `en_US`. */
  declare readonly language: pulumi.Output<string>;
  /** Always `true`: the customer is in a location Cisco Webex supports. */
  declare readonly supportedLocationConfirmed: pulumi.Output<true>;
  /** The customer's address (country upper-case). */
  declare readonly address: pulumi.Output<CustomerOrgInputs["address"]>;
  /** Packages with their quantities (for a limited customer). */
  declare readonly packages: pulumi.Output<CustomerOrgInputs["packages"]>;
  /** The headquarters calling location, when a calling package is present. */
  declare readonly headquarters: pulumi.Output<CustomerOrgInputs["headquarters"]>;
  /** Time zone of the customer's meetings. */
  declare readonly meetingsTimeZone: pulumi.Output<string | undefined>;
  /** The customer's id (= the resource id); pass it to `CustomerUser.customerId`. */
  declare readonly customerId: pulumi.Output<string>;
  /** The Webex organisation id, once provisioned. */
  declare readonly orgId: pulumi.Output<string | undefined>;
  /** Provisioning status (`provisioned`, `pending_rpl_review`, ...). */
  declare readonly status: pulumi.Output<string>;
  /** True when the packages carry quantities. */
  declare readonly limited: pulumi.Output<boolean>;
  /** The package the customer's administrators must hold. */
  declare readonly adminPackage: pulumi.Output<PackageName | undefined>;
  /** Id of the headquarters location (calling customers); pass it to users' `locationId` to spare a lookup each. */
  declare readonly headquartersLocationId: pulumi.Output<string | undefined>;
  /** Version of the state's shape (an older one is migrated by the next update, without an API call). */
  declare readonly schemaVersion: pulumi.Output<number>;

  /**
   * @param name the logical name; keep it stable (derive it from `externalId`), or rename with `aliases`.
   * @param args the customer's inputs.
   * @param opts resource options (`customTimeouts` is ignored: use `webex:provisioningTimeoutSeconds`).
   */
  constructor(name: string, args: CustomerOrgArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...COMPUTED, ...args }, opts, "CustomerOrg");
  }
}
