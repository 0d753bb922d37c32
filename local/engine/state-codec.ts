/**
 * The state's stored form. In memory the state holds plain property maps (secrets as wire envelopes, `__provider`
 * as text). Stored, every secret envelope becomes `{sig, ciphertext}` and every top-level `__provider` string
 * becomes a reference into a blob table keyed by SHA-256 (gotcha G5: the code is otherwise stored twice per
 * resource). The base file holds one resource per line, keys in a fixed order, so diffs stay readable.
 */
import * as crypto from "node:crypto";

import { PROVIDER_KEY, SECRET_SIG, SIG_KEY, isSecret } from "./property-values";
import type { PropertyMap, PropertyValue } from "./sdk";
import type { SecretsProviderState, StateSecrets } from "./secrets";
import { STATE_VERSION, type PendingOperation, type ResourceState, type StackState, type StateFile } from "./state-schema";

/** Signature of a blob reference `{[SIG_KEY]: BLOB_SIG, hash}` in the stored state. */
const BLOB_SIG = "local-engine:blob:sha256";

/** The state as it would be stored, in the pieces a journal entry compares. */
export type Snapshot = {
  project: string;
  stack: string;
  /** One stored JSON object per resource, in order. */
  resources: string[];
  /** One stored JSON object per pending operation, in order. */
  pending: string[];
  /** Every blob the state references, by hash. */
  blobs: Record<string, string>;
  /** The stack outputs' stored JSON. */
  outputs: string;
  provider: SecretsProviderState | undefined;
};

/** One resource's stored JSON, cached with the fields it was made from. */
type CachedLine = { line: string; blobs: Array<[string, string]>; fields: unknown[] };

function isPlainObject(v: unknown): v is Record<string, PropertyValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Encodes the state of one stack for storage and decodes what was stored, through its secrets. Encodings are
 * cached by object identity, so each write serializes only what changed since the last one: without that, the
 * coalesced writes of a large deployment would re-encode every resource each time.
 */
export class StateCodec {
  readonly #secrets: StateSecrets;
  readonly #blobHashes = new Map<string, string>();
  readonly #maps = new WeakMap<PropertyMap, { json: string; blobs: Array<[string, string]> }>();
  readonly #lines = new WeakMap<ResourceState, CachedLine>();
  readonly #pendingLines = new WeakMap<PendingOperation, string>();

  constructor(secrets: StateSecrets) {
    this.#secrets = secrets;
  }

  /** True when secrets can be written (a passphrase is available). */
  get canEncrypt(): boolean {
    return this.#secrets.canEncrypt;
  }

  /**
   * The resources and stack outputs of a parsed state file, as held in memory.
   *
   * @param where the file's name, for errors.
   * @throws PassphraseError when the state holds secrets and the passphrase is missing or wrong; Error when a blob
   *   it references is missing.
   */
  decode(file: StateFile, where: string): Pick<StackState, "resources" | "outputs"> {
    const decode = (v: PropertyValue): PropertyValue => this.#decodeValue(v, file.blobs, where);
    return {
      outputs: decode(file.outputs) as PropertyMap,
      resources: file.resources.map((r) => ({ ...r, inputs: decode(r.inputs) as PropertyMap, outputs: decode(r.outputs) as PropertyMap })),
    };
  }

  #decodeValue(v: PropertyValue, blobs: Record<string, string>, where: string): PropertyValue {
    if (Array.isArray(v)) return v.map((x) => this.#decodeValue(x, blobs, where));
    if (!isPlainObject(v)) return v;
    if (v[SIG_KEY] === BLOB_SIG) {
      const text = blobs[String(v["hash"])];
      if (text === undefined) throw new Error(`state file ${where} references a missing blob ${String(v["hash"])}`);
      return text;
    }
    if (v[SIG_KEY] === SECRET_SIG && typeof v["ciphertext"] === "string") {
      return { [SIG_KEY]: SECRET_SIG, value: JSON.parse(this.#secrets.decrypt(v["ciphertext"])) as PropertyValue };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.#decodeValue(x, blobs, where)]));
  }

  /**
   * The state in stored form.
   *
   * @param carried pending operations stored ahead of the state's own (creates earlier runs left pending).
   * @throws PassphraseError when a secret must be stored and no passphrase is set.
   */
  snapshot(state: StackState, carried: readonly PendingOperation[]): Snapshot {
    const blobs: Record<string, string> = {};
    const resources = state.resources.map((r) => {
      const c = this.#line(r);
      for (const [hash, text] of c.blobs) blobs[hash] = text;
      return c.line;
    });
    const outputs = this.#mapJson(state.outputs, blobs);
    const pending = [...carried, ...state.pending].map((p) => {
      let line = this.#pendingLines.get(p);
      if (line === undefined) this.#pendingLines.set(p, (line = JSON.stringify(p)));
      return line;
    });
    // After encoding: the first secret creates the secrets-provider block.
    return { project: state.project, stack: state.stack, resources, pending, blobs, outputs, provider: this.#secrets.provider };
  }

  #encodeValue(v: PropertyValue, blobs: Record<string, string>, topLevelKey?: string): PropertyValue {
    if (isSecret(v)) return { [SIG_KEY]: SECRET_SIG, ciphertext: this.#secrets.encrypt(JSON.stringify(v["value"] ?? null)) };
    if (topLevelKey === PROVIDER_KEY && typeof v === "string") {
      let hash = this.#blobHashes.get(v);
      if (hash === undefined) {
        hash = crypto.createHash("sha256").update(v).digest("hex");
        this.#blobHashes.set(v, hash);
      }
      blobs[hash] = v;
      return { [SIG_KEY]: BLOB_SIG, hash };
    }
    if (Array.isArray(v)) return v.map((x) => this.#encodeValue(x, blobs));
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.#encodeValue(x, blobs)]));
    return v;
  }

  /**
   * The stored JSON of one property map, cached by the map's identity: maps are replaced, never modified in
   * place, so an unchanged resource costs nothing to serialize again.
   */
  #mapJson(m: PropertyMap, blobs: Record<string, string>): string {
    let cached = this.#maps.get(m);
    if (!cached) {
      const own: Record<string, string> = {};
      const json = JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, x]) => [k, this.#encodeValue(x, own, k)])));
      cached = { json, blobs: Object.entries(own) };
      this.#maps.set(m, cached);
    }
    for (const [hash, text] of cached.blobs) blobs[hash] = text;
    return cached.json;
  }

  /**
   * One resource as stored, cached by the resource's identity and checked against every field it was made from:
   * the engine replaces records rather than changing them, but the state is open to its callers, and a record
   * changed in place must still be written as it now is.
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
    const cached = this.#lines.get(r);
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
    this.#lines.set(r, entry);
    return entry;
  }
}

/** The base file's text for a snapshot. */
export function composeBaseFile(s: Snapshot): string {
  const header = JSON.stringify({
    version: STATE_VERSION,
    project: s.project,
    stack: s.stack,
    ...(s.provider ? { secretsProvider: s.provider } : {}),
  });
  return (
    `${header.slice(0, -1)},\n"blobs":${JSON.stringify(s.blobs)},\n"outputs":${s.outputs},\n"resources":[` +
    (s.resources.length ? `\n${s.resources.join(",\n")}\n` : "") +
    `],\n"pending":[${s.pending.join(",")}]}\n`
  );
}
