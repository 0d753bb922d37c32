/**
 * CustomerLocation: the zod schemas that are the single source of its argument, input and state
 * types, and of the reference's argument table. Rules between fields (the main number is one of the
 * numbers) live in `check.ts`; rules between the program and the state (no removing the main
 * number) in `rules.ts`.
 */
import { z } from "zod";
import { INTEGRATED_PSTN_TYPES, NUMBER_STATES, PSTN_CONNECTION_TYPES } from "../../client/schemas";
import { boundedString, computedOutputs, countryCodeSchema, e164Schema, timeZoneSchema, typeMessage } from "../common/input-types";

/** Version of the state shape this code writes; see `ONBOARDING_TEMPLATE_SCHEMA_VERSION`'s note. */
export const CUSTOMER_LOCATION_SCHEMA_VERSION = 1;

/**
 * A Webex language: `en_US` as the other resources write it, or `en_us` as the Locations API does
 * (sent lower case either way, in `wire.ts`; compared without case).
 */
export function languageSchema() {
  return z
    .string({ error: (iss) => typeMessage(iss.input, "a language such as en_US") })
    .regex(/^[a-zA-Z]{2,3}_[a-zA-Z]{2}$/, {
      error: (iss) => `${JSON.stringify(iss.input)} is not a language; write language_REGION, e.g. en_US or fr_FR`,
    })
    .meta({ docType: "language, e.g. `en_US`" });
}

/** A location's address (the Locations API requires state and postal code). */
export const LocationAddressArgsSchema = z
  .object(
    {
      address1: boundedString(1, 80).describe("First address line."),
      address2: boundedString(1, 80).optional().describe("Second address line."),
      city: boundedString(1, 60).describe("City."),
      state: boundedString(1, 60).describe("State, province or region code (the API requires one)."),
      postalCode: boundedString(1, 20).describe("Postal code (the API requires one)."),
      country: countryCodeSchema().describe("ISO 3166-1 alpha-2 country code."),
    },
    { error: (iss) => typeMessage(iss.input, "an address object { address1, city, state, postalCode, country }") },
  )
  .describe("The location's address.");

/** Number state values. */
const NumberStateSchema = z.enum(NUMBER_STATES, {
  error: (iss) =>
    iss.input === undefined
      ? typeMessage(undefined, "ACTIVE or INACTIVE")
      : `${JSON.stringify(iss.input)} is not a state; write ACTIVE or INACTIVE`,
});

/** One number of the location's declared list. */
export const LocationNumberSchema = z.object(
  {
    number: e164Schema().describe("The number in E.164 form, e.g. `+13035550100`."),
    state: NumberStateSchema.default("ACTIVE").describe("`ACTIVE` (in service; users can take it) or `INACTIVE`."),
  },
  { error: (iss) => typeMessage(iss.input, 'a number object { number: "+13035550100", state: "ACTIVE" }') },
);

/** The location's Webex Calling settings; present = calling is enabled at the location. */
export const LocationCallingArgsSchema = z.object(
  {
    pstnConnectionId: boundedString(1, 256)
      .optional()
      .describe("The PSTN connection option's id (`GET /telephony/pstn/locations/{id}/connectionOptions`); absent = left as it is."),
    pstnConnectionType: z
      .enum(PSTN_CONNECTION_TYPES, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a PSTN connection type; write one of ${PSTN_CONNECTION_TYPES.join(", ")}`,
      })
      .optional()
      .describe(
        `The connection type the program expects (${PSTN_CONNECTION_TYPES.join(", ")}). Optional; declared, it lets a preview refuse \`numbers\` on an integrated PSTN (${INTEGRATED_PSTN_TYPES.join(", ")}), and the provider checks it against the API.`,
      ),
    numbers: z
      .array(LocationNumberSchema, { error: (iss) => typeMessage(iss.input, "a list of numbers") })
      .optional()
      .describe("The numbers the program manages at this location (non-integrated PSTN only); added, activated and removed by difference."),
    mainNumber: e164Schema().optional().describe("The location's main number (calling line id); one of `numbers` when they are given."),
    forceDisable: z
      .boolean({ error: (iss) => typeMessage(iss.input, "true or false") })
      .default(false)
      .describe("Lets destroy disable calling when the deletion precheck answers FORCE_REQUIRED."),
  },
  { error: (iss) => typeMessage(iss.input, "an object of calling settings") },
);

