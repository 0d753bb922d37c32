/**
 * The plugin's view of the package's resources: each one of the declared list
 * (`resources/registry.ts`) with its type token. Its operations module is the SAME module the
 * dynamic providers load, so no rule exists twice. The schema generator and the plugin both read
 * this list; nothing else names the tokens.
 */
import type { OperationsAbi } from "../resources/common/operations-abi";
import { RESOURCES, type ResourceEntry } from "../resources/registry";

/** The Pulumi package name: type tokens are `webex-wholesale:index:<Resource>`, config keys `webex-wholesale:<key>`. */
export const PACKAGE_NAME = "webex-wholesale";

/** The type token of a resource, type or function of this package. */
export function token(name: string): string {
  return `${PACKAGE_NAME}:index:${name}`;
}

/**
 * What the plugin calls on a resource: the operations contract every `operations.ts` exports, as
 * seen by a caller that does not know which resource it serves (inputs and outputs as records; each
 * operation parses what it is given). `owner` keys the configuration the operation reads.
 */
export type ResourceOperations = OperationsAbi;

/** One resource as the plugin serves it: its entry of the list, with its type token. */
export interface PluginResource extends Omit<ResourceEntry, "operations"> {
  /** Its type token, `webex-wholesale:index:<name>`. */
  readonly token: string;
  /** Its operations module. */
  readonly operations: ResourceOperations;
}

/** The package's resources, in dependency order. */
export const PLUGIN_RESOURCES: readonly PluginResource[] = RESOURCES.map((r) => ({ ...r, token: token(r.name) }));

/** The resource served under `typeToken`, or undefined. */
export function resourceByToken(typeToken: string): PluginResource | undefined {
  return PLUGIN_RESOURCES.find((r) => r.token === typeToken);
}
