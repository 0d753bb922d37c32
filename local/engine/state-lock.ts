/**
 * The lock that stops two runs on one stack: a file next to the state (`<state>.lock`) naming its owner. Like the
 * Pulumi CLI's diy backend (pkg/backend/diy/lock.go), any existing lock refuses the run, also one left by a killed
 * run: only `cancel` removes it, once a person has made sure no run is active. Taking over a lock silently could run
 * two deployments on one stack.
 */
import * as fs from "node:fs";
import * as os from "node:os";

/** Thrown when another run holds the stack's lock. */
export class StackLockedError extends Error {
  override name = "StackLockedError";
}

/** The lock file of the stack whose state is `stateFile`. */
export function lockFileFor(stateFile: string): string {
  return `${stateFile}.lock`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A held lock on one stack. */
export class StackLock {
  #held = true;

  private constructor(readonly file: string) {}

  /**
   * Takes the lock of the stack whose state is `stateFile`.
   *
   * @param cancelCommand the command that removes the lock, named in the refusal.
   * @throws StackLockedError when a lock exists, naming its owner and the command that removes it.
   */
  static acquire(stateFile: string, cancelCommand: string): StackLock {
    const file = lockFileFor(stateFile);
    const body = JSON.stringify({
      pid: process.pid,
      user: os.userInfo().username,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
    });
    try {
      fs.writeFileSync(file, body, { flag: "wx" });
      return new StackLock(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder: { pid?: number; user?: string; host?: string; startedAt?: string } = {};
    try {
      holder = JSON.parse(fs.readFileSync(file, "utf8")) as typeof holder;
    } catch {
      // A lock torn by a crash between create and write: still a lock, reported without details.
    }
    const gone =
      holder.pid !== undefined && holder.host === os.hostname() && !pidAlive(holder.pid) ? " (that process is no longer running)" : "";
    throw new StackLockedError(
      `the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`${cancelCommand}\`.\n` +
        `  ${file}: created by ${holder.user ?? "?"}@${holder.host ?? "?"} (pid ${holder.pid ?? "?"}) at ${holder.startedAt ?? "?"}${gone}`,
    );
  }

  /**
   * `cancel`: removes the lock of the stack whose state is `stateFile`, as `pulumi cancel` deletes the diy backend's
   * lock files. The person running it asserts that no run is active.
   *
   * @returns true when there was a lock to remove.
   */
  static cancel(stateFile: string): boolean {
    const file = lockFileFor(stateFile);
    const existed = fs.existsSync(file);
    fs.rmSync(file, { force: true });
    return existed;
  }

  /** Releases the lock (idempotent). */
  release(): void {
    if (this.#held) fs.rmSync(this.file, { force: true });
    this.#held = false;
  }
}
