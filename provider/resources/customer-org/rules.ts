/**
 * CustomerOrg change rules, as data: what changing each input from its previous value does (update
 * in place, replace, or refused with what to do instead), and the quantity changes Partner Hub
 * forbids that the API enforces only after the fact (lowering one, limited ↔ unlimited).
 */
import {
  deepEqual,
  isPlainObject,
  isUnknown,
  type ChangeCheck,
  type ChangeContext,
  type Refusal,
  type ResourceRules,
} from "../common/change-rules";
import { CUSTOMER_ORG_SCHEMA_VERSION, type CustomerOrgInputs } from "./schema";

/** A package entry as found in state or inputs: name and quantity, when known. */
interface PackageEntry {
  readonly name: string;
  readonly quantity: unknown;
}

/**
 * The entries of a `packages` value whose name is known, keyed by name (first wins: `check`
 * refuses duplicates). Undefined when the list itself is absent or unknown.
 */
export function packagesByName(value: unknown): Map<string, PackageEntry> | undefined {
  if (!Array.isArray(value)) return undefined;
  const byName = new Map<string, PackageEntry>();
  for (const p of value) {
    if (!isPlainObject(p) || typeof p.name !== "string" || isUnknown(p.name) || byName.has(p.name)) continue;
    byName.set(p.name, { name: p.name, quantity: p.quantity });
  }
  return byName;
}

/** Package lists are sets: order does not matter, an absent and an undefined quantity are the same. */
function packagesEqual(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  const canon = (l: unknown[]) =>
    l.map((p) => (isPlainObject(p) ? JSON.stringify([p.name, p.quantity ?? null]) : JSON.stringify(p))).sort();
  return deepEqual(canon(a), canon(b));
}

/** True when `q` is a quantity that was given (a number; the unknown sentinel is not a number). */
function hasQuantity(q: unknown): q is number {
  return typeof q === "number";
}

/**
 * Whether a package list makes the customer limited: true/false, or "unknown" when a quantity
 * or a name is not known yet (preview) and the known ones carry no quantity.
 */
function limitedness(value: unknown): boolean | "unknown" {
  if (!Array.isArray(value)) return "unknown";
  let unknown = false;
  for (const p of value) {
    if (!isPlainObject(p)) {
      if (isUnknown(p)) unknown = true;
      continue;
    }
    if (hasQuantity(p.quantity)) return true;
    if (isUnknown(p.quantity) || isUnknown(p.name)) unknown = true;
  }
  return unknown ? "unknown" : false;
}

const quantityLowered: ChangeCheck = {
  id: "quantity-lowered",
  property: "packages[].quantity",
  description:
    "lowering a package's `quantity` is **refused**: a new quantity must be greater than the one currently assigned; raising it updates in place",
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    const before = packagesByName(olds.packages);
    const after = packagesByName(news.packages);
    if (!before || !after) return [];
    const out: Refusal[] = [];
    for (const [name, p] of after) {
      const old = before.get(name);
      if (!old || !hasQuantity(old.quantity) || !hasQuantity(p.quantity) || p.quantity >= old.quantity) continue;
      out.push({
        property: `packages[${name}].quantity`,
        oldValue: old.quantity,
        newValue: p.quantity,
        reason: "Partner Hub only accepts a package quantity greater than the one currently assigned to the customer",
        instead: `keep quantity ${String(old.quantity)} or raise it; to stop paying for unused licences, remove users and ask the service provider operations team, or remove the package`,
        fromSeed: true,
      });
    }
    return out;
  },
};

const limitedToUnlimited: ChangeCheck = {
  id: "limited-to-unlimited",
  property: "packages[].quantity",
  description:
    "removing every quantity from a limited customer (limited → unlimited) is **refused**: once package quantities are enabled they cannot be disabled",
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    if (limitedness(olds.packages) !== true || limitedness(news.packages) !== false) return [];
    const before = packagesByName(olds.packages) ?? new Map<string, PackageEntry>();
    const after = packagesByName(news.packages) ?? new Map<string, PackageEntry>();
    // Name the first package that keeps existing but loses its quantity; else the first limited one.
    const lost =
      [...before.values()].find((p) => hasQuantity(p.quantity) && after.has(p.name)) ??
      [...before.values()].find((p) => hasQuantity(p.quantity));
    if (!lost) return [];
    return [
      {
        property: `packages[${lost.name}].quantity`,
        oldValue: lost.quantity,
        newValue: undefined,
        reason:
          "the customer was made limited (its packages carry quantities), and Partner Hub says once package quantity is enabled it cannot be disabled",
        instead: "keep a quantity on every limitable package (at least the current ones)",
        fromSeed: true,
      },
    ];
  },
};

