/**
 * CustomerLocation diff: the shared engine applied to {@link customerLocationRules}. Pure: no I/O.
 */
import { diffByRules, type DiffOptions, type DiffOutcome } from "../common/change-rules";
import { customerLocationRules } from "./rules";

/**
 * Compares the old outputs (`olds`, `__provider` ignored) with the new checked inputs.
 * Throws `RefusedChangeError` for a change the service refuses (in `strict` mode): what `update`
 * needs once unknowns are known; the provider's `diff` runs it in `server` mode.
 */
export function diffCustomerLocation(olds: Record<string, unknown>, news: Record<string, unknown>, opts: DiffOptions): DiffOutcome {
  return diffByRules(customerLocationRules, olds, news, opts);
}
