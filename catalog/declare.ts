/**
 * Turns a validated catalog into resources: the only place the catalog meets Pulumi.
 *
 * Logical names are the catalog's stable keys (template `name`, customer `externalId`, user
 * `email`), never a list position or a display name, so reordering entries or changing a label
 * leaves every URN as it was. `aliases` in the catalog become Pulumi aliases: changing a key with
 * its old value listed keeps the object (without it, Pulumi would create under the new key and
 * then delete the old one, which for a customer removes it).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CustomerLocation,
  CustomerOrg,
  CustomerUser,
  OnboardingTemplate,
  PACKAGES,
  type CustomerLocationArgs,
  type CustomerOrgArgs,
  type CustomerUserArgs,
  type OnboardingTemplateArgs,
} from "pulumi-webex-wholesale";
import { locationKey } from "./locations";
import type { Catalog } from "./schema";

/** The resources declared for a catalog, by catalog key. */
export type DeclaredCatalog = {
  /** By template `name`. */
  readonly templates: ReadonlyMap<string, OnboardingTemplate>;
  /** By customer `externalId`. */
  readonly customers: ReadonlyMap<string, CustomerOrg>;
  /** By user `email`, as written. */
  readonly users: ReadonlyMap<string, CustomerUser>;
  /** By location key, `<externalId>/<name>` ({@link locationKey}). */
  readonly locations: ReadonlyMap<string, CustomerLocation>;
};

/** Options for {@link declareCatalog}. */
export type DeclareOptions = {
  /** Options added to every resource (e.g. `protect` for a production stack). */
  readonly resourceOptions?: pulumi.CustomResourceOptions;
};

/** Maps a list of previous keys to Pulumi aliases (same type and parent, older name). */
function aliasesOf(keys: readonly string[] | undefined): pulumi.Alias[] | undefined {
  return keys && keys.length > 0 ? keys.map((name) => ({ name })) : undefined;
}

/**
 * How many resources are declared before the program gives the event loop a turn. Declaring a
 * resource costs milliseconds under ts-node (the SDK captures a stack trace per output and ts-node
 * source-maps each), and the SDK sends no registration before the synchronous pass ends: declaring
 * 1 100 resources in one pass delayed the first API request by 5-12 s in the benchmark. Yielding
 * lets registrations, and so provisioning, start while the rest is declared.
 */
const DECLARE_BATCH = 10;

/** Resolves on the next turn of the event loop, after pending I/O callbacks. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Declares one `OnboardingTemplate`, `CustomerOrg`, `CustomerLocation` and `CustomerUser` per catalog entry, in
 * batches of {@link DECLARE_BATCH} separated by a turn of the event loop.
 * The catalog must come from `loadCatalog` (references are trusted: it has checked them).
 * @example
 * const declared = await declareCatalog(await loadCatalog(file, packageRules()));
 * export const ids = catalogOutputs(declared);
 */
export async function declareCatalog(catalog: Catalog, options: DeclareOptions = {}): Promise<DeclaredCatalog> {
  let declared = 0;
  const pace = async () => {
    if (++declared % DECLARE_BATCH === 0) await nextTurn();
  };
  // The catalog schema types enumerations (package names, authentication types) as strings: it
  // leaves judging them to each resource's own check, which loadCatalog has run on every entry.
  // The casts below rely on that, and on nothing else.
  const base = options.resourceOptions ?? {};
  const templates = new Map<string, OnboardingTemplate>();
  for (const { name, aliases, templateName, ...args } of catalog.templates) {
    templates.set(
      name,
      new OnboardingTemplate(name, { ...args, templateName: templateName ?? name } as OnboardingTemplateArgs, {
        ...base,
        aliases: aliasesOf(aliases),
      }),
    );
    await pace();
  }

  const customers = new Map<string, CustomerOrg>();
  const locations = new Map<string, CustomerLocation>();
  for (const { template, aliases, locations: sites, shard: _shard, ...args } of catalog.customers) {
    // loadCatalog has checked that exactly one of the two is given and that the template exists.
    const provisioningId = template !== undefined ? templates.get(template)!.provisioningId : args.provisioningId!;
    const customer = new CustomerOrg(args.externalId, { ...args, provisioningId } as CustomerOrgArgs, {
      ...base,
      aliases: aliasesOf(aliases),
    });
    customers.set(args.externalId, customer);
    await pace();
    for (const site of sites ?? []) {
      // `id` (= `customerId`) for the reason given for users below.
      const key = locationKey(args.externalId, site.name);
      locations.set(key, new CustomerLocation(key, { ...site, customerId: customer.id } as CustomerLocationArgs, base));
      await pace();
    }
  }

  const users = new Map<string, CustomerUser>();
  for (const { customer: externalId, location, number, ...args } of catalog.users) {
    const customer = customers.get(externalId)!;
    const calling = PACKAGES[args.package as keyof typeof PACKAGES]?.calling === true;
    // loadCatalog has checked that a user's `location` is one of its customer's.
    const site =
      location !== undefined
        ? catalog.customers.find((c) => c.externalId === externalId)!.locations!.find((l) => l.name === location)!
        : undefined;
    // The headquarters is created with the customer: handing its id over spares the provider a
    // Locations API lookup per user. The customer is referred to by `id` (= `customerId`):
    // during a preview that updates the customer only `id` stays known, and an unknown
    // customerId would show its users as replaced.
    const locationId =
      site !== undefined
        ? locations.get(locationKey(externalId, site.name))!.locationId
        : (args.locationId ?? (calling ? customer.headquartersLocationId.apply((id) => id!) : undefined));
    // The location's declared numbers, known while the program runs: the user's own check then
    // refuses, at preview, a number the location does not hold.
    const locationNumbers = site?.calling?.numbers?.map((n) => n.number);
    users.set(
      args.email,
      new CustomerUser(
        args.email,
        { ...args, customerId: customer.id, locationId, phoneNumber: number ?? args.phoneNumber, locationNumbers } as CustomerUserArgs,
        base,
      ),
    );
    await pace();
  }
  return { templates, customers, users, locations };
}

/**
 * The stack outputs of a declared catalog: ids by catalog key, and counts a reviewer compares with
 * the catalog at a glance.
 */
export function catalogOutputs(declared: DeclaredCatalog) {
  const byKey = <T>(m: ReadonlyMap<string, T>, f: (v: T) => pulumi.Output<string>) => Object.fromEntries([...m].map(([k, v]) => [k, f(v)]));
  return {
    /** Template `name` → `provisioningId`. */
    provisioningIds: byKey(declared.templates, (t) => t.provisioningId),
    /** Customer `externalId` → `customerId`. */
    customerIds: byKey(declared.customers, (c) => c.customerId),
    /** Customer `externalId` → status (`provisioned`, `pending_rpl_review`...). */
    customerStatuses: byKey(declared.customers, (c) => c.status),
    /** Location key (`<externalId>/<name>`) → `locationId`. */
    locationIds: byKey(declared.locations, (l) => l.locationId),
    /** How many of each kind the catalog declares. */
    counts: {
      templates: declared.templates.size,
      customers: declared.customers.size,
      locations: declared.locations.size,
      users: declared.users.size,
    },
  };
}
