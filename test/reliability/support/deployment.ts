/**
 * A deployment under test: an in-process emulator, a temporary stack and the bench catalog program
 * (`bench/program`), run through the local engine's CLI in a child process. Every run's output,
 * the state file and the engine's log are kept so that each test can scan them for the token.
 *
 * Shared by the short reliability tests (`npm test`) and the soak tests (`npm run soak`); the only
 * difference between the two is the catalog size and the number of trials.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { REPO_ROOT, runEngineCli, type EngineRunOptions, type EngineRunResult } from "../../../bench/engine-runner";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "../../../local/emulator/index";
import { CONFIG_TABLE } from "../../../provider/config";

/** Project name of `bench/program/Pulumi.yaml` (its config namespace). */
export const PROJECT = "webex-bench";

/** Type tokens of the three resources. */
export const TYPES = {
  template: "pulumi-nodejs:dynamic/webex:OnboardingTemplate",
  customer: "pulumi-nodejs:dynamic/webex:CustomerOrg",
  user: "pulumi-nodejs:dynamic/webex:CustomerUser",
} as const;

/**
 * Whether the provider lets a deployment shorten its per-request timeout. Without it a hung
 * request costs the client's default (30 s) per attempt, which the short suite cannot afford, so
 * the `hang` fault is only injected when the setting exists.
 */
export const REQUEST_TIMEOUT_KEY: string | undefined = (CONFIG_TABLE as Record<string, { key: string }>)["requestTimeoutSeconds"]?.key;

/** Whether {@link REQUEST_TIMEOUT_KEY} exists. */
export const REQUEST_TIMEOUT_CONFIGURABLE = REQUEST_TIMEOUT_KEY !== undefined;

/** Every fault kind the emulator offers, minus `hang` when it would make runs slow (see above). */
export const FAULT_KINDS = [
  "500",
  "503",
  ...(REQUEST_TIMEOUT_CONFIGURABLE ? (["hang"] as const) : []),
  "reset",
  "commit-then-500",
  "commit-then-drop",
] as const;

/** A distinctive token, so a leak is found by a plain substring search. */
export function canaryToken(): string {
  return `reliability-canary-${Math.random().toString(36).slice(2, 10)}-do-not-leak`;
}

/** Small seeded PRNG (mulberry32): the suite's random choices replay from their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link openDeployment}. */
export interface DeploymentOptions {
  readonly customers: number;
  readonly usersPerCustomer: number;
  /** Emulator options (token excluded: the deployment's canary is used). */
  readonly emulator?: Omit<EmulatorOptions, "token">;
  /** Token the engine sends; default the emulator's (the canary). */
  readonly engineToken?: string;
  /** Extra plain stack config. */
  readonly config?: Readonly<Record<string, string>>;
  /** Engine parallelism; default 32. */
  readonly parallel?: number;
}

/** A stack, its emulator and everything its runs printed or wrote. */
export interface Deployment {
  readonly emulator: EmulatorHandle;
  readonly token: string;
  readonly stateFile: string;
  /** The engine's log, kept next to the state (`<state>.log`). */
  readonly logFile: string;
  /** Every run so far, in order. */
  readonly runs: EngineRunResult[];
  /** Runs one engine operation on this stack (never rejects on a failed run). */
  run(operation: EngineRunOptions["operation"], extra?: Partial<EngineRunOptions>): Promise<EngineRunResult>;
  /**
   * Every text a token could leak into: run output, state file, engine log. After a run, the state
   * file and the log must exist: one that is missing is returned with `missing: true` (and empty
   * text), so a scan cannot pass by finding nothing to read.
   */
  artifacts(): { name: string; text: string; missing?: true }[];
  /** Stops the emulator and removes the stack directory. */
  close(): Promise<void>;
}

/**
 * Starts an emulator and prepares an empty stack of the bench program for `customers` ×
 * `usersPerCustomer`.
 */
