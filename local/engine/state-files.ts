/**
 * The files of one stack's state, a base file and its journal, and the one write that brings them up to a
 * snapshot: a journal entry holding what changed since the last write, or a rewrite of the base file (which folds
 * the journal into it).
 *
 * The base file is rewritten at the first write of a run that found a journal, when the journal outgrows the base,
 * and when a compaction is asked for (the end of a run). A full rewrite per step made a 1,100-resource `up` write
 * about 1 GB (gotcha G4). What a write made durable survives a kill at any later moment: the journal's header names
 * the base file it continues (by hash), so a kill between a rewrite's rename and the journal's removal cannot apply
 * entries twice, and a kill during an append leaves a torn last line, which the next load ignores.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { composeBaseFile, type Snapshot } from "./state-codec";
import { StateWriteError, type StateIo } from "./state-io";
import {
  journalEntry,
  journalFileFor,
  journalHeader,
  listDelta,
  sha256,
  storedList,
  type StoredList,
  type StoredState,
} from "./state-journal";

/**
 * A journal smaller than this is never compacted during a run; above it, the next write folds the journal into the
 * base file once the journal is larger than the base. Compactions then double the base at most each time, so an
 * `up` writes O(final state) bytes in all, where a full rewrite per step wrote O(steps × state).
 */
const COMPACT_MIN_BYTES = 1 << 20;

/** What the files hold: the reference the next journal entry is written against. */
type OnDisk = {
  resources: StoredList;
  pending: StoredList;
  outputs: string;
  /** JSON of the secrets-provider block ("" when none). */
  provider: string;
  blobs: Set<string>;
};

/**
 * Removes the `<state>.tmp-<pid>` files of rewrites a killed run left behind. Safe only under the stack's lock: no
 * other run of this stack is writing.
 */
export function removeStaleTemporaries(file: string, io: StateIo): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  for (const name of fs.readdirSync(dir)) if (name.startsWith(prefix)) io.removeQuietly(path.join(dir, name));
}

/** What a {@link StateFiles.write} did. */
export type WriteOutcome = "unchanged" | "appended" | "rewritten";

/** The base file and journal of one stack, written by one run (which holds the stack's lock). */
export class StateFiles {
  readonly #io: StateIo;
  /** What the base file and the journal hold, as of the last successful write (or the load). */
  #onDisk: OnDisk = { resources: storedList([]), pending: storedList([]), outputs: "{}", provider: "", blobs: new Set() };
  /** SHA-256 of the base file's text; undefined while there is no base file. */
  #baseHash: string | undefined;
  #baseBytes = 0;
  /** Bytes of the journal this run started (0: none). */
  #journalBytes = 0;
  /** A journal this run did not write (an earlier run's, or one a failed append left unknown): fold it at the next write. */
  #foldJournal = false;
  /** The temporary file of the base rewrite in progress, removed by {@link abandon} if the run ends during it. */
  #tmpInFlight: string | undefined;
  #writes = 0;
  #bytesWritten = 0;

