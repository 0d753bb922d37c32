/**
 * What `npm start` reads of the stores it keeps under its state folder, without running anything:
 * the Pulumi state (the CLI's file backend or the local engine's state file), its lock, the backups
 * that can replace a damaged checkpoint, the emulator's state, and the marker of a run in progress.
 * Everything here is read-only except the marker and the recovery file, and never throws on a
 * missing or damaged file: a damaged store is an answer, not a crash.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStoredState } from "../local/engine/state-journal";
import { escapeControl } from "../provider/text";

/** Where one `npm start` state folder keeps each store. */
export type Stores = {
  /** The state folder itself (`.local/` by default). */
  local: string;
  /** The Pulumi CLI's file backend (`PULUMI_BACKEND_URL=file://…`). */
  backend: string;
  /** The local engine's state file. */
  engineState: string;
  /** The emulator's state file. */
  emulatorState: string;
  /** The marker of a run in progress (see {@link RunMarker}). */
  marker: string;
};

/** The stores of the state folder `local`, for the stack `stack`. */
export function storesOf(local: string, stack: string): Stores {
  return {
    local,
    backend: join(local, "pulumi"),
    engineState: join(local, "engine", `${stack}.json`),
    emulatorState: join(local, "emulator-state.json"),
    marker: join(local, "run-in-progress.json"),
  };
}

/** How the type token of every dynamic resource in a Pulumi state starts (`pulumi-nodejs:dynamic/webex:CustomerOrg`). */
const DYNAMIC_TYPE = /^pulumi-nodejs:dynamic[:/]/;

/** What a Pulumi state records, as far as `npm start` needs it. */
export type PulumiStateSummary = {
  /** The checkpoint file read. */
  file: string;
  /** false when the file exists but is not a readable checkpoint (truncated by a full disk, say). */
  readable: boolean;
  /** The dynamic resources recorded. */
  resources: { type: string; id?: string }[];
  /** Operations an interrupted run left pending. */
  pending: number;
};

/** The CLI's checkpoint of `stack` in the file backend: `.pulumi/stacks/<project>/<stack>.json`. */
export function cliCheckpoint(stores: Stores, project: string, stack: string): string {
  return join(stores.backend, ".pulumi", "stacks", project, `${stack}.json`);
}

/**
 * Summarises a Pulumi state: the CLI's checkpoint (`{checkpoint: {latest: {resources,
 * pending_operations}}}`) or, with `engine`, the local engine's state (`{resources, pending}`, its
 * journal replayed: what a killed run left recorded). A missing file is an empty, readable state.
 */
export function readPulumiState(file: string, engine = false): PulumiStateSummary {
  if (!existsSync(file)) return { file, readable: true, resources: [], pending: 0 };
  try {
    const data = (engine ? readStoredState(file)?.raw : JSON.parse(readFileSync(file, "utf8"))) as {
      resources?: { type?: string; id?: string }[];
      pending?: unknown[];
      checkpoint?: { latest?: { resources?: { type?: string; id?: string }[]; pending_operations?: unknown[] } };
    };
    const latest = data.checkpoint?.latest;
    const resources = (data.resources ?? latest?.resources ?? [])
      .filter((r) => DYNAMIC_TYPE.test(r.type ?? ""))
      .map((r) => ({ type: r.type ?? "", id: r.id }));
    return { file, readable: true, resources, pending: (data.pending ?? latest?.pending_operations ?? []).length };
  } catch {
    return { file, readable: false, resources: [], pending: 0 };
  }
}

/** Every file under `dir` (recursively), or none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** True while the CLI's file backend holds a lock (a run is active, or one was killed). */
export function cliLockHeld(stores: Stores): boolean {
  return filesUnder(join(stores.backend, ".pulumi", "locks")).length > 0;
}

/** True while the local engine's state holds a lock. */
export function engineLockHeld(stores: Stores): boolean {
  return existsSync(`${stores.engineState}.lock`);
}

