/**
 * Zod schemas of the provisioning API's wire format: the single source of the client's types.
 *
 * Request schemas follow the Webex Wholesale OpenAPI spec (`webex-wholesale.json`) structurally:
 * field names, nesting, which fields are required. They do not encode the service's business
 * rules (line lengths, limit arithmetic, package dependencies): the resources judge those at
 * preview and the server judges them again, so the client stays a faithful transport.
 *
 * Response schemas are loose objects with optional fields wherever the provider can do without
 * them: the real API adds fields over time and omits others depending on status (`orgId` only once
 * provisioned), and a client that rejects a valid answer is worse than one that ignores a field.
 * Statuses and package names in responses are plain strings for the same reason; the constants
 * below name the values the provider understands.
 */
import { z } from "zod";

/** Customer package names accepted by `POST/PUT /v1/wholesale/customers` (spec: `WholesalePackagesCustomer`). */
export const CUSTOMER_PACKAGE_NAMES = [
  "common_area_calling",
  "webex_calling",
  "webex_meetings",
  "webex_suite",
  "webex_voice",
  "cx_essentials",
  "webex_calling_standard",
  "cisco_calling_plan",
  "attendant_console",
  "cx_premium_agent",
  "cx_standard_agent",
  "cx_voice_ports",
  "cx_ai_assistant",
  "webex_ai_agent",
] as const;

/** Subscriber package names accepted by `POST/PUT /v1/wholesale/subscribers` (spec: `WholesalePackagesSubscriber`). */
export const SUBSCRIBER_PACKAGE_NAMES = [
  "webex_calling",
  "webex_meetings",
  "webex_suite",
  "webex_voice",
  "cx_essentials",
  "webex_calling_standard",
  "attendant_console",
  "cx_premium_agent",
  "cx_standard_agent",
] as const;

/** Packages whose quantity may be limited: the keys of `provisioningParameters.packages.limits` in the spec. */
export const LIMITABLE_PACKAGE_NAMES = [
  "webex_calling",
  "common_area_calling",
  "webex_meetings",
  "webex_suite",
  "webex_voice",
  "cx_essentials",
  "webex_calling_standard",
  "attendant_console",
] as const;

/** Customer statuses after which nothing changes without a new write (spec: `Customer.status`). */
export const CUSTOMER_TERMINAL_STATUSES = ["provisioned", "provisioned_with_errors", "error", "pending_rpl_review"] as const;

/** Customer statuses during which the service is working and refuses writes with 423. */
export const CUSTOMER_BUSY_STATUSES = ["provisioning", "updating", "deleting"] as const;

/** Subscriber statuses (spec: `Subscriber.status`). */
export const SUBSCRIBER_STATUSES = ["provisioned", "pending_user_migration"] as const;

/** A terminal customer status. */
export type CustomerTerminalStatus = (typeof CUSTOMER_TERMINAL_STATUSES)[number];
/** A busy customer status. */
export type CustomerBusyStatus = (typeof CUSTOMER_BUSY_STATUSES)[number];

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** Address as the spec writes it on requests: `addressLine1`, `city`, `country` required. */
export const AddressSchema = z.object({
  addressLine1: z.string(),
  addressLine2: z.string().optional(),
  city: z.string(),
  stateOrProvince: z.string().optional(),
  zipOrPostalCode: z.string().optional(),
  country: z.string(),
});
/** A request address. */
export type Address = z.output<typeof AddressSchema>;

/** Address as responses carry it: every field optional, unknown fields kept. */
export const AddressResponseSchema = z.looseObject({
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  city: z.string().optional(),
  stateOrProvince: z.string().optional(),
  zipOrPostalCode: z.string().optional(),
  country: z.string().optional(),
});

/**
 * One entry of an `errors[]`/`warnings[]` list (spec: `Error`). `errorCode` is optional because the
 * real API often sends only a description.
 */
export const ApiErrorItemSchema = z.looseObject({
  errorCode: z.number().optional(),
  description: z.string().optional(),
});
/** One API error entry. */
export type ApiErrorItem = z.output<typeof ApiErrorItemSchema>;

