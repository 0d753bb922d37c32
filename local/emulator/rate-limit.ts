/**
 * Token bucket per token: each bucket starts full (`burst`) and refills at `perSecond`. The
 * clock is a parameter so tests need not wait.
 */
import type { z } from "zod";
import type { RateLimitSchema } from "./options";

/** Verdict for one request: allowed, or refused with the whole seconds to wait. */
export type RateVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Per-key token buckets. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private config: z.output<typeof RateLimitSchema>;

  /** `false` or a zero rate lets everything through. */
  constructor(config: z.output<typeof RateLimitSchema>) {
    this.config = config;
  }

  /** Changes the limits; buckets restart full so a new limit applies cleanly. */
  configure(config: z.output<typeof RateLimitSchema>): void {
    this.config = config;
    this.buckets.clear();
  }

  /** Forgets every bucket. */
  reset(): void {
    this.buckets.clear();
  }

  /** Takes one token from `key`'s bucket at time `now` (ms). */
  take(key: string, now: number): RateVerdict {
    const c = this.config;
    if (c === false || c.perSecond <= 0) return { ok: true };
    const b = this.buckets.get(key) ?? { tokens: c.burst, at: now };
    b.tokens = Math.min(c.burst, b.tokens + ((now - b.at) / 1000) * c.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / c.perSecond)) };
  }
}
