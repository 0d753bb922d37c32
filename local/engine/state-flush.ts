/**
 * When the state is written: flushes are coalesced (concurrent flushes share one write, and a flush requested during
 * a write is served by the next one), changes that need not be durable at once are written within a delay, and a run
 * that saves only at its end (`PULUMI_SKIP_CHECKPOINTS`) writes nothing before.
 */

/** Schedules the writes of one state. */
export class FlushScheduler {
  readonly #write: () => Promise<void>;
  readonly #refusal: () => Error | undefined;
  #writing: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backgroundError: Error | undefined;
  #onlyAtClose = false;

  /**
   * @param write makes the current state durable.
   * @param refusal the error every flush is refused with, once there is one (a failed write).
   */
  constructor(write: () => Promise<void>, refusal: () => Error | undefined) {
    this.#write = write;
    this.#refusal = refusal;
  }

  /** The error of the last write started by {@link schedule} that failed, if any (nobody awaited it). */
  get backgroundError(): Error | undefined {
    return this.#backgroundError;
  }

  /**
   * Writes the state now, or joins a write that will include every change made before this call. Resolves at
   * once while writes are held until close.
   */
  flush(): Promise<void> {
    if (this.#onlyAtClose) return Promise.resolve();
    this.#cancelTimer();
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    if (this.#queued) return this.#queued;
    const start = (): Promise<void> => {
      const p = this.#write().finally(() => {
        if (this.#writing === p) this.#writing = undefined;
      });
      this.#writing = p;
      return p;
    };
    if (this.#writing) {
      const q = this.#writing
        .catch(() => undefined)
        .then(() => {
          this.#queued = undefined;
          return start();
        });
      this.#queued = q;
      return q;
    }
    return start();
  }

  /** Schedules a flush within `delayMs`, unless one is scheduled already. */
  schedule(delayMs: number): void {
    if (this.#onlyAtClose || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((e: Error) => {
        this.#backgroundError = e;
      });
    }, delayMs);
  }

  /** Holds every flush until {@link releaseHold}: the state is saved once, at the end of the run. */
  holdUntilClose(): void {
    this.#onlyAtClose = true;
  }

  /** Ends {@link holdUntilClose}: flushes write again. */
  releaseHold(): void {
    this.#onlyAtClose = false;
  }

  /** Cancels a scheduled flush and waits for the writes in flight, ignoring their errors. */
  async settle(): Promise<void> {
    this.#cancelTimer();
    await this.#writing?.catch(() => undefined);
    await this.#queued?.catch(() => undefined);
  }

  /** Cancels a scheduled flush. */
  stop(): void {
    this.#cancelTimer();
  }

  #cancelTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