/**
 * The error body every failed call shares (provisioning-api.md, "Errors"). Parsed leniently:
 * a proxy's HTML page or an empty body must still become a typed error.
 */
export const ErrorBodySchema = z.looseObject({
  message: z.string().optional(),
  errors: z.array(ApiErrorItemSchema).optional(),
  trackingId: z.string().optional(),
});
/** A parsed error body. */
export type ErrorBody = z.output<typeof ErrorBodySchema>;

/** Package limits: `{ webex_calling: 100 }`. Partial: only the packages the customer is limited on. */
const LimitsSchema = z.partialRecord(z.enum(LIMITABLE_PACKAGE_NAMES), z.number());

/** `provisioningParameters` of a customer write (spec, POST and PUT). */
export const CustomerProvisioningParametersSchema = z.object({
  calling: z
    .object({
      location: z.object({
        name: z.string(),
        address: AddressSchema,
        timezone: z.string(),
        language: z.string(),
        emergencyLocationIdentifier: z.string().optional(),
      }),
    })
    .optional(),
  meetings: z.object({ timezone: z.string().optional() }).optional(),
  packages: z.object({ limits: LimitsSchema.optional() }).optional(),
});

// ---------------------------------------------------------------------------------------------
// Customers

/**
 * Fields of the customer create body. The validate body derives from these (everything optional
 * but `address`), without the create-only refinement below.
 */
const CustomerCreateFieldsSchema = z.object({
  provisioningId: z.string(),
  packages: z.array(z.enum(CUSTOMER_PACKAGE_NAMES)).min(1),
  externalId: z.string(),
  orgId: z.string().optional(),
  address: AddressSchema,
  customerInfo: z.object({ name: z.string(), primaryEmail: z.string(), language: z.string().optional() }).optional(),
  provisioningParameters: CustomerProvisioningParametersSchema.optional(),
  subPartnerAdminEmail: z.string().optional(),
});

/**
 * Body of `POST /v1/wholesale/customers` (spec: required `provisioningId`, `packages`, `externalId`,
 * `address`; `customerInfo` "mandatory for new customer, optional if Organization ID is provided").
 */
export const CustomerCreateRequestSchema = CustomerCreateFieldsSchema.refine(
  (body) => body.customerInfo !== undefined || body.orgId !== undefined,
  { message: "customerInfo is required unless orgId attaches an existing organisation", path: ["customerInfo"] },
);
/** What callers pass to `customers.create`. */
export type CustomerCreateRequest = z.input<typeof CustomerCreateRequestSchema>;

/**
 * Body of `PUT /v1/wholesale/customers/{id}`: `packages` is the complete desired list (a package
 * left out is removed). `provisioningId`, `customerInfo` and `orgId` cannot change, so they are absent.
 */
export const CustomerUpdateRequestSchema = z.object({
  packages: z.array(z.enum(CUSTOMER_PACKAGE_NAMES)).min(1),
  externalId: z.string().optional(),
  address: AddressSchema.optional(),
  provisioningParameters: CustomerProvisioningParametersSchema.optional(),
  subPartnerAdminEmail: z.string().optional(),
});
/** What callers pass to `customers.update`. */
export type CustomerUpdateRequest = z.input<typeof CustomerUpdateRequestSchema>;

/** Body of `POST /v1/wholesale/customers/validate`: the create body with everything optional but `address`. */
export const CustomerValidateRequestSchema = CustomerCreateFieldsSchema.partial().required({ address: true });
/** What callers pass to `customers.validate`. */
export type CustomerValidateRequest = z.input<typeof CustomerValidateRequestSchema>;

