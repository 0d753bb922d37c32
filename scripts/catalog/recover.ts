/**
 * What `npm run catalog` does first after a run that was killed (SIGKILL, a CI runner taking down
 * the job's process group, a lost machine): a killed Pulumi CLI leaves its stack's lock, and the
 * creates it had in flight pending in the checkpoint (`../shared/reference/real-pulumi-engine.md`,
 * "Interrupted runs"). Every later operation on that stack fails until `pulumi cancel`, and the
 * pending creates stay until a refresh forgets them.
 *
 * The lock file names the process that took it. A lock whose process no longer runs on this
 * machine was left by a killed run: it is released (`pulumi cancel`) and the stack is refreshed
 * with `--clear-pending-creates`, as `npm start` does after a killed run. Forgetting a pending
 * create is safe because the provider adopts the object by `externalId` (a customer) or email (a
 * user) on the next `up`, so nothing is created twice. A lock whose process still runs, or that
 * was taken on another machine, is never taken over: the run stops and prints, per stack, the
 * command that releases it once a person has made sure no run is going.
 */
import { hostname } from "node:os";
import { otherProcessAlive } from "../start-stores";
import type { ShardRunner, StackLockHolder } from "./runners";

/** What {@link releaseKilledRuns} found. */
export type Recovery = {
  /** Stacks whose state must be refreshed (pending operations forgotten) before the operation runs. */
  readonly refresh: string[];
  /** Per stack locked by a run that may still be going: what to do; the operation must not run. */
  readonly stuck: string[];
};

/** Options of {@link releaseKilledRuns}. */
export type RecoveryOptions = {
  readonly runner: ShardRunner;
  /** The stacks this operation will run or change (those the backend does not hold are skipped). */
  readonly stacks: readonly string[];
  /** A preview changes nothing: it only reports what the next `up` will repair. */
  readonly changeNothing: boolean;
  readonly print: (line: string) => void;
  /** Whether a process of this machine still runs (tests pass their own). */
  readonly alive?: (pid: number) => boolean;
  /** This machine's name, as lock files record it. */
  readonly host?: string;
};

/** A lock holder as a person reads it. */
const holderText = (l: StackLockHolder) => `pid ${l.pid ?? "?"} on ${l.host ?? "an unknown machine"}${l.since ? `, since ${l.since}` : ""}`;

/**
 * Releases the locks that killed runs left on `stacks` and names the stacks to refresh. Each
 * release is printed; a lock that may belong to a running process is reported in `stuck` with the
 * command that releases it.
 */
export async function releaseKilledRuns(o: RecoveryOptions): Promise<Recovery> {
  const alive = o.alive ?? otherProcessAlive;
  const host = o.host ?? hostname();
  const known = new Set(await o.runner.stacks());
  const refresh: string[] = [];
  const stuck: string[] = [];
  for (const stack of o.stacks.filter((s) => known.has(s))) {
    const locks = await o.runner.locks(stack);
    // A torn lock file (no pid) is a killed run's too: it was being written when the process died.
    const running = locks.filter((l) => l.host !== undefined && (l.host !== host || (l.pid !== undefined && alive(l.pid))));
    if (running.length > 0) {
      const l = running[0]!;
      stuck.push(
        `${stack}: locked by ${holderText(l)}, ${l.host === host ? "which is still running" : "another machine"}. ` +
          `Wait for that run to end${l.host === host ? ` or stop it (kill -TERM ${l.pid})` : ""}, then run this again. ` +
          `Only if no run is going, release the lock by hand:\n    ${o.runner.cancelCommand(stack)}`,
      );
      continue;
    }
    const pending = await o.runner.pending(stack);
    if (locks.length === 0 && pending === 0) continue;
    if (o.changeNothing) {
      o.print(
        `${stack}: a killed run left ${[locks.length > 0 ? "its lock" : "", pending > 0 ? `${pending} pending operation(s)` : ""].filter(Boolean).join(" and ")}; ` +
          `this preview changes nothing and may be wrong: the next up releases the lock and refreshes the stack first.`,
      );
      continue;
    }
    if (locks.length > 0) {
      await o.runner.cancel(stack);
      o.print(`${stack}: released the lock left by a killed run (${locks.map(holderText).join("; ")}, no longer running).`);
    }
    o.print(
      `${stack}: refreshing first${pending > 0 ? `: ${pending} operation(s) left pending by a killed run are forgotten (the next up adopts what they created)` : ""}.`,
    );
    refresh.push(stack);
  }
  return { refresh, stuck };
}
