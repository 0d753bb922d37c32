/**
 * The retry policy: pure functions, no I/O, unit-tested as tables.
 *
 * The line drawn here is what makes creates idempotent later: a request is retried blindly only
 * when repeating it cannot duplicate anything, i.e. when it is idempotent (GET, PUT, DELETE, the
 * side-effect-free validate POSTs) or when the server certainly did not act on it (429, 423, a
 * refused connection). A create POST that failed ambiguously (reset, timeout, 5xx) is reported with
 * `outcomeUnknown`, and the caller looks the object up by its natural key before trying again.
 */
import type { ConnectionErrorKind } from "./errors";

/** Inputs of {@link shouldRetry}. */
export interface RetryQuestion {
  /** HTTP method (case-insensitive). */
  method: string;
  /** HTTP status of the answer; absent when the connection failed. */
  status?: number;
  /** What happened to the connection, when no answer came. */
  connectionErrorKind?: ConnectionErrorKind;
  /** Number of the attempt that just failed, from 1. */
  attempt: number;
  /** Bound on attempts; no retry once `attempt >= maxAttempts`. */
  maxAttempts: number;
  /**
   * Overrides the method's idempotency: `true` for POSTs without side effects (validate),
   * `false` for a non-idempotent PUT. Defaults to "every method but POST and PATCH".
   */
  idempotent?: boolean;
  /**
   * `false`: a 423 (the customer is busy) goes back to the caller instead of being sent again once
   * `Retry-After` has passed. For a write sent without reading the customer first: what the busy
   * operation leaves behind must be read and judged before writing again, never repeated blindly.
   */
  retryLocked?: boolean;
}

/** Answer of {@link shouldRetry}. */
export interface RetryDecision {
  /** Send the same request again (after a delay). */
  retry: boolean;
  /** The request may have been applied although it failed (only ever true for non-idempotent requests). */
  outcomeUnknown: boolean;
  /** The failure is transient: the same call may succeed later, even if this policy stops now. */
  transient: boolean;
}

/** Whether a method can be repeated without changing the outcome. */
function isIdempotent(method: string, override: boolean | undefined): boolean {
  if (override !== undefined) return override;
  const m = method.toUpperCase();
  return m !== "POST" && m !== "PATCH";
}

/**
 * Classifies a failure:
 * - `safe`: the server did not act (429, 423, refused/unreachable connection); any method may retry.
 * - `ambiguous`: the server may have acted (reset, timeout, other transport failure, 408, 5xx but
 *   501/505); only idempotent requests may retry.
 * - `final`: retrying cannot help (other statuses).
 */
function classify(q: RetryQuestion): "safe" | "ambiguous" | "final" {
  if (q.status === undefined) {
    switch (q.connectionErrorKind) {
      case "refused":
      case "unreachable":
        return "safe";
      case undefined:
        return "final";
      default:
        return "ambiguous";
    }
  }
  if (q.status === 429 || q.status === 423) return "safe";
  if (q.status === 408) return "ambiguous";
  // 501 Not Implemented and 505 HTTP Version Not Supported will not change on a retry.
  if (q.status >= 500 && q.status !== 501 && q.status !== 505) return "ambiguous";
  return "final";
}

/**
 * Decides whether to retry a failed attempt and whether a non-idempotent request may have been
 * applied. Pure.
 *
 * @example
 * shouldRetry({ method: "POST", status: 503, attempt: 1, maxAttempts: 6 })
 * // => { retry: false, outcomeUnknown: true, transient: true }
 */
export function shouldRetry(q: RetryQuestion): RetryDecision {
  const kind = classify(q);
  const idempotent = isIdempotent(q.method, q.idempotent);
  const attemptsLeft = q.attempt < q.maxAttempts;
  switch (kind) {
    case "safe":
      return { retry: attemptsLeft && !(q.status === 423 && q.retryLocked === false), outcomeUnknown: false, transient: true };
    case "ambiguous":
      return idempotent
        ? { retry: attemptsLeft, outcomeUnknown: false, transient: true }
        : { retry: false, outcomeUnknown: true, transient: true };
    default:
      return { retry: false, outcomeUnknown: false, transient: false };
  }
}

/** Longest `Retry-After` honoured; beyond it the value is taken as absurd and backoff applies. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * Reads a `Retry-After` header: delta-seconds (`"5"`, leniently `"1.5"`) or an HTTP-date.
 * Returns the delay in ms, or `undefined` when the value is missing or absurd (unparsable,
 * negative, a date in the past, more than {@link MAX_RETRY_AFTER_MS}) so the caller falls back
 * to exponential backoff.
 *
 * @param value header value as received
 * @param nowMs current time, for HTTP-dates (injectable for tests)
 */
export function parseRetryAfter(value: string | number | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  if (text === "") return undefined;
  let delayMs: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    delayMs = Math.round(Number(text) * 1000);
  } else if (/^[+-]?\d/.test(text)) {
    return undefined; // "-5", "5s", "1e3": numbers in a form the RFC does not allow
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - nowMs;
  }
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_RETRY_AFTER_MS) return undefined;
  return delayMs;
}

/** Tuning of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay before the 2nd attempt, before jitter. Default 500 ms. */
  baseMs?: number;
  /** Upper bound of any delay. Default 30 s. */
  capMs?: number;
  /**
   * `full`: uniform in [0, d]; `equal`: uniform in [d/2, d] (default: keeps a floor so a struggling
   * server gets real breathing room while parallel clients still spread out).
   */
  jitter?: "full" | "equal" | "none";
  /** Random source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/**
 * Exponential backoff with jitter and a cap: the delay to wait after failed attempt `attempt`
 * (from 1): `min(cap, base * 2^(attempt-1))`, jittered.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const random = options.random ?? Math.random;
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  switch (options.jitter ?? "equal") {
    case "none":
      return exp;
    case "full":
      return Math.floor(random() * exp);
    default:
      return Math.floor(exp / 2 + random() * (exp / 2));
  }
}