/** A customer as `GET /v1/wholesale/customers/{id}` returns it (spec: `Customer`). */
export const CustomerSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  orgId: z.string().optional(),
  externalId: z.string().optional(),
  address: AddressResponseSchema.optional(),
  packages: z.array(z.string()).optional(),
  resourceDetails: z
    .looseObject({
      packages: z
        .array(
          z.looseObject({
            name: z.string().optional(),
            status: z.string().optional(),
            warnings: z.array(ApiErrorItemSchema).optional(),
            errors: z.array(ApiErrorItemSchema).optional(),
            licenseIds: z.array(z.string()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  errors: z.array(ApiErrorItemSchema).optional(),
});
/** A customer read from the API. */
export type Customer = z.output<typeof CustomerSchema>;

/** Body of a 202 answer to a customer write (spec: `ResourceURL`). */
export const ResourceUrlSchema = z.looseObject({ url: z.string().optional(), id: z.string().optional() });

// ---------------------------------------------------------------------------------------------
// Subscribers

/** `provisioningParameters` of a subscriber create. */
const SubscriberProvisioningParametersSchema = z.object({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  primaryPhoneNumber: z.string().optional(),
  extension: z.string().optional(),
  locationId: z.string().optional(),
});

/**
 * Body of `POST /v1/wholesale/subscribers`. The project always sends `packages` with exactly one
 * entry; the deprecated single `package` field is not offered (the API refuses both at once).
 */
export const SubscriberCreateRequestSchema = z.object({
  customerId: z.string(),
  email: z.string(),
  packages: z.array(z.enum(SUBSCRIBER_PACKAGE_NAMES)).length(1),
  provisioningParameters: SubscriberProvisioningParametersSchema,
});
/** What callers pass to `subscribers.create`. */
export type SubscriberCreateRequest = z.input<typeof SubscriberCreateRequestSchema>;

/**
 * Body of `PUT /v1/wholesale/subscribers/{id}`: the package only, plus number, extension and
 * location when moving from `webex_meetings` to a calling package (names and email cannot change).
 */
export const SubscriberUpdateRequestSchema = z.object({
  packages: z.array(z.enum(SUBSCRIBER_PACKAGE_NAMES)).length(1),
  provisioningParameters: SubscriberProvisioningParametersSchema.pick({
    primaryPhoneNumber: true,
    extension: true,
    locationId: true,
  }).optional(),
});
/** What callers pass to `subscribers.update`. */
export type SubscriberUpdateRequest = z.input<typeof SubscriberUpdateRequestSchema>;

/** Body of `POST /v1/wholesale/subscribers/validate` (spec: only `email` required). */
export const SubscriberValidateRequestSchema = z.object({
  email: z.string(),
  customerId: z.string().optional(),
  provisioningId: z.string().optional(),
  packages: z.array(z.enum(SUBSCRIBER_PACKAGE_NAMES)).length(1).optional(),
  provisioningParameters: SubscriberProvisioningParametersSchema.optional(),
  customerInfo: z.object({ primaryEmail: z.string() }).optional(),
});
/** What callers pass to `subscribers.validate`. */
export type SubscriberValidateRequest = z.input<typeof SubscriberValidateRequestSchema>;

/** A subscriber as the API returns it (spec: `Subscriber`). GET returns no names, numbers or location. */
export const SubscriberSchema = z.looseObject({
  id: z.string(),
  status: z.string().optional(),
  personId: z.string().optional(),
  email: z.string().optional(),
  customerId: z.string().optional(),
  externalCustomerId: z.string().optional(),
  /** Deprecated single-package field some answers still carry. */
  package: z.string().optional(),
  packages: z.array(z.string()).optional(),
  errors: z.array(ApiErrorItemSchema).optional(),
  created: z.string().optional(),
  lastStatusChange: z.string().optional(),
});
/** A subscriber read from the API. */
export type Subscriber = z.output<typeof SubscriberSchema>;

// ---------------------------------------------------------------------------------------------
// Validate (precheck) answers

/** One `info` entry of a precheck answer. */
const ValidateInfoSchema = z.looseObject({ infoCode: z.number().optional(), description: z.string().optional() });

/**
 * Answer of the `validate` endpoints. The spec declares `info` as one object, the reference as a
 * list: both are accepted.
 */
export const ValidateResponseSchema = z.looseObject({
  message: z.string().optional(),
  info: z.union([z.array(ValidateInfoSchema), ValidateInfoSchema]).optional(),
});
/** A precheck answer. */
export type ValidateResponse = z.output<typeof ValidateResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Onboarding templates [project endpoint]

/** Template authentication: Webex's own, or a partner identity provider (which needs `idpEntityId`). */
const TemplateAuthenticationSchema = z.object({
  type: z.enum(["webex", "partner_saml", "partner_oidc"]),
  idpEntityId: z.string().optional(),
});

/** Body of `POST` and `PUT /v1/wholesale/onboardingTemplates[/{id}]` (PUT takes the full body). */
export const TemplateRequestSchema = z.object({
  name: z.string(),
  serviceProviderAdmin: z.string(),
  country: z.string(),
  defaultEmailLanguage: z.string(),
  wholesaleSubscriptionId: z.string(),
  pstnProviderId: z.string().optional(),
  authentication: TemplateAuthenticationSchema,
  emailBrandName: z.string(),
  allowAdminInviteEmails: z.boolean(),
  allowWebexToWebexCalls: z.boolean(),
});
/** What callers pass to `templates.create`/`update`. */
export type TemplateRequest = z.input<typeof TemplateRequestSchema>;

/** A template as the API returns it: the request's fields plus `id` and a stable `provisioningId`. */
export const TemplateSchema = z.looseObject({
  id: z.string(),
  provisioningId: z.string(),
  name: z.string().optional(),
  serviceProviderAdmin: z.string().optional(),
  country: z.string().optional(),
  defaultEmailLanguage: z.string().optional(),
  wholesaleSubscriptionId: z.string().optional(),
  pstnProviderId: z.string().optional(),
  authentication: z.looseObject({ type: z.string().optional(), idpEntityId: z.string().optional() }).optional(),
  emailBrandName: z.string().optional(),
  allowAdminInviteEmails: z.boolean().optional(),
  allowWebexToWebexCalls: z.boolean().optional(),
});
/** A template read from the API. */
export type Template = z.output<typeof TemplateSchema>;

// ---------------------------------------------------------------------------------------------
// Locations (Webex Locations API, `webex-calling-locations.json`)

/**
 * A location's address as the Locations API writes it on a create (spec:
 * `Create_a_Location_request_address`: `address1`, `city`, `state`, `postalCode`, `country` required).
 */
export const LocationAddressSchema = z.object({
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string(),
  postalCode: z.string(),
  country: z.string(),
});
/** A request address of a location. */
export type LocationAddress = z.output<typeof LocationAddressSchema>;

/** Body of `POST /v1/locations` (spec: `Create_a_Location_request`); latitude and longitude are strings there. */
export const LocationCreateRequestSchema = z.object({
  name: z.string(),
  timeZone: z.string(),
  preferredLanguage: z.string(),
  announcementLanguage: z.string(),
  address: LocationAddressSchema,
  latitude: z.string().optional(),
  longitude: z.string().optional(),
  notes: z.string().optional(),
});
/** What callers pass to `locations.create`. */
export type LocationCreateRequest = z.input<typeof LocationCreateRequestSchema>;

/** Body of `PUT /v1/locations/{id}` (spec: `PutCommonLocationObject`: every field optional). */
export const LocationUpdateRequestSchema = z.object({
  name: z.string().optional(),
  timeZone: z.string().optional(),
  preferredLanguage: z.string().optional(),
  address: LocationAddressSchema.partial().optional(),
});
/** What callers pass to `locations.update`. */
export type LocationUpdateRequest = z.input<typeof LocationUpdateRequestSchema>;

/** Answer of `POST /v1/locations` (spec: `Create_a_Location_201_response`). */
export const CreatedIdSchema = z.looseObject({ id: z.string() });

/**
 * A location of `GET /v1/locations` and `GET /v1/locations/{id}` (spec: `Get_Location_Details_200_response`).
 * The address is kept loose: the Locations API writes `address1`/`postalCode`, while a wholesale
 * gateway (and the emulator's headquarters of old) may answer with the wholesale names.
 */
export const LocationSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  orgId: z.string().optional(),
  timeZone: z.string().optional(),
  preferredLanguage: z.string().optional(),
  announcementLanguage: z.string().optional(),
  latitude: z.string().optional(),
  longitude: z.string().optional(),
  notes: z.string().optional(),
  address: z.unknown().optional(),
});
/** A location read from the API. */
export type Location = z.output<typeof LocationSchema>;

// ---------------------------------------------------------------------------------------------
// Webex Calling at a location: PSTN, numbers, main number, disabling

/** PSTN connection types (spec: `Retrieve_PSTN_Connection_for_a_Location_200_response.pstnConnectionType`). */
export const PSTN_CONNECTION_TYPES = ["LOCAL_GATEWAY", "NON_INTEGRATED_CCP", "INTEGRATED_CCP", "CISCO_PSTN"] as const;
/** A PSTN connection type. */
export type PstnConnectionType = (typeof PSTN_CONNECTION_TYPES)[number];

/**
 * Connection types whose numbers come from the PSTN provider: the numbers endpoints "should never be
 * used" there (Cisco's warning on `POST/PUT/DELETE …/numbers`).
 */
export const INTEGRATED_PSTN_TYPES: readonly PstnConnectionType[] = ["INTEGRATED_CCP", "CISCO_PSTN"];

/** Number states (spec: `NumberStateOptions`). */
export const NUMBER_STATES = ["ACTIVE", "INACTIVE"] as const;
/** Number types (spec: `NumberTypeOptions`). */
export const NUMBER_TYPES = ["TOLLFREE", "DID", "MOBILE"] as const;

/** Most mobile numbers one `POST …/numbers` may add (Cisco: "Only 20 mobile numbers can be added per request"). */
export const MAX_MOBILE_NUMBERS_PER_REQUEST = 20;
/** Most numbers one `DELETE …/numbers` may remove (spec, `NumbersDelete`: "The maximum limit is 5"). */
export const MAX_NUMBERS_PER_DELETE = 5;

/**
 * Body of `POST /v1/telephony/config/locations` ("Enable a Location for Webex Calling", [doc], not in
 * the subset spec): the location's id and its details again.
 */
export const CallingEnableRequestSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  preferredLanguage: z.string(),
  announcementLanguage: z.string(),
  address: LocationAddressSchema,
});
/** What callers pass to `telephony.enableLocation`. */
export type CallingEnableRequest = z.input<typeof CallingEnableRequestSchema>;

