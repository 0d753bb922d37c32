/**
 * The emulator's state: one JSON-serialisable value (so it can be persisted, dumped by
 * `GET /__admin/state` and replaced by tests). Times are epoch milliseconds, so an in-flight
 * provisioning read back from a file resumes against the wall clock.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { AddressSchema, CustomerInfoSchema, CustomerProvisioningParametersSchema, TemplateBodySchema } from "./schemas";

/** The scopes of the reference ("Authentication"). */
export const SCOPES = [
  "spark-admin:wholesale_customers_read",
  "spark-admin:wholesale_customers_write",
  "spark-admin:wholesale_subscribers_read",
  "spark-admin:wholesale_subscribers_write",
  "spark-admin:locations_read",
  // Locations, PSTN and numbers (Cisco's Webex Calling spec): each operation names one of these
  "spark-admin:locations_write",
  "spark-admin:telephony_config_read",
  "spark-admin:telephony_config_write",
  "spark-admin:telephony_pstn_read",
  "spark-admin:telephony_pstn_write",
] as const;

/** One scope. */
export const ScopeSchema = z.enum(SCOPES);

/** A scope string. */
export type Scope = z.output<typeof ScopeSchema>;

/** Statuses a customer can show. `pending_rpl_review` is accepted in state (fixtures) and in filters. */
export const CustomerStatusSchema = z.enum([
  "provisioning",
  "provisioned",
  "provisioned_with_errors",
  "error",
  "updating",
  "deleting",
  "pending_rpl_review",
]);

/** How an asynchronous customer write ends. */
export const OutcomeSchema = z.enum(["provisioned", "provisioned_with_errors", "error"]);

/** How an asynchronous customer write ends. */
export type Outcome = z.output<typeof OutcomeSchema>;

const ApiErrorItemSchema = z.object({ errorCode: z.number().int(), description: z.string() });

/** An existing Webex org a customer can attach with `orgId`. */
export const OrgFixtureSchema = z.object({
  orgId: z.string().min(1),
  name: z.string().min(1),
  /** In migration from Webex for BroadWorks: package limits are refused (1108). */
  migratingFromBroadWorks: z.boolean().default(false),
});

/** A token as given by a caller (options, CLI, admin fixtures): the secret itself. */
export const TokenInputSchema = z.object({
  token: z.string().min(8),
  scopes: z.array(ScopeSchema).default([...SCOPES]),
  label: z.string().default("token"),
});

/** A token as kept in state: only its SHA-256, so neither the state file nor admin dumps hold a secret. */
export const TokenRecordSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(ScopeSchema),
  label: z.string(),
});

/** Default maximum of each limitable package per subscription (reference "Emulator defaults"). */
export const DEFAULT_SUBSCRIPTION_MAXIMUM = 10_000;

const orgId = (uuid: string): string => Buffer.from(`ciscospark://us/ORGANIZATION/${uuid}`).toString("base64");

/** Existing orgs present by default, with stable ids tests and examples can use. */
export const DEFAULT_ORGS: readonly z.input<typeof OrgFixtureSchema>[] = [
  { orgId: orgId("0f0e0d0c-0000-4000-8000-000000000001"), name: "Existing Org", migratingFromBroadWorks: false },
  { orgId: orgId("0f0e0d0c-0000-4000-8000-000000000002"), name: "BroadWorks Migrating Org", migratingFromBroadWorks: true },
];

/** A sub-partner the partner manages: who `onBehalfOfSubPartnerOrgId` may name (`GET /v1/wholesale/subPartners`). */
export const SubPartnerFixtureSchema = z.object({
  orgId: z.string().min(1),
  subscriptionId: z.string().min(1),
  provisioningState: z.enum(["active", "suspended"]).default("active"),
  created: z.string().default("2026-01-05T09:00:00.000Z"),
  billingStartDate: z.string().default("2026-01-05T09:00:00.000Z"),
});

/** A sub-partner as kept in state. */
export type SubPartnerFixture = z.output<typeof SubPartnerFixtureSchema>;

/** The one sub-partner present by default, with a stable id tests and examples can use. */
export const DEFAULT_SUB_PARTNERS: readonly z.input<typeof SubPartnerFixtureSchema>[] = [
  { orgId: orgId("0f0e0d0c-0000-4000-8000-0000000000a1"), subscriptionId: "Sub-subpartner-1" },
];