/**
 * The newest intact copy of the CLI's checkpoint of `stack`: a file under `.pulumi/backups` (one per
 * save, written before the save replaces the checkpoint) or `.pulumi/history` that parses as a
 * checkpoint. Undefined when there is none.
 */
export function newestIntactBackup(stores: Stores, stack: string): { file: string; resources: number } | undefined {
  const bookkeeping = join(stores.backend, ".pulumi");
  const candidates = [...filesUnder(join(bookkeeping, "backups")), ...filesUnder(join(bookkeeping, "history"))]
    .filter((f) => f.endsWith(".json") && f.split("/").includes(stack))
    .map((file) => ({ file, mtime: statSync(file).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of candidates) {
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { checkpoint?: { latest?: { resources?: unknown[] } } };
      if (data.checkpoint?.latest) return { file, resources: data.checkpoint.latest.resources?.length ?? 0 };
    } catch {
      // damaged too: try an older one
    }
  }
  return undefined;
}

/**
 * Writes the checkpoint `backup` as a file `pulumi stack import --file` accepts (a checkpoint holds
 * the deployment under `checkpoint.latest`; an import file holds it under `deployment`), at `target`.
 */
export function writeImportFile(backup: string, target: string): void {
  const data = JSON.parse(readFileSync(backup, "utf8")) as { checkpoint: { latest: unknown } };
  writeFileSync(target, `${JSON.stringify({ version: 3, deployment: data.checkpoint.latest }, null, 2)}\n`, { mode: 0o600 });
}

/** The customer ids the emulator's state file holds; undefined when the file is missing or unreadable. */
export function emulatorCustomerIds(stores: Stores): Set<string> | undefined {
  try {
    const data = JSON.parse(readFileSync(stores.emulatorState, "utf8")) as { customers?: Record<string, unknown> };
    return new Set(Object.keys(data.customers ?? {}));
  } catch {
    return undefined;
  }
}

/** What the marker of a run in progress records. */
export type RunRecord = { operation: string; pid: number; startedAt: string };

/**
 * The marker of a run in progress: written before a run that changes anything starts, removed when it
 * ends cleanly (its process exited on its own, no lock and no pending operation left). A marker
 * found at the start of the next run means the last one ended some other way (killed, the machine
 * lost, the disk full): its changes may be missing from the Pulumi state, most of all under
 * `PULUMI_SKIP_CHECKPOINTS=true`, where the state is saved once, at the end.
 */
export class RunMarker {
  constructor(private readonly file: string) {}

  /** The record left by an earlier run, if any (a damaged marker counts as one: its run did not end cleanly). */
  read(): RunRecord | undefined {
    if (!existsSync(this.file)) return undefined;
    let data: Partial<Record<keyof RunRecord, unknown>> = {};
    try {
      data = (JSON.parse(readFileSync(this.file, "utf8")) as typeof data | null) ?? {};
    } catch {
      // damaged: still a run that did not end cleanly
    }
    // File text reaches the terminal: escaped, and only the fields this marker has.
    const text = (v: unknown) => (typeof v === "string" ? escapeControl(v.slice(0, 100)) : "unknown");
    return { operation: text(data.operation), pid: Number.isInteger(data.pid) ? (data.pid as number) : 0, startedAt: text(data.startedAt) };
  }

  /** Records the run starting now. */
  write(record: RunRecord): void {
    writeFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  /** The run ended cleanly. */
  remove(): void {
    rmSync(this.file, { force: true });
  }
}

/**
 * True when a process with this pid is running (and is not this one). A zombie (killed, not yet
 * reaped: its parent died too, and a container's init may never reap it) has stopped running, so
 * it does not count; on Linux its state is read from `/proc/<pid>/stat`.
 */
export function otherProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/** True when `/proc` says the process has exited and waits to be reaped (state Z or X). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which is in parentheses and may itself hold any character.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return false; // no /proc (not Linux), or it is gone
  }
}
