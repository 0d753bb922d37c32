/**
 * Pure helpers over property maps as they travel on the wire: secret envelopes, the preview "unknown" sentinel,
 * ignoreChanges property paths and the engine's own changed-key computation.
 */
import type { PropertyMap, PropertyValue } from "./sdk";

/** Key that marks a special (signed) object in the Pulumi wire format. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature value of a secret envelope `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The string the SDK sends for a value that is not known yet (during preview). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The input that carries a dynamic resource's serialized provider code. */
export const PROVIDER_KEY = "__provider";

type PropertyObject = { [key: string]: PropertyValue };

function isObject(v: PropertyValue | undefined): v is PropertyObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `v` is a secret envelope. */
export function isSecret(v: PropertyValue | undefined): v is PropertyObject {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value in a secret envelope (idempotent). */
export function makeSecret(v: PropertyValue): PropertyValue {
  return isSecret(v) ? v : { [SIG_KEY]: SECRET_SIG, value: v };
}

/** True when `v` is or contains a secret envelope at any depth. */
export function containsSecret(v: PropertyValue | undefined): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isObject(v)) return Object.values(v).some(containsSecret);
  return false;
}

/**
 * Removes every secret envelope, keeping the plain value. The dynamic-provider plugin answers Configure with
 * acceptSecrets=false, so like the real engine we hand it plaintext and re-mark secrets on the way back.
 */