/** Emails that belong to free Webex accounts by default (their subscribers wait for consent). */
export const DEFAULT_FREE_ACCOUNT_EMAILS: readonly string[] = ["free.account@example.com"];

/** Fixtures as given by callers: every key optional. */
export const FixturesInputSchema = z.object({
  /** Per subscription id, per limitable package, the maximum limit (overrides the default). */
  subscriptions: z.record(z.string(), z.record(z.string(), z.number().int().min(1))).optional(),
  /** Maximum of each limitable package for subscriptions not listed. */
  defaultMaximum: z.number().int().min(1).optional(),
  /** Existing Webex orgs for the `orgId` attach path. */
  orgs: z.array(OrgFixtureSchema).optional(),
  /** Emails of free Webex accounts: their subscribers answer 202 `pending_user_migration`. */
  freeAccountEmails: z.array(z.string().min(3)).optional(),
  /** Partner tokens and their scopes; added to those already known. */
  tokens: z.array(TokenInputSchema).optional(),
  /** Simulated asynchronous outcomes of customer writes, by `externalId`. */
  asyncOutcomes: z.record(z.string(), OutcomeSchema).optional(),
  /** The sub-partners this partner manages (replaces the default one). */
  subPartners: z.array(SubPartnerFixtureSchema).optional(),
});

/** Fixtures as given by callers (`Partial<Fixtures>` of the brief). */
export type FixturesInput = z.input<typeof FixturesInputSchema>;

/** Fixtures as kept in state. */
export const FixturesSchema = z.object({
  subscriptions: z.record(z.string(), z.record(z.string(), z.number().int().min(1))),
  defaultMaximum: z.number().int().min(1),
  orgs: z.array(OrgFixtureSchema),
  freeAccountEmails: z.array(z.string()),
  tokens: z.array(TokenRecordSchema),
  asyncOutcomes: z.record(z.string(), OutcomeSchema),
  // defaulted so that state files written before sub-partners existed still load
  subPartners: z.array(SubPartnerFixtureSchema).default(() => DEFAULT_SUB_PARTNERS.map((p) => SubPartnerFixtureSchema.parse(p))),
});

/** Fixtures as kept in state. */
export type Fixtures = z.output<typeof FixturesSchema>;

/** A stored onboarding template: the full body plus `id`, stable `provisioningId` and times. */
export const TemplateRecordSchema = z.object({
  ...TemplateBodySchema.shape,
  authentication: z.object({ type: z.enum(["webex", "partner_saml", "partner_oidc"]), idpEntityId: z.string().optional() }),
  allowAdminInviteEmails: z.boolean(),
  allowWebexToWebexCalls: z.boolean(),
  id: z.string(),
  provisioningId: z.string(),
  created: z.number(),
});

/** A stored onboarding template. */
export type TemplateRecord = z.output<typeof TemplateRecordSchema>;

/** The customer's calling headquarters, served by `GET /v1/locations`. */
export const HeadquartersSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: AddressSchema,
  timezone: z.string(),
  language: z.string(),
});

/** A pending asynchronous change of a customer. */
export const TransitionSchema = z.object({
  kind: z.enum(["provisioning", "updating", "deleting"]),
  startedAt: z.number(),
  dueAt: z.number(),
  outcome: OutcomeSchema,
});

/** Per-package state shown in `resourceDetails`. */
export const PackageDetailSchema = z.object({
  name: z.string(),
  status: z.string(),
  warnings: z.array(ApiErrorItemSchema),
  errors: z.array(ApiErrorItemSchema),
});

