/**
 * Structural schemas of the request bodies the emulator accepts, written from the reference.
 *
 * These check shape only (types, required fields, formats, lengths); anything the reference
 * gives its own error code (unknown packages, limits, dependencies...) is left to the rules so
 * that it is answered with that code rather than the generic 1001. Objects are strict: an
 * unknown or misspelt field is refused with 1001 naming it, so a client cannot believe it set
 * something the service ignores.
 */
import { z } from "zod";

const line = z.string().min(1).max(50, "must be at most 50 characters");

/** ISO 3166-1 alpha-2, upper case (the emulator checks the form, not the list of countries). */
export const CountrySchema = z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as US or FR");

/**
 * A postal address. [emulator] `addressLine1`, `city` and `country` are required; the state
 * and the postal code are optional because not every country has them.
 */
export const AddressSchema = z.strictObject({
  addressLine1: line,
  addressLine2: z.string().max(50, "must be at most 50 characters").optional(),
  city: z.string().min(1),
  stateOrProvince: z.string().min(1).optional(),
  zipOrPostalCode: z.string().min(1).optional(),
  country: CountrySchema,
});

/** The customer's first administrator and name. */
export const CustomerInfoSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .refine((s) => !s.includes("%"), "must not contain %"),
  primaryEmail: z.email(),
  language: z.string().min(1).optional(),
});

/** The calling headquarters given at customer creation. */
export const CallingLocationSchema = z.strictObject({
  name: z.string().min(1),
  address: AddressSchema,
  timezone: z.string().min(1),
  language: z.string().min(1),
  emergencyLocationIdentifier: z.string().min(1).optional(),
});

/** `provisioningParameters` of a customer write. Limit values are judged by rule 1101, not here. */
export const CustomerProvisioningParametersSchema = z.strictObject({
  calling: z.strictObject({ location: CallingLocationSchema }).optional(),
  meetings: z.strictObject({ timezone: z.string().min(1) }).optional(),
  packages: z.strictObject({ limits: z.record(z.string(), z.unknown()) }).optional(),
});

const packageList = z.array(z.string().min(1)).min(1, "must hold at least one package");

/** Body of `POST /v1/wholesale/customers`. */
export const CustomerCreateSchema = z.strictObject({
  provisioningId: z.string().min(1),
  externalId: z.string().min(1),
  orgId: z.string().min(1).optional(),
  packages: packageList,
  address: AddressSchema,
  customerInfo: CustomerInfoSchema.optional(),
  provisioningParameters: CustomerProvisioningParametersSchema.optional(),
  /** The spec's sub-partner administrator, kept and never returned. */
  subPartnerAdminEmail: z.email().optional(),
});

/** Body of `POST /v1/wholesale/customers/validate`: the create body, everything optional but `address`. */
export const CustomerValidateSchema = CustomerCreateSchema.partial().required({ address: true });

/**
 * Body of `PUT /v1/wholesale/customers/{id}`. `provisioningId`, `customerInfo` and `orgId`
 * cannot change; they are accepted only when equal to the current values (a client that sends
 * back what it read is not punished, one that tries to change them is told it cannot).
 */
export const CustomerUpdateSchema = z.strictObject({
  packages: packageList,
  externalId: z.string().min(1).optional(),
  address: AddressSchema.optional(),
  provisioningParameters: CustomerProvisioningParametersSchema.optional(),
  subPartnerAdminEmail: z.email().optional(),
  provisioningId: z.string().optional(),
  customerInfo: z.unknown().optional(),
  orgId: z.string().optional(),
});

/** E.164 with the leading `+` (subscribers' numbers and every number of the telephony API). */
export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +14155550100");
/** [emulator] 2 to 10 digits. */
const extension = z.string().regex(/^\d{2,10}$/, "must be 2 to 10 digits");

/** `provisioningParameters` of a subscriber write. */
export const SubscriberProvisioningParametersSchema = z.strictObject({
  firstName: z.string().min(1).optional(),
  lastName: z.string().min(1).optional(),
  primaryPhoneNumber: E164Schema.optional(),
  extension: extension.optional(),
  locationId: z.string().min(1).optional(),
});

