/**
 * Change rules as data, and the one diff engine the three resources share.
 *
 * In the manner of terraform-plugin-framework's plan modifiers: each input has a small rule value
 * that says what a change does (update in place, replace, refused) and describes itself; named
 * cross-field checks (lowering a package quantity, ...) refuse what the service forbids. `diff` is
 * a pure function of those tables; the reference's "what each change does" table (docs/resources.md) renders the same
 * descriptions.
 *
 * About 430 lines, kept whole on purpose: the rule-table types, the judge that walks them and the
 * refusal they produce are one contract, read together when a rule is added.
 */
import { UNKNOWN, containsUnknown, isUnknown } from "./unknown";

/**
 * `strict`: the seed's and the API's rules are refused at preview. `server`: nothing is refused
 * client-side and the service judges (an escape hatch should the service relax a rule).
 */
export type ClientRules = "strict" | "server";

/** One refused change, before it becomes an error. */
export interface Refusal {
  /** The resource property as users know it; packages by name (`packages[webex_calling].quantity`). */
  property: string;
  /** The value in the current state (undefined: not set). */
  oldValue: unknown;
  /** The value the program asks for (undefined: not set). */
  newValue: unknown;
  /** Why the service forbids it. */
  reason: string;
  /** What to do instead. */
  instead: string;
  /** The rule comes from Partner Hub's documentation (the seed), which `webex:clientRules=server` defers to the service. */
  fromSeed?: boolean;
}

/**
 * Thrown by a resource's `diff` (and by `update` once unknowns are known) for a change the
 * service would refuse. The message names the property, the old and new values, why, and what
 * to do instead; the fields repeat the first refusal for programs that catch it.
 */
export class RefusedChangeError extends Error {
  /** The refused property, e.g. `packages[webex_calling].quantity`. */
  readonly property: string;
  /** The value in the current state (undefined: not set). */
  readonly oldValue: unknown;
  /** The value the program asks for (undefined: not set). */
  readonly newValue: unknown;
  /** Why the service forbids the change. */
  readonly reason: string;
  /** What to do instead. */
  readonly instead: string;

  /**
   * @param resource the resource type, e.g. `CustomerOrg`
   * @param refusals every refused change found (at least one); the first fills the fields
   */
  constructor(resource: string, refusals: readonly Refusal[]) {
    const [first] = refusals;
    if (first === undefined) throw new TypeError("RefusedChangeError needs at least one refusal");
    super(formatRefusals(resource, refusals));
    this.name = "RefusedChangeError";
    this.property = first.property;
    this.oldValue = first.oldValue;
    this.newValue = first.newValue;
    this.reason = first.reason;
    this.instead = first.instead;
  }
}

