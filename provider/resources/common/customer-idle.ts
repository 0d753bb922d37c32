/**
 * Waiting out a busy customer. While a customer is provisioning, updating or deleting, the API
 * answers its writes, and its subscribers' writes, with 423; CustomerOrg waits for its own
 * customer and CustomerUser for the user's.
 */
import { CUSTOMER_BUSY_STATUSES, type Customer } from "../../client";
import { encodePath } from "../../client/http";
import { poll } from "../../client/poll";
import type { OperationContext } from "./client-cache";
import { progressReporter } from "./progress";

const BUSY: readonly string[] = CUSTOMER_BUSY_STATUSES;

/** Whether the customer refuses writes (423) in this status. */
export function isCustomerBusy(status: string): boolean {
  return BUSY.includes(status);
}

/** Who waits, for the progress lines and a timeout's message. */
export interface CustomerWaiter {
  /** The resource kind waiting, e.g. `CustomerUser`. */
  readonly kind: string;
  /** Its natural key, e.g. the user's email. */
  readonly label: string;
  /** What is waited for, in a timeout's message (e.g. `the customer of CustomerUser ada@acme.example`). */
  readonly what: string;
  /** The progress text for a status (the status itself, or `waiting for its customer (provisioning)`). */
  describe(status: string): string;
}

/**
 * Polls the customer until it is no longer busy (the client's cold-start schedule, at least a
 * second apart), reporting progress; returns it whatever its (terminal) status.
 */
export function waitCustomerIdle(ctx: OperationContext, customerId: string, waiter: CustomerWaiter): Promise<Customer> {
  const progress = progressReporter(waiter.kind, waiter.label);
  return poll({
    fetch: () => ctx.client.customers.get(customerId),
    isDone: (c) => !isCustomerBusy(c.status),
    describe: (c) => waiter.describe(c.status),
    timeoutMs: ctx.timeoutMs,
    sleep: ctx.sleep,
    minDelayMs: 1000,
    onProgress: (p) => progress.report(p.status),
    target: { id: customerId, what: waiter.what, method: "GET", path: encodePath`/v1/wholesale/customers/${customerId}` },
  });
}
