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
  private readonly probes = new Map<CustomerOperation, { signal: Promise<ProbeNews>; announce: (news: ProbeNews) => void }>();

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

  /**
   * Claims the cold-start probe of `operation`: while no duration is known, ONE waiter polls on the
   * cold schedule and the others wait for what it learns ({@link probeNews}). Returns the probe's
   * handle, or undefined when a duration is known or another waiter probes.
   */
  claimProbe(operation: CustomerOperation): ProbeHandle | undefined {
    if (this.means.has(operation) || this.probes.has(operation)) return undefined;
    const turn = { signal: Promise.resolve<ProbeNews>({ kind: "polled" }), announce: (_: ProbeNews) => undefined as void };
    const rearm = () => {
      turn.signal = new Promise<ProbeNews>((resolve) => (turn.announce = resolve));
    };
    rearm();
    this.probes.set(operation, turn);
    return {
      polled: () => {
        const announce = turn.announce;
        rearm();
        announce({ kind: "polled" });
      },
      end: (doneMs) => {
        if (this.probes.get(operation) === turn) this.probes.delete(operation);
        turn.announce({ kind: "ended", doneMs });
      },
    };
  }

  /**
   * Resolves at the probe's next poll (`polled`) or when it ends (`ended`, with the time its
   * operation took to be seen finished when it was); at once with `ended` when no probe runs.
   */
  probeNews(operation: CustomerOperation): Promise<ProbeNews> {
    return this.probes.get(operation)?.signal ?? Promise.resolve({ kind: "ended" });
  }

  /** A copy of the current estimates, for logs and benchmarks. */
  snapshot(): Partial<Record<CustomerOperation, number>> {
    return Object.fromEntries(this.means) as Partial<Record<CustomerOperation, number>>;
  }
}

/** What waiters learn from the cold-start probe of an operation. */
export type ProbeNews = { kind: "polled" } | { kind: "ended"; doneMs?: number };

/** The probe's side of {@link DurationEstimates.claimProbe}. */
export interface ProbeHandle {
  /** Reports one poll that found the operation still running (wakes the waiters, who check their patience). */
  polled(): void;
  /**
   * Ends the probe; `doneMs` is the time from the start of its wait to the poll that found its operation
   * finished, absent when the wait failed (another waiter then becomes the probe).
   */
  end(doneMs?: number): void;
}