/** Renders a value for a message: JSON, shortened; `(not set)` for undefined. */
export function renderValue(v: unknown): string {
  if (v === undefined) return "(not set)";
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function formatRefusals(resource: string, refusals: readonly Refusal[]): string {
  const lines = refusals.map(
    (r) =>
      `${resource} property ${r.property} cannot change from ${renderValue(r.oldValue)} to ${renderValue(r.newValue)}: ` +
      `${r.reason}. Instead, ${r.instead}.` +
      (r.fromSeed
        ? " (This is Partner Hub's documented rule; if the service has relaxed it, set webex:clientRules to server to let the service judge.)"
        : ""),
  );
  return lines.length === 1
    ? `Refused change: ${lines[0]}`
    : `Refused changes (${lines.length}):\n${lines.map((l) => `- ${l}`).join("\n")}`;
}

/** What changing a property does. */
export type ChangeKind = "update" | "replace" | "refused" | "ignored";

/** The values a rule's condition sees. */
export interface ChangeContext {
  /** Old outputs (state), `__provider` removed. */
  readonly olds: Readonly<Record<string, unknown>>;
  /** New checked inputs; may hold unknowns during preview. */
  readonly news: Readonly<Record<string, unknown>>;
}

/**
 * The rule of one input property (or one field of an object input).
 * `description` is a sentence for the README, e.g. "changing `externalId` updates the customer in place".
 */
export interface FieldRule {
  /** What a change does. */
  readonly kind: ChangeKind;
  /** One sentence for the README. */
  readonly description: string;
  /** For `refused`: why the service forbids the change. */
  readonly reason?: string;
  /** For `refused`: what to do instead. */
  readonly instead?: string;
  /** For `refused`: the rule is the seed's (Partner Hub's documentation) rather than a missing API. */
  readonly fromSeed?: boolean;
  /** For `replace`: delete the old object before creating the new one (unique values). */
  readonly deleteBeforeReplace?: boolean;
  /**
   * For `refused`: setting a value that was not set, or removing one, is an update; only changing
   * one value into another is refused (e.g. headquarters added together with a first calling package).
   */
  readonly addOrRemoveAllowed?: boolean;
  /**
   * For `refused`: the change is an update when this holds (`"unknown"`: cannot tell during
   * preview, so not refused). `description` of the rule says when.
   */
  readonly allowedWhen?: (ctx: ChangeContext, oldValue: unknown, newValue: unknown) => boolean | "unknown";
  /** Rules of an object input's own fields; the others follow this rule, judged field by field. */
  readonly fields?: Readonly<Record<string, FieldRule>>;
  /** Equality for this property when plain structural equality is wrong (e.g. package order). */
  readonly equals?: (a: unknown, b: unknown) => boolean;
}

/**
 * A named rule across properties (e.g. "a package quantity is lowered"): it only refuses; whether
 * the properties changed at all is the field rules' business.
 */
export interface ChangeCheck {
  /** Stable name, used by tests and docs. */
  readonly id: string;
  /** The property the README lists it under, e.g. `packages[].quantity`. */
  readonly property: string;
  /** One sentence for the README. */
  readonly description: string;
  /** The refusals this check finds; must skip unknown values (never refuse on them). */
  readonly refusals: (ctx: ChangeContext) => Refusal[];
}

/** A resource's complete change rules: one rule per input, plus cross-property checks. */
export interface ResourceRules<K extends string = string> {
  /** The resource type as users know it, e.g. `CustomerOrg`. */
  readonly resource: string;
  /** The state shape version this code writes. */
  readonly schemaVersion: number;
  /** One rule per input property. */
  readonly fields: Readonly<Record<K, FieldRule>>;
  /**
   * Inputs that are optional and have no default: in state written by this version, their absence
   * means "not set", so setting one is a change. Every other absent old value counts as unchanged.
   */
  readonly optionalInputs: readonly K[];
  /** Cross-property checks. */
  readonly checks: readonly ChangeCheck[];
}

/** Options of a diff. */
export interface DiffOptions {
  /** `webex:clientRules`. */
  clientRules: ClientRules;
  /**
   * `check` refuses what the rules refuse (`webex:clientRules=strict`), even though this diff runs
   * in `server` mode. Then an unknown value of a refused property cannot become an update: at `up`
   * it resolves to its current value (no change) or to a change `check` refuses (nothing sent), so
   * a preview must not list it as one.
   */
  refusalsInCheck?: boolean;
}

/** What a diff decides; the provider maps it to Pulumi's `DiffResult` (dropping `changedKeys`). */
export interface DiffOutcome {
  /** Always set: an update or replace is needed. */
  changes: boolean;
  /** Inputs whose change replaces the object. */
  replaces: string[];
  /** The replacement must delete first (a unique value would clash). */
  deleteBeforeReplace: boolean;
  /** Inputs that differ (including unknown ones). */
  changedKeys: string[];
}

/** The serialized provider, added to inputs and outputs by Pulumi; never a change. */
export const PROVIDER_KEY = "__provider";

/** True for a plain object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Structural equality of JSON-like values; a key holding undefined counts as absent.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return Number.isNaN(a) && Number.isNaN(b);
}

interface Accumulator {
  /** The state was written by this version: a missing nested field means "not set". */
  readonly stateIsCurrent: boolean;
  /** See {@link DiffOptions.refusalsInCheck}. */
  readonly refusalsInCheck: boolean;
  changed: boolean;
  replace: boolean;
  deleteBeforeReplace: boolean;
  refusals: Refusal[];
}

/**
 * Judges one property. `path` is the user's path for messages; `absentMeansUnset` says whether
 * an absent old value is "not set" (current-version state, optional input) or unknown history.
 */
