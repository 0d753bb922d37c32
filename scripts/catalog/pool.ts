/**
 * Runs shard stacks concurrently, at most `pool` at a time, each with its share of the partner's
 * rate limit (`rate-share.ts`). With a share folder, the shares follow the running shards through
 * share files (`share-files.ts`): the rate a finished shard frees goes to those still running.
 * A failed shard does not stop the others; a stop signal starts no new shard and is passed to the
 * running ones (their engines stop gracefully).
 */
import { CONFIG_TABLE } from "../../provider/config";
import { shareFor } from "./rate-share";
import type { ShardStatus } from "./report";
import type { ShardOperation, ShardOutcome, ShardRunner } from "./runners";
import { ShareFiles } from "./share-files";

/** The rate-limit setting each shard receives: its share when it starts. */
export const RATE_SETTING = CONFIG_TABLE.maxRequestsPerSecond.key;

/** The setting naming the file that moves a running shard's share. */
export const SHARE_FILE_SETTING = CONFIG_TABLE.rateShareFile.key;

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
  /**
   * Folder for the running shards' rate-share files (with `totalRate`): each running shard's share
   * is then `totalRate ÷ running`, moved as shards start and finish. Unset: a shard keeps the share
   * it started with (`shareFor`).
   */
  readonly shareDir?: string;
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
  const files = o.totalRate !== undefined && o.shareDir !== undefined ? new ShareFiles(o.shareDir, o.totalRate) : undefined;
  /** A starting shard's rate and the settings that carry it. */
  const shareOf = (i: number, entry: PoolEntry): { rate?: number; config: Readonly<Record<string, string>> } => {
    if (o.totalRate === undefined) return { config: entry.config };
    if (files !== undefined) {
      const { rate, file } = files.start(entry.stack);
      return { rate, config: { ...entry.config, [RATE_SETTING]: String(rate), [SHARE_FILE_SETTING]: file } };
    }
    const rate = shareFor(o.totalRate, [...running.values()], entries.length - i, o.pool);
    running.set(i, rate);
    return { rate, config: { ...entry.config, [RATE_SETTING]: String(rate) } };
  };
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
      const { rate, config } = shareOf(i, entry);
      const startedAt = now();
      update(i, { stack: entry.stack, state: "running", changes: {}, startedAt, rate });
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
      files?.finish(entry.stack);
      const state = outcome.ok ? "ok" : o.signal.aborted ? "cancelled" : "failed";
      update(i, { ...results[i]!, state, changes: outcome.changes, endedAt: now(), outcome, last: outcome.ok ? undefined : outcome.error });
    }
    // Nothing is left for this slot: its rate goes to the shards still running.
    files?.rebalance();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.pool, entries.length)) }, worker));
  return results;
}
