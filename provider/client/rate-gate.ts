/**
 * Client-side pacing shared by every request of one client.
 *
 * All resources of a Pulumi program share one dynamic-provider process, and the resources keep
 * one client per base URL and token in it, so this gate sees every request that one partner token
 * sends. Two mechanisms:
 *
 * 1. An optional token bucket (`perSecond`, `burst`), implemented as GCRA (a "theoretical arrival
 *    time"): each caller reserves its slot synchronously, so concurrent callers are staggered
 *    deterministically without a queue or timers of its own.
 * 2. A shared pause: when any request is rate limited, every request through this gate waits until
 *    the server's `Retry-After` has passed, so a burst does not turn into a 429 storm.
 *
 * With the bucket on, a 429 also halves the effective rate (down to 1/8 of the configured one),
 * and each success creeps it back up by 1/20 of the configured rate: the gate settles just under
 * the server's real limit when the configured one is too optimistic.
 *
 * Time is injected (`now`, `sleep`) so tests run on a fake clock.
 */

/** Token-bucket settings; `false` disables the bucket (the shared pause stays). */
export type RateLimit = { perSecond: number; burst: number } | false;

/** Construction options of {@link RateGate}. */
export interface RateGateOptions {
  /** Token bucket; undefined or `false`: no pacing, only the shared pause. */
  rateLimit?: RateLimit;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms`. Default a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Lower the rate on 429 and creep back on success. Default true (only with a bucket). */
  adaptive?: boolean;
}

/** Default sleep: a timer promise. */
export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

/** Paces the requests of one client: token bucket plus shared rate-limit pause. */
export class RateGate {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly configured?: { perSecond: number; burst: number };
  private readonly adaptive: boolean;
  /** Current rate in requests/s (may be below the configured one after 429s). */
  private rate = 0;
  /** GCRA theoretical arrival time, ms. */
  private tat = Number.NEGATIVE_INFINITY;
  private pauseEnd = Number.NEGATIVE_INFINITY;

  /** Builds a gate; see {@link RateGateOptions}. Throws `TypeError` on a non-positive rate or burst. */
  constructor(options: RateGateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.adaptive = options.adaptive ?? true;
    if (options.rateLimit) {
      const { perSecond, burst } = options.rateLimit;
      if (!(perSecond > 0) || !Number.isFinite(perSecond) || !(burst >= 1) || !Number.isInteger(burst)) {
        throw new TypeError(
          `rateLimit needs perSecond > 0 and a whole burst >= 1 (got perSecond=${perSecond}, burst=${burst})`,
        );
      }
      this.configured = { perSecond, burst };
      this.rate = perSecond;
    }
  }

  /** Effective rate in requests/s, or undefined without a bucket. */
  get currentRate(): number | undefined {
    return this.configured ? this.rate : undefined;
  }

  /** Time (ms, clock of the gate) until which every request waits; in the past when not paused. */
  get pausedUntil(): number {
    return this.pauseEnd;
  }

  /**
   * Resolves when the caller may send one request: after any shared pause, then at its bucket slot.
   * A pause that starts while a caller waits for its slot sends it back to wait for the pause.
   */
  async acquire(): Promise<void> {
    for (;;) {
      const t = this.now();
      if (this.pauseEnd > t) {
        await this.sleep(this.pauseEnd - t);
        continue;
      }
      if (!this.configured) return;
      const wait = this.reserve(t);
      if (wait > 0) await this.sleep(wait);
      if (this.pauseEnd > this.now()) continue;
      return;
    }
  }

  /** Makes every request through this gate wait `ms` from now (extends, never shortens, a pause). */
  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    this.pauseEnd = Math.max(this.pauseEnd, this.now() + ms);
  }

  /** Reports a 429: halves the effective rate, floored at 1/8 of the configured one. */
  onRateLimited(): void {
    if (!this.configured || !this.adaptive) return;
    this.rate = Math.max(this.configured.perSecond / 8, this.rate / 2);
  }

  /** Reports a successful answer: creeps the effective rate back towards the configured one. */
  onSuccess(): void {
    if (!this.configured || !this.adaptive) return;
    this.rate = Math.min(this.configured.perSecond, this.rate + this.configured.perSecond / 20);
  }

  /** GCRA reservation at time `t`: returns how long to wait for this caller's slot. */
  private reserve(t: number): number {
    const interval = 1000 / this.rate;
    const tolerance = (this.configured!.burst - 1) * interval;
    const arrival = Math.max(this.tat, t);
    const allowedAt = Math.max(t, arrival - tolerance);
    this.tat = arrival + interval;
    return allowedAt - t;
  }
}
