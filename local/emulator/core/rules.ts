/**
 * Business rules about packages and limits, as small named values (terraform-plugin-framework
 * style): each rule states its code, what it guards and a pure check. The customer handlers
 * run them in order; the tests name one case per rule.
 */
import type { ErrorCode, Violation } from "./catalog";
import { violation } from "./catalog";
import { packageInfo, PACKAGES } from "./packages";
import type { CustomerRecord, LocationRecord, NumberRecord } from "./state";

/** Checks of a package list (customer writes): unknown names, duplicates, dependencies. */
export function packageListViolations(packages: readonly string[], path = "packages"): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  packages.forEach((p, i) => {
    if (packageInfo(p) === undefined) {
      out.push(violation(1002, `${path}[${i}]: unknown package "${p}"; known packages: ${Object.keys(PACKAGES).join(", ")}`));
    } else if (seen.has(p)) {
      out.push(violation(1001, `${path}[${i}]: package "${p}" is listed twice`));
    }
    seen.add(p);
  });
  if (out.length > 0) return out;
  for (const p of packages) {
    const needs = packageInfo(p)?.requiresOneOf;
    if (needs !== undefined && !needs.some((n) => seen.has(n))) {
      out.push(violation(1003, `${path}: "${p}" needs one of ${needs.join(", ")}; add one or remove "${p}"`));
    }
  }
  return out;
}

/** What a limit rule looks at. */
export interface LimitContext {
  /** `create`/`validate` for a new customer, `update` for a PUT on `current`. */
  readonly mode: "create" | "validate" | "update";
  /** The customer's packages after the write. */
  readonly packages: readonly string[];
  /** `provisioningParameters.packages.limits` as sent (values unchecked), or undefined. */
  readonly limits: Readonly<Record<string, unknown>> | undefined;
  /** The customer before an update. */
  readonly current?: CustomerRecord;
  /** True for an org in migration from Webex for BroadWorks. */
  readonly migrating: boolean;
  /** The subscription's maximum for a package. */
  readonly maximum: (pkg: string) => number;
}

/** One limit rule: the code it answers with, what it says, and its check. */
export interface LimitRule {
  readonly code: ErrorCode;
  /** What the rule guards, in the seed's words. */
  readonly summary: string;
  /** Descriptions of what is wrong (empty when the rule holds). */
  readonly check: (ctx: LimitContext) => string[];
}

const LIMITS_PATH = "provisioningParameters.packages.limits";

const isWholeAtLeastOne = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1;

const limitEntries = (ctx: LimitContext): [string, unknown][] => Object.entries(ctx.limits ?? {});