export async function openDeployment(options: DeploymentOptions): Promise<Deployment> {
  const token = canaryToken();
  const emulator = await startEmulator({ rateLimit: false, provisioningDelayMs: 300, ...options.emulator, token });
  const dir = mkdtempSync(join(tmpdir(), "webex-reliability-"));
  const stateFile = join(dir, "state.json");
  const logFile = join(dir, "state.log");
  const runs: EngineRunResult[] = [];
  return {
    emulator,
    token,
    stateFile,
    logFile,
    runs,
    async run(operation, extra = {}) {
      const result = await runEngineCli({
        operation,
        cwd: join(REPO_ROOT, "bench", "program"),
        stack: "reliability",
        stateFile,
        parallel: options.parallel ?? 32,
        config: {
          "webex:baseUrl": emulator.url,
          // Short enough that a lost provisioning cannot stall the suite, long enough for 429 pauses.
          "webex:provisioningTimeoutSeconds": "60",
          ...(REQUEST_TIMEOUT_KEY !== undefined ? { [REQUEST_TIMEOUT_KEY]: "2" } : {}),
          [`${PROJECT}:customers`]: String(options.customers),
          [`${PROJECT}:usersPerCustomer`]: String(options.usersPerCustomer),
          [`${PROJECT}:prefix`]: "rel",
          ...options.config,
        },
        secretConfig: { "webex:accessToken": options.engineToken ?? token },
        timeoutMs: 5 * 60 * 1000,
        ...extra,
      });
      runs.push(result);
      return result;
    },
    artifacts() {
      const files = (runs.length > 0 ? [stateFile, logFile] : [stateFile, logFile].filter((f) => existsSync(f))).map((f) =>
        existsSync(f) ? { name: f, text: readFileSync(f, "utf8") } : { name: f, text: "", missing: true as const },
      );
      return [
        ...files,
        ...runs.flatMap((r, i) => [
          { name: `run ${i + 1} stdout`, text: r.stdout },
          { name: `run ${i + 1} stderr`, text: r.stderr },
        ]),
      ];
    },
    async close() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One resource of the engine's state file. */
interface StateResource {
  readonly type: string;
  readonly id: string;
  readonly urn: string;
}

/** The dynamic resources recorded in a state file, by type. */
export function stateResources(stateFile: string): Record<keyof typeof TYPES, StateResource[]> {
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resources?: StateResource[] };
  const all = state.resources ?? [];
  return {
    template: all.filter((r) => r.type === TYPES.template),
    customer: all.filter((r) => r.type === TYPES.customer),
    user: all.filter((r) => r.type === TYPES.user),
  };
}

/**
 * Asserts that the state and the emulator hold exactly the same objects: every template,
 * customer and user of the state exists at the emulator with the same id, and nothing else
 * exists there; and that the emulator finds no duplicate and no orphan.
 */
export async function expectStateMatchesEmulator(deployment: Deployment, expected: { customers: number; users: number }): Promise<void> {
  const inState = stateResources(deployment.stateFile);
  const server = await deployment.emulator.admin.state();
  const ids = (rs: StateResource[]): string[] => rs.map((r) => r.id).sort();
  expect(ids(inState.template), "templates: state vs emulator").to.deep.equal(Object.keys(server.templates).sort());
  expect(ids(inState.customer), "customers: state vs emulator").to.deep.equal(Object.keys(server.customers).sort());
  expect(ids(inState.user), "users: state vs emulator").to.deep.equal(Object.keys(server.subscribers).sort());
  expect(inState.customer, "customers in state").to.have.length(expected.customers);
  expect(inState.user, "users in state").to.have.length(expected.users);
  const invariants = await deployment.emulator.admin.invariants();
  expect(invariants.duplicates, "duplicates at the emulator").to.deep.equal([]);
  expect(invariants.orphans, "orphans at the emulator").to.deep.equal([]);
}

/** Asserts that no artifact of the deployment contains its token. */
export function expectNoTokenIn(deployment: Deployment, token = deployment.token): void {
  const artifacts = deployment.artifacts();
  const missing = artifacts.filter((a) => a.missing).map((a) => a.name);
  expect(missing, `artifacts the token scan must read, missing (a scan of nothing finds no token): ${missing.join(", ")}`).to.deep.equal(
    [],
  );
  const leaks = artifacts.filter((a) => a.text.includes(token)).map((a) => a.name);
  expect(leaks, "artifacts containing the token").to.deep.equal([]);
}

/**
 * Asserts that a run ended cleanly: it exited by itself (no timeout) with 0 or 1, and a failure
 * was reported as such, without an unhandled exception's stack trace.
 */
export function expectCleanEnd(run: EngineRunResult): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.killed, "the run had to be killed").to.equal(false);
  expect([0, 1], `exit code (output:\n${output.slice(-2000)})`).to.include(run.exitCode);
  expect(output, "stack trace in the output").not.to.match(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(output, "unhandled error in the output").not.to.match(/Unhandled|uncaught/i);
  if (run.exitCode === 1) expect(output, "a failed run says so").to.match(/fail|error/i);
}