/** A PSTN connection option (spec: items of `Retrieve_PSTN_Connection_Options_for_a_Location_200_response`). */
export const PstnConnectionOptionSchema = z.looseObject({
  id: z.string(),
  displayName: z.string().optional(),
  pstnConnectionType: z.string().optional(),
  pstnServices: z.array(z.unknown()).optional(),
});
/** A PSTN option. */
export type PstnConnectionOption = z.output<typeof PstnConnectionOptionSchema>;

/** The location's PSTN connection (spec: `Retrieve_PSTN_Connection_for_a_Location_200_response`). */
export const PstnConnectionSchema = z.looseObject({
  id: z.string().optional(),
  displayName: z.string().optional(),
  pstnConnectionType: z.string().optional(),
  pstnServices: z.array(z.unknown()).optional(),
});
/** A location's PSTN connection. */
export type PstnConnection = z.output<typeof PstnConnectionSchema>;

/** Body of `PUT …/pstn/locations/{id}/connection` (spec: `Setup_PSTN_Connection_for_a_Location_request`). */
export const PstnConnectionRequestSchema = z.object({
  id: z.string().optional(),
  premiseRouteType: z.enum(["TRUNK", "ROUTE_GROUP"]).optional(),
  premiseRouteId: z.string().optional(),
});
/** What callers pass to `telephony.setConnection`. */
export type PstnConnectionRequest = z.input<typeof PstnConnectionRequestSchema>;