function judgeField(
  ctx: ChangeContext,
  rule: FieldRule,
  path: string,
  oldValue: unknown,
  newValue: unknown,
  absentMeansUnset: boolean,
  acc: Accumulator,
): void {
  if (oldValue === undefined && !absentMeansUnset) return;
  if (containsUnknown(newValue)) {
    if (rule.fields && isPlainObject(oldValue) && isPlainObject(newValue)) {
      judgeObject(ctx, rule, path, oldValue, newValue, acc);
      return;
    }
    if (acc.refusalsInCheck && cannotBecomeUpdate(ctx, rule, oldValue, newValue)) return;
    // Unknown during preview: a change of some kind, never refused (update re-checks it).
    acc.changed = true;
    if (rule.kind === "replace") {
      acc.replace = true;
      acc.deleteBeforeReplace ||= rule.deleteBeforeReplace === true;
    }
    return;
  }
  if ((rule.equals ?? deepEqual)(oldValue, newValue)) return;
  if (rule.fields && isPlainObject(oldValue) && isPlainObject(newValue)) {
    judgeObject(ctx, rule, path, oldValue, newValue, acc);
    return;
  }
  applyKind(ctx, rule, path, oldValue, newValue, acc);
}

/**
 * True when no value of an unknown `newValue` would make this refused property an update: its
 * `allowedWhen` is false for it (for a user's `locationId`, whenever the package stays calling),
 * and removal is not allowed (an unknown may resolve to nothing).
 */
function cannotBecomeUpdate(ctx: ChangeContext, rule: FieldRule, oldValue: unknown, newValue: unknown): boolean {
  if (rule.kind !== "refused" || rule.fields !== undefined || rule.addOrRemoveAllowed) return false;
  return (rule.allowedWhen?.(ctx, oldValue, newValue) ?? false) === false;
}

/** An object judged field by field: a field without its own rule follows the object's rule. */
function judgeObject(
  ctx: ChangeContext,
  rule: FieldRule,
  path: string,
  oldValue: Record<string, unknown>,
  newValue: Record<string, unknown>,
  acc: Accumulator,
): void {
  const inherited: FieldRule = { ...rule, fields: undefined };
  const keys = new Set([...Object.keys(oldValue), ...Object.keys(newValue)]);
  for (const key of keys) {
    const sub = rule.fields?.[key] ?? inherited;
    judgeField(ctx, sub, `${path}.${key}`, oldValue[key], newValue[key], acc.stateIsCurrent, acc);
  }
}

function applyKind(ctx: ChangeContext, rule: FieldRule, path: string, oldValue: unknown, newValue: unknown, acc: Accumulator): void {
  switch (rule.kind) {
    case "ignored":
      return;
    case "update":
      acc.changed = true;
      return;
    case "replace":
      acc.changed = true;
      acc.replace = true;
      acc.deleteBeforeReplace ||= rule.deleteBeforeReplace === true;
      return;
    case "refused": {
      acc.changed = true;
      if (rule.addOrRemoveAllowed && (oldValue === undefined || newValue === undefined)) return;
      const allowed = rule.allowedWhen?.(ctx, oldValue, newValue) ?? false;
      if (allowed !== false) return;
      acc.refusals.push({
        property: path,
        oldValue,
        newValue,
        reason: rule.reason ?? "the service offers no way to change it",
        instead: rule.instead ?? "set it back to its current value, or replace the resource",
        fromSeed: rule.fromSeed,
      });
      return;
    }
  }
}

/** Everything one comparison of `olds` with `news` finds, before the caller decides what to throw. */
interface Judgement {
  changedKeys: string[];
  replaces: string[];
  deleteBeforeReplace: boolean;
  refusals: Refusal[];
  migrate: boolean;
}

/**
 * Compares each input of `news` with the same property of `olds` by the resource's rules. Guard
 * clauses first: `__provider` is ignored, computed outputs are never compared, an unknown new value
 * is a change that is never refused, an absent old value counts as unchanged (unless `olds` proves
 * it was not set: state of this version, or previous inputs), and state of an older
 * `schemaVersion` is a change (an update migrates it without an API call).
 */
