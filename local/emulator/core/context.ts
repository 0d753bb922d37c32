/**
 * Types and helpers shared by the core's handlers: what a handler receives and returns, body
 * parsing into 1001 violations, lookups that answer 404 and the 423 busy check.
 */
import type { z } from "zod";
import { fail, RuleFailure, violation } from "./catalog";
import { Rng } from "./random";
import { formatPath } from "./schemas";
import type { CustomerRecord, State } from "./state";
import { recordOf } from "./table";

/** Scenarios that change the outcome of an asynchronous customer write. */
export type AsyncScenario = "provisioned_with_errors" | "error";

/** Everything a route handler may use. It must not touch anything else (no clock, no I/O). */
export interface HandlerInput {
  /** The state, already settled at `now`. */
  readonly state: State;
  /** Decoded path parameters (`{id}`). */
  readonly params: Readonly<Record<string, string>>;
  /** The query string (filters, paging). */
  readonly query: URLSearchParams;
  /** Parsed JSON body, or undefined when none was sent. */
  readonly body: unknown;
  /** Current time, epoch ms. */
  readonly now: number;
  /** How long customer writes stay in flight. */
  readonly provisioningDelayMs: number;
  /** Draws ids; its final seed is stored back into the state by `handle`. */
  readonly rng: Rng;
  /** Absolute origin for `Location` and `Link` (`http://127.0.0.1:1234`). */
  readonly baseUrl: string;
  /** The request path as received (not decoded), for `Link` headers. */
  readonly path: string;
  /** A forced asynchronous outcome for customer writes. */
  readonly scenario?: AsyncScenario;
  /** The sub-partner the request acts for (`onBehalfOfSubPartnerOrgId`); absent for the partner. */
  readonly subPartnerOrgId?: string;
  /**
   * The whole state, every (sub-)partner's customers included: `state` is the acting party's view.
   * What must be unique across the partner and its sub-partners (an externalId, an attached org)
   * is judged on this one.
   */
  readonly whole: State;
}

/** A handler's answer. `state` is the input state object itself when nothing changed. */
export interface HandlerResult {
  /** The new state (or the input one). */
  readonly state: State;
  /** HTTP status of a success. */
  readonly status: number;
  /** `Location`, `Link`... (`TrackingID` is added by `handle`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body; absent for 204. */
  readonly body?: unknown;
}

/**
 * Parses a body with a schema; every issue becomes a 1001 violation naming its field path. A
 * request with no body at all is told that one is needed, rather than zod's "expected object,
 * received undefined" (found by the API fuzzer's sequences, which send a write without a body).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, prefix = ""): z.output<S> {
  if (body === undefined && prefix === "" && !schema.safeParse(undefined).success) {
    throw new RuleFailure([
      violation(1001, "(body): a JSON body is required; send one with Content-Type: application/json and this operation's fields"),
    ]);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new RuleFailure(
    parsed.error.issues.map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : undefined;
      const where = formatPath(issue.path);
      const field = prefix === "" ? where : `${prefix}.${where}`;
      const description =
        keys !== undefined
          ? `${field}: unknown field(s) ${keys.join(", ")}; remove them (this API does not accept them)`
          : `${field}: ${issue.message}`;
      return violation(1001, description);
    }),
  );
}

/** The customer with that id, or a 404 (1404). A customer whose deletion completed is gone. */
export function requireCustomer(state: State, id: string, what = "customer"): CustomerRecord {
  const c = recordOf(state.customers, id);
  if (c === undefined) fail(1404, `No ${what} with id ${id}.`);
  return c;
}

/** Seconds to announce in `Retry-After`: the remaining time rounded up, at least 1. */
export function retryAfterSeconds(dueAt: number, now: number): number {
  return Math.max(1, Math.ceil((dueAt - now) / 1000));
}

/** Refuses a write on a customer that is provisioning, updating or deleting (423, code 1423). */
export function requireNotBusy(customer: CustomerRecord, now: number): void {
  const t = customer.transition;
  if (t === undefined) return;
  const seconds = retryAfterSeconds(t.dueAt, now);
  fail(1423, `Customer ${customer.id} is ${customer.status}; retry in ${seconds} s.`, { "Retry-After": String(seconds) });
}

/** Writes to collections: O(1) persistent maps with indexes (`table.ts`), re-exported for the handlers. */
export { putRecord, withoutRecords } from "./table";

/** `new Date(ms).toISOString()`, the wire form of times. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
