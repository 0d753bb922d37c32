/**
 * `CustomerLocation`: a site of a customer, with its Webex Calling settings (PSTN connection,
 * numbers, main number), as a Pulumi dynamic resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiInputs } from "../common/input-types";
import { WebexResource } from "../common/resource-base";
import { CUSTOMER_LOCATION_COMPUTED, type CustomerLocationArgsInput, type CustomerLocationInputs, type InventoryNumber } from "./schema";
// One provider object for every resource of this kind: `dynamic.Resource` serializes it once per
// program, and, installed from npm, as a `require` of this module (see `instance.ts`).
import provider = require("./instance");

/** Arguments of {@link CustomerLocation}: each field of the zod schema's input type, as a `pulumi.Input`. */
export type CustomerLocationArgs = PulumiInputs<CustomerLocationArgsInput>;

/** Computed outputs (declared by the state schema), seeded as undefined so the engine fills them (they are not inputs). */
const COMPUTED = Object.fromEntries(CUSTOMER_LOCATION_COMPUTED.map((k) => [k, undefined]));

/**
 * A location (site) of a customer. An existing location of the same exact name in the customer's
 * org is adopted, so the headquarters a calling customer is created with can be declared too, to
 * give it numbers and a main number. With `calling`, Webex Calling is enabled there; numbers
 * (non-integrated PSTN only) are added, activated and removed by difference, and the main number is
 * set. Destroying it disables calling (after the API's precheck); the location record itself stays,
 * since the API cannot delete a location.
 *
 * @example
 * ```ts
 * import { CustomerLocation, CustomerUser } from "pulumi-webex-wholesale";
 *
 * const denver = new CustomerLocation("acme-001/Denver", {
 *   customerId: acme.customerId,
 *   name: "Denver",
 *   timeZone: "America/Denver",
 *   preferredLanguage: "en_US",
 *   announcementLanguage: "en_US",
 *   address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
 *   calling: {
 *     pstnConnectionId: "lgw-1",
 *     numbers: [{ number: "+13035550100" }, { number: "+13035550101" }],
 *     mainNumber: "+13035550100",
 *   },
 * });
 *
 * new CustomerUser("grace@acme.example", {
 *   customerId: acme.customerId,
 *   email: "grace@acme.example",
 *   firstName: "Grace",
 *   lastName: "Hopper",
 *   package: "webex_calling",
 *   locationId: denver.locationId,
 *   locationNumbers: denver.numbers,
 *   phoneNumber: "+13035550101",
 * });
 * ```
 */
export class CustomerLocation extends WebexResource {
  /** The customer's id. */
  declare readonly customerId: pulumi.Output<string>;
  /** The location's name, unique in the customer's org. */
  declare readonly name: pulumi.Output<string>;
  /** IANA time zone. */
  declare readonly timeZone: pulumi.Output<string>;
  /** Default email language (`en_US`). */
  declare readonly preferredLanguage: pulumi.Output<string>;
  /** Phone announcement language (`en_US`). */
  declare readonly announcementLanguage: pulumi.Output<string>;
  /** The location's address. */
  declare readonly address: pulumi.Output<CustomerLocationInputs["address"]>;
  /** Latitude, if given. */
  declare readonly latitude: pulumi.Output<string | undefined>;
  /** Longitude, if given. */
  declare readonly longitude: pulumi.Output<string | undefined>;
  /** Notes, if given. */
  declare readonly notes: pulumi.Output<string | undefined>;
  /** The calling settings given, if any. */
  declare readonly calling: pulumi.Output<CustomerLocationInputs["calling"]>;
  /** The location's id (= the resource id): pass it to a `CustomerUser`'s `locationId`. */
  declare readonly locationId: pulumi.Output<string>;
  /** The customer's Webex org id. */
  declare readonly orgId: pulumi.Output<string>;
  /** The PSTN connection type, once the location has one. */
  declare readonly pstnConnectionType: pulumi.Output<string | undefined>;
  /** Every number of the location: number, state, owner. */
  declare readonly inventory: pulumi.Output<InventoryNumber[] | undefined>;
  /** The location's main number as the API reports it. */
  declare readonly mainNumber: pulumi.Output<string | undefined>;
  /** Version of the state's shape. */
  declare readonly schemaVersion: pulumi.Output<number>;
  /**
   * The numbers the program declares here (`calling.numbers`), known at preview even before the
   * location exists: pass it to a `CustomerUser`'s `locationNumbers`, so the preview refuses a
   * `phoneNumber` this location does not hold.
   */
  readonly numbers: pulumi.Output<string[] | undefined>;

  /**
   * @param name the logical name; keep it stable (derive it from the customer and the location's name), or rename with `aliases`.
   * @param args the location's inputs.
   * @param opts resource options.
   */
  constructor(name: string, args: CustomerLocationArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...COMPUTED, ...args }, opts, "CustomerLocation");
    // From the arguments, not the outputs: outputs of a location still to be created are unknown at preview.
    this.numbers = pulumi
      .output(args.calling)
      .apply((calling) => (calling as CustomerLocationInputs["calling"])?.numbers?.map((n) => n.number));
  }
}
