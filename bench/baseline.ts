/**
 * The sequential baseline: what a careful script would do with the same API client, one object at
 * a time. Create the template; then for each customer: create it, wait until it is provisioned,
 * look up its headquarters location once, and create its users one after the other. The quantity
 * bump updates one customer at a time and waits for each; destroy deletes each customer's users,
 * then the customer (waiting until it is gone), then the template.
 *
 * It uses the product's own client (`pulumi-webex-wholesale/client`), so retries, pacing and
 * the polling schedule are the same as the product's: the comparison measures orchestration
 * (parallelism, dependency scheduling), not a different HTTP stack.
 *
 * The bodies are written here in wire format, as a script author would write them from the API
 * reference, not derived from the resources' mapping code.
 */
import type { ProvisioningClient } from "pulumi-webex-wholesale/client";

import type { Catalog, CustomerSpec, TemplateSpec, UserSpec } from "./workload";

/** The client the baseline drives. */
export type BaselineClient = ProvisioningClient;

/** Wire body of the template create. */
export function templateBody(t: TemplateSpec) {
  return {
    name: t.templateName,
    serviceProviderAdmin: t.serviceProviderAdmin,
    country: t.countryCode,
    defaultEmailLanguage: t.defaultEmailLanguage,
    wholesaleSubscriptionId: t.wholesaleSubscriptionId,
    authentication: { type: "webex" as const },
    emailBrandName: t.emailBrandName,
    allowAdminInviteEmails: false,
    allowWebexToWebexCalls: true,
  };
}

function wireAddress(c: CustomerSpec) {
  return {
    addressLine1: c.address.line1,
    city: c.address.city,
    stateOrProvince: c.address.stateOrProvince,
    zipOrPostalCode: c.address.postalCode,
    country: c.address.country,
  };
}

function provisioningParameters(c: CustomerSpec) {
  const limits: Record<string, number> = {};
  for (const p of c.packages) if (p.quantity !== undefined) limits[p.name] = p.quantity;
  return {
    calling: {
      location: {
        name: c.headquarters.name,
        address: wireAddress(c),
        timezone: c.headquarters.timeZone,
        language: c.language.toLowerCase(),
      },
    },
    packages: { limits },
  };
}

type CustomerPackage = Parameters<BaselineClient["customers"]["create"]>[0]["packages"][number];
type SubscriberPackage = Parameters<BaselineClient["subscribers"]["create"]>[0]["packages"][number];

/** Wire body of a customer create. */
export function customerCreateBody(c: CustomerSpec, provisioningId: string) {
  return {
    provisioningId,
    externalId: c.externalId,
    packages: c.packages.map((p) => p.name as CustomerPackage),
    address: wireAddress(c),
    customerInfo: { name: c.companyName, primaryEmail: c.adminEmail, language: c.language },
    provisioningParameters: provisioningParameters(c),
  };
}

/** Wire body of a customer update (the complete desired package list and limits). */
export function customerUpdateBody(c: CustomerSpec) {
  return {
    packages: c.packages.map((p) => p.name as CustomerPackage),
    externalId: c.externalId,
    address: wireAddress(c),
    provisioningParameters: provisioningParameters(c),
  };
}

/** Wire body of a subscriber create. */
export function subscriberBody(u: UserSpec, customerId: string, locationId: string | undefined) {
  return {
    customerId,
    email: u.email,
    packages: [u.package as SubscriberPackage],
    provisioningParameters: {
      firstName: u.firstName,
      lastName: u.lastName,
      ...(u.extension !== undefined ? { extension: u.extension, locationId } : {}),
    },
  };
}

/** Ids the baseline created, needed by its later phases. */
export interface BaselineObjects {
  templateId: string;
  provisioningId: string;
  customers: { spec: CustomerSpec; id: string; userIds: string[] }[];
}

/** Options of the baseline phases. */
export interface BaselineOptions {
  readonly client: BaselineClient;
  /** How long one customer may take to provision, ms. */
  readonly provisioningTimeoutMs: number;
}

/** Phase 1: creates the catalog one object at a time. */
export async function baselineCreate(catalog: Catalog, o: BaselineOptions): Promise<BaselineObjects> {
  const { client } = o;
  const template = await client.templates.create(templateBody(catalog.template));
  const objects: BaselineObjects = { templateId: template.id, provisioningId: template.provisioningId, customers: [] };
  for (const spec of catalog.customers) {
    const created = await client.customers.create(customerCreateBody(spec, template.provisioningId));
    // The client's own polling schedule (first poll from its duration estimate), as the product's.
    const customer = await client.waitForCustomer(created.id, { timeoutMs: o.provisioningTimeoutMs });
    // One location lookup per customer: the script needs the headquarters id for calling users.
    let locationId: string | undefined;
    if (spec.users.some((u) => u.extension !== undefined)) {
      for await (const location of client.locations.list({ orgId: customer.orgId! })) {
        locationId = location.id; // one location per customer: its headquarters
        break;
      }
    }
    const userIds: string[] = [];
    for (const u of spec.users) {
      const sub = await client.subscribers.create(subscriberBody(u, created.id, locationId));
      userIds.push(sub.id);
    }
    objects.customers.push({ spec, id: created.id, userIds });
  }
  return objects;
}

/** Phase 2: applies the bumped catalog's packages to each customer, waiting for each. */
export async function baselineBump(bumped: Catalog, objects: BaselineObjects, o: BaselineOptions): Promise<void> {
  const byExternalId = new Map(bumped.customers.map((c) => [c.externalId, c]));
  for (const c of objects.customers) {
    const spec = byExternalId.get(c.spec.externalId)!;
    await o.client.customers.update(c.id, customerUpdateBody(spec));
    await o.client.waitForCustomer(c.id, { timeoutMs: o.provisioningTimeoutMs, operation: "update" });
  }
}

/** Phase 3: deletes users, then their customer (waiting until gone), then the template. */
export async function baselineDestroy(objects: BaselineObjects, o: BaselineOptions): Promise<void> {
  for (const c of objects.customers) {
    for (const id of c.userIds) await o.client.subscribers.delete(id);
    await o.client.customers.delete(c.id);
    await o.client.waitForCustomerGone(c.id, { timeoutMs: o.provisioningTimeoutMs });
  }
  await o.client.templates.delete(objects.templateId);
}