const unlimitedToLimited: ChangeCheck = {
  id: "unlimited-to-limited",
  property: "packages[].quantity",
  description:
    "giving quantities to a customer created without them (unlimited → limited) is **refused**: a customer created unlimited cannot become limited",
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    const oldPackages = olds.packages;
    if (!Array.isArray(oldPackages) || oldPackages.length === 0) return [];
    if (limitedness(oldPackages) !== false || limitedness(news.packages) !== true) return [];
    const gained = [...(packagesByName(news.packages)?.values() ?? [])].find((p) => hasQuantity(p.quantity));
    if (!gained) return [];
    return [
      {
        property: `packages[${gained.name}].quantity`,
        oldValue: undefined,
        newValue: gained.quantity,
        reason: "the customer was created without package quantities, and Partner Hub cannot turn an unlimited customer into a limited one",
        instead: "remove every `quantity`; to limit licences, create a new limited customer (new `externalId`) and move users to it",
        fromSeed: true,
      },
    ];
  },
};

/**
 * The change rules of CustomerOrg. The package rules (`checks`) come from Partner Hub's
 * documentation; the refused fields from the API having no way to change them.
 */
export const customerOrgRules: ResourceRules<keyof CustomerOrgInputs & string> = {
  resource: "CustomerOrg",
  schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION,
  optionalInputs: ["existingOrgId", "companyName", "adminEmail", "headquarters", "meetingsTimeZone"],
  fields: {
    provisioningId: {
      kind: "refused",
      description: "changing `provisioningId` is **refused**: a customer keeps the template it was created from",
      reason: "the API has no way to move a customer to another onboarding template",
      instead:
        "keep the current `provisioningId`; to use another template, create a new CustomerOrg (new `externalId`) and move users to it",
    },
    externalId: { kind: "update", description: "changing `externalId` updates the customer in place" },
    existingOrgId: {
      kind: "refused",
      description: "setting, changing or removing `existingOrgId` after creation is **refused**",
      reason: "a customer stays attached to the Webex organisation it was created with or attached to",
      instead: "keep `existingOrgId` as it was at creation; to attach another organisation, declare a new CustomerOrg",
    },
    companyName: {
      kind: "refused",
      description: "changing `companyName` is **refused**: the API cannot rename a customer",
      reason: "the Wholesale API cannot rename a customer",
      instead: "keep the current `companyName` in the program; rename the organisation in Control Hub if needed",
    },
    adminEmail: {
      kind: "refused",
      description: "changing `adminEmail` is **refused** (no API)",
      reason: "the Wholesale API cannot change a customer's first administrator",
      instead:
        "keep the current `adminEmail`; add or change administrators in Control Hub (and declare them as CustomerUser with `administrator: true`)",
    },
    language: {
      kind: "refused",
      description: "changing `language` is **refused** (no API)",
      reason: "the Wholesale API cannot change a customer's language",
      instead: "keep the current `language`; change it in Control Hub",
    },
    supportedLocationConfirmed: {
      kind: "ignored",
      description: "`supportedLocationConfirmed` is checked only (it must be `true`); it is never sent as a change",
    },
    address: {
      kind: "update",
      description: "changing `address` updates the customer in place, except its `country`",
      fields: {
        country: {
          kind: "refused",
          description: "changing `address.country` is **refused** (data residency)",
          reason: "a customer's country decides where its data resides, and the service cannot move it",
          instead: "keep the current `address.country`; for a customer in another country, create a new CustomerOrg",
        },
      },
    },
    packages: {
      kind: "update",
      description:
        "adding or removing a package, or raising a `quantity`, updates the customer in place (the order of `packages` does not matter)",
      equals: packagesEqual,
    },
    headquarters: {
      kind: "refused",
      addOrRemoveAllowed: true,
      description:
        "changing `headquarters` after creation is **refused**; adding it (with a first calling package) or removing it updates the customer",
      reason: "the headquarters location is created with the customer and the Wholesale API cannot change it",
      instead: "keep `headquarters` as it is and change the location in Control Hub",
    },
    meetingsTimeZone: {
      kind: "refused",
      description: "setting, changing or removing `meetingsTimeZone` after creation is **refused**",
      reason: "the meetings time zone is set when the customer is created and the Wholesale API cannot change it",
      instead: "keep `meetingsTimeZone` as it was at creation; change it in Control Hub",
    },
  },
  checks: [quantityLowered, limitedToUnlimited, unlimitedToLimited],
};
