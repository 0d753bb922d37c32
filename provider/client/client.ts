/**
 * `createClient`: the provisioning-API client the resources call. Knows nothing of Pulumi: every
 * setting comes in through {@link ClientOptions}, nothing is read from globals or the environment.
 */
import { z } from "zod";
import { customersApi, type CustomersApi } from "./customers";
import { DurationEstimates, type CustomerOperation, type ProbeHandle } from "./estimates";
import { NotFoundError, ProvisioningFailedError } from "./errors";
import { HttpTransport, encodePath, normalizeBaseUrl } from "./http";
import { locationsApi, type LocationsApi } from "./locations";
import { subPartnersApi, type SubPartnersApi } from "./subpartners";
import { poll } from "./poll";
import { RateGate, realSleep } from "./rate-gate";
import { CUSTOMER_BUSY_STATUSES, CUSTOMER_TERMINAL_STATUSES, type ApiErrorItem, type Customer } from "./schemas";
import { subscribersApi, type SubscribersApi } from "./subscribers";
import { telephonyApi, type TelephonyApi } from "./telephony";
import { templatesApi, type TemplatesApi } from "./templates";

/** A zod schema for an injected function (validated as "is a function", typed as `T`). */
const fn = <T>() => z.custom<T>((value) => typeof value === "function", { message: "must be a function" });

/** Options of {@link createClient}. Plain values plus injectable time, randomness and logging. */
export const ClientOptionsSchema = z.object({
  /** API root without `/v1`, e.g. `https://webexapis.com`; `http://` only for loopback hosts. */
  baseUrl: z.string(),
  /** Partner administrator's bearer token. Never logged, never in an error. */
  accessToken: z.string().regex(/^[\x21-\x7e]+$/, { message: "must be a non-empty token of visible ASCII characters" }),
  /** Sent as `onBehalfOfSubPartnerOrgId` on every call when set. */
  subPartnerOrgId: z.string().min(1).optional(),
  /** Timeout of each attempt, ms. Default 30 000. */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** Attempts per call, including the first. Default 6. */
  maxAttempts: z.number().int().min(1).max(50).default(6),
  /** Waits between attempts and polls; tests pass a 0-ms sleep. */
  sleep: fn<(ms: number) => Promise<void>>().optional(),
  /** Jitter source in [0, 1). Default `Math.random`. */
  random: fn<() => number>().optional(),
  /** Clock in ms. Default `Date.now`. */
  now: fn<() => number>().optional(),
  /** Sink for debug and progress lines (never containing the token). */
  log: fn<(line: string) => void>().optional(),
  /**
   * Client-side pacing: a token bucket every request awaits. Undefined or `false`: none at first; a
   * 429 pauses every request of the client until `Retry-After`, and starts a bucket at half the rate
   * observed when the limit hit, which then creeps up until the next 429 (AIMD).
   */
  rateLimit: z.union([z.literal(false), z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) })]).optional(),
  /** The bucket's rate as it moves while the client runs (a shard's share of the partner's limit); see `RateGate`'s `rate`. */
  rateSupplier: fn<() => number | undefined>().optional(),
  /** `User-Agent` header. */
  userAgent: z.string().min(1).optional(),
  /** Items per list request. Default 100 (the API's maximum). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** Delay before the first poll of a customer operation while no duration has been observed, ms. Default 1000. */
  coldInitialDelayMs: z.number().min(0).default(1000),
});

/** What callers pass to {@link createClient}. */
export type ClientOptions = z.input<typeof ClientOptionsSchema>;

/** Options of the customer waiters. */
export interface WaitOptions {
  /** Total time allowed, ms. */
  timeoutMs: number;
  /** Called after every poll with the status and the time waited so far. */
  onProgress?: (progress: { status: string; elapsedMs: number }) => void;
  /** Wait before the first poll, ms. Default: the client's estimate for `operation` (see `estimates`). */
  initialDelayMs?: number;
  /** Interval after the first busy poll, ms. Default: a fifth of the estimate (at least 0.2 s), else 1 s. */
  minDelayMs?: number;
  /** Cap of the interval between polls, ms. Default 30 000. */
  maxDelayMs?: number;
  /** Which operation is awaited, so each keeps its own duration estimate. Default `create` (`delete` for `waitForCustomerGone`). */
  operation?: CustomerOperation;
}

