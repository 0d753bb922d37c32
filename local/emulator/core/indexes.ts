/**
 * The indexes the core looks records up by, in one place so that every handler asks the same
 * index (built once per collection, kept up to date by `putRecord`/`withoutRecords`; see
 * `table.ts`). Each answers what a scan over the whole collection would, in O(matches).
 */
import type { CustomerRecord, LocationRecord, SubscriberRecord } from "./state";
import { defineIndex } from "./table";

/** Subscribers by email, lower-cased (emails are unique case-insensitively: 10022). */
export const SUBSCRIBERS_BY_EMAIL = defineIndex<SubscriberRecord>("subscribers by email", (s) => [s.email.toLowerCase()]);

/** Subscribers by customer id: a customer's users (numbers, deletion with the customer). */
export const SUBSCRIBERS_BY_CUSTOMER = defineIndex<SubscriberRecord>("subscribers by customer", (s) => [s.customerId]);

/** Subscribers by `customerId + "\n" + package`: licences used. */
export const SUBSCRIBERS_BY_PACKAGE = defineIndex<SubscriberRecord>("subscribers by customer and package", (s) =>
  s.packages.map((p) => `${s.customerId}\n${p}`),
);

/** Subscribers by person id. */
export const SUBSCRIBERS_BY_PERSON = defineIndex<SubscriberRecord>("subscribers by person", (s) =>
  s.personId !== undefined ? [s.personId] : [],
);

/** Customers by externalId (unique: 409 on a duplicate). */
export const CUSTOMERS_BY_EXTERNAL_ID = defineIndex<CustomerRecord>("customers by externalId", (c) => [c.externalId]);

/** Customers by the sub-partner that owns them (`""` for the partner itself). */
export const CUSTOMERS_BY_OWNER = defineIndex<CustomerRecord>("customers by owner", (c) => [c.subPartnerOrgId ?? ""]);

/** Customers by the existing org they attached (`orgId` on create). */
export const CUSTOMERS_BY_ATTACHED_ORG = defineIndex<CustomerRecord>("customers by attached org", (c) => (c.attachedOrg ? [c.orgId] : []));

/** Customers by their org id, whatever their status (callers check that the org exists). */
export const CUSTOMERS_BY_ORG = defineIndex<CustomerRecord>("customers by org", (c) => [c.orgId]);

/** Customers by the id of their headquarters location. */
export const CUSTOMERS_BY_HEADQUARTERS = defineIndex<CustomerRecord>("customers by headquarters", (c) =>
  c.headquarters !== undefined ? [c.headquarters.id] : [],
);

/** Stored locations by customer id. */
export const LOCATIONS_BY_CUSTOMER = defineIndex<LocationRecord>("locations by customer", (l) => [l.customerId]);

/** Stored locations by every number in their inventory (a number is in at most one). */
export const LOCATIONS_BY_NUMBER = defineIndex<LocationRecord>("locations by number", (l) => l.numbers.map((n) => n.phoneNumber));