/** Body of `POST /v1/wholesale/subscribers`. Exactly one of `packages` (one item) or `package`. */
export const SubscriberCreateSchema = z.strictObject({
  customerId: z.string().min(1),
  email: z.email(),
  packages: z.array(z.string().min(1)).optional(),
  package: z.string().min(1).optional(),
  /** Required by the spec, even for a package that needs no numbers (`{}` then). */
  provisioningParameters: SubscriberProvisioningParametersSchema,
});

/**
 * Body of `POST /v1/wholesale/subscribers/validate`: the create body, everything optional but
 * `email`, plus the spec's `provisioningId` and `customerInfo` for a customer not created yet.
 */
export const SubscriberValidateSchema = SubscriberCreateSchema.partial()
  .required({ email: true })
  .extend({
    provisioningId: z.string().min(1).optional(),
    customerInfo: z.strictObject({ primaryEmail: z.email() }).optional(),
  });

/**
 * Body of `PUT /v1/wholesale/subscribers/{id}`: the package, and numbers only when moving to a
 * calling package. Email, customer and names are accepted only when unchanged.
 */
export const SubscriberUpdateSchema = z.strictObject({
  packages: z.array(z.string().min(1)).optional(),
  package: z.string().min(1).optional(),
  provisioningParameters: SubscriberProvisioningParametersSchema.optional(),
  email: z.string().optional(),
  customerId: z.string().optional(),
});

/** Identity provider of a template. Partner types need `idpEntityId`. */
export const TemplateAuthenticationSchema = z.strictObject({
  type: z.enum(["webex", "partner_saml", "partner_oidc"]),
  idpEntityId: z.string().min(1).optional(),
});

/**
 * Body of `POST`/`PUT /v1/wholesale/onboardingTemplates` (PUT takes the full body). [emulator]
 * The seed's "main parameters" are required; the rest default as in Partner Hub (Webex
 * authentication, toggles off). `id` and `provisioningId` may be sent back on PUT if unchanged.
 */
export const TemplateBodySchema = z
  .strictObject({
    name: z.string().min(1).max(80),
    serviceProviderAdmin: z.email(),
    country: CountrySchema,
    defaultEmailLanguage: z.string().min(1),
    wholesaleSubscriptionId: z.string().min(1),
    pstnProviderId: z.string().min(1).optional(),
    authentication: TemplateAuthenticationSchema.default({ type: "webex" }),
    emailBrandName: z.string().min(1).optional(),
    allowAdminInviteEmails: z.boolean().default(false),
    allowWebexToWebexCalls: z.boolean().default(false),
    id: z.string().optional(),
    provisioningId: z.string().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.authentication.type !== "webex" && t.authentication.idpEntityId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["authentication", "idpEntityId"],
        message: `is required when authentication.type is ${t.authentication.type}`,
      });
    }
  });

/** Formats a zod issue path the way the reference wants it in `description`: `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(body)" : out;
}

// ---------------------------------------------------------------------------------------------
// Locations, PSTN and numbers: written from Cisco's Webex Calling spec (webex-calling-locations.json)

const knownTimeZones = new Map<string, boolean>();

/**
 * True when the platform's ICU knows the time zone. Memoised (a pure function of its input)
 * because building a formatter costs about a quarter of a millisecond; bounded against floods.
 */
function isTimeZone(tz: string): boolean {
  const cached = knownTimeZones.get(tz);
  if (cached !== undefined) return cached;
  let known = true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
  } catch {
    known = false;
  }
  if (knownTimeZones.size >= 1024) knownTimeZones.clear();
  knownTimeZones.set(tz, known);
  return known;
}

/** An IANA time zone the platform's ICU knows (`America/Chicago`); [project] anything else is refused. */
const timeZone = z.string().min(1).refine(isTimeZone, "must be an IANA time zone such as America/Chicago");

/** [project] A language tag in the Webex form: `en_us`, `fr_fr`, `de`. */
const language = z.string().regex(/^[a-zA-Z]{2,3}(_[a-zA-Z]{2})?$/, "must be a language such as en_us or fr_fr");

/** A location's address (`Create_a_Location_request_address`): every field but `address2` required. */
export const LocationAddressSchema = z.strictObject({
  address1: z.string().min(1).max(80, "must be at most 80 characters"),
  address2: z.string().max(80, "must be at most 80 characters").optional(),
  city: z.string().min(1),
  state: z.string().min(1),
  postalCode: z.string().min(1),
  country: CountrySchema,
});