  /**
   * @param file the base file; its journal is {@link journalFileFor}(file).
   * @param stored what the files held when the run loaded them (undefined: no base file).
   */
  constructor(
    readonly file: string,
    io: StateIo,
    stored: StoredState | undefined,
  ) {
    this.#io = io;
    if (!stored) {
      this.#foldJournal = fs.existsSync(journalFileFor(file));
      return;
    }
    this.#baseHash = sha256(stored.baseText);
    this.#baseBytes = Buffer.byteLength(stored.baseText);
    this.#foldJournal = stored.journal;
    // As stored: an unchanged state encodes to the same lines (ciphertexts are reused), so it is not rewritten.
    const raw = stored.raw;
    const lines = (key: string): StoredList => storedList(((raw[key] ?? []) as unknown[]).map((x) => JSON.stringify(x)));
    this.#onDisk = {
      resources: lines("resources"),
      pending: lines("pending"),
      outputs: JSON.stringify(raw["outputs"] ?? {}),
      provider: raw["secretsProvider"] ? JSON.stringify(raw["secretsProvider"]) : "",
      blobs: new Set(Object.keys((raw["blobs"] ?? {}) as object)),
    };
  }

  /** Number of physical writes made, to the base file or the journal. */
  get writes(): number {
    return this.#writes;
  }

  /** Bytes written by those writes. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Removes the temporary file of a rewrite the run did not wait for. */
  abandon(): void {
    if (this.#tmpInFlight) this.#io.removeQuietly(this.#tmpInFlight);
  }

  /**
   * Makes `snap` durable: appends a journal entry holding what changed since the last write, or rewrites the base
   * file. Writes nothing when nothing changed and, if `compact`, no journal is left to fold.
   *
   * @param compact rewrite the base file and remove the journal.
   * @throws StateWriteError when the filesystem refuses the write.
   */
  async write(snap: Snapshot, compact: boolean): Promise<WriteOutcome> {
    const disk = this.#onDisk;
    const resources = listDelta(disk.resources, snap.resources);
    const pending = listDelta(disk.pending, snap.pending);
    const provider = snap.provider ? JSON.stringify(snap.provider) : "";
    const unchanged = !resources && !pending && snap.outputs === disk.outputs && provider === disk.provider;
    const journalOnDisk = this.#journalBytes > 0 || this.#foldJournal;
    if (unchanged && !(compact && journalOnDisk)) return "unchanged";
    const full =
      compact || this.#foldJournal || this.#baseHash === undefined || this.#journalBytes > Math.max(this.#baseBytes, COMPACT_MIN_BYTES);
    if (full) await this.#rewriteBase(composeBaseFile(snap));
    else {
      await this.#append(
        journalEntry({
          resources: { delta: resources, lines: snap.resources },
          pending: { delta: pending, lines: snap.pending },
          ...(snap.outputs !== disk.outputs ? { outputs: snap.outputs } : {}),
          newBlobs: Object.entries(snap.blobs).filter(([hash]) => !disk.blobs.has(hash)),
          ...(provider !== disk.provider ? { provider } : {}),
        }),
      );
    }
    this.#onDisk = {
      resources: resources ? storedList(snap.resources) : disk.resources,
      pending: pending ? storedList(snap.pending) : disk.pending,
      outputs: snap.outputs,
      provider,
      blobs: full ? new Set(Object.keys(snap.blobs)) : new Set([...disk.blobs, ...Object.keys(snap.blobs)]),
    };
    this.#writes++;
    return full ? "rewritten" : "appended";
  }

  /** Rewrites the base file atomically (temporary file, fsync, rename, fsync of the directory), then drops the journal. */
  async #rewriteBase(text: string): Promise<void> {
    const tmp = `${this.file}.tmp-${process.pid}`;
    this.#tmpInFlight = tmp;
    try {
      await this.#io.writeDurable(tmp, text);
      await this.#io.rename(tmp, this.file);
      // fsync the directory so the rename itself survives a power loss, not only a killed process.
      await this.#io.syncDir(path.dirname(this.file));
    } catch (e) {
      // The temporary file may hold most of the disk's remaining space: never leave it behind.
      this.#io.removeQuietly(tmp);
      throw new StateWriteError(this.file, e);
    } finally {
      this.#tmpInFlight = undefined;
    }
    // The journal continues the old base (its header says so): if this removal is lost, loads ignore it.
    if (this.#journalBytes > 0 || this.#foldJournal) this.#io.removeQuietly(journalFileFor(this.file));
    this.#baseHash = sha256(text);
    this.#baseBytes = Buffer.byteLength(text);
    this.#journalBytes = 0;
    this.#foldJournal = false;
    this.#bytesWritten += this.#baseBytes;
  }

  /** Appends one journal entry, starting the journal (with its header) at the first one after a base rewrite. */
  async #append(entry: string): Promise<void> {
    const journal = journalFileFor(this.file);
    const text = this.#journalBytes === 0 ? journalHeader(this.#baseHash!) + entry : entry;
    try {
      if (this.#journalBytes === 0) {
        await this.#io.writeDurable(journal, text);
        await this.#io.syncDir(path.dirname(this.file));
      } else {
        await this.#io.appendDurable(journal, text);
      }
    } catch (e) {
      // What the journal now ends with is unknown (a torn line, or a whole one whose fsync failed): the next write
      // rewrites the base file instead.
      this.#foldJournal = true;
      throw new StateWriteError(this.file, e);
    }
    this.#journalBytes += Buffer.byteLength(text);
    this.#bytesWritten += Buffer.byteLength(text);
  }
}
