/**
 * The packages table of the reference ("Packages"), as data: every rule about packages reads
 * this table, so a package's properties are stated once.
 */

/** Properties of one package. */
export interface PackageInfo {
  /** Can be ordered for a customer. Every package of the table can. */
  readonly customer: boolean;
  /** Can be assigned to a subscriber (user). `common_area_calling` is for workspaces only. */
  readonly subscriber: boolean;
  /** A key of `provisioningParameters.packages.limits`. */
  readonly limitable: boolean;
  /** Needs a calling location and, for a subscriber, a number or an extension. */
  readonly calling: boolean;
  /** Rank among administrator packages; the highest a customer has is its admin package. */
  readonly adminRank?: number;
  /** Packages of which the customer must also have at least one. */
  readonly requiresOneOf?: readonly string[];
}

const CALLING_FOR_PLAN = [
  "webex_voice",
  "webex_calling_standard",
  "webex_calling",
  "cx_essentials",
  "webex_suite",
  "common_area_calling",
] as const;

/** The reference's packages table. */
export const PACKAGES: Readonly<Record<string, PackageInfo>> = {
  webex_voice: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 1 },
  webex_calling_standard: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 2 },
  webex_meetings: { customer: true, subscriber: true, limitable: true, calling: false, adminRank: 3 },
  webex_calling: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 4 },
  cx_essentials: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 5 },
  webex_suite: { customer: true, subscriber: true, limitable: true, calling: true, adminRank: 6 },
  common_area_calling: { customer: true, subscriber: false, limitable: true, calling: true },
  attendant_console: {
    customer: true,
    subscriber: true,
    limitable: true,
    calling: false,
    requiresOneOf: ["webex_calling", "webex_suite", "cx_essentials"],
  },
  cisco_calling_plan: { customer: true, subscriber: false, limitable: false, calling: false, requiresOneOf: CALLING_FOR_PLAN },
  cx_premium_agent: { customer: true, subscriber: true, limitable: false, calling: false },
  cx_standard_agent: { customer: true, subscriber: true, limitable: false, calling: false },
  cx_voice_ports: { customer: true, subscriber: false, limitable: false, calling: false },
  cx_ai_assistant: { customer: true, subscriber: false, limitable: false, calling: false },
  webex_ai_agent: { customer: true, subscriber: false, limitable: false, calling: false },
};

/** The package's row, or undefined for an unknown name. */
export function packageInfo(name: string): PackageInfo | undefined {
  return Object.prototype.hasOwnProperty.call(PACKAGES, name) ? PACKAGES[name] : undefined;
}

/** True when one of the packages is a calling package (a calling location is then needed). */
export function hasCallingPackage(packages: readonly string[]): boolean {
  return packages.some((p) => packageInfo(p)?.calling === true);
}

/**
 * The admin package of a customer ordered with these packages: the highest-ranked one, or
 * undefined when none has a rank (then no administrator rule applies).
 */
export function adminPackageOf(packages: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestRank = 0;
  for (const p of packages) {
    const rank = packageInfo(p)?.adminRank ?? 0;
    if (rank > bestRank) {
      best = p;
      bestRank = rank;
    }
  }
  return best;
}
