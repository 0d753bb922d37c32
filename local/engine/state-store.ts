/**
 * The checkpoint of one stack for one run: loaded under the stack's lock, changed in memory by the steps, made
 * durable by flushes. Every provider write is recorded as pending (and flushed) before it is sent, and its result is
 * flushed before the program hears of it.
 *
 * The store composes small collaborators, each in its own module: the lock ({@link StackLock}), the stored form
 * with its secrets ({@link StateCodec}), the base file and journal ({@link StateFiles}), and when writes happen
 * ({@link FlushScheduler}).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { StateSecrets } from "./secrets";
import { StateCodec } from "./state-codec";
import { StateFiles, removeStaleTemporaries, type WriteOutcome } from "./state-files";
import { FlushScheduler } from "./state-flush";
import { StateWriteError, nodeStateIo, type StateIo } from "./state-io";
import { readStoredState } from "./state-journal";
import { StackLock } from "./state-lock";
import { STATE_VERSION, StateFileSchema, type PendingOperation, type ResourceState, type StackState, type StateFile } from "./state-schema";

/** A provider object the state may not know: its create started or finished after the last successful write. */
export type UnrecordedObject = { urn: string; type: string; id?: string };

/** `urn id` of every managed resource of a state. */
function managedIds(state: StackState): Set<string> {
  return new Set(state.resources.filter((r) => r.custom && !r.external && r.id).map((r) => `${r.urn} ${r.id}`));
}

/**
 * The stored state of `file` after its journal, checked to be a state of this project and stack.
 *
 * @throws Error when the file is not a local-engine state, or one of another project or stack.
 */
function parseStateFile(raw: Record<string, unknown>, file: string, project: string, stack: string): StateFile {
  const parsed = StateFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`state file ${file} is not a local-engine state: ${parsed.error.issues[0]?.message ?? ""}`);
  }
  if (parsed.data.project !== project || parsed.data.stack !== stack) {
    throw new Error(`state file ${file} belongs to ${parsed.data.project}/${parsed.data.stack}, not ${project}/${stack}`);
  }
  return parsed.data;
}

/** Owns the checkpoint of one stack for one run: load, mutate in memory, flush. */
export class StateStore {
  /** The decoded state; change it (replacing records through {@link upsert}), then call {@link flush} or {@link markDirty}. */
  state: StackState;
  readonly file: string;
  /** The operations a previous run left pending (for reporting; {@link StackState.pending} holds this run's). */
  readonly interrupted: readonly PendingOperation[];
  readonly #lock: StackLock;
  readonly #codec: StateCodec;
  readonly #files: StateFiles;
  readonly #flushes: FlushScheduler;
  /** The next write rewrites the base file and removes the journal (set by {@link close}). */
  #compactRequested = false;
  #failure: StateWriteError | undefined;
  /** `urn id` of every managed resource in the last state written successfully (or loaded). */
  #durable: Set<string>;
  #carriedCreates: PendingOperation[];

