/**
 * CustomerOrg: the zod schemas that are the single source of its argument, input and state types,
 * and of the reference's argument table (docs/resources.md). Rules between fields (no mixing of limited and unlimited
 * packages, headquarters with calling, ...) live in `check.ts`, where they can skip unknowns.
 */
import { z } from "zod";
import { CUSTOMER_PACKAGE_NAMES, PackageNameSchema, type PackageName } from "../../packages";
import {
  boundedString,
  countryCodeSchema,
  emailSchema,
  localeSchema,
  timeZoneSchema,
  typeMessage,
  computedOutputs,
} from "../common/input-types";

/** Version of the state shape this code writes; see {@link resources/onboarding-template/schema!ONBOARDING_TEMPLATE_SCHEMA_VERSION}'s note. */
export const CUSTOMER_ORG_SCHEMA_VERSION = 1;

const objectError = (what: string) => ({ error: (iss: { input: unknown }) => typeMessage(iss.input, what) });

/** A postal address; lines at most 50 characters (the API's limit). */
export const AddressSchema = z
  .object(
    {
      line1: boundedString(1, 50).describe("First address line (≤ 50 characters)."),
      line2: boundedString(1, 50).optional().describe("Second address line (≤ 50 characters)."),
      city: boundedString(1, 100).describe("City."),
      stateOrProvince: boundedString(1, 100).optional().describe("State or province; required for `US` and `CA`."),
      postalCode: boundedString(1, 20).optional().describe("ZIP or postal code; required for `US` and `CA`."),
      country: countryCodeSchema().describe("ISO 3166-1 alpha-2 country code; stored upper-case."),
    },
    objectError("an address object { line1, city, country, ... }"),
  )
  .describe("`{ line1, line2?, city, stateOrProvince?, postalCode?, country }`");

/** One package of a customer, with its quantity when the customer is limited. */
export const CustomerPackageSchema = z.object(
  {
    name: z
      .enum(CUSTOMER_PACKAGE_NAMES as [PackageName, ...PackageName[]], {
        error: (iss) =>
          typeof iss.input === "string"
            ? `${JSON.stringify(iss.input)} is not a Webex Wholesale package; use one of ${CUSTOMER_PACKAGE_NAMES.join(", ")}`
            : typeMessage(iss.input, `a package name (one of ${CUSTOMER_PACKAGE_NAMES.join(", ")})`),
      })
      .describe("Package name."),
    quantity: z
      .number({ error: (iss) => typeMessage(iss.input, "a whole number ≥ 1") })
      .int({ error: (iss) => `${String(iss.input)} is not a whole number; give a whole number of licences ≥ 1` })
      .min(1, {
        error: (iss) =>
          `${String(iss.input)} is not allowed: a quantity is at least 1 (Partner Hub forbids zero); leave the package out instead`,
      })
      .optional()
      .describe("Number of licences; giving one makes the customer limited."),
  },
  objectError('a package object such as { name: "webex_calling", quantity: 10 }'),
);

/** The customer's main calling location, created with the customer when a calling package is present. */
export const HeadquartersSchema = z
  .object(
    {
      name: boundedString(1, 80).default("Headquarters").describe("Location name."),
      address: AddressSchema.optional().describe("Location address; defaults to the customer's `address`."),
      timeZone: timeZoneSchema().describe("IANA time zone, e.g. `America/New_York`."),
      language: localeSchema().optional().describe("Location language; defaults to the customer's `language`."),
      emergencyLocationIdentifier: boundedString(1, 256).optional().describe("Emergency location identifier, when the country uses one."),
    },
    objectError("a headquarters object { timeZone, name?, address?, language? }"),
  )
  .describe("`{ name?, address?, timeZone, language?, emergencyLocationIdentifier? }`; required with a calling package.");

