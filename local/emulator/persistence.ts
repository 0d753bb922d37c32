/**
 * Persistence of the state to a JSON file: loaded at start, written atomically (temporary file
 * in the same folder, then rename, so a crash leaves the old or the new file, never half of
 * one), coalesced (many changes in a burst give one write) and flushed on close.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type State, StateSchema } from "./core/state";

/** Reads a state file; undefined when it does not exist. Throws with the file name when it is invalid. */
export function loadStateFile(file: string): State | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const parsed = StateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${file} is not an emulator state file (${parsed.error.issues[0]?.message ?? "invalid"}); move it away to start empty`);
  }
  return parsed.data;
}

/** Writes states to a file, at most one write in flight, the latest state last. */
export class StatePersister {
  private pending: State | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastError: Error | undefined;
  private readonly file: string;
  private readonly debounceMs: number;

  /** `debounceMs` groups bursts of changes into one write. */
  constructor(file: string, debounceMs = 20) {
    this.file = file;
    this.debounceMs = debounceMs;
    mkdirSync(dirname(file), { recursive: true });
  }

  /** Records that `state` is the newest; it will be written soon. */
  schedule(state: State): void {
    this.pending = state;
    if (this.timer === undefined && this.writing === undefined) {
      this.timer = setTimeout(() => void this.drain(), this.debounceMs);
    }
  }

  /** Writes whatever is pending now and waits for it. Rejects with the last write error, if any. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.writing;
    await this.drain();
    if (this.lastError !== undefined) throw this.lastError;
  }

  private async drain(): Promise<void> {
    this.timer = undefined;
    if (this.writing !== undefined) return this.writing;
    const run = async (): Promise<void> => {
      while (this.pending !== undefined) {
        const state = this.pending;
        this.pending = undefined;
        const tmp = `${this.file}.${process.pid}.tmp`;
        try {
          await writeFile(tmp, JSON.stringify(state), "utf8");
          await rename(tmp, this.file);
          this.lastError = undefined;
        } catch (e) {
          this.lastError = e instanceof Error ? e : new Error(String(e));
        }
      }
    };
    this.writing = run().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }
}
