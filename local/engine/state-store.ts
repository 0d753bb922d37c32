/**
 * The stack's JSON checkpoint: schema, encoding (secrets encrypted, `__provider` deduplicated), durable and
 * coalesced writes (a base file plus an append-only journal), pending operations and the lock against concurrent
 * runs.
 *
 * In memory the state holds plain property maps (secrets as wire envelopes, `__provider` as text). On disk every
 * secret envelope becomes `{sig, ciphertext}` and every top-level `__provider` string becomes a reference into a
 * blob table keyed by SHA-256 (gotcha G5: the code is otherwise stored twice per resource).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";

import { Crypter, PassphraseError, SecretsProviderSchema } from "./secrets";
import { PROVIDER_KEY, SECRET_SIG, SIG_KEY, isSecret } from "./property-values";
import type { PropertyMap, PropertyValue } from "./sdk";

/** Signature of a blob reference `{[SIG_KEY]: BLOB_SIG, hash}` in the stored state. */
const BLOB_SIG = "local-engine:blob:sha256";
const STATE_VERSION = 1;

const PropertyMapSchema = z.record(
  z.string(),
  z.custom<PropertyValue>(() => true),
);

/** One resource in the state. */
export const ResourceStateSchema = z.object({
  urn: z.string(),
  type: z.string(),
  /** Custom (provider-backed) resource, as opposed to a component or the Stack. */
  custom: z.boolean(),
  id: z.string().default(""),
  parent: z.string().default(""),
  inputs: PropertyMapSchema.default({}),
  outputs: PropertyMapSchema.default({}),
  dependencies: z.array(z.string()).default([]),
  /** For each input, the resources its value came from (to find the dependents a replacement affects). */
  propertyDependencies: z.record(z.string(), z.array(z.string())).default({}),
  protect: z.boolean().default(false),
  retainOnDelete: z.boolean().default(false),
  /** Read with `Resource.get`: owned elsewhere, never deleted by this stack. */
  external: z.boolean().default(false),
  additionalSecretOutputs: z.array(z.string()).default([]),
  /** Set when the provider reported a partial create/update; forces an update on the next `up`. */
  initErrors: z.array(z.string()).optional(),
  /** The old half of a create-before-delete replacement, still to be deleted. */
  pendingReplacement: z.boolean().optional(),
});

/** A resource as stored in memory. */
export type ResourceState = z.output<typeof ResourceStateSchema>;

/** A provider write that started and whose outcome is not recorded yet. */
export const PendingOperationSchema = z.object({
  op: z.enum(["create", "update", "delete"]),
  urn: z.string(),
  type: z.string(),
  id: z.string().optional(),
  startedAt: z.string(),
});

/** A pending operation. */
export type PendingOperation = z.output<typeof PendingOperationSchema>;

/** The whole checkpoint file. */
export const StateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  project: z.string(),
  stack: z.string(),
  secretsProvider: SecretsProviderSchema.optional(),
  blobs: z.record(z.string(), z.string()).default({}),
  outputs: PropertyMapSchema.default({}),
  resources: z.array(ResourceStateSchema).default([]),
  pending: z.array(PendingOperationSchema).default([]),
});

/** The checkpoint as it is held in memory (decoded). */
export type StackState = Omit<z.output<typeof StateFileSchema>, "blobs" | "secretsProvider">;

/** The journal kept next to a state file (`<state>.journal`): the steps recorded since the base file was written. */
export function journalFileFor(stateFile: string): string {
  return `${stateFile}.journal`;
}

const JOURNAL_VERSION = 1;

/**
 * A journal smaller than this is never compacted during a run; above it, the next write folds the journal into the
 * base file once the journal is larger than the base. Compactions then double the base at most each time, so an
 * `up` writes O(final state) bytes in all, where a full rewrite per step wrote O(steps × state).
 */
const COMPACT_MIN_BYTES = 1 << 20;

/** First line of a journal: the base file it continues, by the SHA-256 of its text. */
const JournalHeaderSchema = z.object({ journal: z.literal(JOURNAL_VERSION), base: z.string() });

/**
 * A list relative to the previous one: each item is either `[from, count]` (that run of the previous list,
 * unchanged) or an element as stored (new or changed).
 */
const ListDeltaSchema = z.array(
  z.union([z.tuple([z.number().int().nonnegative(), z.number().int().positive()]), z.record(z.string(), z.unknown())]),
);

