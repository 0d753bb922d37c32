/**
 * Persistence of the state to a JSON file: loaded at start, written atomically (temporary file
 * in the same folder, then rename, so a crash leaves the old or the new file, never half of
 * one), coalesced (many changes in a burst give one write) and flushed on close.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
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
  const whatToDo =
    "move it away (or delete it) to start the emulator empty; the Pulumi state then records objects the emulator lacks: run a refresh to drop them";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // A truncated file (a full disk, a killed copy) is the usual cause: say which file, and what to do.
    throw new Error(`emulator state file ${file} is not valid JSON (${(e as Error).message}; truncated?): ${whatToDo}`);
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new Error(`${file} is not an emulator state file (${issue?.message ?? "invalid"}${where}): ${whatToDo}`);
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
    removeDeadTemporaries(file);
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
        const tmp = temporaryOf(this.file, process.pid);
        // An exit during the write (process.exit on a second Ctrl-C, an uncaught error) must not
        // leave the temporary behind; a SIGKILL's is removed by the next persister of the file.
        const onExit = () => rmSync(tmp, { force: true });
        process.once("exit", onExit);
        const started = Date.now();
        try {
          await writeFile(tmp, JSON.stringify(state), "utf8");
          await rename(tmp, this.file);
          this.lastError = undefined;
        } catch (e) {
          this.lastError = e instanceof Error ? e : new Error(String(e));
          // A failed write (ENOSPC) leaves a partial temporary: it is worth nothing, and takes space.
          await rm(tmp, { force: true }).catch(() => undefined);
        } finally {
          process.off("exit", onExit);
        }
        // A big state takes long to write: pause WRITE_PAUSE_FACTOR times as long before the next
        // one, so writing takes at most 1/(factor+1) of the time under a steady stream of changes
        // and its cost per request stays flat as the state grows (the latest state is still written).
        const took = Date.now() - started;
        if (this.pending !== undefined && took > this.debounceMs) await sleep(took * WRITE_PAUSE_FACTOR);
      }
    };
    this.writing = run().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }
}

/** How many times a write's duration to wait before the next write (see `drain`). */
const WRITE_PAUSE_FACTOR = 4;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The temporary file a process writes before renaming it over `file`. */
function temporaryOf(file: string, pid: number): string {
  return `${file}.${pid}.tmp`;
}

/** Removes temporaries of `file` left by processes that are gone (killed during a write). */
function removeDeadTemporaries(file: string): void {
  const pattern = new RegExp(`^${basename(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) rmSync(join(dirname(file), name), { force: true });
  }
}

/** Whether a process exists (EPERM: it exists, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