function judge<K extends string>(
  rules: ResourceRules<K>,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  oldsAreInputs: boolean,
  refusalsInCheck = false,
): Judgement {
  const oldState = isPlainObject(olds) ? { ...olds } : {};
  const newInputs = isPlainObject(news) ? { ...news } : {};
  delete oldState[PROVIDER_KEY];
  delete newInputs[PROVIDER_KEY];
  const ctx: ChangeContext = { olds: oldState, news: newInputs };

  const version = oldState.schemaVersion;
  // Previous inputs may come from a read (an import, a refresh) that cannot see every input, so an
  // input absent there is unknown history, never "not set": setting it is judged by `update`.
  const stateIsCurrent = !oldsAreInputs && version === rules.schemaVersion;
  const migrate = !oldsAreInputs && typeof version === "number" && version < rules.schemaVersion;

  const out: Judgement = { changedKeys: [], replaces: [], deleteBeforeReplace: false, refusals: [], migrate };
  for (const key of Object.keys(rules.fields) as K[]) {
    const acc: Accumulator = { stateIsCurrent, refusalsInCheck, changed: false, replace: false, deleteBeforeReplace: false, refusals: [] };
    const absentMeansUnset = stateIsCurrent && rules.optionalInputs.includes(key);
    judgeField(ctx, rules.fields[key], key, oldState[key], newInputs[key], absentMeansUnset, acc);
    if (acc.changed) out.changedKeys.push(key);
    if (acc.replace) {
      out.replaces.push(key);
      out.deleteBeforeReplace ||= acc.deleteBeforeReplace;
    }
    out.refusals.push(...acc.refusals);
  }
  for (const check of rules.checks) out.refusals.push(...check.refusals(ctx));
  out.refusals = dedupeRefusals(out.refusals);
  return out;
}

/**
 * The shared diff: compares `olds` (the old outputs) with `news` by the resource's rules (see
 * {@link judge} for the guard clauses). Refusals throw {@link RefusedChangeError} in `strict` mode
 * and are updates in `server` mode. The providers' `diff` runs it in `server` mode: a refresh
 * calls `diff` with the refreshed outputs, and drift must never fail it; refusals stop a preview
 * in `check` instead ({@link refusalFailures}).
 */
export function diffByRules<K extends string>(
  rules: ResourceRules<K>,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  opts: DiffOptions,
): DiffOutcome {
  const { changedKeys, replaces, deleteBeforeReplace, refusals, migrate } = judge(rules, olds, news, false, opts?.refusalsInCheck === true);
  // A caller that passes no options gets the safe default, as `webex:clientRules` does.
  if (refusals.length > 0 && opts?.clientRules !== "server") {
    throw new RefusedChangeError(rules.resource, refusals);
  }
  return {
    changes: changedKeys.length > 0 || migrate,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && deleteBeforeReplace,
    changedKeys,
  };
}

/**
 * The refused changes from the previous inputs to the new ones, as check failures: what the
 * providers' `check(olds, news)` adds in `strict` mode. The engine calls `check` before every
 * `diff` of a preview or an up, never during a refresh, so a refused change still stops
 * `pulumi preview` before anything is sent, with the property path and the same sentence as
 * {@link RefusedChangeError}, while a refresh absorbs drift. None on create (no previous inputs)
 * and none in `server` mode. An input absent from the previous inputs (a read cannot see every
 * input) counts as unchanged here; `update` judges it against state before sending anything.
 */
export function refusalFailures<K extends string>(
  rules: ResourceRules<K>,
  oldInputs: Record<string, unknown>,
  news: Record<string, unknown>,
  opts: DiffOptions,
): { property: string; reason: string }[] {
  if (opts.clientRules === "server" || !isPlainObject(oldInputs)) return [];
  if (Object.keys(oldInputs).every((k) => k === PROVIDER_KEY)) return [];
  return judge(rules, oldInputs, news, true).refusals.map((r) => ({ property: r.property, reason: formatRefusals(rules.resource, [r]) }));
}

function dedupeRefusals(refusals: Refusal[]): Refusal[] {
  const seen = new Set<string>();
  return refusals.filter((r) => {
    const key = `${r.property}\u0000${r.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Re-exported so rule tables can test for the sentinel without a second import. */
export { UNKNOWN, isUnknown, containsUnknown };
