/**
 * A counting semaphore: bounds how many provider calls run at once. The SDK sends registrations concurrently
 * (the program's `--parallel` does not limit them), so the engine enforces the bound itself.
 */
export class Semaphore {
  #available: number;
  readonly #waiters: Array<() => void> = [];
  /** Highest number of holders seen at once (for tests and benchmarks). */
  peak = 0;
  #held = 0;

  /** @param limit maximum concurrent holders, at least 1. */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`parallelism must be a positive integer, got ${limit}`);
    this.#available = limit;
  }

  /** Runs `fn` once a slot is free, releasing the slot when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#available > 0) this.#available--;
    else await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#held++;
    this.peak = Math.max(this.peak, this.#held);
    try {
      return await fn();
    } finally {
      this.#held--;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#available++;
    }
  }
}
