/**
 * Runs shard stacks concurrently, at most `pool` at a time, each with its share of the partner's
 * rate limit (`rate-share.ts`). A failed shard does not stop the others; a stop signal starts no
 * new shard and is passed to the running ones (their engines stop gracefully).
 */
import { shareFor } from "./rate-share";
import type { ShardStatus } from "./report";
import type { ShardOperation, ShardOutcome, ShardRunner } from "./runners";

/** The rate-limit setting each shard receives. */
export const RATE_SETTING = "webex:maxRequestsPerSecond";

/** A stack to run, with its own settings. */
export type PoolEntry = { readonly stack: string; readonly config: Readonly<Record<string, string>> };

/** Options of {@link runPool}. */
export type PoolOptions = {
  readonly operation: ShardOperation;
  // Only its `run`: the pool neither reads nor repairs state.
  readonly runner: Pick<ShardRunner, "run">;
  /** The most stacks that run at once (≥ 1). */
  readonly pool: number;
  /** The partner's limit in requests per second, divided between running shards; unset: no pacing. */
  readonly totalRate?: number;
  readonly signal: AbortSignal;
  /** Each stack's output line. */
  readonly output: (stack: string, line: string) => void;
  /** Called whenever a stack's status changes (started, finished). */
  readonly onChange?: (status: ShardStatus) => void;
  /** The clock (tests pass their own). */
  readonly now?: () => number;
};

/** A stack's status with its outcome, once it ran. */
export type PoolResult = ShardStatus & { readonly outcome?: ShardOutcome };

/** Runs every entry; resolves, in the entries' order, when all have finished or were not started. */
export async function runPool(entries: readonly PoolEntry[], o: PoolOptions): Promise<PoolResult[]> {
  const now = o.now ?? Date.now;
  const results: PoolResult[] = entries.map((e) => ({ stack: e.stack, state: "waiting", changes: {} }));
  const running = new Map<number, number>();
  let next = 0;
  const update = (i: number, status: PoolResult) => {
    results[i] = status;
    o.onChange?.(status);
  };
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const entry = entries[i]!;
      if (o.signal.aborted) {
        update(i, { ...results[i]!, state: "cancelled", last: "not started: the run was stopped" });
        continue;
      }
      const rate = o.totalRate === undefined ? undefined : shareFor(o.totalRate, [...running.values()], entries.length - i, o.pool);
      if (rate !== undefined) running.set(i, rate);
      const startedAt = now();
      update(i, { stack: entry.stack, state: "running", changes: {}, startedAt, rate });
      const config = rate === undefined ? entry.config : { ...entry.config, [RATE_SETTING]: String(rate) };
      let outcome: ShardOutcome;
      try {
        outcome = await o.runner.run({
          stack: entry.stack,
          operation: o.operation,
          config,
          signal: o.signal,
          output: (line) => {
            results[i] = { ...results[i]!, last: line };
            o.output(entry.stack, line);
          },
        });
      } catch (e) {
        outcome = { ok: false, changes: {}, outputs: {}, error: e instanceof Error ? e.message : String(e) };
      }
      running.delete(i);
      const state = outcome.ok ? "ok" : o.signal.aborted ? "cancelled" : "failed";
      update(i, { ...results[i]!, state, changes: outcome.changes, endedAt: now(), outcome, last: outcome.ok ? undefined : outcome.error });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.pool, entries.length)) }, worker));
  return results;
}