  private constructor(lock: StackLock, codec: StateCodec, files: StateFiles, state: StackState, interrupted: PendingOperation[]) {
    this.file = files.file;
    this.#lock = lock;
    this.#codec = codec;
    this.#files = files;
    this.state = state;
    this.interrupted = interrupted;
    this.#carriedCreates = interrupted.filter((p) => p.op === "create");
    this.#durable = managedIds(state);
    this.#flushes = new FlushScheduler(
      () => this.#writeNow(),
      () => this.#failure,
    );
  }

  /**
   * Opens (or starts) the checkpoint at `file`, taking the lock, and decodes it.
   *
   * @param passphrase `PULUMI_CONFIG_PASSPHRASE`, needed when the state holds secrets or will.
   * @param cancelCommand the command that removes the lock, named in the refusal.
   * @param io the file operations of state writes (tests inject failures).
   * @throws StackLockedError when a lock exists (see {@link StateStore.cancel}); PassphraseError on a missing or wrong
   *   passphrase; Error when the file is not a state file of this project and stack.
   */
  static open(
    file: string,
    project: string,
    stack: string,
    passphrase: string | undefined,
    cancelCommand = "npm run engine -- cancel",
    io: StateIo = nodeStateIo,
  ): StateStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lock = StackLock.acquire(file, cancelCommand);
    try {
      removeStaleTemporaries(file, io);
      const stored = readStoredState(file);
      const loaded = stored && parseStateFile(stored.raw, file, project, stack);
      const codec = new StateCodec(new StateSecrets(passphrase, loaded?.secretsProvider));
      const decoded = loaded ? codec.decode(loaded, file) : { outputs: {}, resources: [] };
      const state: StackState = { version: STATE_VERSION, project, stack, ...decoded, pending: [] };
      return new StateStore(lock, codec, new StateFiles(file, io, stored), state, loaded?.pending ?? []);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /**
   * `cancel`: removes the lock of the stack whose state is `file`, as `pulumi cancel` deletes the diy backend's
   * lock files. The person running it asserts that no run is active.
   *
   * @returns true when there was a lock to remove.
   */
  static cancel(file: string): boolean {
    return StackLock.cancel(file);
  }

  /** True when secrets can be written (a passphrase is available). */
  get canEncrypt(): boolean {
    return this.#codec.canEncrypt;
  }

  /** Number of physical writes made, to the base file or the journal (for tests and benchmarks). */
  get writes(): number {
    return this.#files.writes;
  }

  /** Bytes written by those writes. */
  get bytesWritten(): number {
    return this.#files.bytesWritten;
  }

  /** The first failed state write of this run, if any: from then on every flush is refused with it. */
  get writeFailure(): StateWriteError | undefined {
    return this.#failure;
  }

  /**
   * Makes the current state durable (see {@link StateFiles.write}). A failed write is recorded: every later flush is
   * refused with the first one.
   */
  async #writeNow(): Promise<void> {
    const compact = this.#compactRequested;
    const snap = this.#codec.snapshot(this.state, this.#carriedCreates);
    const ids = managedIds(this.state);
    let outcome: WriteOutcome;
    try {
      outcome = await this.#files.write(snap, compact);
    } catch (e) {
      if (!(e instanceof StateWriteError)) throw e;
      this.#failure ??= e;
      throw this.#failure;
    }
    if (outcome !== "appended") this.#compactRequested = false;
    if (outcome !== "unchanged") this.#durable = ids;
  }

  /**
   * The provider objects that may exist without being in the last state written: managed resources whose id is
   * not in it (their create finished after that write), and creates still pending (in flight, or interrupted).
   */
  unrecordedCreates(): UnrecordedObject[] {
    const found: UnrecordedObject[] = [];
    for (const r of this.state.resources) {
      if (r.custom && !r.external && r.id && !this.#durable.has(`${r.urn} ${r.id}`)) found.push({ urn: r.urn, type: r.type, id: r.id });
    }
    for (const p of this.state.pending) if (p.op === "create") found.push({ urn: p.urn, type: p.type });
    return found;
  }

  /**
   * Writes the state now (or joins a write that will include every change made before this call).
   *
   * @throws the write's error (e.g. a PassphraseError when a secret appears and no passphrase is set).
   */
  flush(): Promise<void> {
    return this.#flushes.flush();
  }

  /**
   * Saves state once, in {@link close}, instead of after steps: the real CLI's `PULUMI_SKIP_CHECKPOINTS=true`
   * (pkg/backend/snapshot.go, `unsafeServiceLoop`). A run killed before its end leaves the file as it was, with no
   * pending operation; one that ends, failed or not, saves everything it did.
   */
  saveOnlyAtClose(): void {
    this.#flushes.holdUntilClose();
  }

  /** Schedules a coalesced write within `delayMs` (for changes that need not be durable immediately). */
  markDirty(delayMs = 250): void {
    this.#flushes.schedule(delayMs);
  }

  /**
   * Flushes pending changes and reports a background write failure, if any happened. After a failed write it
   * makes one last attempt (the failed write's temporary file is gone, which may have freed the space), so that
   * what finished is recorded when the filesystem allows; the run has stopped starting steps either way.
   */
  async close(): Promise<void> {
    if (this.#failure) {
      await this.#flushes.settle();
      this.#compactRequested = true;
      await this.#writeNow().catch(() => undefined);
      throw this.#failure;
    }
    // The end of the run folds the journal into the base file: the next run loads one file.
    this.#compactRequested = true;
    this.#flushes.releaseHold();
    await this.#flushes.flush();
    if (this.#flushes.backgroundError) throw this.#flushes.backgroundError;
  }

  /** Releases the lock (idempotent), and removes the temporary file of a write the run did not wait for. */
  release(): void {
    this.#flushes.stop();
    this.#files.abandon();
    this.#lock.release();
  }

  /** Live resources by URN (excluding old halves of replacements waiting for deletion). */
  indexByUrn(): Map<string, ResourceState> {
    const m = new Map<string, ResourceState>();
    for (const r of this.state.resources) if (!r.pendingReplacement) m.set(r.urn, r);
    return m;
  }

  /**
   * Creates left pending by earlier runs. As in the real engine (pkg/backend/snapshot.go), they are kept in every
   * later checkpoint, because the object may exist in the provider without being in the state: only a person can
   * resolve them, with `refresh --clear-pending-creates`. Other interrupted operations are dropped at the first
   * write: their resources' recorded state stands.
   */
  get pendingCreates(): readonly PendingOperation[] {
    return this.#carriedCreates;
  }

  /** Forgets the creates earlier runs left pending (`refresh --clear-pending-creates`). */
  clearPendingCreates(): void {
    this.#carriedCreates = [];
  }

  /** Records that a provider write starts, before it is sent. */
  beginOperation(op: PendingOperation["op"], urn: string, type: string, id?: string): PendingOperation {
    const entry: PendingOperation = { op, urn, type, ...(id ? { id } : {}), startedAt: new Date().toISOString() };
    this.state.pending.push(entry);
    return entry;
  }

  /** Removes a pending operation once its outcome is recorded. */
  endOperation(entry: PendingOperation): void {
    const i = this.state.pending.indexOf(entry);
    if (i >= 0) this.state.pending.splice(i, 1);
  }

  /** Replaces (by identity) or appends a resource. */
  upsert(resource: ResourceState, previous?: ResourceState): void {
    const i = previous ? this.state.resources.indexOf(previous) : -1;
    if (i >= 0) this.state.resources[i] = resource;
    else this.state.resources.push(resource);
  }

  /** Removes a resource (by identity). */
  remove(resource: ResourceState): void {
    const i = this.state.resources.indexOf(resource);
    if (i >= 0) this.state.resources.splice(i, 1);
  }
}
