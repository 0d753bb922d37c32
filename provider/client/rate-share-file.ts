/**
 * The rate-share file (`webex:rateShareFile`): a small JSON file, `{ "perSecond": n }`, through which
 * a coordinator (the `catalog` command's pool) moves a running process's share of the partner's rate
 * limit. This module reads it for the client's pacing and writes it for the coordinator, so the
 * format lives in one place.
 *
 * Reading is cheap and lazy: the reader is asked before each paced request, looks at the file's
 * identity (inode, size, mtime) at most once per interval, and parses it only when that changed. A
 * missing, unreadable or garbled file keeps the last good rate: pacing must never stop or jump
 * because a coordinator is rewriting the file or has gone.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";

/** How often the reader looks at the file at most, ms: a share moves within a second. */
export const RATE_SHARE_POLL_MS = 500;

/** The file's content, as written by {@link writeRateShareFile}. */
export interface RateShare {
  /** This process's share of the partner's limit, requests per second (> 0). */
  readonly perSecond: number;
}

/** What the reader needs of the file system (tests pass their own). */
export interface RateShareFs {
  /** The file's identity, or undefined when it does not exist or cannot be read. */
  identity(path: string): string | undefined;
  /** The file's text; may throw. */
  read(path: string): string;
}

/** The real file system. */
const nodeFs: RateShareFs = {
  identity(path) {
    try {
      const s = statSync(path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return undefined;
    }
  },
  read: (path) => readFileSync(path, "utf8"),
};

/** Options of {@link rateShareReader}. */
export interface RateShareReaderOptions {
  /** Clock in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Shortest time between two looks at the file, ms. Default {@link RATE_SHARE_POLL_MS}. */
  readonly pollMs?: number;
  /** File access. Default the real file system. */
  readonly fs?: RateShareFs;
}

/**
 * Parses the file's text: the rate, or undefined when the text is not `{ "perSecond": n }` with a
 * finite n > 0. Never throws.
 */
export function parseRateShare(text: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const perSecond = typeof value === "object" && value !== null ? (value as Record<string, unknown>)["perSecond"] : undefined;
  return typeof perSecond === "number" && Number.isFinite(perSecond) && perSecond > 0 ? perSecond : undefined;
}

/**
 * A rate supplier for the client's pacing that follows the file at `path`.
 * @param path the rate-share file.
 * @param initial the rate until the file gives a good one (`webex:maxRequestsPerSecond`).
 * @returns a function giving the current rate: the file's last good value, else `initial`.
 * @example const rate = rateShareReader("/run/shares/s-0.json", 25); rate() // 25, or the file's value
 */
export function rateShareReader(path: string, initial: number, options: RateShareReaderOptions = {}): () => number {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? RATE_SHARE_POLL_MS;
  const fs = options.fs ?? nodeFs;
  let rate = initial;
  let seen: string | undefined;
  let lookedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    if (t - lookedAt < pollMs) return rate;
    lookedAt = t;
    const identity = fs.identity(path);
    if (identity === undefined || identity === seen) return rate;
    let text: string;
    try {
      text = fs.read(path);
    } catch {
      return rate; // gone between the look and the read: look again next time
    }
    const parsed = parseRateShare(text);
    // A garbled file is remembered as seen: it is not parsed again until it changes.
    seen = identity;
    if (parsed !== undefined) rate = parsed;
    return rate;
  };
}

/**
 * Writes a share atomically (a temporary file renamed over the target), so a reader never sees a
 * half-written file.
 * @throws RangeError when `perSecond` is not a finite number > 0 (a coordinator's bug, not a user's).
 */
export function writeRateShareFile(path: string, perSecond: number): void {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`a rate share must be a finite number > 0 (got ${perSecond})`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ perSecond } satisfies RateShare)}\n`);
  renameSync(temporary, path);
}