/** The limit rules of codes 1101–1108 (1109 needs subscribers and lives with the customer PUT). */
export const LIMIT_RULES: readonly LimitRule[] = [
  {
    code: 1108,
    summary: "no package quantities for a customer in migration from Webex for BroadWorks",
    check: (ctx) =>
      ctx.limits !== undefined && ctx.migrating
        ? [`${LIMITS_PATH}: the org is migrating from Webex for BroadWorks; remove the limits until the migration ends`]
        : [],
  },
  {
    code: 1104,
    summary: "a customer created without limits cannot become limited",
    check: (ctx) =>
      ctx.mode === "update" && ctx.current?.limits === null && ctx.limits !== undefined
        ? [
            `${LIMITS_PATH}: customer ${ctx.current.id} was created without limits and cannot be switched to limits; remove them or recreate the customer`,
          ]
        : [],
  },
  {
    code: 1105,
    summary: "a customer created with limits keeps them (quantities cannot be switched off)",
    check: (ctx) =>
      ctx.mode === "update" && ctx.current !== undefined && ctx.current.limits !== null && ctx.limits === undefined
        ? [`${LIMITS_PATH}: customer ${ctx.current.id} was created with limits; send a limit for every limitable package`]
        : [],
  },
  {
    code: 1002,
    summary: "limits name known packages",
    check: (ctx) =>
      limitEntries(ctx)
        .filter(([p]) => packageInfo(p) === undefined)
        .map(([p]) => `${LIMITS_PATH}.${p}: unknown package "${p}"`),
  },
  {
    code: 1107,
    summary: "no quantity for packages that cannot be assigned to users or workspaces (e.g. Cisco Calling Plan)",
    check: (ctx) =>
      limitEntries(ctx)
        .filter(([p]) => packageInfo(p) !== undefined && packageInfo(p)?.limitable !== true)
        .map(([p]) => `${LIMITS_PATH}.${p}: "${p}" cannot be limited; remove this limit`),
  },
  {
    code: 1001,
    summary: "limits only for packages the customer has",
    check: (ctx) =>
      limitEntries(ctx)
        .filter(([p]) => packageInfo(p)?.limitable === true && !ctx.packages.includes(p))
        .map(([p]) => `${LIMITS_PATH}.${p}: "${p}" is not in packages; add the package or remove its limit`),
  },
  {
    code: 1101,
    summary: "a quantity is a whole number, never zero",
    check: (ctx) =>
      limitEntries(ctx)
        .filter(([p, v]) => packageInfo(p)?.limitable === true && !isWholeAtLeastOne(v))
        .map(([p, v]) => `${LIMITS_PATH}.${p}: must be a whole number of at least 1, got ${JSON.stringify(v)}`),
  },
  {
    code: 1106,
    summary: "a quantity for every limitable package, or none (no mix of limited and unlimited)",
    check: (ctx) => {
      if (ctx.limits === undefined) return [];
      const missing = ctx.packages.filter((p) => packageInfo(p)?.limitable === true && !(p in (ctx.limits ?? {})));
      return missing.length === 0
        ? []
        : [`${LIMITS_PATH}: missing limits for ${missing.join(", ")}; give a limit for every limitable package or none`];
    },
  },
  {
    code: 1103,
    summary: "a quantity not above the subscription's maximum",
    check: (ctx) =>
      limitEntries(ctx)
        .filter(([p, v]) => isWholeAtLeastOne(v) && packageInfo(p)?.limitable === true && v > ctx.maximum(p))
        .map(([p, v]) => `${LIMITS_PATH}.${p}: ${String(v)} is above the subscription's maximum of ${ctx.maximum(p)}`),
  },
  {
    code: 1102,
    summary: "a quantity can only be increased",
    check: (ctx) => {
      const before = ctx.mode === "update" ? ctx.current?.limits : undefined;
      if (before === null || before === undefined) return [];
      return limitEntries(ctx)
        .filter(([p, v]) => isWholeAtLeastOne(v) && before[p] !== undefined && v < (before[p] ?? 0))
        .map(([p, v]) => `${LIMITS_PATH}.${p}: ${String(v)} is lower than the current limit ${before[p] ?? 0}; limits can only increase`);
    },
  },
];

/** Runs every limit rule and returns all violations, in rule order. */
export function limitViolations(ctx: LimitContext): Violation[] {
  return LIMIT_RULES.flatMap((rule) => rule.check(ctx).map((d) => violation(rule.code, d)));
}

