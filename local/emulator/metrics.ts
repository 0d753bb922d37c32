/**
 * Request log and counters for `/__admin/requests` and `/__admin/counters`: what tests and
 * benchmarks assert on (how many calls of each kind a run made, how many were refused).
 */
import { z } from "zod";

/** One API request as logged. Never holds a token or a body. */
export const RequestLogEntrySchema = z.object({
  time: z.string(),
  method: z.string(),
  /** Route template (`GET /v1/wholesale/customers/{id}` → `/v1/wholesale/customers/{id}`), or the raw path when none matched. */
  route: z.string(),
  path: z.string(),
  /** HTTP status sent; null when no answer was sent (hang, reset, dropped). */
  status: z.number().nullable(),
  scenario: z.string().optional(),
  fault: z.string().optional(),
  durationMs: z.number(),
  trackingId: z.string(),
});

/** One API request as logged. */
export type RequestLogEntry = z.output<typeof RequestLogEntrySchema>;

/** `GET /__admin/counters`. */
export const CountersSchema = z.object({
  /** API requests received. */
  total: z.number(),
  /** Requests of read routes (GET, prechecks) and of write routes (POST/PUT/DELETE that change state). */
  reads: z.number(),
  writes: z.number(),
  /** Per `METHOD route-template`, e.g. `POST /v1/wholesale/customers`. */
  byRoute: z.record(z.string(), z.number()),
  /** Per HTTP method. */
  byMethod: z.record(z.string(), z.number()),
  /** Per status sent (as a string key). */
  byStatus: z.record(z.string(), z.number()),
  /** 429 answers sent (rate limit or forced). */
  rateLimited: z.number(),
  /** Faults injected or forced, in total and per kind. */
  faultsInjected: z.number(),
  faults: z.record(z.string(), z.number()),
});

/** `GET /__admin/counters`. */
export type Counters = z.output<typeof CountersSchema>;

/** Keeps the counters and a bounded request log. */
export class Metrics {
  private counters: Counters = Metrics.empty();
  private log: RequestLogEntry[] = [];
  private readonly maxLog: number;

  /** Keeps at most `maxLog` log entries (the oldest go first). */
  constructor(maxLog = 10_000) {
    this.maxLog = maxLog;
  }

  private static empty(): Counters {
    return { total: 0, reads: 0, writes: 0, byRoute: {}, byMethod: {}, byStatus: {}, rateLimited: 0, faultsInjected: 0, faults: {} };
  }

  /** Records one API request. */
  record(entry: RequestLogEntry, write: boolean | undefined): void {
    const c = this.counters;
    c.total++;
    if (write === true) c.writes++;
    else c.reads++;
    const key = `${entry.method} ${entry.route}`;
    c.byRoute[key] = (c.byRoute[key] ?? 0) + 1;
    c.byMethod[entry.method] = (c.byMethod[entry.method] ?? 0) + 1;
    const status = entry.status === null ? "none" : String(entry.status);
    c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
    if (entry.status === 429) c.rateLimited++;
    if (entry.fault !== undefined) {
      c.faultsInjected++;
      c.faults[entry.fault] = (c.faults[entry.fault] ?? 0) + 1;
    }
    this.log.push(entry);
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  /** A copy of the counters. */
  snapshot(): Counters {
    return structuredClone(this.counters);
  }

  /** A copy of the log, oldest first. */
  requests(): RequestLogEntry[] {
    return [...this.log];
  }

  /** Zeroes the counters (the log is kept). */
  resetCounters(): void {
    this.counters = Metrics.empty();
  }

  /** Zeroes the counters and empties the log. */
  resetAll(): void {
    this.resetCounters();
    this.log = [];
  }
}
