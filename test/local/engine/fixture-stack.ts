// Test helper: runs the `records` fixture program through the engine in a private temporary directory, and reads
// back what reached the fixture's recording provider, its fake API store, and the engine's state file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { runEngine, type EngineOptions, type EngineResult } from "../../../local/engine";
import { readStoredState } from "../../../local/engine/state-journal";

/** The fixture program directory. */
export const RECORDS_FIXTURE = path.join(__dirname, "fixtures", "records");

/** The secret config value tests pass as `token`. */
export const SECRET_TOKEN = "tok-4c1d-secret-config-value";
/** The passphrase tests use. */
export const PASSPHRASE = "test-passphrase";

/** One record of the fixture spec (see fixtures/records/index.ts). */
export type RecordSpec = {
  name: string;
  value: string;
  key?: string;
  parent?: string;
  dependsOn?: string[];
  valueFrom?: string;
  keyFrom?: string;
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  /** The provider's diff asks for delete-before-replace. */
  dbrFromDiff?: boolean;
  retainOnDelete?: boolean;
  aliases?: Array<{ name?: string; parent?: string; noParent?: boolean } | string>;
  secretToken?: boolean;
  additionalSecretOutputs?: string[];
  failCreate?: boolean;
  initError?: boolean;
  delayMs?: number;
  tags?: Record<string, string>;
};

/** The fixture program's shape. */
export type Spec = {
  throwAtStart?: boolean;
  components?: Array<{ name: string; aliases?: Array<{ name?: string }> }>;
  records: RecordSpec[];
  gets?: Array<{ name: string; id: string }>;
  secretOutput?: string;
};

/** One call the recording provider saw. */
export type ProviderCall = {
  op: string;
  phase: "start" | "end";
  name: string;
  t: number;
  id?: string;
  adopted?: boolean;
  error?: boolean;
  found?: boolean;
  /** For diff: the `value` of its olds and of its news. */
  oldValue?: string;
  newValue?: string;
};

/** A stack of the fixture program in its own temporary directory. */
export class FixtureStack {
  #dir: string | undefined;

  /** The stack's private directory, made on first use (a describe filtered out by --grep leaves nothing). */
  get dir(): string {
    this.#dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "local-engine-test-"));
    return this.#dir;
  }
  /** The engine's state file. */
  get stateFile(): string {
    return path.join(this.dir, "state", "dev.json");
  }
  /** Where the recording provider writes the calls it receives (one JSON line per call start and end). */
  get recordFile(): string {
    return path.join(this.dir, "calls.jsonl");
  }
  /** The fake API's store (natural key → id and value). */
  get storeFile(): string {
    return path.join(this.dir, "api-store.json");
  }
  /** Output lines of the last run. */
  lines: string[] = [];

  /** Engine options for `spec` (also used by tests that start the CLI). */
  options(operation: EngineOptions["operation"], spec: Spec, extra: Partial<EngineOptions> = {}): EngineOptions {
    return {
      operation,
      cwd: RECORDS_FIXTURE,
      stack: "dev",
      stateFile: this.stateFile,
      config: { spec: JSON.stringify(spec), recordFile: this.recordFile, storeFile: this.storeFile },
      secretConfig: { token: SECRET_TOKEN },
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      progressIntervalMs: 1000,
      ...extra,
    };
  }

  /** Runs one operation; the provider call record starts empty for each run. */
  async run(operation: EngineOptions["operation"], spec: Spec, extra: Partial<EngineOptions> = {}): Promise<EngineResult> {
    fs.rmSync(this.recordFile, { force: true });
    this.lines = [];
    return runEngine({ ...this.options(operation, spec, extra), output: (l) => this.lines.push(l) });
  }

  /** Calls the provider received during the last run. */
  calls(): ProviderCall[] {
    if (!fs.existsSync(this.recordFile)) return [];
    return fs
      .readFileSync(this.recordFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProviderCall);
  }

  /** Completed write calls (create/update/delete) of the last run, in completion order, as `op:name`. */
  writes(): string[] {
    return this.calls()
      .filter((c) => c.phase === "end" && ["create", "update", "delete"].includes(c.op))
      .map((c) => `${c.op}:${c.name}`);
  }

  /** The fake API's store: natural key → id and value. */
  store(): Record<string, { id: string; value: string }> {
    return fs.existsSync(this.storeFile)
      ? (JSON.parse(fs.readFileSync(this.storeFile, "utf8")) as Record<string, { id: string; value: string }>)
      : {};
  }

  /** The state file's text (the base file: after a completed run it holds the whole state). */
  stateText(): string {
    return fs.readFileSync(this.stateFile, "utf8");
  }

  /** The stored state, parsed: the base file with its journal replayed, as the next run loads it (also after a kill). */
  state(): {
    resources: Array<{
      urn: string;
      type: string;
      id: string;
      protect: boolean;
      external: boolean;
      initErrors?: string[];
      dependencies: string[];
    }>;
    pending: unknown[];
    outputs: Record<string, unknown>;
  } {
    const stored = readStoredState(this.stateFile);
    if (!stored) throw new Error(`no state file at ${this.stateFile}`);
    return stored.raw as ReturnType<FixtureStack["state"]>;
  }

  /** Names of the fixture records in the state. */
  recordNames(): string[] {
    return this.state()
      .resources.filter((r) => r.type === "pulumi-nodejs:dynamic/fixture:Record")
      .map((r) => r.urn.split("::").pop()!)
      .sort();
  }

  /** Removes the temporary directory. */
  cleanup(): void {
    if (this.#dir) fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The index of the first call matching `op`, `phase` and `name` (-1 when absent). */
export function indexOfCall(calls: ProviderCall[], op: string, phase: string, name: string): number {
  return calls.findIndex((c) => c.op === op && c.phase === phase && c.name === name);
}

/** The highest number of create/update/delete calls in flight at once, from their start and end records. */
export function maxConcurrentWrites(calls: ProviderCall[]): number {
  let current = 0;
  let max = 0;
  for (const c of calls) {
    if (!["create", "update", "delete"].includes(c.op)) continue;
    current += c.phase === "start" ? 1 : -1;
    max = Math.max(max, current);
  }
  return max;
}

/** Everything a result says about failures, for assertion messages. */
export function explain(r: EngineResult, lines: string[]): string {
  return `errors: ${JSON.stringify(r.errors)}\noutput:\n${lines.join("\n")}`;
}
