/**
 * The catalog file's shape: the partner's onboarding templates, customers and users as a platform
 * team keeps them in a repository (GitOps), validated before a single resource is declared.
 *
 * This schema owns what only the catalog knows: its layout, its stable keys, references between
 * entries (a customer names its template, a user names its customer) and the rules that need two
 * entries at once (an administrator holds the customer's admin package, a limited customer has
 * licences for its users). The rules of each resource on its own (formats, package rules, required
 * headquarters...) are NOT repeated here: `load.ts` runs each entry through the resource's own
 * `check`, so the catalog and `pulumi preview` can never disagree.
 *
 * Field names are the resources' argument names (resources.md), so a failure reported by a
 * resource's `check` at `packages[1].quantity` is the catalog's `customers[2].packages[1].quantity`.
 */
import { z } from "zod";

/** A non-empty string; formats are judged by the resources' own `check`. */
const text = z.string().min(1, "must not be empty");

/** Previous logical names of an entry, turned into Pulumi `aliases` so a rename keeps the object. */
const aliases = z.array(text).optional().describe("Previous keys of this entry: the resource keeps its state instead of being replaced.");

/** One onboarding template (resources.md, OnboardingTemplate). */
export const CatalogTemplateSchema = z.strictObject({
  /** Stable key: the Pulumi logical name and what customers refer to. Never rename it without `aliases`. */
  name: text,
  /** Name shown in Partner Hub; defaults to `name`. Changing it is an update, not a replacement. */
  templateName: text.optional(),
  serviceProviderAdmin: text,
  countryCode: text,
  defaultEmailLanguage: text.optional(),
  wholesaleSubscriptionId: text,
  pstnProviderId: text.optional(),
  authentication: z.strictObject({ type: text, idpEntityId: text.optional(), idpName: text.optional() }).optional(),
  emailBrandName: text,
  allowAdminInviteEmails: z.boolean().optional(),
  allowWebexToWebexCalls: z.boolean().optional(),
  aliases,
});

/** A postal address, as `CustomerOrg.address`. */
const AddressSchema = z.strictObject({
  line1: text,
  line2: text.optional(),
  city: text,
  stateOrProvince: text.optional(),
  postalCode: text.optional(),
  country: text,
});

/** One package of a customer; a `quantity` makes the customer limited. */
export const CatalogPackageSchema = z.strictObject({
  name: text,
  /** Licence count; whole-number and ≥ 1 rules are the resource's (`check`). */
  quantity: z.number().optional(),
});

/** A location's address, as `CustomerLocation.address` (the Locations API names its fields so). */
const LocationAddressSchema = z.strictObject({
  address1: text,
  address2: text.optional(),
  city: text,
  state: text,
  postalCode: text,
  country: text,
});

/** One number of a location: `state` defaults to `ACTIVE` (the resource's default). */
const LocationNumberSchema = z.strictObject({ number: text, state: text.optional() });

/**
 * One site of a customer (resources.md, CustomerLocation), declared under the customer: its
 * `customerId` is the customer's. Its key is `<externalId>/<name>` (the Pulumi logical name, what
 * `remove: locations:` lists); users name it by `name` in `location:`.
 */
export const CatalogLocationSchema = z.strictObject({
  /** The location's name in the customer's org, unique there; an existing location of that exact name is adopted. */
  name: text,
  timeZone: text,
  preferredLanguage: text,
  announcementLanguage: text,
  address: LocationAddressSchema,
  latitude: text.optional(),
  longitude: text.optional(),
  notes: text.optional(),
  calling: z
    .strictObject({
      pstnConnectionId: text.optional(),
      pstnConnectionType: text.optional(),
      numbers: z.array(LocationNumberSchema).optional(),
      mainNumber: text.optional(),
      forceDisable: z.boolean().optional(),
    })
    .optional(),
});

