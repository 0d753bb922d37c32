/**
 * Check failures and property paths, shared by the three resources' `check`.
 */

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