/** The inputs of a CustomerOrg, with their defaults. */
export const CustomerOrgArgsSchema = z.object(
  {
    provisioningId: boundedString(1, 256).describe(
      "The onboarding template's `provisioningId` (from Partner Hub or an `OnboardingTemplate`).",
    ),
    externalId: boundedString(1, 64).describe("Your identifier for the customer, unique per partner (1–64 characters)."),
    existingOrgId: boundedString(1, 256).optional().describe("Attach this existing Webex organisation instead of creating one."),
    companyName: boundedString(1, 120)
      .refine((s) => !s.includes("%"), {
        error: "must not contain %: the service refuses it in a company name; remove or spell it out (percent)",
      })
      .optional()
      .describe("Company name (1–120 characters, no `%`); required unless `existingOrgId`."),
    adminEmail: emailSchema().optional().describe("Email of the customer's first full administrator; required unless `existingOrgId`."),
    language: localeSchema().default("en_US").describe("Customer language, e.g. `en_US`."),
    supportedLocationConfirmed: z
      .literal(true, {
        error: (iss) =>
          iss.input === undefined
            ? "is required: set it to true to confirm the customer is in a location Cisco Webex supports"
            : "must be true: confirm the customer is in a location Cisco Webex supports, or do not onboard it",
      })
      .describe("Must be `true`: you verify the customer is in a location Cisco Webex supports."),
    address: AddressSchema,
    packages: z
      .array(CustomerPackageSchema, objectError('a list of packages such as [{ name: "webex_calling" }]'))
      .min(1, { error: 'must list at least one package, e.g. [{ name: "webex_calling" }]' })
      .max(CUSTOMER_PACKAGE_NAMES.length, {
        error: `lists more than the ${CUSTOMER_PACKAGE_NAMES.length} packages there are: list each package once`,
      })
      .describe("Non-empty list of `{ name, quantity? }` with unique names."),
    headquarters: HeadquartersSchema.optional().describe(
      "`{ name?, address?, timeZone, language?, emergencyLocationIdentifier? }`; required with a calling package.",
    ),
    meetingsTimeZone: timeZoneSchema().optional().describe("IANA time zone of the customer's meetings."),
  },
  objectError("an object of CustomerOrg arguments"),
);

/** What a user writes (defaults optional). */
export type CustomerOrgArgsInput = z.input<typeof CustomerOrgArgsSchema>;

/** Checked inputs: defaults applied, countries upper-cased. */
export type CustomerOrgInputs = z.output<typeof CustomerOrgArgsSchema>;

/** Statuses the API reports for a customer; others may appear and are kept as given. */
export const CUSTOMER_STATUSES = [
  "provisioning",
  "provisioned",
  "provisioned_with_errors",
  "error",
  "updating",
  "deleting",
  "pending_rpl_review",
] as const;

/** Outputs: the inputs plus computed values; loose so `__provider` and future fields survive. */
export const CustomerOrgStateSchema = CustomerOrgArgsSchema.extend({
  customerId: z.string().describe("The customer's id (= the resource id)."),
  orgId: z.string().optional().describe("The Webex organisation id, once provisioned."),
  status: z.string().describe(`Provisioning status: ${CUSTOMER_STATUSES.join(", ")}.`),
  limited: z.boolean().describe("True when the packages carry quantities."),
  adminPackage: PackageNameSchema.optional().describe("The package the customer's administrators must hold."),
  headquartersLocationId: z
    .string()
    .optional()
    .describe("Id of the headquarters location; pass it to users' `locationId` to spare a lookup per user."),
  schemaVersion: z.number().int().describe("Version of this state's shape."),
}).loose();

/** The state (outputs) of a CustomerOrg. */
export type CustomerOrgState = z.output<typeof CustomerOrgStateSchema>;

/** The computed outputs (state keys that are not arguments), declared once by the state schema. */
export const CUSTOMER_ORG_COMPUTED = computedOutputs(CustomerOrgStateSchema, CustomerOrgArgsSchema);