/** A stored customer, with everything the API never returns (limits, customerInfo...). */
export const CustomerRecordSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  /** The org: attached at creation, or the one provisioning creates; shown only once provisioned. */
  orgId: z.string(),
  attachedOrg: z.boolean(),
  provisioningId: z.string(),
  packages: z.array(z.string()),
  address: AddressSchema,
  customerInfo: CustomerInfoSchema.optional(),
  provisioningParameters: CustomerProvisioningParametersSchema.optional(),
  /** Package limits; null for a customer created without limits (unlimited). */
  limits: z.record(z.string(), z.number()).nullable(),
  adminPackage: z.string().optional(),
  migratingFromBroadWorks: z.boolean(),
  subPartnerAdminEmail: z.string().optional(),
  /** The sub-partner it was created for (`onBehalfOfSubPartnerOrgId`); absent for the partner's own. */
  subPartnerOrgId: z.string().optional(),
  headquarters: HeadquartersSchema.optional(),
  status: CustomerStatusSchema,
  /** Set once a provisioning ended with an org (so an update of a failed customer does not show one). */
  everProvisioned: z.boolean(),
  transition: TransitionSchema.optional(),
  resourceDetails: z.object({ packages: z.array(PackageDetailSchema) }),
  errors: z.array(ApiErrorItemSchema),
  created: z.number(),
  lastStatusChange: z.number(),
});

/** A stored customer. */
export type CustomerRecord = z.output<typeof CustomerRecordSchema>;

/** A stored subscriber, names and numbers included (the API never returns them). */
export const SubscriberRecordSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  email: z.string(),
  packages: z.array(z.string()),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  primaryPhoneNumber: z.string().optional(),
  extension: z.string().optional(),
  locationId: z.string().optional(),
  status: z.enum(["provisioned", "pending_user_migration"]),
  personId: z.string().optional(),
  errors: z.array(ApiErrorItemSchema),
  created: z.number(),
  lastStatusChange: z.number(),
});

/** A stored subscriber. */
export type SubscriberRecord = z.output<typeof SubscriberRecordSchema>;

/** A location's address in the Webex Locations shape (a headquarters may lack state and postal code). */
export const LocationAddressRecordSchema = z.object({
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string(),
});

/** One number of a location's inventory. Its owner is derived from the subscribers, never stored twice. */
export const NumberRecordSchema = z.object({
  phoneNumber: z.string(),
  state: z.enum(["ACTIVE", "INACTIVE"]),
  numberType: z.enum(["DID", "TOLLFREE", "MOBILE"]),
  numberUsageType: z.enum(["NONE", "SERVICE"]),
  /** Put there by an integrated PSTN provider, not through the numbers API. */
  fromProvider: z.boolean(),
});

/** A stored number. */
export type NumberRecord = z.output<typeof NumberRecordSchema>;

/** The PSTN connection types of the spec. */
export const PstnConnectionTypeSchema = z.enum(["LOCAL_GATEWAY", "NON_INTEGRATED_CCP", "INTEGRATED_CCP", "CISCO_PSTN"]);

/** A PSTN connection type. */
export type PstnConnectionType = z.output<typeof PstnConnectionTypeSchema>;

/**
 * A location written through the Locations or telephony API. A headquarters that was never
 * written is not stored: it is derived from its customer (`locations.ts`), so provisioning and
 * the Locations API cannot disagree about it.
 */
export const LocationRecordSchema = z.object({
  id: z.string(),
  /** The wholesale customer whose org holds the location: it disappears with the customer. */
  customerId: z.string(),
  orgId: z.string(),
  name: z.string(),
  timeZone: z.string(),
  preferredLanguage: z.string(),
  announcementLanguage: z.string().optional(),
  address: LocationAddressRecordSchema,
  latitude: z.string().optional(),
  longitude: z.string().optional(),
  notes: z.string().optional(),
  /** Enabled for Webex Calling. */
  calling: z.boolean(),
  /** A disable-calling job that will complete at `dueAt` (calling, PSTN and numbers end then). */
  disabling: z.object({ jobId: z.string(), dueAt: z.number() }).optional(),
  pstn: z.object({ id: z.string(), type: PstnConnectionTypeSchema }).optional(),
  numbers: z.array(NumberRecordSchema),
  /** The location's main number (calling line id), one of `numbers`. */
  mainNumber: z.string().optional(),
  /**
   * Call features (auto attendants, hunt groups...) at the location. The emulator has no API
   * for them; plant a count with `PUT /__admin/state` to reach a `FORCE_REQUIRED` precheck.
   */
  features: z.number().int().min(0).default(0),
  created: z.number(),
});

/** A stored location. */
export type LocationRecord = z.output<typeof LocationRecordSchema>;

