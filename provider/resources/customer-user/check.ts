/** STUB (being written): CustomerUser check. */
import type { CheckFailure } from "../common/failures";

/** Validates and normalises new inputs; never throws. */
export function checkCustomerUser(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  return { inputs: news, failures: [] };
}
