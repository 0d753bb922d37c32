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
 * Adaptive (AIMD) on top: with a configured bucket, a 429 halves the effective rate (down to 1/8 of
 * the configured one) and each success creeps it back by 1/20 of the configured rate, so the gate
 * settles just under the server's real limit when the configured one is too optimistic. Without a
 * configured bucket (the default), the first 429 starts one at half the rate observed over the last
 * second: the real limit is not published, and without it every pause ends in a herd of requests
 * that hits the limit again (measured against the emulator at 20/s: 60 customers and 300 users in
 * parallel drew 488 429s and failed with the pause alone, 29 429s and no failure with the learnt
 * bucket). `adaptive: false` keeps only the configured bucket and the shared pause.
 *
 * Time is injected (`now`, `sleep`) so tests run on a fake clock.
 */

/**
 * Token-bucket settings. Undefined or `false`: no bucket to start with; one is learnt from the
 * first 429 (see {@link RateGate}).
 */
export type RateLimit = { perSecond: number; burst: number } | false;

/** Construction options of {@link RateGate}. */
export interface RateGateOptions {
  /** Token bucket; undefined or `false`: none until a 429, then one learnt from the observed rate. */
  rateLimit?: RateLimit;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms`. Default a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Random source in [0, 1), for spreading callers released together from a pause. Default `Math.random`. */
  random?: () => number;
  /**
   * Lower the rate on 429 and creep back on success, and learn a bucket when none is configured.
   * Default true; false leaves only the configured bucket (if any) and the shared pause.
   */
  adaptive?: boolean;
  /**
   * The configured rate, asked before each paced request (only with a configured `rateLimit`, which
   * gives the starting rate and burst). A new value rescales the bucket: the burst in proportion, the
   * effective rate in proportion (so a rate lowered by 429s stays as far below the new ceiling). A
   * value that is not a finite number > 0, or undefined, keeps the current rate. The supplier is
   * called often: it must be cheap (cache, and re-read at most every so often).
   */
  rate?: () => number | undefined;
}

/** Default sleep: a timer promise. */
export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

/** Longest spread of callers released together from a pause when no bucket paces them, ms. */
const MAX_RELEASE_SPREAD_MS = 1000;

/** Slowest pace a learnt bucket falls to, requests/s. */
const MIN_LEARNT_RATE = 0.5;

/**
 * 429s closer together than this count as one signal: requests in flight when the limit hit all
 * come back 429 at once, and halving the rate for each would collapse it.
 */
const CUT_WINDOW_MS = 1000;

/** Paces the requests of one client: token bucket plus shared rate-limit pause. */
export class RateGate {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly adaptive: boolean;
  /** `configured`: bucket given; `learn`: bucket learnt from 429s; `off`: shared pause only (not adaptive). */
  private readonly mode: "configured" | "learn" | "off";
  /** Supplier of the configured rate; see {@link RateGateOptions.rate}. */
  private readonly supplied?: () => number | undefined;
  /** The configured rate and burst given at construction: the burst scales with the supplied rate. */
  private baseRate = 0;
  private baseBurst = 1;
  /** Current rate in requests/s; 0 while there is no bucket yet. */
  private rate = 0;
  private burst = 1;
  private ceiling = Number.POSITIVE_INFINITY;
  private floor = MIN_LEARNT_RATE;
  private step = 0;
  /** GCRA theoretical arrival time, ms. */
  private tat = Number.NEGATIVE_INFINITY;
  private pauseEnd = Number.NEGATIVE_INFINITY;
  private lastCut = Number.NEGATIVE_INFINITY;
  /** Grant times of the last second, while learning (to size the learnt bucket). */
  private recent: number[] = [];

  /** Builds a gate; see {@link RateGateOptions}. Throws `TypeError` on a non-positive rate or burst. */
  constructor(options: RateGateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.adaptive = options.adaptive ?? true;
    if (options.rateLimit) {
      const { perSecond, burst } = options.rateLimit;
      if (!(perSecond > 0) || !Number.isFinite(perSecond) || !(burst >= 1) || !Number.isInteger(burst)) {
        throw new TypeError(`rateLimit needs perSecond > 0 and a whole burst >= 1 (got perSecond=${perSecond}, burst=${burst})`);
      }
      this.mode = "configured";
      this.supplied = options.rate;
      this.baseRate = perSecond;
      this.baseBurst = burst;
      this.rate = perSecond;
      this.burst = burst;
      this.ceiling = perSecond;
      this.floor = perSecond / 8;
      this.step = perSecond / 20;
    } else {
      this.mode = this.adaptive ? "learn" : "off";
    }
  }

  /** Effective rate in requests/s, or undefined while no bucket applies. */
  get currentRate(): number | undefined {
    return this.rate > 0 ? this.rate : undefined;
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
        const pause = this.pauseEnd - t;
        await this.sleep(pause);
        if (this.rate === 0 && this.pauseEnd <= this.now()) {
          // No bucket to pace the callers released together: spread them over up to a second,
          // or they all hit the limit again at the same instant.
          const spread = Math.floor(this.random() * Math.min(pause, MAX_RELEASE_SPREAD_MS));
          if (spread > 0) await this.sleep(spread);
        }
        continue;
      }
      if (this.supplied !== undefined) this.follow(this.supplied());
      if (this.rate > 0) {
        const wait = this.reserve(t);
        if (wait > 0) await this.sleep(wait);
        if (this.pauseEnd > this.now()) continue;
      }
      if (this.mode === "learn" && this.rate === 0) this.remember(this.now());
      return;
    }
  }

  /** Makes every request through this gate wait `ms` from now (extends, never shortens, a pause). */
  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    this.pauseEnd = Math.max(this.pauseEnd, this.now() + ms);
  }

  /**
   * Reports a 429. Configured bucket: halves the rate (floor: 1/8 of the configured rate). No
   * bucket yet (default): starts one at half the rate observed over the last second, burst 1.
   * Learnt bucket: halves it (floor 0.5/s). 429s within one second count once.
   */
  onRateLimited(): void {
    if (!this.adaptive || this.mode === "off") return;
    const t = this.now();
    if (t - this.lastCut < CUT_WINDOW_MS) return;
    this.lastCut = t;
    if (this.mode === "learn" && this.rate === 0) {
      this.prune(t); // the limited request itself was counted when it was granted
      this.rate = Math.max(MIN_LEARNT_RATE, this.recent.length / 2);
      this.burst = 1;
      this.step = this.rate / 10;
      // Room to climb back to (and probe above) the rate that hit the limit, not beyond.
      this.ceiling = this.rate * 4;
      this.recent = [];
      return;
    }
    this.rate = Math.max(this.floor, this.rate / 2);
  }

  /** Reports a successful answer: creeps the effective rate back up (up to the configured one). */
  onSuccess(): void {
    if (!this.adaptive || this.rate === 0) return;
    this.rate = Math.min(this.ceiling, this.rate + this.step);
  }

  /** The configured rate, or undefined without a configured bucket (it moves with the `rate` supplier). */
  get configuredRate(): number | undefined {
    return this.mode === "configured" ? this.ceiling : undefined;
  }

  /**
   * Adopts `perSecond` as the configured rate: ceiling, floor and step follow it, and the effective
   * rate and the burst scale by the same factor. Ignores an invalid value (the supplier's fallbacks
   * are its own; the gate keeps pacing at the last good rate).
   */
  private follow(perSecond: number | undefined): void {
    if (perSecond === undefined || !(perSecond > 0) || !Number.isFinite(perSecond) || perSecond === this.ceiling) return;
    const factor = perSecond / this.ceiling;
    this.ceiling = perSecond;
    this.floor = perSecond / 8;
    this.step = perSecond / 20;
    this.rate = Math.min(perSecond, Math.max(this.floor, this.rate * factor));
    this.burst = Math.max(1, Math.ceil((this.baseBurst * perSecond) / this.baseRate));
  }

  /** Records a grant time and forgets those older than a second. */
  private remember(t: number): void {
    this.recent.push(t);
    this.prune(t);
  }

  /** Forgets grant times older than a second before `t`. */
  private prune(t: number): void {
    while (this.recent.length > 0 && this.recent[0] <= t - 1000) this.recent.shift();
  }

  /** GCRA reservation at time `t`: returns how long to wait for this caller's slot. */
  private reserve(t: number): number {
    const interval = 1000 / this.rate;
    const tolerance = (this.burst - 1) * interval;
    const arrival = Math.max(this.tat, t);
    const allowedAt = Math.max(t, arrival - tolerance);
    this.tat = arrival + interval;
    return allowedAt - t;
  }
}
