/**
 * Keeping the serialized provider (`__provider`) in the outputs Pulumi records for a partial
 * create or update, so the later read, update or delete of that resource can still run.
 */
import { ResourceInitError } from "./errors";

/**
 * Runs a create/update and, when it fails with a {@link ResourceInitError} (a partial create or
 * update), adds the serialized provider (`news.__provider`) to the error's properties. The plugin
 * re-attaches `__provider` to successful results only; without it, the state Pulumi records for a
 * partially created resource would hold no provider code, and the later read, update or delete of
 * that resource would fail in the plugin ("code must be a string").
 */
export async function keepingProviderCode<T>(news: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ResourceInitError && typeof news.__provider === "string" && e.properties.__provider === undefined) {
      e.properties.__provider = news.__provider;
    }
    throw e;
  }
}

/**
 * The operation `run` (a `create` or `update`, whose last argument is the new inputs), run through
 * {@link keepingProviderCode}: the exported operation of a resource whose partial failures Pulumi
 * records.
 */
export function withProviderCodeKept<A extends unknown[], T>(
  run: (owner: object, ...args: [...A, Record<string, unknown>]) => Promise<T>,
): (owner: object, ...args: [...A, Record<string, unknown>]) => Promise<T> {
  return (owner, ...args) => keepingProviderCode(args[args.length - 1] as Record<string, unknown>, () => run(owner, ...args));
}
