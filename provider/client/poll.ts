/**
 * Generic polling with exponential backoff, jitter, a cap and a total timeout.
 *
 * Provisioning a customer takes seconds on the emulator and minutes on Webex; a poller that starts
 * fast and backs off keeps latency low without hammering the API. `initialDelayMs` lets the caller
 * skip polls that are certain to answer "still busy" (the client feeds it from observed durations,
 * see `DurationEstimates`), so a warmed-up client needs one or two polls per operation.
 */
import { ProvisioningApiError, ProvisioningTimeoutError, NotFoundError } from "./errors";
import { realSleep } from "./rate-gate";

/** What the progress callback receives after each poll. */
export interface PollProgress {
  /** Status text of the object (or of the failure, for a transient read error). */
  status: string;
  /** Time since polling started, ms. */
  elapsedMs: number;
  /** Number of polls so far, from 1. */
  polls: number;
}

/** Options of {@link poll}. */
export interface PollOptions<T> {
  /** Reads the object once. */
  fetch: () => Promise<T>;
  /** True when the object reached a terminal state. */
  isDone: (value: T) => boolean;
  /** Status text for progress and the timeout error. */
  describe: (value: T) => string;
  /** Total time allowed, ms; past it a {@link ProvisioningTimeoutError} is thrown. */
  timeoutMs: number;
  /** Wait before the first poll, ms. Default 0. */
  initialDelayMs?: number;
  /** Interval after the first busy poll, ms. Default 1000. */
  minDelayMs?: number;
  /** Growth of the interval after each busy poll. Default 1.5. */
  factor?: number;
  /** Cap of the interval, ms. Default 30 000. */
  maxDelayMs?: number;
  /** Relative jitter of each interval, 0..1 (0.2 = ±20 %). Default 0.2. */
  jitter?: number;
  /** Injectable sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable random source in [0, 1). */
  random?: () => number;
  /** Called after every poll. */
  onProgress?: (progress: PollProgress) => void;
  /**
   * Decides whether a failed read is transient and polling should go on. Default: retryable
   * {@link ProvisioningApiError}s other than {@link NotFoundError} (the transport has already
   * retried them; a long provisioning should not fail on one network blip).
   */
  tolerate?: (error: unknown) => boolean;
  /** Describes the polled object in the timeout error. */
  target?: { id?: string; method?: string; path?: string; what?: string };
}

/** Default of {@link PollOptions.tolerate}. */
function tolerateTransient(error: unknown): boolean {
  return error instanceof ProvisioningApiError && error.retryable && !(error instanceof NotFoundError);
}

/**
 * Polls until `isDone`, returning the terminal value. Errors of `fetch` that are not tolerated
 * propagate; the timeout throws {@link ProvisioningTimeoutError} carrying the last status and the
 * elapsed time. A last poll is always made at the deadline, so a timeout never hides a success.
 */
export async function poll<T>(options: PollOptions<T>): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const tolerate = options.tolerate ?? tolerateTransient;
  const factor = options.factor ?? 1.5;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const { timeoutMs } = options;
  if (!(timeoutMs >= 0)) throw new TypeError(`timeoutMs must be >= 0 (got ${timeoutMs})`);

  const start = now();
  let interval = Math.min(options.minDelayMs ?? 1000, maxDelay);
  let polls = 0;
  let lastStatus: string | undefined;

  const initial = Math.min(Math.max(0, options.initialDelayMs ?? 0), timeoutMs);
  if (initial > 0) await sleep(initial);

  for (;;) {
    let value: T | undefined;
    let done = false;
    try {
      value = await options.fetch();
      lastStatus = options.describe(value);
      done = options.isDone(value);
    } catch (error) {
      if (!tolerate(error)) throw error;
      lastStatus = `unknown (${error instanceof Error ? error.name : "read failed"})`;
    }
    polls++;
    const elapsedMs = now() - start;
    options.onProgress?.({ status: lastStatus, elapsedMs, polls });
    if (done) return value as T;
    if (elapsedMs >= timeoutMs) {
      const t = options.target ?? {};
      throw new ProvisioningTimeoutError({
        message:
          `${t.what ?? "The object"}${t.id ? ` ${t.id}` : ""} did not reach a final status within ${Math.round(timeoutMs / 1000)} s ` +
          `(last status: ${lastStatus ?? "none"}, ${polls} polls). It may still finish: read it again later, ` +
          "or raise the provisioning timeout.",
        method: t.method ?? "GET",
        path: t.path ?? "",
        id: t.id,
        lastStatus,
        elapsedMs,
        timeoutMs,
      });
    }
    const jittered = interval * (1 + jitter * (2 * random() - 1));
    interval = Math.min(maxDelay, interval * factor);
    await sleep(Math.max(0, Math.min(jittered, timeoutMs - elapsedMs)));
  }
}
