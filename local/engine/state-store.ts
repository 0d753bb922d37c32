/**
 * The stack's JSON checkpoint: schema, encoding (secrets encrypted, `__provider` deduplicated), atomic and
 * coalesced writes, the pending-operations journal and the lock against concurrent runs.
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

/**
 * The file operations a state write uses. A seam so tests can make a write fail (ENOSPC, EIO) at a chosen point;
 * {@link nodeStateIo} is the real one.
 */
export interface StateIo {
  /** Creates `file` (mode 0600) holding `text` and makes its content durable (fsync). */
  writeDurable(file: string, text: string): Promise<void>;
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

/**
 * Owns the checkpoint of one stack for one run: load, mutate in memory, flush. Flushes are coalesced: concurrent
 * `flush()` calls share one write, and a flush requested during a write is served by the next one, so a burst of
 * completed steps costs a couple of writes instead of one each (gotcha G4).
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
  #lastWritten = "";
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
  /** Number of physical writes made (for tests and benchmarks). */
  writes = 0;

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
    if (!fs.existsSync(this.file)) return;
    const text = fs.readFileSync(this.file, "utf8");
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`state file ${this.file} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = StateFileSchema.safeParse(raw);
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
    this.#lastWritten = text;
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
   * Serializes the current state as it will be stored: one resource per line, keys in a fixed order, so an
   * unchanged state always serializes to the same text (and is not rewritten) and diffs stay readable.
   */
  serialize(): string {
    const blobs: Record<string, string> = {};
    const lines = this.state.resources.map((r) => {
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
      return `${head.slice(0, -1)},"inputs":${this.#mapJson(r.inputs, blobs)},"outputs":${this.#mapJson(r.outputs, blobs)},${tail.slice(1)}`;
    });
    const outputs = this.#mapJson(this.state.outputs, blobs);
    // After encoding: the first secret creates the crypter (and with it the secrets-provider block).
    const provider = this.#crypter?.provider ?? this.#storedProvider;
    const header = JSON.stringify({
      version: STATE_VERSION,
      project: this.state.project,
      stack: this.state.stack,
      ...(provider ? { secretsProvider: provider } : {}),
    });
    return (
      `${header.slice(0, -1)},\n"blobs":${JSON.stringify(blobs)},\n"outputs":${outputs},\n"resources":[` +
      (lines.length ? `\n${lines.join(",\n")}\n` : "") +
      `],\n"pending":${JSON.stringify([...this.#carriedCreates, ...this.state.pending])}}\n`
    );
  }

  async #writeNow(): Promise<void> {
    const text = this.serialize();
    if (text === this.#lastWritten) return;
    const ids = this.#managedIds();
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
      this.#failure ??= new StateWriteError(this.file, e);
      throw this.#failure;
    } finally {
      this.#tmpInFlight = undefined;
    }
    this.#lastWritten = text;
    this.#durable = ids;
    this.writes++;
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

  /** Schedules a coalesced write within `delayMs` (for changes that need not be durable immediately). */
  markDirty(delayMs = 250): void {
    if (this.#timer) return;
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
      await this.#writeNow().catch(() => undefined);
      throw this.#failure;
    }
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