/** One customer organisation (resources.md, CustomerOrg). */
export const CatalogCustomerSchema = z.strictObject({
  /** Stable key: the Pulumi logical name and what users refer to. */
  externalId: text,
  /** The `name` of a template in this catalog; or give `provisioningId` (exactly one of the two). */
  template: text.optional(),
  /**
   * A template's provisioning id, for templates made outside the catalog: against the public
   * Webex API templates exist only in Partner Hub, which shows this id.
   */
  provisioningId: text.optional(),
  existingOrgId: text.optional(),
  companyName: text.optional(),
  adminEmail: text.optional(),
  language: text.optional(),
  /** The seed's "I verify this customer is in a supported location": the team attests it per customer. */
  supportedLocationConfirmed: z.literal(true, {
    error: "must be true: confirm this customer is in a location Webex Wholesale supports",
  }),
  address: AddressSchema,
  packages: z.array(CatalogPackageSchema).min(1, "list at least one package"),
  headquarters: z
    .strictObject({
      name: text.optional(),
      address: AddressSchema.optional(),
      timeZone: text,
      language: text.optional(),
      emergencyLocationIdentifier: text.optional(),
    })
    .optional(),
  meetingsTimeZone: text.optional(),
  /** Sites beyond the headquarters (or the headquarters itself, by its exact name, to give it numbers). */
  locations: z.array(CatalogLocationSchema).optional(),
  aliases,
  /** Pins the customer to this shard stack (0..N-1) of a sharded catalog; default: a hash of `externalId` (`shards.ts`). */
  shard: z.number().int("must be a whole number").min(0, "must be 0 or more").optional(),
});

/** One user (resources.md, CustomerUser). */
export const CatalogUserSchema = z.strictObject({
  /** Stable key: the Pulumi logical name. Changing it replaces the user (numbers are freed first). */
  email: text,
  /** The `externalId` of a customer in this catalog. Changing it moves (replaces) the user. */
  customer: text,
  firstName: text,
  lastName: text,
  package: text,
  administrator: z.boolean().optional(),
  /** Absent for a calling user: the customer's headquarters location is used. */
  locationId: text.optional(),
  phoneNumber: text.optional(),
  /** The `name` of one of the customer's `locations`: the user's `locationId` becomes that location's id. */
  location: text.optional(),
  /** The user's number (its `phoneNumber`): one of its `location`'s numbers, `ACTIVE`. */
  number: text.optional(),
  extension: text.optional(),
});

/**
 * The whole catalog file, structure only. Cross-entry rules live in `load.ts` (they need the
 * package catalogue and report on several paths at once).
 */
export const CatalogSchema = z.strictObject({
  templates: z.array(CatalogTemplateSchema).default([]),
  /**
   * Required, even empty: a file that lost its `customers:` list (a bad merge) must not read as
   * "delete every customer"; `customers: []` says it on purpose.
   */
  customers: z.array(CatalogCustomerSchema, {
    error: (iss) => (iss.input === undefined ? "required: list the customers (write `customers: []` to have none, on purpose)" : undefined),
  }),
  users: z.array(CatalogUserSchema).default([]),
  /**
   * Keys whose deletion is intended: a template, customer or user that vanishes from the lists above is
   * deleted only when listed here (or when the run allows deletions); see `deletion-guard.ts`.
   */
  remove: z
    .strictObject({
      templates: z.array(text).default([]),
      customers: z.array(text).default([]),
      users: z.array(text).default([]),
      /** Location keys, `<externalId>/<name>`: removing one disables calling there; the record stays in Webex. */
      locations: z.array(text).default([]),
    })
    .default({ templates: [], customers: [], users: [], locations: [] }),
});

/** A catalog as written in YAML (`templates` and `users` may be absent). */
export type CatalogInput = z.input<typeof CatalogSchema>;
/** A catalog after validation: every list present. */
export type Catalog = z.output<typeof CatalogSchema>;
/** One validated template entry. */
export type CatalogTemplate = z.output<typeof CatalogTemplateSchema>;
/** One validated customer entry. */
export type CatalogCustomer = z.output<typeof CatalogCustomerSchema>;
/** One validated location entry (under its customer). */
export type CatalogLocation = z.output<typeof CatalogLocationSchema>;
/** One validated user entry. */
export type CatalogUser = z.output<typeof CatalogUserSchema>;

/** Catalog-only fields of each entry kind: everything else is passed to the resource unchanged. */
export const CATALOG_ONLY_FIELDS = {
  templates: ["name", "aliases"],
  customers: ["template", "aliases", "locations", "shard"],
  users: ["customer", "location", "number"],
} as const;

/** One problem found in the catalog, located in the YAML file. */
export const CatalogIssueSchema = z.object({
  /** Path as a person reads it: `customers[2].packages[0].quantity`. */
  path: z.string(),
  /** What is wrong and what to do. */
  message: z.string(),
  /** 1-based line of the offending node (or of its closest existing parent); absent for the file itself. */
  line: z.number().int().optional(),
  /** 1-based column, with `line`. */
  column: z.number().int().optional(),
});

/** One problem found in the catalog. */
export type CatalogIssue = z.output<typeof CatalogIssueSchema>;