export function unwrapSecrets(v: PropertyValue): PropertyValue {
  if (isSecret(v)) return unwrapSecrets(v["value"] ?? null);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

/** {@link unwrapSecrets} for a whole property map. */
export function unwrapMap(m: PropertyMap): PropertyMap {
  return unwrapSecrets(m) as PropertyMap;
}

/** Collects every plaintext string found inside secret envelopes (used to redact output). */
export function secretStrings(v: PropertyValue | undefined, into: Set<string> = new Set()): Set<string> {
  const collect = (x: PropertyValue | undefined, inSecret: boolean): void => {
    if (isSecret(x)) return collect(x["value"], true);
    if (Array.isArray(x)) x.forEach((e) => collect(e, inSecret));
    else if (isObject(x)) Object.values(x).forEach((e) => collect(e, inSecret));
    else if (inSecret && typeof x === "string") into.add(x);
    else if (inSecret && typeof x === "number") into.add(String(x));
  };
  collect(v, false);
  return into;
}

/** Top-level keys of `m` whose value is (or contains) a secret. */
export function secretKeys(m: PropertyMap): string[] {
  return Object.keys(m).filter((k) => containsSecret(m[k]));
}

/**
 * Re-marks top-level output keys as secret, as the real engine does (provider_plugin.go annotateSecrets):
 * an output is secret when the input of the same name was secret, or when it is listed in
 * `additionalSecretOutputs`.
 */
export function markSecretKeys(m: PropertyMap, keys: Iterable<string>): PropertyMap {
  const out: PropertyMap = { ...m };
  for (const k of keys) if (k in out && out[k] !== undefined) out[k] = makeSecret(out[k] as PropertyValue);
  return out;
}

/** Structural equality of two property values (key order does not matter). */
export function deepEqual(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Result of comparing old and new inputs key by key, for display (`[diff: +added~changed-removed]`). */
export type ChangedKeys = { added: string[]; changed: string[]; removed: string[] };

/**
 * Computes the top-level input keys that differ, ignoring `__provider` (a code change is not a property change a
 * person can act on). The dynamic-provider plugin never sends `diffs`, so the engine computes these itself.
 * Secret envelopes are compared by their plain value.
 */
export function changedKeys(oldInputs: PropertyMap, newInputs: PropertyMap): ChangedKeys {
  const o = unwrapMap(oldInputs),
    n = unwrapMap(newInputs);
  const result: ChangedKeys = { added: [], changed: [], removed: [] };
  for (const k of Object.keys(n)) {
    if (k === PROVIDER_KEY) continue;
    if (!(k in o)) result.added.push(k);
    else if (!deepEqual(o[k], n[k])) result.changed.push(k);
  }
  for (const k of Object.keys(o)) if (k !== PROVIDER_KEY && !(k in n)) result.removed.push(k);
  return result;
}

/** All key names of a {@link ChangedKeys}, in display order. */
export function changedKeyNames(c: ChangedKeys): string[] {
  return [...c.added, ...c.changed, ...c.removed];
}

/** Formats changed keys the way Pulumi does: `+added~changed,other-removed`. */
export function formatChangedKeys(c: ChangedKeys): string {
  return [
    ["+", c.added],
    ["~", c.changed],
    ["-", c.removed],
  ]
    .filter(([, keys]) => (keys as string[]).length > 0)
    .map(([sign, keys]) => `${sign as string}${(keys as string[]).join(",")}`)
    .join("");
}

/** One segment of a property path: an object key or an array index. */
type PathSegment = string | number;

/**
 * Parses a Pulumi property path (`a`, `a.b`, `a[0].c`, `a["x.y"]`) into segments.
 *
 * @throws Error on a malformed path, naming it.
 */
export function parsePropertyPath(p: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const bad = (): never => {
    throw new Error(`invalid property path ${JSON.stringify(p)} in ignoreChanges`);
  };
  while (i < p.length) {
    if (p[i] === "[") {
      const close = p.indexOf("]", i);
      if (close < 0) bad();
      const inner = p.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) segments.push(JSON.parse(inner) as string);
      else bad();
      i = close + 1;
      if (p[i] === ".") i++;
    } else {
      const m = /^[^.[\]]+/.exec(p.slice(i));
      if (!m) bad();
      segments.push(m![0]);
      i += m![0].length;
      if (p[i] === ".") i++;
    }
  }
  if (segments.length === 0) bad();
  return segments;
}

function getPath(root: PropertyValue | undefined, path: PathSegment[]): { found: boolean; value?: PropertyValue } {
  let cur: PropertyValue | undefined = root;
  for (const seg of path) {
    if (isSecret(cur)) cur = cur["value"];
    if (typeof seg === "number" ? !Array.isArray(cur) || seg >= cur.length : !isObject(cur) || !(seg in cur)) {
      return { found: false };
    }
    cur = (cur as PropertyObject)[seg as string] ?? (cur as PropertyValue[])[seg as number];
  }
  return { found: true, value: cur };
}

/**
 * Applies `ignoreChanges`: for each path, the old input value replaces the new one (or the new value is removed
 * when the old inputs had none), before Check — so neither the provider's check nor its diff sees the change.
 * Paths whose parent does not exist in the new inputs are left alone, as the real engine does.
 */
export function applyIgnoreChanges(oldInputs: PropertyMap, newInputs: PropertyMap, paths: string[]): PropertyMap {
  const result = structuredClone(newInputs) as PropertyMap;
  for (const p of paths) {
    const segs = parsePropertyPath(p);
    const old = getPath(oldInputs, segs);
    const parent = segs.length === 1 ? { found: true, value: result as PropertyValue } : getPath(result, segs.slice(0, -1));
    let container = parent.value;
    if (isSecret(container)) container = container["value"];
    if (!parent.found || container === null || typeof container !== "object") continue;
    const last = segs[segs.length - 1]!;
    if (Array.isArray(container)) {
      if (typeof last !== "number") continue;
      if (old.found) container[last] = structuredClone(old.value ?? null);
    } else if (typeof last === "string") {
      if (old.found) container[last] = structuredClone(old.value ?? null);
      else delete container[last];
    }
  }
  return result;
}

/** True when a value is, or contains, the preview "unknown" sentinel. */
export function containsUnknown(v: PropertyValue | undefined): boolean {
  if (v === UNKNOWN_SENTINEL) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}
