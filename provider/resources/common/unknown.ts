/**
 * Pulumi's unknown sentinel. During preview, inputs that depend on not-yet-created resources reach
 * `check` and `diff` as this string (`@pulumi/pulumi` runtime `unknownValue`). It is redefined here
 * rather than imported so the pure rule files load without the Pulumi runtime.
 */

/** The string Pulumi sends for a value not known until the update runs. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is the unknown sentinel itself. */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True when `v` is the sentinel or holds it anywhere inside (arrays and plain objects, any depth). */
export function containsUnknown(v: unknown): boolean {
  return containsUnknownAt(v, 0);
}

// Depth cap: inputs come from Pulumi state and are shallow; the cap only guards against cycles
// in values handed over by a caller in-process.
const MAX_DEPTH = 64;

function containsUnknownAt(v: unknown, depth: number): boolean {
  if (v === UNKNOWN) return true;
  if (depth >= MAX_DEPTH || v === null || typeof v !== "object") return false;
  const values = Array.isArray(v) ? v : Object.values(v);
  return values.some((x) => containsUnknownAt(x, depth + 1));
}
