/**
 * The lower bound of each benchmark phase: no client, however clever, can finish a phase faster
 * than the larger of two limits.
 *
 * 1. **Rate limit.** The phase needs at least `N` requests (one write per object written plus one
 *    status read per asynchronous customer operation, the least that can observe its end). The
 *    emulator's token bucket starts full with `burst` tokens and refills at `perSecond`, so the
 *    `N`-th request cannot be admitted before `max(0, N − burst) ÷ perSecond` seconds.
 * 2. **Dependency chain.** Some requests cannot start before others end: a customer needs its
 *    template's `provisioningId`; a user needs its customer provisioned (and its headquarters
 *    location id). Users of one customer are independent of each other, so the chain holds one
 *    request of each kind, each taking at least the minimum request latency, plus the
 *    provisioning time: template create + customer create + provisioning + one user create.
 *
 * 3. **Sites** (`siteNumbers` > 0: one extra location per customer, its numbers on a local
 *    gateway). Creating one takes at least 5 writes, each needing the one before: the location POST,
 *    enabling calling (POST), the PSTN connection (PUT), the numbers (one POST: numbers sent ACTIVE
 *    need no activation, and DIDs have no per-request limit in Cisco's spec) and the main number (PUT).
 *    They start once the customer is provisioned, beside its users. Removing one takes the deletion
 *    precheck (POST), the disable-calling job (POST) and one job status read, the job taking the
 *    provisioning time, before the customer's DELETE (the site belongs to it).
 *
 * The bound is the maximum of the two, not their sum: requests of other customers can fill the
 * bucket while one customer provisions. It ignores the engine's own start-up (program compile,
 * plugin start), which the product pays and a hand-written script does not: that cost is part of
 * what the ratio measures.
 */
import { z } from "zod";

/** The emulator settings a bound depends on. */
export const BoundSettingsSchema = z.object({
  /** Smallest latency the emulator adds to a request, in ms (fixed latency minus any jitter). */
  minLatencyMs: z.number().min(0),
  /** Time a customer stays `provisioning` / `updating` / `deleting`, in ms. */
  provisioningMs: z.number().min(0),
  /** Token-bucket refill rate, requests per second; `false` when the emulator does not limit. */
  rate: z.union([z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) }), z.literal(false)]),
});

/** Settings the bounds are computed for. */
export type BoundSettings = z.input<typeof BoundSettingsSchema>;

/** The benchmark phases that have a bound. */
export const PHASES = ["up", "noChangeUp", "bumpUp", "destroy", "preview"] as const;

/** A benchmark phase. */
export type Phase = (typeof PHASES)[number];

/** The bound of one phase and how it was derived. */
export interface PhaseBound {
  readonly phase: Phase;
  /** Requests the phase needs at the very least. */
  readonly minRequests: number;
  /** Time the rate limit imposes on those requests, ms. */
  readonly rateBoundMs: number;
  /** Longest dependency chain, ms. */
  readonly chainMs: number;
  /** max(rateBoundMs, chainMs). 0 when the phase needs no request at all. */
  readonly boundMs: number;
  /** The derivation with the numbers filled in, for the results and the README. */
  readonly derivation: string;
}

/**
 * Time before the `requests`-th request may start under a token bucket that starts full:
 * `max(0, requests − burst) ÷ perSecond` seconds.
 */
export function rateBoundMs(requests: number, rate: BoundSettings["rate"]): number {
  if (rate === false || requests <= rate.burst) return 0;
  return ((requests - rate.burst) / rate.perSecond) * 1000;
}

/** Writes that create one site with numbers and a main number (see the module's note, 3). */
export const SITE_CREATE_REQUESTS = 5;
/** Requests that disable calling at one site: precheck, job, one job status read. */
export const SITE_DISABLE_REQUESTS = 3;

/**
 * Bounds of every phase for a catalog of `customers` × `usersPerCustomer` under `settings`, with one
 * extra location per customer when `siteNumbers` > 0 (`generateCatalog`'s option of that name).
 */
export function phaseBounds(customers: number, usersPerCustomer: number, settings: BoundSettings, siteNumbers = 0): PhaseBound[] {
  const s = BoundSettingsSchema.parse(settings);
  const users = customers * usersPerCustomer;
  const L = s.minLatencyMs;
  const P = s.provisioningMs;
  const sites = siteNumbers > 0 ? customers : 0;
  // After provisioning: the longer of one user create and a site's chain of writes.
  const afterUp = Math.max(usersPerCustomer > 0 ? L : 0, sites > 0 ? SITE_CREATE_REQUESTS * L : 0);
  const afterUpText =
    sites > 0 ? ` + max(user POST, ${SITE_CREATE_REQUESTS} site writes) ${afterUp} ms` : usersPerCustomer > 0 ? ` + user POST ${L} ms` : "";
  // Before the customer's DELETE: the longer of one user delete and a site's disable (job included).
  const beforeDelete = Math.max(usersPerCustomer > 0 ? L : 0, sites > 0 ? SITE_DISABLE_REQUESTS * L + P : 0);
  const beforeDeleteText =
    sites > 0
      ? `max(user DELETE, site precheck + job + job read + disabling) ${beforeDelete} ms + `
      : usersPerCustomer > 0
        ? `user DELETE ${L} ms + `
        : "";
  const rateText = s.rate === false ? "no rate limit" : `max(0, N − ${s.rate.burst}) ÷ ${s.rate.perSecond}/s`;
  const make = (phase: Phase, minRequests: number, chainMs: number, requestsText: string, chainText: string): PhaseBound => {
    const rb = rateBoundMs(minRequests, s.rate);
    const boundMs = minRequests === 0 ? 0 : Math.max(rb, chainMs);
    return {
      phase,
      minRequests,
      rateBoundMs: rb,
      chainMs,
      boundMs,
      derivation:
        minRequests === 0
          ? `${requestsText}: no request is needed, so the bound is 0 (any time is engine overhead)`
          : `N = ${requestsText} = ${minRequests}; rate: ${rateText} = ${(rb / 1000).toFixed(2)} s; ` +
            `chain: ${chainText} = ${(chainMs / 1000).toFixed(2)} s; bound = max = ${(boundMs / 1000).toFixed(2)} s`,
    };
  };
  return [
    make(
      "up",
      1 + customers + customers + users + sites * SITE_CREATE_REQUESTS,
      L + L + P + afterUp,
      `1 template POST + ${customers} customer POST + ${customers} status GET + ${users} user POST` +
        (sites > 0 ? ` + ${sites} sites × ${SITE_CREATE_REQUESTS} writes` : ""),
      `template POST ${L} ms + customer POST ${L} ms + provisioning ${P} ms` + afterUpText,
    ),
    make("noChangeUp", 0, 0, "no-change up (no refresh)", ""),
    make(
      "bumpUp",
      customers + customers,
      L + P,
      `${customers} customer PUT + ${customers} status GET`,
      `customer PUT ${L} ms + updating ${P} ms`,
    ),
    make(
      "destroy",
      users + customers + customers + 1 + sites * SITE_DISABLE_REQUESTS,
      beforeDelete + L + P + L,
      `${users} user DELETE + ${customers} customer DELETE + ${customers} status GET + 1 template DELETE` +
        (sites > 0 ? ` + ${sites} sites × ${SITE_DISABLE_REQUESTS} (precheck, job, job read)` : ""),
      beforeDeleteText + `customer DELETE ${L} ms + deleting ${P} ms + template DELETE ${L} ms`,
    ),
    make("preview", 0, 0, "preview", ""),
  ];
}