/** The limits to store after a valid write: only limitable packages the customer has. */
export function normaliseLimits(limits: Readonly<Record<string, unknown>>, packages: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of packages) {
    const v = limits[p];
    if (typeof v === "number") out[p] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers of a location (POST/PUT/DELETE /v1/telephony/config/locations/{id}/numbers)

/** The three number operations. */
export type NumberOperation = "add" | "activate" | "remove";

/** What a number rule looks at: the request and the location as it is now. */
export interface NumberContext {
  readonly op: NumberOperation;
  /** The numbers sent (already E.164 by the body schema). */
  readonly phoneNumbers: readonly string[];
  /** `numberType` of an add (`DID` when not sent). */
  readonly numberType: "DID" | "TOLLFREE" | "MOBILE";
  readonly location: LocationRecord;
  /** True while a disable-calling job runs on the location. */
  readonly beingDisabled: boolean;
  /** Where a number already is, in any inventory: "location X (id) of this organization" or undefined. */
  readonly elsewhere: (phoneNumber: string) => string | undefined;
  /** Who holds a number of this location: "Ann Lee (subscriber …)" or undefined. */
  readonly owner: (phoneNumber: string) => string | undefined;
}

/** One number rule: its code, what it guards, the operations it applies to, and its check. */
export interface NumberRule {
  readonly code: ErrorCode;
  readonly summary: string;
  readonly ops: readonly NumberOperation[];
  /** Descriptions of what is wrong (empty when the rule holds). */
  readonly check: (ctx: NumberContext) => string[];
}

/** Cisco: "Only 20 mobile numbers can be added per request." */
export const MAX_MOBILE_NUMBERS_PER_REQUEST = 20;

const INTEGRATED: readonly string[] = ["INTEGRATED_CCP", "CISCO_PSTN"];
const ALL_OPS: readonly NumberOperation[] = ["add", "activate", "remove"];
const inInventory = (ctx: NumberContext, n: string): boolean => ctx.location.numbers.some((x) => x.phoneNumber === n);
const numberOf = (ctx: NumberContext, n: string): NumberRecord | undefined => ctx.location.numbers.find((x) => x.phoneNumber === n);
const where = (ctx: NumberContext): string => `location ${ctx.location.name} (${ctx.location.id})`;

/**
 * The number rules in precedence order. The first rule that fails answers, with every number it
 * concerns; the guards come first because the rules after them mean nothing without them.
 */
export const NUMBER_RULES: readonly NumberRule[] = [
  {
    code: 1602,
    summary: "numbers only at a location enabled for Webex Calling (and not being disabled)",
    ops: ALL_OPS,
    check: (ctx) =>
      !ctx.location.calling
        ? [`${where(ctx)} is not enabled for Webex Calling; enable it with POST /v1/telephony/config/locations first`]
        : ctx.beingDisabled
          ? [`${where(ctx)} is being disabled for Webex Calling; its numbers go with it`]
          : [],
  },
  {
    code: 1603,
    summary: "numbers only at a location with a PSTN connection",
    ops: ALL_OPS,
    check: (ctx) =>
      ctx.location.pstn === undefined
        ? [`${where(ctx)} has no PSTN connection; set one with PUT /v1/telephony/pstn/locations/{id}/connection first`]
        : [],
  },
  {
    code: 1604,
    summary: "the numbers API is only for non-integrated PSTN (LOCAL_GATEWAY, NON_INTEGRATED_CCP); mobile numbers may be added anywhere",
    ops: ALL_OPS,
    check: (ctx) =>
      INTEGRATED.includes(ctx.location.pstn?.type ?? "") && !(ctx.op === "add" && ctx.numberType === "MOBILE")
        ? [
            `${where(ctx)} uses ${ctx.location.pstn?.type ?? ""}: its numbers come from the PSTN provider; read them with GET /v1/telephony/config/numbers instead of changing them`,
          ]
        : [],
  },
  {
    code: 1001,
    summary: "a number is listed once per request",
    ops: ALL_OPS,
    check: (ctx) =>
      ctx.phoneNumbers.filter((n, i) => ctx.phoneNumbers.indexOf(n) !== i).map((n) => `phoneNumbers: ${n} is listed twice; list it once`),
  },
  {
    code: 1608,
    summary: "at most 20 mobile numbers per request",
    ops: ["add"],
    check: (ctx) =>
      ctx.numberType === "MOBILE" && ctx.phoneNumbers.length > MAX_MOBILE_NUMBERS_PER_REQUEST
        ? [`phoneNumbers: ${ctx.phoneNumbers.length} mobile numbers; send at most ${MAX_MOBILE_NUMBERS_PER_REQUEST} per request`]
        : [],
  },
  {
    code: 1605,
    summary: "a number is in one inventory only",
    ops: ["add"],
    check: (ctx) =>
      ctx.phoneNumbers.flatMap((n) => {
        const at = ctx.elsewhere(n);
        return at === undefined ? [] : [`phoneNumbers: ${n} is already in ${at}; remove it there first or leave it out`];
      }),
  },
  {
    code: 1609,
    summary: "activate and remove only numbers of this location",
    ops: ["activate", "remove"],
    check: (ctx) =>
      ctx.phoneNumbers
        .filter((n) => !inInventory(ctx, n))
        .map((n) => `phoneNumbers: ${n} is not a number of ${where(ctx)}; GET /v1/telephony/config/numbers?locationId= lists them`),
  },
  {
    code: 1001,
    summary: "mobile numbers are activated by assigning them to a user, not by this API",
    ops: ["activate"],
    check: (ctx) =>
      ctx.phoneNumbers
        .filter((n) => numberOf(ctx, n)?.numberType === "MOBILE")
        .map((n) => `phoneNumbers: ${n} is a mobile number; it becomes active when assigned to a user`),
  },
  {
    code: 1606,
    summary: "a location's main number cannot be removed",
    ops: ["remove"],
    check: (ctx) =>
      ctx.phoneNumbers
        .filter((n) => n === ctx.location.mainNumber)
        .map(
          (n) =>
            `phoneNumbers: ${n} is the main number of ${where(ctx)}; set another main number with PUT /v1/telephony/config/locations/{id} first`,
        ),
  },
  {
    code: 1607,
    summary: "a number assigned to a person cannot be removed while assigned",
    ops: ["remove"],
    check: (ctx) =>
      ctx.phoneNumbers.flatMap((n) => {
        const owner = ctx.owner(n);
        return owner === undefined ? [] : [`phoneNumbers: ${n} is assigned to ${owner}; unassign it (or delete that user) first`];
      }),
  },
];

/** Runs the number rules for an operation; the violations of the first failing rule, or none. */
export function numberViolations(ctx: NumberContext): Violation[] {
  for (const rule of NUMBER_RULES) {
    if (!rule.ops.includes(ctx.op)) continue;
    const found = rule.check(ctx);
    if (found.length > 0) return found.map((d) => violation(rule.code, d));
  }
  return [];
}
