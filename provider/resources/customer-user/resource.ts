/**
 * `CustomerUser`: a user (wholesale subscriber) of a customer, as a Pulumi dynamic resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiInputs } from "../common/input-types";
import { WebexResource } from "../common/resource-base";
import { CUSTOMER_USER_COMPUTED, type CustomerUserArgsInput, type CustomerUserInputs } from "./schema";
// One provider object for every resource of this kind: `dynamic.Resource` serializes it once per
// program, and, installed from npm, as a `require` of this module (see `instance.ts`).
import provider = require("./instance");

/** Arguments of {@link CustomerUser}: each field of the zod schema's input type, as a `pulumi.Input`. */
export type CustomerUserArgs = PulumiInputs<CustomerUserArgsInput>;

/** Computed outputs (declared by the state schema), seeded as undefined so the engine fills them (they are not inputs). */
const COMPUTED = Object.fromEntries(CUSTOMER_USER_COMPUTED.map((k) => [k, undefined]));

/**
 * A user of a customer with one subscriber package. A calling package needs a `phoneNumber` or an
 * `extension`; without `locationId` the user is placed in the customer's headquarters. A user whose
 * email already exists in the customer with the same package is adopted instead of failing.
 *
 * @example
 * ```ts
 * import { CustomerUser } from "pulumi-webex-wholesale";
 *
 * const ada = new CustomerUser("ada@acme.example", {
 *   customerId: acme.customerId,
 *   email: "ada@acme.example",
 *   firstName: "Ada",
 *   lastName: "Lovelace",
 *   package: "webex_calling",
 *   administrator: true,
 *   extension: "0100",
 *   locationId: acme.headquartersLocationId,
 * });
 * ```
 */
export class CustomerUser extends WebexResource {
  /** The customer's id. */
  declare readonly customerId: pulumi.Output<string>;
  /** The user's email. */
  declare readonly email: pulumi.Output<string>;
  /** First name. */
  declare readonly firstName: pulumi.Output<string>;
  /** Last name. */
  declare readonly lastName: pulumi.Output<string>;
  /** The user's subscriber package. */
  declare readonly package: pulumi.Output<CustomerUserInputs["package"]>;
  /** Whether the user is declared a full administrator of the customer. */
  declare readonly administrator: pulumi.Output<boolean>;
  /** The calling location given, if any. */
  declare readonly locationId: pulumi.Output<string | undefined>;
  /** Phone number (E.164), if any. */
  declare readonly phoneNumber: pulumi.Output<string | undefined>;
  /** Extension, if any. */
  declare readonly extension: pulumi.Output<string | undefined>;
  /** The numbers of the user's location the program declared, if given (checked against `phoneNumber`). */
  declare readonly locationNumbers: pulumi.Output<string[] | undefined>;
  /** The subscriber's id (= the resource id). */
  declare readonly userId: pulumi.Output<string>;
  /** The Webex person id, once provisioned. */
  declare readonly personId: pulumi.Output<string | undefined>;
  /** `provisioned`, or `pending_user_migration` while the user has not accepted the move. */
  declare readonly status: pulumi.Output<string>;
  /** The calling location the user was placed in (calling packages). */
  declare readonly assignedLocationId: pulumi.Output<string | undefined>;
  /** Version of the state's shape. */
  declare readonly schemaVersion: pulumi.Output<number>;

  /**
   * @param name the logical name; keep it stable (derive it from the email), or rename with `aliases`.
   * @param args the user's inputs.
   * @param opts resource options.
   */
  constructor(name: string, args: CustomerUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...COMPUTED, ...args }, opts, "CustomerUser");
  }
}
