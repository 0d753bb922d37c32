// Shared scaffolding of the end-to-end tests: an emulator per suite, a private copy of an example
// per suite (inside the repository, so the copy resolves `pulumi-webex-wholesale` and its
// dependencies exactly as the example does), and the local engine run on that copy.
//
// Variations of a program are made on the copy with `edit`, never on committed files; the copies
// live in test/e2e/.work/ (git-ignored) and are removed when the suite passes.
import { expect } from "chai";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator, type Counters } from "../../local/emulator";
import { runEngine } from "../../local/engine";

/** The repository root. */
export const ROOT = resolve(__dirname, "..", "..");
/** Where suites keep their copies and state. */
export const WORK = join(__dirname, ".work");

/** The running emulator, as `startEmulator` returns it. */
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;
/** One engine run's result. */
export type EngineResult = Awaited<ReturnType<typeof runEngine>>;
/** An operation of the engine. */
export type Operation = Parameters<typeof runEngine>[0]["operation"];

/** Counts of requests by HTTP method since the last reset. */
export type RequestCounts = { total: number; GET: number; POST: number; PUT: number; DELETE: number };

/** A program under test: its folder, its engine state, and the emulator it talks to. */
export class Scenario {
  /** The program folder the engine runs. */
  readonly dir: string;
  /** The engine's state file. */
  readonly stateFile: string;
  /** Extra stack configuration (namespaced keys). */
  config: Record<string, string> = {};
  private emulator!: Emulator;
  /** Per process, so two test runs at once (two terminals, CI retries) never share a copy. */
  private readonly folder = `${this.name}-${process.pid}`;

  /**
   * @param name folder name under `.work/`
   * @param source an example folder (relative to the repository) copied into the work folder;
   *   undefined to run `programDir` in place.
   * @param programDir when `source` is undefined, the program folder to run in place.
   */
  constructor(
    readonly name: string,
    readonly source?: string,
    programDir?: string,
  ) {
    const base = join(WORK, this.folder);
    this.dir = source ? join(base, "program") : resolve(ROOT, programDir!);
    this.stateFile = join(base, "state", "dev.json");
  }

  /** Creates the work folder (a fresh copy of the example) and starts an emulator. */
  async start(): Promise<void> {
    const base = join(WORK, this.folder);
    rmSync(base, { recursive: true, force: true });
    mkdirSync(join(base, "state"), { recursive: true });
    if (this.source) cpSync(resolve(ROOT, this.source), this.dir, { recursive: true });
    // No artificial delay beyond a little provisioning time, so the asynchronous path is used
    // without slowing the suite; no rate limit, so counts are exact.
    this.emulator = await startEmulator({ provisioningDelayMs: 50, rateLimit: false });
  }

  /** Stops the emulator; removes the work folder unless asked to keep it (for a failed suite). */
  async stop(keep: boolean): Promise<void> {
    await this.emulator?.close();
    if (!keep) rmSync(join(WORK, this.folder), { recursive: true, force: true });
  }

  /** What the last run printed (kept out of the test report unless a test fails on it). */
  lastOutput: string[] = [];

  /**
   * Runs the engine on the program; the emulator's address and token come through config.
   * @param opts.withoutToken gives the program no token (as a pull request's preview job has none).
   */
  async run(operation: Operation, opts: { withoutToken?: boolean } = {}): Promise<EngineResult> {
    const lines: string[] = [];
    this.lastOutput = lines;
    return runEngine({
      output: (line) => lines.push(line),
      operation,
      cwd: this.dir,
      stack: "dev",
      stateFile: this.stateFile,
      config: { "webex:baseUrl": this.emulator.url, ...this.config },
      secretConfig: opts.withoutToken ? {} : { "webex:accessToken": this.emulator.token },
    });
  }

  /** A path in this scenario's work folder (for files the program reads through config). */
  workFile(name: string): string {
    return join(WORK, this.folder, name);
  }

  /** Replaces exactly one occurrence of `from` in a file (relative to the program, or absolute). */
  edit(file: string, from: string, to: string): void {
    const path = resolve(this.dir, file);
    const text = readFileSync(path, "utf8");
    const count = text.split(from).length - 1;
    expect(count, `occurrences of ${JSON.stringify(from)} in ${file}`).to.equal(1);
    writeFileSync(path, text.replace(from, to));
  }

  /** The emulator's state (every stored template, customer and subscriber). */
  async state() {
    return this.emulator.admin.state();
  }

  /** Replaces the emulator's state: what someone changed outside the program (Control Hub). */
  async replaceState(state: Awaited<ReturnType<Emulator["admin"]["state"]>>): Promise<void> {
    await this.emulator.admin.replaceState(state);
  }

  /** Requests received since the last counter reset, by method. */
  async requests(): Promise<RequestCounts> {
    return byMethod(await this.emulator.admin.counters());
  }

  /** Resets the request counters. */
  async resetRequests(): Promise<void> {
    await this.emulator.admin.resetCounters();
  }

  /** The emulator's invariant check (no duplicate, no orphan). */
  async invariants() {
    return this.emulator.admin.invariants();
  }

  /** The emulator's request log, oldest first (method and route template of each request). */
  async requestLog() {
    return this.emulator.admin.requests();
  }
}

/** Write requests among counts. */
export const writes = (c: RequestCounts) => c.POST + c.PUT + c.DELETE;

/** Steps of a run by kind, for the program's resources (the stack itself left out). */
export function stepCounts(r: EngineResult): Record<"create" | "update" | "replace" | "delete" | "same", number> {
  const count = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const step of r.steps) if (step.type !== "pulumi:pulumi:Stack" && step.op in count) count[step.op as keyof typeof count]++;
  return count;
}

/** Changes a run made to the program's resources, summed. */
export const changes = (r: EngineResult) => {
  const c = stepCounts(r);
  return c.create + c.update + c.replace + c.delete;
};

/** Everything a run said about failures (its errors and its log), as one string to match against. */
export const failureText = (r: EngineResult) => `${r.errors.join("\n")}\n${r.logFile ? safeRead(r.logFile) : ""}`;

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The emulator's counters, reduced to counts by method. */
function byMethod(c: Counters): RequestCounts {
  const n = (m: string) => c.byMethod[m] ?? 0;
  return { total: c.total, GET: n("GET"), POST: n("POST"), PUT: n("PUT"), DELETE: n("DELETE") };
}

/**
 * Declares a scenario's lifecycle in a mocha `describe`: emulator and copy before, cleanup after
 * (the copy is kept when a test failed, to look at). Returns the scenario.
 */
export function useScenario(name: string, source?: string, programDir?: string): Scenario {
  const scenario = new Scenario(name, source, programDir);
  let failed = false;
  before(async function () {
    this.timeout(60_000);
    await scenario.start();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(async () => scenario.stop(failed));
  return scenario;
}
