/**
 * The check engine every resource's `check` runs: its zod schema field by field (skipping Pulumi's
 * unknowns), then its rules across fields, as failures with the property path as written
 * (`packages[1].quantity`). The diff engine is `change-rules.ts`.
 */
import { z } from "zod";
import { escapeControl } from "../../text";
import { isPlainObject } from "./change-rules";
import { containsUnknown, isUnknown } from "./unknown";

/**
 * One reason `check` refuses the inputs; the same shape as `pulumi.dynamic.CheckFailure`, declared
 * here so the pure rule files do not load the Pulumi runtime.
 */
export interface CheckFailure {
  /** The property as the user wrote it, e.g. `packages[1].quantity` or `address.country`. */
  property: string;
  /** What is wrong and what to do about it. */
  reason: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a path the way the user wrote it: `["packages", 1, "quantity"]` → `packages[1].quantity`.
 * Keys that are not identifiers are quoted (`labels["a b"]`); symbols are shown by description.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${escapeControl(key.description ?? "symbol")}]`;
    else if (IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else if (/^\d+$/.test(key)) out += `[${key}]`;
    // A key is the program's text, shown on a terminal: JSON escapes C0 controls, not DEL, C1 or bidi.
    else out += `[${escapeControl(JSON.stringify(key))}]`;
  }
  return out;
}

/** The result of checking a value against a schema while skipping unknowns. */
export interface CheckedValue {
  /** The parsed value: defaults applied and normalised; unknowns and extra keys kept as given. */
  value: unknown;
  /** One failure per problem, with the user's path. */
  failures: CheckFailure[];
}

function pushIssues(out: CheckFailure[], issues: readonly z.core.$ZodIssue[], path: readonly PropertyKey[]): void {
  for (const issue of issues) out.push({ property: formatPath([...path, ...issue.path]), reason: issue.message });
}

/**
 * How the walker treats one schema node, worked out once per schema (zod's `instanceof` checks,
 * shape entries and registry lookups for descriptions are costly when check runs per preview of
 * a large catalogue).
 */
type Plan =
  | { kind: "wrapper"; schema: z.ZodType; inner: z.ZodType }
  | {
      kind: "object";
      schema: z.ZodType;
      fields: readonly { key: string; schema: z.ZodType; description?: string }[];
      keys: ReadonlySet<string>;
    }
  | { kind: "array"; schema: z.ZodType; element: z.ZodType; max: number | undefined }
  | { kind: "union"; schema: z.ZodType; discriminator: string; options: readonly { tags: ReadonlySet<unknown>; schema: z.ZodType }[] }
  | { kind: "leaf"; schema: z.ZodType };

const plans = new WeakMap<z.ZodType, Plan>();

/** The `.max()` of a list schema, if it has one (zod 4 keeps it among the schema's checks). */
function maxLengthOf(schema: z.ZodType): number | undefined {
  const checks = (schema._zod.def as { checks?: readonly { _zod: { def: { check?: string; maximum?: unknown } } }[] }).checks ?? [];
  const maxima = checks
    .map((c) => c._zod.def)
    .flatMap((d) => (d.check === "max_length" && typeof d.maximum === "number" ? [d.maximum] : []));
  return maxima.length > 0 ? Math.min(...maxima) : undefined;
}

function planOf(schema: z.ZodType): Plan {
  const known = plans.get(schema);
  if (known) return known;
  let plan: Plan;
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
    plan = { kind: "wrapper", schema, inner: schema.unwrap() as z.ZodType };
  } else if (schema instanceof z.ZodObject) {
    const fields = Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, f]) => ({
      key,
      schema: f,
      description: f.description,
    }));
    plan = { kind: "object", schema, fields, keys: new Set(fields.map((f) => f.key)) };
  } else if (schema instanceof z.ZodArray) {
    plan = { kind: "array", schema, element: schema.element as z.ZodType, max: maxLengthOf(schema) };
  } else if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = (schema._zod.def as { discriminator: string }).discriminator;
    const options = (schema.options as z.ZodType[]).map((o) => {
      const literal = o instanceof z.ZodObject ? (o.shape as Record<string, z.ZodType>)[discriminator] : undefined;
      return { tags: literal instanceof z.ZodLiteral ? (literal.values as Set<unknown>) : new Set<unknown>(), schema: o };
    });
    plan = { kind: "union", schema, discriminator, options };
  } else {
    plan = { kind: "leaf", schema };
  }
  plans.set(schema, plan);
  return plan;
}

/**
 * Parses `value` with `schema` the way `check` needs during preview: a value that is Pulumi's
 * unknown sentinel is not validated and passes through unchanged, at any depth (a whole object,
 * one field, one list element). Known parts are parsed by their own schemas, so defaults and
 * normalisation still apply around the unknowns. A key the schema does not know, at any depth, is a
 * failure naming the closest known key (a typo or a cast must not be ignored without a word), except
 * the top-level keys in `allowed` (`__provider`, computed outputs), which are kept as given. Never
 * throws for any input.
 *
 * Objects must carry no object-level refinements: rules across fields belong to `check`, where
 * they can skip unknowns.
 */
export function parseSkippingUnknowns(
  schema: z.ZodType,
  value: unknown,
  path: readonly PropertyKey[] = [],
  allowed: readonly string[] = [],
): CheckedValue {
  const failures: CheckFailure[] = [];
  const parsed = walk(planOf(schema), value, [...path], failures, new Set(allowed));
  return { value: parsed, failures };
}

// `path` is one mutable stack for the whole walk, copied only when a failure is recorded.
function walk(plan: Plan, value: unknown, path: PropertyKey[], failures: CheckFailure[], allowed: ReadonlySet<string> = NONE): unknown {
  if (isUnknown(value)) return value;
  switch (plan.kind) {
    case "wrapper":
      return value === undefined ? leaf(plan.schema, value, path, failures) : walk(planOf(plan.inner), value, path, failures, allowed);
    case "object": {
      if (!isPlainObject(value)) return leaf(plan.schema, value, path, failures);
      const out: Record<string, unknown> = {};
      for (const field of plan.fields) {
        const given = value[field.key];
        const before = failures.length;
        path.push(field.key);
        const parsed = walk(planOf(field.schema), given, path, failures);
        path.pop();
        if (parsed !== undefined) out[field.key] = parsed;
        if (given === undefined)
          for (let i = before; i < failures.length; i++) failures[i] = requiredReason(failures[i]!, field.description);
      }
      for (const key of Object.keys(value)) {
        if (plan.keys.has(key)) continue;
        out[key] = value[key];
        if (value[key] !== undefined && !(path.length === 0 && allowed.has(key))) failures.push(unknownKey(plan, key, path));
      }
      return out;
    }
    case "array": {
      if (!Array.isArray(value)) return leaf(plan.schema, value, path, failures);
      // A list over its limit is refused before its elements are read: 100,000 entries must cost
      // one failure, not one parse and one failure each. Its first max + 1 entries yield the
      // schema's own message.
      if (plan.max !== undefined && value.length > plan.max) {
        const head = plan.schema.safeParse(value.slice(0, plan.max + 1));
        const issues = head.success ? [] : head.error.issues.filter((i) => i.path.length === 0);
        const refused = issues.map((i) => ({ property: formatPath(path), reason: i.message }));
        if (refused.length === 0)
          refused.push({ property: formatPath(path), reason: `has ${value.length} entries; at most ${plan.max} are allowed` });
        for (const f of refused) OVERSIZED.add(f);
        failures.push(...refused);
        return value;
      }
      const before = failures.length;
      const element = planOf(plan.element);
      const out = value.map((v, i) => {
        path.push(i);
        const parsed = walk(element, v, path, failures);
        path.pop();
        return parsed;
      });
      // List-level rules (e.g. not empty) once the elements pass: an empty list has no unknowns.
      if (failures.length === before && !containsUnknown(value)) {
        const whole = plan.schema.safeParse(value);
        if (!whole.success) pushIssues(failures, whole.error.issues, path);
      }
      return out;
    }
    case "union": {
      if (!isPlainObject(value)) return leaf(plan.schema, value, path, failures);
      const tag = value[plan.discriminator];
      if (isUnknown(tag)) return value;
      const option = plan.options.find((o) => o.tags.has(tag));
      return option ? walk(planOf(option.schema), value, path, failures) : leaf(plan.schema, value, path, failures);
    }
    case "leaf":
      return leaf(plan.schema, value, path, failures);
  }
}

const NONE: ReadonlySet<string> = new Set();

/** The failures of lists refused for their size: the rules across fields are then not run (they read every entry). */
const OVERSIZED = new WeakSet<CheckFailure>();

/** A key the object's schema does not declare: say so, and name the key meant when one is close. */
function unknownKey(plan: Extract<Plan, { kind: "object" }>, key: string, path: readonly PropertyKey[]): CheckFailure {
  const meant = closest(key, [...plan.keys]);
  const known = [...plan.keys].map((k) => `\`${k}\``).join(", ");
  return {
    property: formatPath([...path, key]),
    reason: meant
      ? `is not a known property: did you mean \`${meant}\`? Rename it (known here: ${known})`
      : `is not a known property: remove it, or use one of ${known}`,
  };
}