/** The provisioning-API client. */
export interface ProvisioningClient {
  /** Wholesale customers (asynchronous writes). */
  readonly customers: CustomersApi;
  /** Wholesale subscribers (synchronous writes). */
  readonly subscribers: SubscribersApi;
  /** Onboarding templates ([project] endpoint; absent from webexapis.com). */
  readonly templates: TemplatesApi;
  /** Webex locations of a customer's org (no delete: see `telephony.disableCalling`). */
  readonly locations: LocationsApi;
  /** Sub-partners of the partner (read-only). */
  readonly subPartners: SubPartnersApi;
  /** Webex Calling at a location: PSTN connection, numbers, main number, disabling calling. */
  readonly telephony: TelephonyApi;
  /** Observed durations of customer operations, used as default first-poll delays. */
  readonly estimates: DurationEstimates;
  /** The normalised base URL. */
  readonly baseUrl: string;
  /**
   * Polls `GET /customers/{id}` until a terminal status. `provisioned` and `pending_rpl_review` return
   * the customer; `provisioned_with_errors` and `error` throw `ProvisioningFailedError` (with the
   * API's `errors[]` and the id); 404 throws `NotFoundError`; the timeout throws `ProvisioningTimeoutError`.
   */
  waitForCustomer(id: string, options: WaitOptions): Promise<Customer>;
  /**
   * Polls until `GET /customers/{id}` answers 404 (delete done). A customer that ends in `error`
   * instead throws `ProvisioningFailedError`; the timeout throws `ProvisioningTimeoutError`.
   */
  waitForCustomerGone(id: string, options: WaitOptions): Promise<void>;
}

/** Default `User-Agent`. */
const DEFAULT_USER_AGENT = `pulumi-webex-wholesale (node ${process.version})`;

/** Margin on the estimate for the first poll: slightly late beats a wasted early poll. */
const ESTIMATE_MARGIN = 1.1;

/**
 * When the first poll already finds the operation done, the true duration is somewhere below that
 * time; recording 80 % of it probes downwards so the estimate follows operations that got faster.
 * Tuned by simulation together with the after-miss interval (a fifth of the estimate): durations of
 * 0.3 s to 90 s with ±10 % noise give 1.1–1.4 polls per operation once warm, never more than 2,
 * and a latency overshoot of about 10 % of the duration (0.9 would poll once but converge so slowly
 * that a 0.3 s operation waits ~1 s; 0.5 costs ~1.8 polls).
 */
const FIRST_POLL_HIT_FACTOR = 0.8;

/**
 * Longest a cold waiter waits for the probe of its operation before polling on its own, ms: the
 * poller's default cap on the interval between two polls, so no wait goes longer unobserved than
 * a lone one could (a probe stuck far longer than its siblings does not hold them).
 */
const PROBE_PATIENCE_MS = 30_000;

/** All `errors[]` of a customer: customer-level first, then each package's, prefixed with its name. */
function customerErrors(customer: Customer): ApiErrorItem[] {
  const own = customer.errors ?? [];
  const perPackage = (customer.resourceDetails?.packages ?? []).flatMap((p) =>
    (p.errors ?? []).map((e) => ({ ...e, description: p.name ? `${p.name}: ${e.description ?? "error"}` : e.description })),
  );
  return [...own, ...perPackage];
}

/** Builds the error for a customer that ended in a failed status. */
function failed(customer: Customer, path: string, during: string): ProvisioningFailedError {
  const errors = customerErrors(customer);
  const descriptions = errors.map(
    (e) => `${e.description ?? "no description"}${e.errorCode !== undefined ? ` [errorCode ${e.errorCode}]` : ""}`,
  );
  return new ProvisioningFailedError({
    message:
      `Customer ${customer.id} ended ${during} in status ${customer.status}` +
      `${descriptions.length ? `: ${descriptions.join("; ")}` : " (the API gave no details)"}. ` +
      "The customer exists but is not fully provisioned: fix the cause, then apply again (or delete and recreate it). " +
      "Quote the customer id to Cisco support if the errors are unclear.",
    method: "GET",
    path,
    id: customer.id,
    provisioningStatus: customer.status,
    errors,
    descriptions,
  });
}

/**
 * Creates a client. Validates the options (throws `TypeError` naming the bad option, never echoing
 * the token) and refuses `http://` off loopback.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "https://webexapis.com", accessToken: token });
 * const { id } = await client.customers.create(body);
 * const customer = await client.waitForCustomer(id, { timeoutMs: 30 * 60_000 });
 * ```
 */