/** The elements a {@link ListDeltaSchema} delta describes; undefined when it refers past the previous list. */
function applyListDelta(previous: unknown[], delta: z.output<typeof ListDeltaSchema>): unknown[] | undefined {
  const next: unknown[] = [];
  for (const item of delta) {
    if (!Array.isArray(item)) next.push(item);
    else if (item[0] + item[1] > previous.length) return undefined;
    else for (let i = item[0]; i < item[0] + item[1]; i++) next.push(previous[i]);
  }
  return next;
}

/**
 * One journal entry: the state after one durable write, relative to the state before it: `r` the resources and
 * `p` the pending operations (carried creates included), as list deltas; `o`, `b`, `s` the stack outputs, new
 * blobs and the secrets-provider block, when they changed.
 */
const JournalEntrySchema = z.object({
  r: ListDeltaSchema,
  p: ListDeltaSchema,
  o: z.record(z.string(), z.unknown()).optional(),
  b: z.record(z.string(), z.string()).optional(),
  s: z.unknown().optional(),
});

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Applies a journal's entries to the parsed base file, in order, and returns how many it applied. Stops at the
 * first entry that is torn (a run killed during its append leaves a last line without its newline) or malformed;
 * ignores the whole journal when it continues another base file (a run killed after a compaction's rename, before
 * it removed the journal: the base already holds every entry).
 */
function replayJournal(state: Record<string, unknown>, text: string, baseHash: string): number {
  const lines = text.split("\n");
  lines.pop(); // after the last newline: nothing, or the entry a kill tore
  const header = JournalHeaderSchema.safeParse(parseJsonOrUndefined(lines[0] ?? ""));
  if (!header.success || header.data.base !== baseHash) return 0;
  const list = (key: string): unknown[] => (Array.isArray(state[key]) ? (state[key] as unknown[]) : []);
  let applied = 0;
  for (const line of lines.slice(1)) {
    const entry = JournalEntrySchema.safeParse(parseJsonOrUndefined(line));
    if (!entry.success) break;
    const resources = applyListDelta(list("resources"), entry.data.r);
    const pending = applyListDelta(list("pending"), entry.data.p);
    if (!resources || !pending) break;
    state["resources"] = resources;
    state["pending"] = pending;
    if (entry.data.o) state["outputs"] = entry.data.o;
    if (entry.data.b) state["blobs"] = { ...(state["blobs"] as Record<string, string> | undefined), ...entry.data.b };
    if (entry.data.s !== undefined) state["secretsProvider"] = entry.data.s;
    applied++;
  }
  return applied;
}

/** The stored state of a stack, as its files hold it (see {@link readStoredState}). */
export type StoredState = {
  /** The base file's text. */
  baseText: string;
  /** The state: the base file with the journal's entries applied (secrets still encrypted, blobs referenced). */
  raw: Record<string, unknown>;
  /** Journal entries applied. */
  replayed: number;
  /** A journal file exists (replayed, torn or stale): the next write folds it into the base file. */
  journal: boolean;
};

/**
 * Reads a stack's stored state: the base file, with its journal replayed. This is what a run killed at any moment
 * left recorded; tests and tools read the state through it (the base file alone may lag behind).
 *
 * @returns undefined when there is no base file.
 * @throws Error when the base file is not valid JSON.
 */
