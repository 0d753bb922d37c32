/**
 * The running shards' rate-share files: one `{ "perSecond": n }` file per running shard (read by its
 * provider through `webex:rateShareFile`), rewritten whenever a shard starts or finishes so that the
 * running shards always share the whole limit evenly and never more than it.
 *
 * Ordering is the guarantee: a starting shard's file is written only after every running shard's
 * file has been shrunk to the new share. A running provider re-reads its file within
 * `RATE_SHARE_POLL_MS` (0.5 s), well inside a starting shard's engine start-up (seconds), so the
 * requests actually sent follow the same bound.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeRateShareFile } from "../../provider/client/rate-share-file";
import { evenShare } from "./rate-share";

/** A starting shard's share: its starting rate and the file that moves it. */
export type StartingShare = { readonly rate: number; readonly file: string };

/** The share files of one run, under `dir` (created when absent). */
export class ShareFiles {
  /** Running shards' files, by stack. */
  private readonly running = new Map<string, string>();

  /**
   * @param dir the folder for the files, one `<stack>.json` per running shard.
   * @param total the partner's limit, requests per second, divided between the running shards.
   * @param write writes one file (a caller that watches every write passes its own).
   */
  constructor(
    private readonly dir: string,
    private readonly total: number,
    private readonly write: (file: string, perSecond: number) => void = writeRateShareFile,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Shrinks the running shards' shares to make room for `stack`, then writes its own file. */
  start(stack: string): StartingShare {
    const rate = evenShare(this.total, this.running.size + 1);
    this.rewrite(rate);
    const file = join(this.dir, `${stack}.json`);
    this.write(file, rate);
    this.running.set(stack, file);
    return { rate, file };
  }

  /**
   * Forgets `stack`'s file once its run ended. The others keep their shares until {@link rebalance}:
   * when another shard takes the free slot at once, growing them first would overshoot the limit.
   */
  finish(stack: string): void {
    const file = this.running.get(stack);
    if (file === undefined) return;
    this.running.delete(stack);
    rmSync(file, { force: true });
  }

  /** Gives the running shards the whole limit, evenly (a slot stays free: no shard is left to start). */
  rebalance(): void {
    if (this.running.size > 0) this.rewrite(evenShare(this.total, this.running.size));
  }

  /** Writes `rate` to every running shard's file. */
  private rewrite(rate: number): void {
    for (const file of this.running.values()) this.write(file, rate);
  }
}
