/**
 * CustomerUser: the zod schemas that are the single source of its argument, input and state types,
 * and of the reference's argument table (docs/resources.md). Rules between fields (a calling package needs a number) live
 * in `check.ts`.
 */
import { z } from "zod";
import { PACKAGES, SUBSCRIBER_PACKAGE_NAMES, type PackageName } from "../../packages";
import { boundedString, e164Schema, emailSchema, extensionSchema, typeMessage, computedOutputs } from "../common/input-types";

/** Version of the state shape this code writes; see `ONBOARDING_TEMPLATE_SCHEMA_VERSION`'s note. */
export const CUSTOMER_USER_SCHEMA_VERSION = 1;

/** A package a subscriber may hold; customer-only add-ons are refused with the list of valid ones. */
export const SubscriberPackageSchema = z.enum(SUBSCRIBER_PACKAGE_NAMES as [PackageName, ...PackageName[]], {
  error: (iss) => {
    const valid = SUBSCRIBER_PACKAGE_NAMES.join(", ");
    if (typeof iss.input !== "string") return typeMessage(iss.input, `a subscriber package (one of ${valid})`);
    if (Object.prototype.hasOwnProperty.call(PACKAGES, iss.input)) {
      return `${JSON.stringify(iss.input)} is a customer package that cannot be assigned to a user; use one of ${valid}`;
    }
    return `${JSON.stringify(iss.input)} is not a Webex Wholesale package; use one of ${valid}`;
  },
});

/** The inputs of a CustomerUser, with their defaults. */
export const CustomerUserArgsSchema = z.object(
  {
    customerId: boundedString(1, 256).describe("The `CustomerOrg`'s id (its `customerId` output)."),
    email: emailSchema().describe("The user's email, unique across Webex."),
    firstName: boundedString(1, 64).describe("First name (1–64 characters)."),
    lastName: boundedString(1, 64).describe("Last name (1–64 characters)."),
    package: SubscriberPackageSchema.describe("The user's subscriber package."),
    administrator: z
      .boolean({ error: (iss) => typeMessage(iss.input, "true or false") })
      .default(false)
      .describe(
        "This user is (or will be made, in Control Hub) a full administrator of the customer; declare it for the customer's `adminEmail` so the admin package rules are checked at preview.",
      ),
    locationId: boundedString(1, 256).optional().describe("Calling location; absent = the customer's headquarters."),
    phoneNumber: e164Schema().optional().describe("Phone number in E.164 form, e.g. `+14155550100`."),
    extension: extensionSchema().optional().describe('Extension, 2–10 digits, e.g. `"0100"`.'),
    locationNumbers: z
      .array(e164Schema(), { error: (iss) => typeMessage(iss.input, "a list of E.164 numbers") })
      .optional()
      .describe(
        "The numbers the user's `CustomerLocation` declares (its `numbers` property), so a preview refuses a `phoneNumber` the location does not hold. Checked only; never sent.",
      ),
  },
  { error: (iss) => typeMessage(iss.input, "an object of CustomerUser arguments") },
);

/** What a user writes (defaults optional). */
export type CustomerUserArgsInput = z.input<typeof CustomerUserArgsSchema>;

/** Checked inputs: defaults applied. */
export type CustomerUserInputs = z.output<typeof CustomerUserArgsSchema>;

/** Outputs: the inputs plus computed values; loose so `__provider` and future fields survive. */
export const CustomerUserStateSchema = CustomerUserArgsSchema.extend({
  userId: z.string().describe("The subscriber's id (= the resource id)."),
  personId: z.string().optional().describe("The Webex person id, once provisioned."),
  status: z.string().describe("Subscriber status: provisioned or pending_user_migration."),
  assignedLocationId: z.string().optional().describe("The calling location the user was placed in."),
  schemaVersion: z.number().int().describe("Version of this state's shape."),
}).loose();

/** The state (outputs) of a CustomerUser. */
export type CustomerUserState = z.output<typeof CustomerUserStateSchema>;

/** The computed outputs (state keys that are not arguments), declared once by the state schema. */
export const CUSTOMER_USER_COMPUTED = computedOutputs(CustomerUserStateSchema, CustomerUserArgsSchema);
