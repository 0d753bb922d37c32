/**
 * Business rules about packages and limits, as small named values (terraform-plugin-framework
 * style): each rule states its code, what it guards and a pure check. The customer handlers
 * run them in order; the tests name one case per rule.
 */
import type { ErrorCode, Violation } from "./catalog";
import { violation } from "./catalog";
import { packageInfo, PACKAGES } from "./packages";
import type { CustomerRecord } from "./state";

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
