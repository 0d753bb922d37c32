/**
 * The Webex Wholesale package catalogue and the package rules that need no server.
 *
 * Pure data and pure functions: imported by the schemas, `check` and `diff` of the resources, and
 * re-exported as `PACKAGES` from the package entry point. The table follows the "Packages" table
 * of the provisioning-API reference; `calling` and `adminRank` are this project's decisions there.
 */
import { z } from "zod";

/** Every package name the Wholesale API knows, in the catalogue's order. */
export const PACKAGE_NAMES = [
  "webex_voice",
  "webex_calling_standard",
  "webex_meetings",
  "webex_calling",
  "cx_essentials",
  "webex_suite",
  "common_area_calling",
  "attendant_console",
  "cisco_calling_plan",
  "cx_premium_agent",
  "cx_standard_agent",
  "cx_voice_ports",
  "cx_ai_assistant",
  "webex_ai_agent",
] as const;

/** zod schema of a package name; the source of {@link PackageName}. */
export const PackageNameSchema = z.enum(PACKAGE_NAMES);

/** A package name, e.g. `"webex_calling"`. */
export type PackageName = z.output<typeof PackageNameSchema>;

/** zod schema of one catalogue entry; the source of {@link PackageTraits}. */
export const PackageTraitsSchema = z.object({
  /** The package can be assigned to a customer organisation. */
  customer: z.boolean(),
  /** The package can be assigned to a subscriber (a `CustomerUser`). */
  subscriber: z.boolean(),
  /** The package may carry a quantity (a key of `provisioningParameters.packages.limits`). */
  limitable: z.boolean(),
  /** The package includes calling: a customer needs a headquarters location, a user a number or extension. */
  calling: z.boolean(),
  /** Rank among the packages an administrator may hold; higher is more. Absent: never an admin package. */
  adminRank: z.number().int().positive().optional(),
});

/** What the catalogue says about one package. */
export type PackageTraits = z.output<typeof PackageTraitsSchema>;

/**
 * The package catalogue. `common_area_calling` is assignable to workspaces, not to users, so it is
 * not a subscriber package here.
 */
export const PACKAGES: Readonly<Record<PackageName, Readonly<PackageTraits>>> = Object.freeze({
  webex_voice: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 1 },
  webex_calling_standard: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 2 },
  webex_meetings: { customer: true, subscriber: true, limitable: true, calling: false, adminRank: 3 },
  webex_calling: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 4 },
  cx_essentials: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 5 },
  webex_suite: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 6 },
  common_area_calling: { customer: true, subscriber: false, limitable: true, calling: true },
  attendant_console: { customer: true, subscriber: true, limitable: true, calling: false },
  cisco_calling_plan: { customer: true, subscriber: false, limitable: false, calling: false },
  cx_premium_agent: { customer: true, subscriber: true, limitable: false, calling: false },
  cx_standard_agent: { customer: true, subscriber: true, limitable: false, calling: false },
  cx_voice_ports: { customer: true, subscriber: false, limitable: false, calling: false },
  cx_ai_assistant: { customer: true, subscriber: false, limitable: false, calling: false },
  webex_ai_agent: { customer: true, subscriber: false, limitable: false, calling: false },
});

/** Package names a customer may hold (all of them today). */
export const CUSTOMER_PACKAGE_NAMES = PACKAGE_NAMES.filter((n) => PACKAGES[n].customer);

/** Package names a subscriber (user) may hold. */
export const SUBSCRIBER_PACKAGE_NAMES = PACKAGE_NAMES.filter((n) => PACKAGES[n].subscriber);

/** Package names that may carry a quantity. */
export const LIMITABLE_PACKAGE_NAMES = PACKAGE_NAMES.filter((n) => PACKAGES[n].limitable);

/** True when `name` is a catalogue package name. Accepts anything so callers can test raw input. */
export function isPackageName(name: unknown): name is PackageName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(PACKAGES, name);
}

/** True when `name` is a known package that includes calling. Unknown names are not calling packages. */
export function isCallingPackage(name: unknown): boolean {
  return isPackageName(name) && PACKAGES[name].calling;
}

/** The admin rank of a package, 0 when it has none (never an administrator's package). */
export function adminRankOf(name: PackageName): number {
  return PACKAGES[name].adminRank ?? 0;
}

/**
 * A dependency between packages: `dependent` can only be held together with one of `requiresAnyOf`.
 * Kept as data so `check` and the README state the same rule.
 */
export const PackageDependencySchema = z.object({
  dependent: PackageNameSchema,
  requiresAnyOf: z.array(PackageNameSchema).readonly(),
  /** Why, in words a user can act on. */
  why: z.string(),
});

/** One package dependency. */
export type PackageDependency = z.output<typeof PackageDependencySchema>;

const CALLING_PACKAGE_NAMES = PACKAGE_NAMES.filter((n) => PACKAGES[n].calling);

/** The package dependencies the service enforces (provisioning-API error 1003). */
export const PACKAGE_DEPENDENCIES: readonly PackageDependency[] = Object.freeze([
  {
    dependent: "cisco_calling_plan",
    requiresAnyOf: CALLING_PACKAGE_NAMES,
    why: "Cisco Calling Plan is PSTN service for a calling package",
  },
  {
    dependent: "attendant_console",
    requiresAnyOf: ["webex_calling", "webex_suite", "cx_essentials"],
    why: "the attendant console runs on top of Webex Calling",
  },
]);

/**
 * The dependencies a set of package names leaves unmet, in {@link PACKAGE_DEPENDENCIES} order.
 * Unknown names are ignored (they are reported on their own).
 */
export function missingDependencies(names: readonly unknown[]): PackageDependency[] {
  const held = new Set(names.filter(isPackageName));
  return PACKAGE_DEPENDENCIES.filter((d) => held.has(d.dependent) && !d.requiresAnyOf.some((r) => held.has(r)));
}

/**
 * The customer's admin package: the highest-ranked subscriber package among `names`, or undefined
 * when none has a rank. Administrators must hold exactly this package (the seed: "the same package
 * level as used to create the customer org").
 */
export function adminPackageOf(names: readonly unknown[]): PackageName | undefined {
  let best: PackageName | undefined;
  for (const n of names) {
    if (!isPackageName(n) || !PACKAGES[n].subscriber || adminRankOf(n) === 0) continue;
    if (best === undefined || adminRankOf(n) > adminRankOf(best)) best = n;
  }
  return best;
}