export function readStoredState(file: string): StoredState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const baseText = fs.readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(baseText);
  } catch (e) {
    throw new Error(`state file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw)) throw new Error(`state file ${file} is not a local-engine state: not a JSON object`);
  const journal = journalFileFor(file);
  const hasJournal = fs.existsSync(journal);
  const replayed = hasJournal ? replayJournal(raw, fs.readFileSync(journal, "utf8"), sha256(baseText)) : 0;
  return { baseText, raw, replayed, journal: hasJournal };
}

/**
 * The file operations a state write uses. A seam so tests can make a write fail (ENOSPC, EIO) at a chosen point;
 * {@link nodeStateIo} is the real one.
 */
export interface StateIo {
  /** Creates (or truncates) `file` (mode 0600) holding `text` and makes its content durable (fsync). */
  writeDurable(file: string, text: string): Promise<void>;
  /** Appends `text` to the existing `file` and makes it durable (fsync). */
  appendDurable(file: string, text: string): Promise<void>;
  /** Renames `from` to `to`, replacing `to` atomically. */
  rename(from: string, to: string): Promise<void>;
  /** Makes a directory's entries (a rename) durable; filesystems that refuse fsync on a directory are tolerated. */
  syncDir(dir: string): Promise<void>;
  /** Removes a file if it exists (never throws). */
  removeQuietly(file: string): void;
}

/** The real file operations of {@link StateIo}. */
export const nodeStateIo: StateIo = {
  async writeDurable(file, text) {
    const fh = await fs.promises.open(file, "w", 0o600);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async appendDurable(file, text) {
    const fh = await fs.promises.open(file, "a");
    try {
      await fh.appendFile(text, "utf8");
      await fh.datasync();
    } finally {
      await fh.close();
    }
  },
  rename: (from, to) => fs.promises.rename(from, to),
  async syncDir(dir) {
    const fh = await fs.promises.open(dir, "r");
    try {
      await fh.sync();
    } catch {
      // Some filesystems refuse fsync on a directory; the rename is still atomic.
    } finally {
      await fh.close();
    }
  },
  removeQuietly(file) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // Best effort: the next run's open removes leftovers too.
    }
  },
};

/**
 * A state write failed at the filesystem (ENOSPC, EIO, a read-only remount...). Once one happens the store refuses
 * every later flush with it: as when the real engine cannot save a checkpoint (pkg/backend/snapshot.go), the
 * deployment must not start provider writes it cannot record.
 */
export class StateWriteError extends Error {
  override name = "StateWriteError";
  /** The errno code of the cause (`ENOSPC`, `EIO`, ...), when it has one. */
  readonly code: string | undefined;

  constructor(file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`cannot write the state file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.code = code;
  }
}

/** A provider object the state may not know: its create started or finished after the last successful write. */
export type UnrecordedObject = { urn: string; type: string; id?: string };

/** Thrown when another run holds the stack's lock. */
export class StackLockedError extends Error {
  override name = "StackLockedError";
}

function isPlainObject(v: unknown): v is Record<string, PropertyValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** One resource's stored JSON, cached with the fields it was made from (see {@link StateStore}'s line cache). */
type CachedLine = { line: string; blobs: Array<[string, string]>; fields: unknown[] };

/** The state as it would be stored, in the pieces a journal entry compares. */
type Snapshot = {
  /** One stored JSON object per resource, in order. */
  resources: string[];
  /** One stored JSON object per pending operation, in order. */
  pending: string[];
  /** Every blob the state references, by hash. */
  blobs: Record<string, string>;
  outputs: string;
  provider: z.output<typeof SecretsProviderSchema> | undefined;
};

/** A stored list, indexed by element text (identical texts are interchangeable). */
type StoredList = { lines: string[]; index: Map<string, number> };

function storedList(lines: string[]): StoredList {
  return { lines, index: new Map(lines.map((l, i) => [l, i])) };
}

/** `lines` relative to `previous` (see {@link ListDeltaSchema}); undefined when they are the same. */
function listDelta(previous: StoredList, lines: string[]): Array<[number, number] | string> | undefined {
  const items: Array<[number, number] | string> = [];
  for (const line of lines) {
    const at = previous.index.get(line);
    const last = items[items.length - 1];
    if (at === undefined) items.push(line);
    else if (Array.isArray(last) && last[0] + last[1] === at) last[1]++;
    else items.push([at, 1]);
  }
  const first = items[0];
  const same =
    lines.length === previous.lines.length && (items.length === 0 || (items.length === 1 && Array.isArray(first) && first[0] === 0));
  return same ? undefined : items;
}

/** A delta as journal text. */
function deltaJson(items: Array<[number, number] | string> | undefined, lines: string[]): string {
  return `[${(items ?? (lines.length > 0 ? [[0, lines.length] as [number, number]] : [])).map((i) => (typeof i === "string" ? i : `[${i[0]},${i[1]}]`)).join(",")}]`;
}

/** What the files on disk (base file and journal) hold: the reference the next journal entry is written against. */
type OnDisk = {
  resources: StoredList;
  pending: StoredList;
  outputs: string;
  /** JSON of the secrets-provider block ("" when none). */
  provider: string;
  blobs: Set<string>;
};

