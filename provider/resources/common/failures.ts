/**
 * Check failures, property paths, and schema parsing that skips Pulumi's unknowns: what the three
 * resources' `check` share.
 */
import { z } from "zod";
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
    else if (typeof key === "symbol") out += `[${key.description ?? "symbol"}]`;
    else if (IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += `[${JSON.stringify(key)}]`;
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

function issuesToFailures(issues: readonly z.core.$ZodIssue[], path: readonly PropertyKey[]): CheckFailure[] {
  return issues.map((issue) => ({ property: formatPath([...path, ...issue.path]), reason: issue.message }));
}

/**
 * Parses `value` with `schema` the way `check` needs during preview: a value that is Pulumi's
 * unknown sentinel is not validated and passes through unchanged, at any depth (a whole object,
 * one field, one list element). Known parts are parsed by their own schemas, so defaults and
 * normalisation still apply around the unknowns. Keys the schema does not know are kept as given
 * (`__provider`, fields of a newer version). Never throws for any input.
 *
 * Objects must carry no object-level refinements: rules across fields belong to `check`, where
 * they can skip unknowns.
 */
export function parseSkippingUnknowns(schema: z.ZodType, value: unknown, path: readonly PropertyKey[] = []): CheckedValue {
  if (isUnknown(value)) return { value, failures: [] };
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
    if (value === undefined) return leaf(schema, value, path);
    return parseSkippingUnknowns(schema.unwrap() as z.ZodType, value, path);
  }
  if (schema instanceof z.ZodObject) {
    if (!isRecord(value)) return leaf(schema, value, path);
    const out: Record<string, unknown> = {};
    const failures: CheckFailure[] = [];
    const shape = schema.shape as Record<string, z.ZodType>;
    for (const [key, field] of Object.entries(shape)) {
      const r = parseSkippingUnknowns(field, value[key], [...path, key]);
      if (r.value !== undefined) out[key] = r.value;
      failures.push(...(value[key] === undefined ? r.failures.map((f) => requiredReason(f, field)) : r.failures));
    }
    for (const [key, v] of Object.entries(value)) if (!(key in shape)) out[key] = v;
    return { value: out, failures };
  }
  if (schema instanceof z.ZodArray) {
    if (!Array.isArray(value)) return leaf(schema, value, path);
    const element = schema.element as z.ZodType;
    const items = value.map((v, i) => parseSkippingUnknowns(element, v, [...path, i]));
    const failures = items.flatMap((r) => r.failures);
    // List-level rules (e.g. not empty) once the elements pass: an empty list has no unknowns.
    if (failures.length === 0 && !containsUnknown(value)) {
      const whole = schema.safeParse(value);
      if (!whole.success) failures.push(...issuesToFailures(whole.error.issues, path));
    }
    return { value: items.map((r) => r.value), failures };
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    if (!isRecord(value)) return leaf(schema, value, path);
    const discriminator = (schema._zod.def as { discriminator: string }).discriminator;
    const tag = value[discriminator];
    if (isUnknown(tag)) return { value, failures: [] };
    const option = (schema.options as z.ZodType[]).find((o) => {
      const literal = o instanceof z.ZodObject ? (o.shape as Record<string, z.ZodType>)[discriminator] : undefined;
      return literal instanceof z.ZodLiteral && (literal.values as Set<unknown>).has(tag);
    });
    if (option) return parseSkippingUnknowns(option, value, path);
    return leaf(schema, value, path);
  }
  return leaf(schema, value, path);
}

/** A missing required field: say what to give, from the field's own description. */
function requiredReason(f: CheckFailure, field: z.ZodType): CheckFailure {
  const description = field.description;
  // Only the generic "is required: give ..." is replaced; tailored messages say more already.
  if (!description || !f.reason.startsWith("is required: give ")) return f;
  const sentence = /^[A-Z][a-z]*[\s,]/.test(description) ? description[0]!.toLowerCase() + description.slice(1) : description;
  return { property: f.property, reason: `is required: ${sentence}` };
}

function leaf(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): CheckedValue {
  const r = schema.safeParse(value);
  return r.success ? { value: r.data, failures: [] } : { value, failures: issuesToFailures(r.error.issues, path) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A rule across fields, run by `check` after each field passed its own schema. It sees the parsed
 * inputs (unknowns still in place) and must skip any value that is unknown.
 */
export interface CrossFieldRule {
  /** Stable name, used by tests and docs. */
  readonly id: string;
  /** One sentence for the README. */
  readonly description: string;
  /** The failures this rule finds. */
  readonly failures: (inputs: Record<string, unknown>) => CheckFailure[];
}

/**
 * The body of every resource's `check`: parse `news` with the schema (skipping unknowns), then run
 * the cross-field rules. Never throws: input that is not even an object is checked as `{}` (each
 * required field reported missing), and an unexpected internal error becomes one failure rather
 * than a crash of the provider.
 */
export function checkWithSchema(
  schema: z.ZodObject,
  news: unknown,
  rules: readonly CrossFieldRule[],
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const given = isRecord(news) ? news : {};
  try {
    const parsed = parseSkippingUnknowns(schema, given);
    const inputs = isRecord(parsed.value) ? parsed.value : { ...given };
    const failures = [...parsed.failures];
    for (const rule of rules) failures.push(...rule.failures(inputs));
    return { inputs, failures: dedupe(failures) };
  } catch (err) {
    return {
      inputs: { ...given },
      failures: [{ property: "", reason: `the inputs could not be checked (${err instanceof Error ? err.name : "error"}); please report this` }],
    };
  }
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