export function createClient(options: ClientOptions): ProvisioningClient {
  const parsed = ClientOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`).join("; ");
    throw new TypeError(`Invalid provisioning client options: ${issues}`);
  }
  const o = parsed.data;
  const baseUrl = normalizeBaseUrl(o.baseUrl);
  const sleep = o.sleep ?? realSleep;
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const log = o.log ?? (() => undefined);
  const transport = new HttpTransport({
    baseUrl,
    accessToken: o.accessToken,
    subPartnerOrgId: o.subPartnerOrgId,
    requestTimeoutMs: o.requestTimeoutMs,
    maxAttempts: o.maxAttempts,
    sleep,
    random,
    now,
    log,
    gate: new RateGate({ rateLimit: o.rateLimit, rate: o.rateSupplier, now, sleep, random }),
    userAgent: o.userAgent ?? DEFAULT_USER_AGENT,
    pageSize: o.pageSize,
  });
  const customers = customersApi(transport);
  const estimates = new DurationEstimates();
  const terminal: readonly string[] = CUSTOMER_TERMINAL_STATUSES;
  const busy: readonly string[] = CUSTOMER_BUSY_STATUSES;

  /**
   * When a wait polls first, ms after `started`, and, for the cold-start probe, its handle. Warm
   * (a duration is known): the estimate plus a margin. Cold: ONE waiter per operation polls on the
   * cold schedule (the probe); the others, started while it waits, wait for the time its operation
   * took and poll then, instead of each polling on that schedule: 100 updates started together would
   * otherwise spend some 300 status reads before the first one ends, under the rate limit their writes
   * share. A waiter waits for the probe at most {@link PROBE_PATIENCE_MS}, then polls on its own.
   */
  async function firstPoll(operation: CustomerOperation, started: number): Promise<{ delayMs: number; probe?: ProbeHandle }> {
    for (;;) {
      const estimate = estimates.get(operation);
      if (estimate !== undefined) return { delayMs: Math.max(0, started + estimate * ESTIMATE_MARGIN - now()) };
      const probe = estimates.claimProbe(operation);
      if (probe !== undefined) return { delayMs: Math.max(0, started + o.coldInitialDelayMs - now()), probe };
      if (now() - started >= PROBE_PATIENCE_MS) return { delayMs: 0 };
      const news = await estimates.probeNews(operation);
      // The probe's operation started first, so this one is done no earlier than that long after its own start.
      if (news.kind === "ended" && news.doneMs !== undefined) return { delayMs: Math.max(0, started + news.doneMs - now()) };
    }
  }

  /** Polls a customer with the estimate-driven schedule; records the observed duration. */
  async function waitFor<T>(
    id: string,
    wait: WaitOptions,
    operation: CustomerOperation,
    fetch: () => Promise<T>,
    isDone: (value: T) => boolean,
    describe: (value: T) => string,
  ): Promise<T> {
    const path = encodePath`/v1/wholesale/customers/${id}`;
    // Durations are measured at the start of each read, not its end: under load a read may queue
    // in the rate gate for seconds, which says nothing about how long the operation took.
    const started = now();
    const first =
      wait.initialDelayMs !== undefined ? { delayMs: wait.initialDelayMs, probe: undefined } : await firstPoll(operation, started);
    const estimate = estimates.get(operation);
    let readStartedMs = 0;
    let lastBusyMs: number | undefined;
    let lastMs = 0;
    let doneMs: number | undefined;
    try {
      const value = await poll({
        fetch: () => {
          readStartedMs = now() - started;
          return fetch();
        },
        isDone,
        describe,
        timeoutMs: Math.max(0, wait.timeoutMs - (now() - started)),
        initialDelayMs: first.delayMs,
        minDelayMs:
          // After a miss the operation is nearly done: come back after a fifth of its usual duration.
          wait.minDelayMs ?? (estimate !== undefined ? Math.max(200, estimate / 5) : 1000),
        maxDelayMs: wait.maxDelayMs,
        sleep,
        now,
        random,
        target: { id, method: "GET", path, what: "Customer" },
        onProgress: (p) => {
          if (busy.includes(p.status)) lastBusyMs = readStartedMs;
          lastMs = readStartedMs;
          log(`customer ${id}: ${p.status} after ${Math.round(p.elapsedMs / 1000)} s (poll ${p.polls})`);
          wait.onProgress?.({ status: p.status, elapsedMs: p.elapsedMs });
          first.probe?.polled();
        },
      });
      estimates.observe(operation, lastBusyMs !== undefined ? (lastBusyMs + lastMs) / 2 : lastMs * FIRST_POLL_HIT_FACTOR);
      doneMs = lastMs;
      return value;
    } finally {
      first.probe?.end(doneMs);
    }
  }

  return {
    customers,
    subscribers: subscribersApi(transport),
    templates: templatesApi(transport),
    locations: locationsApi(transport),
    subPartners: subPartnersApi(transport),
    telephony: telephonyApi(transport, { sleep, now, random }),
    estimates,
    baseUrl,
    async waitForCustomer(id, wait) {
      const customer = await waitFor(
        id,
        wait,
        wait.operation ?? "create",
        () => customers.get(id),
        (c) => terminal.includes(c.status),
        (c) => c.status,
      );
      if (customer.status === "provisioned_with_errors" || customer.status === "error") {
        throw failed(customer, encodePath`/v1/wholesale/customers/${id}`, `after ${wait.operation ?? "create"}`);
      }
      return customer;
    },
    async waitForCustomerGone(id, wait) {
      const GONE = Symbol("gone");
      const last = await waitFor<Customer | typeof GONE>(
        id,
        wait,
        wait.operation ?? "delete",
        async () => {
          try {
            return await customers.get(id);
          } catch (error) {
            if (error instanceof NotFoundError) return GONE;
            throw error;
          }
        },
        (v) => v === GONE || v.status === "error",
        (v) => (v === GONE ? "deleted" : v.status),
      );
      if (last !== GONE) throw failed(last, encodePath`/v1/wholesale/customers/${id}`, "while deleting");
    },
  };
}