/**
 * Owns the checkpoint of one stack for one run: load, mutate in memory, flush.
 *
 * Storage is a base file (the whole state, written atomically) plus a journal (`<state>.journal`, one JSON line per
 * durable write, appended and fsynced). A write appends only what changed since the previous one: the changed
 * resources, and runs of unchanged ones by position. The base file is rewritten (the journal folded into it) at the
 * first write of a run that found a journal, when the journal outgrows the base, and at the end of the run. A
 * full rewrite per step made a 1,100-resource `up` write about 1 GB (gotcha G4).
 *
 * Flushes are coalesced: concurrent `flush()` calls share one write, and a flush requested during a write is served
 * by the next one. What a flush made durable survives a kill at any later moment: the journal's header names the
 * base file it continues (by hash), so a kill between a compaction's rename and the journal's removal cannot apply
 * entries twice, and a kill during an append leaves a torn last line, which the next load ignores.
 */
export class StateStore {
  /** The decoded state; mutate it, then call {@link flush} or {@link markDirty}. */
  state: StackState;
  readonly file: string;
  readonly lockFile: string;
  #crypter: Crypter | undefined;
  #passphrase: string | undefined;
  #storedProvider: z.output<typeof SecretsProviderSchema> | undefined;
  #locked = false;
  #writing: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** What the base file and the journal hold, as of the last successful write (or the load). */
  #onDisk: OnDisk = { resources: storedList([]), pending: storedList([]), outputs: "{}", provider: "", blobs: new Set() };
  #lineCache = new WeakMap<ResourceState, CachedLine>();
  #pendingCache = new WeakMap<PendingOperation, string>();
  /** SHA-256 of the base file's text; undefined while there is no base file. */
  #baseHash: string | undefined;
  #baseBytes = 0;
  /** Bytes of the journal this run started (0: none). */
  #journalBytes = 0;
  /** A journal this run did not write (an earlier run's, or one a failed append left unknown): fold it at the next write. */
  #foldJournal = false;
  /** The next write rewrites the base file and removes the journal (set by {@link close}). */
  #compactRequested = false;
  #cipherCache = new Map<string, string>();
  #hashCache = new Map<string, string>();
  #mapCache = new WeakMap<PropertyMap, { json: string; blobs: Array<[string, string]> }>();
  #writeError: Error | undefined;
  #failure: StateWriteError | undefined;
  readonly #io: StateIo;
  /** `urn id` of every managed resource in the last state written successfully (or loaded). */
  #durable = new Set<string>();
  /** The temporary file of the write in progress, removed by {@link release} if the run ends during it. */
  #tmpInFlight: string | undefined;
  #carriedCreates: PendingOperation[] = [];
  /** The operations a previous run left pending (for reporting; {@link StackState.pending} holds this run's). */
  interrupted: readonly PendingOperation[] = [];
  /** Set by {@link saveOnlyAtClose}: flushes before {@link close} write nothing. */
  #onlyAtClose = false;
  /** Number of physical writes made, to the base file or the journal (for tests and benchmarks). */
  writes = 0;
  /** Bytes written by those writes. */
  bytesWritten = 0;

  private constructor(file: string, state: StackState, passphrase: string | undefined, io: StateIo) {
    this.file = file;
    this.#io = io;
    this.lockFile = `${file}.lock`;
    this.state = state;
    this.#passphrase = passphrase;
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
    const store = new StateStore(file, { version: STATE_VERSION, project, stack, outputs: {}, resources: [], pending: [] }, passphrase, io);
    store.#lock(cancelCommand);
    try {
      store.#removeStaleTemporaries();
      store.#load(project, stack);
    } catch (e) {
      store.release();
      throw e;
    }
    return store;
  }

  /**
   * Takes the lock. Like the Pulumi CLI's diy backend (pkg/backend/diy/lock.go), any existing lock refuses the
   * run, also one left by a killed run: only the `cancel` command removes it, once a person has made sure no run
   * is active. Taking over a lock silently could run two deployments on one stack.
   */
  #lock(cancelCommand: string): void {
    const body = JSON.stringify({
      pid: process.pid,
      user: os.userInfo().username,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
    });
    try {
      fs.writeFileSync(this.lockFile, body, { flag: "wx" });
      this.#locked = true;
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder: { pid?: number; user?: string; host?: string; startedAt?: string } = {};
    try {
      holder = JSON.parse(fs.readFileSync(this.lockFile, "utf8")) as typeof holder;
    } catch {
      // A lock torn by a crash between create and write: still a lock, reported without details.
    }
    const gone =
      holder.pid !== undefined && holder.host === os.hostname() && !pidAlive(holder.pid) ? " (that process is no longer running)" : "";
    throw new StackLockedError(
      `the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`${cancelCommand}\`.\n` +
        `  ${this.lockFile}: created by ${holder.user ?? "?"}@${holder.host ?? "?"} (pid ${holder.pid ?? "?"}) at ${holder.startedAt ?? "?"}${gone}`,
    );
  }

