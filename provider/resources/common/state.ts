/**
 * Reading what a stack's state holds, and writing what it may hold. State may come from any
 * earlier version (fields missing, of another type, or Pulumi's own `__provider`), so reads are
 * lenient; outputs hold only what Pulumi's Struct can carry.
 */

/** A string output of the previous state, undefined when absent (state of an older version, a `get`). */
export function stateString(olds: Record<string, unknown>, key: string): string | undefined {
  const v = olds[key];
  return typeof v === "string" ? v : undefined;
}

/**
 * The previous status when an update has nothing to send: no input changed and the object had
 * settled, so only the state's shape moves on (a `schemaVersion` migration, resources.md
 * "Versions") and no API call is needed. Undefined when the update must look at the server.
 */
export function unchangedSettledStatus(
  olds: Record<string, unknown>,
  changedKeys: readonly string[],
  settledStatuses: readonly string[],
): string | undefined {
  const status = stateString(olds, "status");
  return changedKeys.length === 0 && status !== undefined && settledStatuses.includes(status) ? status : undefined;
}

/**
 * Whether the stored status says the object never settled (failed, or still being provisioned when
 * a create timed out): `diff` then reports a change so the next `up` retries it. State without a
 * status (an older version) is not judged.
 */
export function isUnsettled(olds: Record<string, unknown>, settledStatuses: readonly string[]): boolean {
  const status = stateString(olds, "status");
  return status !== undefined && !settledStatuses.includes(status);
}

/** Inputs without the plugin's `__provider` field (it is re-attached by the plugin on every answer). */
export function withoutProviderField(props: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}

/** A copy of `o` without the given keys. */
export function omitKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * A deep copy holding only what Pulumi's Struct can carry: undefined fields are dropped at any
 * depth (`Struct.fromJavaScript` refuses them), everything else is JSON.
 */
export function toPlain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