/** Body of `POST …/locations/{id}/numbers` (spec: `NumbersPost`). */
export const NumbersAddRequestSchema = z.object({
  phoneNumbers: z.array(z.string()).min(1),
  numberType: z.enum(NUMBER_TYPES).optional(),
  numberUsageType: z.enum(["NONE", "SERVICE"]).optional(),
  state: z.enum(NUMBER_STATES).optional(),
  subscriptionId: z.string().optional(),
});
/** What callers pass to `telephony.addNumbers`. */
export type NumbersAddRequest = z.input<typeof NumbersAddRequestSchema>;

/** Body of `PUT` and `DELETE …/locations/{id}/numbers` and of the validate call (spec: `NumbersRequest`, `NumbersDelete`). */
export const PhoneNumbersRequestSchema = z.object({ phoneNumbers: z.array(z.string()).min(1) });

/** One number of the org's inventory (spec: `…Criterias_200_response_phoneNumbers_inner`); `phoneNumber` is null for extension-only entries. */
export const PhoneNumberSchema = z.looseObject({
  phoneNumber: z.string().nullish(),
  extension: z.string().nullish(),
  state: z.string().optional(),
  mainNumber: z.boolean().optional(),
  includedTelephonyTypes: z.string().optional(),
  tollFreeNumber: z.boolean().optional(),
  location: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
  owner: z
    .looseObject({
      id: z.string().optional(),
      type: z.string().optional(),
      firstName: z.string().optional(),
      lastName: z.string().optional(),
    })
    .optional(),
});
/** A number of the inventory. */
export type PhoneNumber = z.output<typeof PhoneNumberSchema>;