  /**
   * `cancel`: removes the lock of the stack whose state is `file`, as `pulumi cancel` deletes the diy backend's
   * lock files. The person running it asserts that no run is active.
   *
   * @returns true when there was a lock to remove.
   */
  static cancel(file: string): boolean {
    const lockFile = `${file}.lock`;
    const existed = fs.existsSync(lockFile);
    fs.rmSync(lockFile, { force: true });
    return existed;
  }

  /**
   * Removes `<state>.tmp-<pid>` files a killed run left behind. Safe because this run holds the lock: no other
   * run of this stack is writing.
   */
  #removeStaleTemporaries(): void {
    const dir = path.dirname(this.file);
    const prefix = `${path.basename(this.file)}.tmp-`;
    for (const name of fs.readdirSync(dir)) if (name.startsWith(prefix)) this.#io.removeQuietly(path.join(dir, name));
  }

  #load(project: string, stack: string): void {
    const stored = readStoredState(this.file);
    if (!stored) {
      this.#foldJournal = fs.existsSync(journalFileFor(this.file));
      return;
    }
    const parsed = StateFileSchema.safeParse(stored.raw);
    if (!parsed.success) {
      throw new Error(`state file ${this.file} is not a local-engine state: ${parsed.error.issues[0]?.message ?? ""}`);
    }
    const file = parsed.data;
    if (file.project !== project || file.stack !== stack) {
      throw new Error(`state file ${this.file} belongs to ${file.project}/${file.stack}, not ${project}/${stack}`);
    }
    this.#storedProvider = file.secretsProvider;
    if (file.secretsProvider && this.#passphrase !== undefined) {
      this.#crypter = Crypter.create(this.#passphrase, file.secretsProvider);
    }
    const decode = (v: PropertyValue): PropertyValue => this.#decodeValue(v, file.blobs);
    this.state = {
      version: STATE_VERSION,
      project,
      stack,
      outputs: decode(file.outputs) as PropertyMap,
      resources: file.resources.map((r) => ({ ...r, inputs: decode(r.inputs) as PropertyMap, outputs: decode(r.outputs) as PropertyMap })),
      pending: [],
    };
    this.interrupted = file.pending;
    this.#carriedCreates = file.pending.filter((p) => p.op === "create");
    this.#baseHash = sha256(stored.baseText);
    this.#baseBytes = Buffer.byteLength(stored.baseText);
    this.#foldJournal = stored.journal;
    // As stored: an unchanged state serializes to the same lines (ciphertexts are reused), so it is not rewritten.
    const raw = stored.raw;
    const lines = (key: string): StoredList => storedList(((raw[key] ?? []) as unknown[]).map((x) => JSON.stringify(x)));
    this.#onDisk = {
      resources: lines("resources"),
      pending: lines("pending"),
      outputs: JSON.stringify(raw["outputs"] ?? {}),
      provider: raw["secretsProvider"] ? JSON.stringify(raw["secretsProvider"]) : "",
      blobs: new Set(Object.keys(file.blobs)),
    };
    this.#durable = this.#managedIds();
  }

  /** `urn id` of every managed resource in memory. */
  #managedIds(): Set<string> {
    return new Set(this.state.resources.filter((r) => r.custom && !r.external && r.id).map((r) => `${r.urn} ${r.id}`));
  }

  #decodeValue(v: PropertyValue, blobs: Record<string, string>): PropertyValue {
    if (Array.isArray(v)) return v.map((x) => this.#decodeValue(x, blobs));
    if (!isPlainObject(v)) return v;
    if (v[SIG_KEY] === BLOB_SIG) {
      const text = blobs[String(v["hash"])];
      if (text === undefined) throw new Error(`state file ${this.file} references a missing blob ${String(v["hash"])}`);
      return text;
    }
    if (v[SIG_KEY] === SECRET_SIG && typeof v["ciphertext"] === "string") {
      if (!this.#crypter) {
        throw new PassphraseError(
          `the state of this stack contains secrets: set PULUMI_CONFIG_PASSPHRASE to the passphrase used to write it`,
        );
      }
      const plain = this.#crypter.decrypt(v["ciphertext"]);
      // Reuse the stored ciphertext when the value is written again: an unchanged state stays byte-identical,
      // so a no-op run does not rewrite the file.
      this.#cipherCache.set(plain, v["ciphertext"]);
      return { [SIG_KEY]: SECRET_SIG, value: JSON.parse(plain) as PropertyValue };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.#decodeValue(x, blobs)]));
  }

  /** True when secrets can be written (a passphrase is available). */
  get canEncrypt(): boolean {
    return this.#passphrase !== undefined;
  }

  #getCrypter(): Crypter {
    if (!this.#crypter) {
      if (this.#passphrase === undefined) {
        throw new PassphraseError("a secret must be saved in the state: set PULUMI_CONFIG_PASSPHRASE (an empty value is allowed)");
      }
      this.#crypter = Crypter.create(this.#passphrase, this.#storedProvider);
    }
    return this.#crypter;
  }

  #encodeValue(v: PropertyValue, blobs: Record<string, string>, topLevelKey?: string): PropertyValue {
    if (isSecret(v)) {
      const plain = JSON.stringify(v["value"] ?? null);
      let ct = this.#cipherCache.get(plain);
      if (ct === undefined) {
        ct = this.#getCrypter().encrypt(plain);
        this.#cipherCache.set(plain, ct);
      }
      return { [SIG_KEY]: SECRET_SIG, ciphertext: ct };
    }
    if (topLevelKey === PROVIDER_KEY && typeof v === "string") {
      let hash = this.#hashCache.get(v);
      if (hash === undefined) {
        hash = crypto.createHash("sha256").update(v).digest("hex");
        this.#hashCache.set(v, hash);
      }
      blobs[hash] = v;
      return { [SIG_KEY]: BLOB_SIG, hash };
    }
    if (Array.isArray(v)) return v.map((x) => this.#encodeValue(x, blobs));
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.#encodeValue(x, blobs)]));
    return v;
  }

  #encodeMap(m: PropertyMap, blobs: Record<string, string>): PropertyMap {
    return Object.fromEntries(Object.entries(m).map(([k, x]) => [k, this.#encodeValue(x, blobs, k)]));
  }

  /**
   * The stored JSON of one property map, cached by the map's identity: maps are replaced, never modified in
   * place, so an unchanged resource costs nothing to serialize again. This keeps the coalesced writes of a large
   * deployment cheap (each write would otherwise re-encode every resource).
   */
  #mapJson(m: PropertyMap, blobs: Record<string, string>): string {
    let cached = this.#mapCache.get(m);
    if (!cached) {
      const own: Record<string, string> = {};
      const json = JSON.stringify(this.#encodeMap(m, own));
      cached = { json, blobs: Object.entries(own) };
      this.#mapCache.set(m, cached);
    }
    for (const [hash, text] of cached.blobs) blobs[hash] = text;
    return cached.json;
  }

  /**
   * One resource as stored, cached by the resource's identity and checked against every field it was made from
   * (some fields are assigned in place, property maps are always replaced): a write serializes only what changed.
   */
  #line(r: ResourceState): CachedLine {
    const fields = [
      r.urn,
      r.type,
      r.custom,
      r.id,
      r.parent,
      r.inputs,
      r.outputs,
      r.dependencies,
      r.propertyDependencies,
      r.protect,
      r.retainOnDelete,
      r.external,
      r.additionalSecretOutputs,
      r.initErrors,
      r.pendingReplacement,
    ];
    const cached = this.#lineCache.get(r);
    if (cached && cached.fields.every((v, i) => v === fields[i])) return cached;
    const blobs: Record<string, string> = {};
    const head = JSON.stringify({ urn: r.urn, type: r.type, custom: r.custom, id: r.id, parent: r.parent });
    const tail = JSON.stringify({
      dependencies: r.dependencies,
      ...(Object.keys(r.propertyDependencies).length > 0 ? { propertyDependencies: r.propertyDependencies } : {}),
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      external: r.external,
      additionalSecretOutputs: r.additionalSecretOutputs,
      ...(r.initErrors?.length ? { initErrors: r.initErrors } : {}),
      ...(r.pendingReplacement ? { pendingReplacement: true } : {}),
    });
    const line = `${head.slice(0, -1)},"inputs":${this.#mapJson(r.inputs, blobs)},"outputs":${this.#mapJson(r.outputs, blobs)},${tail.slice(1)}`;
    const entry = { line, blobs: Object.entries(blobs), fields };
    this.#lineCache.set(r, entry);
    return entry;
  }

  /** The current state in stored form. */
  #snapshot(): Snapshot {
    const blobs: Record<string, string> = {};
    const resources = this.state.resources.map((r) => {
      const c = this.#line(r);
      for (const [hash, text] of c.blobs) blobs[hash] = text;
      return c.line;
    });
    const outputs = this.#mapJson(this.state.outputs, blobs);
    const pending = [...this.#carriedCreates, ...this.state.pending].map((p) => {
      let line = this.#pendingCache.get(p);
      if (line === undefined) this.#pendingCache.set(p, (line = JSON.stringify(p)));
      return line;
    });
    return {
      resources,
      pending,
      blobs,
      outputs,
      // After encoding: the first secret creates the crypter (and with it the secrets-provider block).
      provider: this.#crypter?.provider ?? this.#storedProvider,
    };
  }

  /** The base file's text for a snapshot: one resource per line, keys in a fixed order, so diffs stay readable. */
  #compose(s: Snapshot): string {
    const header = JSON.stringify({
      version: STATE_VERSION,
      project: this.state.project,
      stack: this.state.stack,
      ...(s.provider ? { secretsProvider: s.provider } : {}),
    });
    return (
      `${header.slice(0, -1)},\n"blobs":${JSON.stringify(s.blobs)},\n"outputs":${s.outputs},\n"resources":[` +
      (s.resources.length ? `\n${s.resources.join(",\n")}\n` : "") +
      `],\n"pending":[${s.pending.join(",")}]}\n`
    );
  }

  /** Serializes the current state as the base file stores it. */
  serialize(): string {
    return this.#compose(this.#snapshot());
  }

  /**
   * Makes the current state durable: appends a journal entry holding what changed since the last write, or rewrites
   * the base file (see {@link StateStore}). Does nothing when nothing changed and no compaction is due.
   */
  async #writeNow(): Promise<void> {
    const compact = this.#compactRequested;
    const snap = this.#snapshot();
    const disk = this.#onDisk;
    const resources = listDelta(disk.resources, snap.resources);
    const pending = listDelta(disk.pending, snap.pending);
    const provider = snap.provider ? JSON.stringify(snap.provider) : "";
    const unchanged = !resources && !pending && snap.outputs === disk.outputs && provider === disk.provider;
    const journalOnDisk = this.#journalBytes > 0 || this.#foldJournal;
    if (unchanged && !(compact && journalOnDisk)) {
      this.#compactRequested = false;
      return;
    }
    const ids = this.#managedIds();
    const full =
      compact || this.#foldJournal || this.#baseHash === undefined || this.#journalBytes > Math.max(this.#baseBytes, COMPACT_MIN_BYTES);
    if (full) await this.#writeBase(snap);
    else await this.#appendEntry(snap, `{"r":${deltaJson(resources, snap.resources)},"p":${deltaJson(pending, snap.pending)}`, provider);
    this.#onDisk = {
      resources: resources ? storedList(snap.resources) : disk.resources,
      pending: pending ? storedList(snap.pending) : disk.pending,
      outputs: snap.outputs,
      provider,
      blobs: full ? new Set(Object.keys(snap.blobs)) : new Set([...disk.blobs, ...Object.keys(snap.blobs)]),
    };
    if (full) this.#compactRequested = false;
    this.#durable = ids;
    this.writes++;
  }

  /** Rewrites the base file atomically (temporary file, fsync, rename, fsync of the directory), then drops the journal. */
  async #writeBase(snap: Snapshot): Promise<void> {
    const text = this.#compose(snap);
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
      throw this.#fail(e);
    } finally {
      this.#tmpInFlight = undefined;
    }
    // The journal continues the old base (its header says so): if this removal is lost, loads ignore it.
    if (this.#journalBytes > 0 || this.#foldJournal) this.#io.removeQuietly(journalFileFor(this.file));
    this.#baseHash = sha256(text);
    this.#baseBytes = Buffer.byteLength(text);
    this.#journalBytes = 0;
    this.#foldJournal = false;
    this.bytesWritten += this.#baseBytes;
  }

  /**
   * Appends one journal entry (starting the journal, with its header, at the first one after a base write).
   *
   * @param lists the entry's start: its resource and pending-operation deltas.
   */
  async #appendEntry(snap: Snapshot, lists: string, provider: string): Promise<void> {
    const disk = this.#onDisk;
    const parts = [lists];
    if (snap.outputs !== disk.outputs) parts.push(`"o":${snap.outputs}`);
    const newBlobs = Object.entries(snap.blobs).filter(([hash]) => !disk.blobs.has(hash));
    if (newBlobs.length > 0) parts.push(`"b":${JSON.stringify(Object.fromEntries(newBlobs))}`);
    if (provider !== disk.provider) parts.push(`"s":${provider}`);
    let text = `${parts.join(",")}}\n`;
    const journal = journalFileFor(this.file);
    try {
      if (this.#journalBytes === 0) {
        text = JSON.stringify({ journal: JOURNAL_VERSION, base: this.#baseHash }) + "\n" + text;
        await this.#io.writeDurable(journal, text);
        await this.#io.syncDir(path.dirname(this.file));
      } else {
        await this.#io.appendDurable(journal, text);
      }
    } catch (e) {
      // What the journal now ends with is unknown (a torn line, or a whole one whose fsync failed): the final
      // write of the run rewrites the base file instead.
      this.#foldJournal = true;
      throw this.#fail(e);
    }
    this.#journalBytes += Buffer.byteLength(text);
    this.bytesWritten += Buffer.byteLength(text);
  }

  /** Records the run's first write failure (every later flush is refused with it) and returns it. */
  #fail(cause: unknown): StateWriteError {
    this.#failure ??= new StateWriteError(this.file, cause);
    return this.#failure;
  }

  /** The first failed state write of this run, if any: from then on every flush is refused with it. */
  get writeFailure(): StateWriteError | undefined {
    return this.#failure;
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
    if (this.#onlyAtClose) return Promise.resolve();
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#queued) return this.#queued;
    const start = (): Promise<void> => {
      const p = this.#writeNow().finally(() => {
        if (this.#writing === p) this.#writing = undefined;
      });
      this.#writing = p;
      return p;
    };
    if (this.#writing) {
      const q = this.#writing
        .catch(() => undefined)
        .then(() => {
          this.#queued = undefined;
          return start();
        });
      this.#queued = q;
      return q;
    }
    return start();
  }

  /**
   * Saves state once, in {@link close}, instead of after steps: the real CLI's `PULUMI_SKIP_CHECKPOINTS=true`
   * (pkg/backend/snapshot.go, `unsafeServiceLoop`). A run killed before its end leaves the file as it was, with no
   * pending operation; one that ends, failed or not, saves everything it did.
   */
  saveOnlyAtClose(): void {
    this.#onlyAtClose = true;
  }

  /** Schedules a coalesced write within `delayMs` (for changes that need not be durable immediately). */
  markDirty(delayMs = 250): void {
    if (this.#onlyAtClose || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((e: Error) => {
        this.#writeError = e;
      });
    }, delayMs);
  }

  /**
   * Flushes pending changes and reports a background write failure, if any happened. After a failed write it
   * makes one last attempt (the failed write's temporary file is gone, which may have freed the space), so that
   * what finished is recorded when the filesystem allows; the run has stopped starting steps either way.
   */
  async close(): Promise<void> {
    if (this.#failure) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#writing?.catch(() => undefined);
      await this.#queued?.catch(() => undefined);
      this.#compactRequested = true;
      await this.#writeNow().catch(() => undefined);
      throw this.#failure;
    }
    // The end of the run folds the journal into the base file: the next run loads one file.
    this.#compactRequested = true;
    this.#onlyAtClose = false;
    await this.flush();
    if (this.#writeError) throw this.#writeError;
  }

  /** Releases the lock (idempotent), and removes the temporary file of a write the run did not wait for. */
  release(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#tmpInFlight) this.#io.removeQuietly(this.#tmpInFlight);
    if (this.#locked) fs.rmSync(this.lockFile, { force: true });
    this.#locked = false;
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