/** The candidate within a small edit distance of `key` (case ignored), if any. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 4)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** A missing required field: say what to give, from the field's own description. */
function requiredReason(f: CheckFailure, description: string | undefined): CheckFailure {
  // Only the generic "is required: give ..." is replaced; tailored messages say more already.
  if (!description || !f.reason.startsWith("is required: give ")) return f;
  const sentence = /^[A-Z][a-z]*[\s,]/.test(description) ? description[0]!.toLowerCase() + description.slice(1) : description;
  return { property: f.property, reason: `is required: ${sentence}` };
}

function leaf(schema: z.ZodType, value: unknown, path: readonly PropertyKey[], failures: CheckFailure[]): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  pushIssues(failures, r.error.issues, path);
  return value;
}

/**
 * A rule across fields, run by `check` after the fields were parsed by their own schemas (their
 * failures are reported too), except when a list was refused for its size. It sees the parsed
 * inputs (unknowns still in place, invalid values as given) and must skip any value that is unknown.
 * `previous` (the previous inputs; empty on create) lets a rule leave a case to the change rules,
 * whose refusal says more about a change than a check of the new inputs alone can.
 */
export interface CrossFieldRule {
  /** Stable name, used by tests and docs. */
  readonly id: string;
  /** One sentence for the README. */
  readonly description: string;
  /** The failures this rule finds. */
  readonly failures: (inputs: Record<string, unknown>, previous: Readonly<Record<string, unknown>>) => CheckFailure[];
}

