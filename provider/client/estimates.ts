/**
 * Per-client estimates of how long asynchronous operations take, used as the default delay
 * before the first poll so a warmed-up client polls once or twice per operation instead of a
 * dozen times.
 */

/** The asynchronous customer operations whose durations are tracked separately. */
export type CustomerOperation = "create" | "update" | "delete";

/**
 * Exponentially weighted means of observed durations, per operation. Samples are taken by the
 * waiters: the midpoint between the last busy poll and the terminal one when both exist (the true
 * completion lies between them), else 80 % of the time of a first poll that was already terminal
 * (an upper bound; shrinking it probes whether operations got faster).
 */
export class DurationEstimates {
  private readonly means = new Map<CustomerOperation, number>();

  /** @param alpha weight of a new sample, 0..1 (default 0.5: adapts within a few operations). */
  constructor(private readonly alpha = 0.5) {}

  /** Current estimate in ms, undefined before the first sample. */
  get(operation: CustomerOperation): number | undefined {
    return this.means.get(operation);
  }

  /** Records one observed duration in ms. */
  observe(operation: CustomerOperation, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    const previous = this.means.get(operation);
    this.means.set(operation, previous === undefined ? durationMs : previous + this.alpha * (durationMs - previous));
  }

  /** A copy of the current estimates, for logs and benchmarks. */
  snapshot(): Partial<Record<CustomerOperation, number>> {
    return Object.fromEntries(this.means) as Partial<Record<CustomerOperation, number>>;
  }
}