/** The inputs of a CustomerLocation, with their defaults. */
export const CustomerLocationArgsSchema = z.object(
  {
    customerId: boundedString(1, 256).describe("The `CustomerOrg`'s id (its `customerId` output)."),
    name: boundedString(1, 80).describe(
      "The location's name, unique in the customer's org; an existing location of that exact name (the headquarters too) is adopted.",
    ),
    timeZone: timeZoneSchema().describe("IANA time zone, e.g. `America/Denver`."),
    preferredLanguage: languageSchema().describe("Default email language, e.g. `en_US`."),
    announcementLanguage: languageSchema().describe("Phone announcement language, e.g. `en_US`."),
    address: LocationAddressArgsSchema,
    latitude: boundedString(1, 32).optional().describe('Latitude, as the API writes it (a string, e.g. "39.7392").'),
    longitude: boundedString(1, 32).optional().describe('Longitude, as the API writes it (a string, e.g. "-104.9903").'),
    notes: boundedString(1, 256).optional().describe("Notes."),
    calling: LocationCallingArgsSchema.optional().describe("Webex Calling at this location: PSTN connection, numbers, main number."),
  },
  { error: (iss) => typeMessage(iss.input, "an object of CustomerLocation arguments") },
);

/** What a user writes (defaults optional). */
export type CustomerLocationArgsInput = z.input<typeof CustomerLocationArgsSchema>;

/** Checked inputs: defaults applied. */
export type CustomerLocationInputs = z.output<typeof CustomerLocationArgsSchema>;

/** Who holds a number of the inventory. */
export const InventoryOwnerSchema = z.object({
  id: z.string().optional().describe("The holder's id."),
  type: z.string().optional().describe("`PEOPLE`, `PLACE`, a feature type..."),
  name: z.string().optional().describe("The holder's name, when a person."),
});

/** One number of the location's inventory as the API reports it. */
export const InventoryNumberSchema = z.object({
  number: z.string().describe("The number (E.164)."),
  state: z.string().optional().describe("`ACTIVE` or `INACTIVE`."),
  owner: InventoryOwnerSchema.optional().describe("Who holds the number (a person, a workspace, a feature), when assigned."),
});
/** An inventory entry. */
export type InventoryNumber = z.output<typeof InventoryNumberSchema>;

/** Outputs: the inputs plus computed values; loose so `__provider` and future fields survive. */
export const CustomerLocationStateSchema = CustomerLocationArgsSchema.extend({
  locationId: z.string().describe("The location's id (= the resource id); pass it to a `CustomerUser`'s `locationId`."),
  orgId: z.string().describe("The customer's Webex org id the location belongs to."),
  pstnConnectionType: z.string().optional().describe("The location's PSTN connection type, once it has one."),
  inventory: z.array(InventoryNumberSchema).optional().describe("Every number of the location (declared or not): number, state, owner."),
  mainNumber: z.string().optional().describe("The location's main number as the API reports it."),
  schemaVersion: z.number().int().describe("Version of this state's shape."),
}).loose();

/** The state (outputs) of a CustomerLocation. */
export type CustomerLocationState = z.output<typeof CustomerLocationStateSchema>;

/** The computed outputs (state keys that are not arguments), declared once by the state schema. */
export const CUSTOMER_LOCATION_COMPUTED = computedOutputs(CustomerLocationStateSchema, CustomerLocationArgsSchema);