/** [project] Location names: 1 to 80 characters. */
const locationName = z.string().trim().min(1).max(80, "must be at most 80 characters");

/** Body of `POST /v1/locations` (`Create_a_Location_request`). */
export const LocationCreateSchema = z.strictObject({
  name: locationName,
  timeZone,
  preferredLanguage: language,
  announcementLanguage: language,
  address: LocationAddressSchema,
  latitude: z.string().min(1).optional(),
  longitude: z.string().min(1).optional(),
  notes: z.string().max(255, "must be at most 255 characters").optional(),
});

/**
 * Body of `PUT /v1/locations/{id}` (`PutCommonLocationObject`): only these four fields, each
 * optional, the address's fields too (`PutCommonLocationObject_address` requires none). [project]
 * The address fields sent replace those fields; the others keep their value.
 */
export const LocationUpdateSchema = z.strictObject({
  name: locationName.optional(),
  timeZone: timeZone.optional(),
  preferredLanguage: language.optional(),
  address: LocationAddressSchema.partial().optional(),
});

/**
 * Body of `POST /v1/telephony/config/locations` (enable a location for Webex Calling). [project]
 * `id` is required; the other fields, when sent, must be the location's own (change them with
 * `PUT /v1/locations/{id}`), except `announcementLanguage`, which is stored.
 */
export const EnableCallingSchema = z.strictObject({
  id: z.string().min(1),
  name: locationName.optional(),
  timeZone: timeZone.optional(),
  preferredLanguage: language.optional(),
  announcementLanguage: language.optional(),
  address: LocationAddressSchema.optional(),
});

/**
 * Body of `PUT …/pstn/locations/{id}/connection` (`Setup_PSTN_Connection_for_a_Location_request`).
 * [project] `id` is required (it picks the option); the premise route is accepted unchecked, as
 * the emulator has no trunks.
 */
export const PstnConnectionSchema = z.strictObject({
  id: z.string().min(1),
  premiseRouteType: z.enum(["TRUNK", "ROUTE_GROUP"]).optional(),
  premiseRouteId: z.string().min(1).optional(),
});

const numberList = z.array(E164Schema).min(1, "must hold at least one number");

/** Body of `POST …/locations/{id}/numbers` (`NumbersPost`). */
export const NumbersAddSchema = z.strictObject({
  phoneNumbers: numberList,
  numberType: z.enum(["TOLLFREE", "DID", "MOBILE"]).optional(),
  numberUsageType: z.enum(["NONE", "SERVICE"]).optional(),
  state: z.enum(["ACTIVE", "INACTIVE"]).optional(),
  subscriptionId: z.string().min(1).optional(),
});

/** Body of `PUT …/locations/{id}/numbers` (`NumbersRequest`): numbers to activate. */
export const NumbersActivateSchema = z.strictObject({ phoneNumbers: numberList });

/** Body of `DELETE …/locations/{id}/numbers` (`NumbersDelete`): "The maximum limit is 5." */
export const NumbersRemoveSchema = z.strictObject({
  phoneNumbers: numberList.max(5, "must hold at most 5 numbers per request (Cisco's limit); send several requests"),
});

/** Body of `POST /v1/telephony/config/actions/validateNumbers/invoke`: any strings, judged one by one. */
export const NumbersValidateSchema = z.strictObject({
  phoneNumbers: z.array(z.string()).min(1, "must hold at least one number").max(500, "must hold at most 500 numbers"),
});

/**
 * Body of `PUT /v1/telephony/config/locations/{id}` (Update Location Webex Calling Details).
 * [project] Only the calling line id (the main number) and the announcement language are
 * imitated; any other field is refused by name rather than ignored.
 */
export const CallingDetailsSchema = z.strictObject({
  callingLineId: z.strictObject({ phoneNumber: E164Schema.optional(), name: z.string().min(1).optional() }).optional(),
  announcementLanguage: language.optional(),
});

/** Body of `POST /v1/telephony/config/jobs/locations/deleteCallingLocation`. */
export const DisableCallingSchema = z.strictObject({
  locationId: z.string().min(1),
  locationName: z.string().min(1).optional(),
  forceDelete: z.boolean().optional(),
});