/** A disable-calling job (`POST /v1/telephony/config/jobs/locations/deleteCallingLocation`). */
export const JobRecordSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  locationId: z.string(),
  locationName: z.string(),
  forceDelete: z.boolean(),
  created: z.number(),
  dueAt: z.number(),
  /** How it ends once due. */
  outcome: z.enum(["COMPLETED", "FAILED"]),
});

/** A stored job. */
export type JobRecord = z.output<typeof JobRecordSchema>;

/** The whole emulator state. */
export const StateSchema = z.object({
  version: z.literal(1),
  /** PRNG position (see `random.ts`). */
  seed: z.number().int(),
  templates: z.record(z.string(), TemplateRecordSchema),
  customers: z.record(z.string(), CustomerRecordSchema),
  subscribers: z.record(z.string(), SubscriberRecordSchema),
  /** Locations written through the Locations/telephony API (state files from before them load empty). */
  locations: z.record(z.string(), LocationRecordSchema).default({}),
  /** Disable-calling jobs. */
  jobs: z.record(z.string(), JobRecordSchema).default({}),
  /** Ids of customers with a pending transition: what `settle` has to look at. */
  inFlight: z.array(z.string()),
  fixtures: FixturesSchema,
});

/** The whole emulator state. */
export type State = z.output<typeof StateSchema>;

const hashCache = new Map<string, string>();
const HASH_CACHE_MAX = 1024;

/**
 * SHA-256 hex of a token: how tokens are compared and stored. Memoised (a pure function, so
 * the cache changes no result) because every request hashes its token more than once.
 */
export function hashToken(token: string): string {
  const cached = hashCache.get(token);
  if (cached !== undefined) return cached;
  const hash = createHash("sha256").update(token, "utf8").digest("hex");
  // bounded: a flood of random tokens must not grow memory
  if (hashCache.size >= HASH_CACHE_MAX) hashCache.clear();
  hashCache.set(token, hash);
  return hash;
}

/**
 * Merges fixtures given by a caller into the current ones: each key given replaces that
 * fixture set, except `tokens`, which are added (replacing a token of the same hash), so the
 * token a test started with keeps working.
 */
export function mergeFixtures(current: Fixtures, input: FixturesInput): Fixtures {
  const parsed = FixturesInputSchema.parse(input);
  const tokens = [...current.tokens];
  for (const t of parsed.tokens ?? []) {
    const record = { sha256: hashToken(t.token), scopes: t.scopes, label: t.label };
    const at = tokens.findIndex((r) => r.sha256 === record.sha256);
    if (at >= 0) tokens[at] = record;
    else tokens.push(record);
  }
  return {
    subscriptions: parsed.subscriptions ?? current.subscriptions,
    defaultMaximum: parsed.defaultMaximum ?? current.defaultMaximum,
    orgs: parsed.orgs ?? current.orgs,
    freeAccountEmails: (parsed.freeAccountEmails ?? current.freeAccountEmails).map((e) => e.toLowerCase()),
    tokens,
    asyncOutcomes: parsed.asyncOutcomes ?? current.asyncOutcomes,
    subPartners: parsed.subPartners ?? current.subPartners,
  };
}

/** The reference's default fixtures, without any token. */
export function defaultFixtures(): Fixtures {
  return {
    subscriptions: {},
    defaultMaximum: DEFAULT_SUBSCRIPTION_MAXIMUM,
    orgs: DEFAULT_ORGS.map((o) => OrgFixtureSchema.parse(o)),
    freeAccountEmails: [...DEFAULT_FREE_ACCOUNT_EMAILS],
    tokens: [],
    asyncOutcomes: {},
    subPartners: DEFAULT_SUB_PARTNERS.map((p) => SubPartnerFixtureSchema.parse(p)),
  };
}

/** An empty state with the given fixtures (merged over the defaults) and PRNG seed. */
export function initialState(fixtures: FixturesInput = {}, seed = 1): State {
  return {
    version: 1,
    seed: seed >>> 0,
    templates: {},
    customers: {},
    subscribers: {},
    locations: {},
    jobs: {},
    inFlight: [],
    fixtures: mergeFixtures(defaultFixtures(), fixtures),
  };
}

/** The maximum limit of a package under a subscription. */
export function subscriptionMaximum(fixtures: Fixtures, subscriptionId: string, pkg: string): number {
  return fixtures.subscriptions[subscriptionId]?.[pkg] ?? fixtures.defaultMaximum;
}