/** Answer of the validate call (spec: `Validate_phone_numbers__200_response`). */
export const ValidateNumbersResponseSchema = z.looseObject({
  status: z.string(),
  numbers: z.array(z.looseObject({ number: z.string().optional(), state: z.string().optional() })).default([]),
});
/** A number validation answer. */
export type ValidateNumbersResponse = z.output<typeof ValidateNumbersResponseSchema>;

/**
 * Body of `PUT /v1/telephony/config/locations/{id}` ("Update Location Webex Calling Details", [doc]):
 * only the main number (`callingLineId.phoneNumber`) is sent by this package.
 */
export const CallingDetailsUpdateRequestSchema = z.object({
  callingLineId: z.object({ phoneNumber: z.string(), name: z.string().optional() }),
});
/** What callers pass to `telephony.updateCallingDetails`. */
export type CallingDetailsUpdateRequest = z.input<typeof CallingDetailsUpdateRequestSchema>;

/** The counts of one precheck category: each a number (or a flag), named by what blocks. */
const PrecheckCountsSchema = z.record(z.string(), z.unknown());

/** Answer of `…/actions/precheckForDeletion/invoke` ([doc]). */
export const DeletionPrecheckSchema = z.looseObject({
  locationDeleteStatus: z.string(),
  blocking: PrecheckCountsSchema.optional(),
  blockingUnlessForced: PrecheckCountsSchema.optional(),
  nonBlocking: PrecheckCountsSchema.optional(),
});
/** A deletion precheck answer. */
export type DeletionPrecheck = z.output<typeof DeletionPrecheckSchema>;

/** Body of `POST /v1/telephony/config/jobs/locations/deleteCallingLocation` ([doc]). */
export const DisableCallingJobRequestSchema = z.object({
  locationId: z.string(),
  locationName: z.string(),
  forceDelete: z.boolean(),
});
/** What callers pass to `telephony.disableCalling`. */
export type DisableCallingJobRequest = z.input<typeof DisableCallingJobRequestSchema>;

/** Terminal statuses of a telephony job. */
export const JOB_TERMINAL_STATUSES = ["COMPLETED", "FAILED"] as const;

/** A telephony job as its start (202) and its status read answer ([doc]). */
export const TelephonyJobSchema = z.looseObject({
  id: z.string(),
  latestExecutionStatus: z.string().optional(),
  latestExecutionExitCode: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
});
/** A telephony job. */
export type TelephonyJob = z.output<typeof TelephonyJobSchema>;

/** Any list answer: `{ items: [...] }`. Items are validated one by one by the pager. */
export const ListBodySchema = z.looseObject({ items: z.array(z.unknown()) });