/**
 * The body of every resource's `check`: parse `news` with the schema (skipping unknowns), then run
 * the cross-field rules. Top-level keys other than the schema's, `__provider` and the `computed`
 * outputs (which the resource classes seed as undefined) are failures. Never throws: input that is not even an object is checked as `{}` (each
 * required field reported missing), and an unexpected internal error becomes one failure rather
 * than a crash of the provider. `previous` are the previous inputs, for the rules (empty on create).
 */
export function checkWithSchema(
  schema: z.ZodObject,
  news: unknown,
  rules: readonly CrossFieldRule[],
  computed: readonly string[] = [],
  previous: unknown = {},
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const given = isPlainObject(news) ? news : {};
  const before = isPlainObject(previous) ? previous : {};
  try {
    const parsed = parseSkippingUnknowns(schema, given, [], ["__provider", ...computed]);
    const inputs = isPlainObject(parsed.value) ? parsed.value : { ...given };
    const failures = [...parsed.failures];
    const oversized = failures.some((f) => OVERSIZED.has(f));
    // One failure at a time: a rule may find very many (a spread of them all overflows the stack).
    if (!oversized) for (const rule of rules) for (const f of rule.failures(inputs, before)) failures.push(f);
    return { inputs, failures: bounded(dedupe(failures)) };
  } catch (err) {
    return {
      inputs: { ...given },
      failures: [
        { property: "", reason: `the inputs could not be checked (${err instanceof Error ? err.name : "error"}); please report this` },
      ],
    };
  }
}

/** The most failures one `check` reports; the rest are counted in one more. */
export const MAX_FAILURES = 50;

/**
 * At most {@link MAX_FAILURES} failures, then one that counts the rest: a list of thousands of
 * repeated entries must not become thousands of lines (and megabytes through the engine).
 */
function bounded(failures: CheckFailure[]): CheckFailure[] {
  if (failures.length <= MAX_FAILURES) return failures;
  const rest = failures.length - MAX_FAILURES;
  return [
    ...failures.slice(0, MAX_FAILURES),
    { property: "", reason: `and ${rest} more failure${rest === 1 ? "" : "s"}: fix the ones above, then check again` },
  ];
}

function dedupe(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.property}\u0000${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
