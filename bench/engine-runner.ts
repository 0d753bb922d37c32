/**
 * Runs the local engine's CLI (`local/engine/cli.ts`) as a child process, the way a user runs
 * `npm run engine -- up`, while sampling the memory of its process tree.
 *
 * A child process (rather than `runEngine` in this process) for three reasons: its memory can be
 * measured apart from the emulator's; the reliability suite can SIGKILL it mid-run; and a leaked
 * handle or a crash in it cannot take the harness down.
 *
 * The engine is started in its own process group so that a crash can be simulated for the whole
 * deployment at once (engine, program and provider plugin), as a power loss or an OOM kill of the
 * CI runner would: killing only the engine would leave the plugin finishing in-flight requests
 * after the "crash", which a real crash does not do.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

import { sampleProcessTree, type PeakRss } from "./memory-sampler";

/** Repository root (this file lives in `<root>/bench`). */
export const REPO_ROOT = resolve(__dirname, "..");

/** One engine operation to run. */
export interface EngineRunOptions {
  readonly operation: "preview" | "up" | "refresh" | "destroy";
  /** Directory of the Pulumi program (holds `Pulumi.yaml`). */
  readonly cwd: string;
  readonly stack: string;
  /** Engine state file. */
  readonly stateFile: string;
  /** `--parallel` of the engine; the engine's default when absent. */
  readonly parallel?: number;
  /** Plain stack config, `key → value` (`webex:baseUrl`, `webex-bench:customers`, …). */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Secret stack config, `key → value`. Passed to the CLI as `--secret-config key=env:VAR` with the
   * value in the child's environment only, so it never appears on a command line (`ps` shows those).
   */
  readonly secretConfig?: Readonly<Record<string, string>>;
  /** Extra environment of the engine (and so of the program and the plugin). */
  readonly env?: Readonly<Record<string, string>>;
  /** SIGKILL the whole process group after this many ms (crash simulation). */
  readonly killAfterMs?: number;
  /**
   * SIGKILL the whole process group as soon as this resolves true (polled every 25 ms): a crash
   * at a chosen point of the run's API activity rather than at a wall-clock time, which would
   * mostly land in the engine's start-up.
   */
  readonly killWhen?: () => Promise<boolean>;
  /** SIGKILL and report a timeout after this many ms (a hung run must not hang the suite). */
  readonly timeoutMs?: number;
}

/** What one engine run did. */
export interface EngineRunResult {
  /** Exit code; null when killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether the run was killed on purpose (`killAfterMs`) or by the timeout. */
  readonly killed: "crash" | "timeout" | false;
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak RSS per process role (KiB). */
  readonly peakRssKb: PeakRss;
  /** CPU time per process role (ms, sampled with the memory). */
  readonly cpuMs: PeakRss;
  /** The command line run, secrets excluded, for reports. */
  readonly command: string;
}

/** Env var names the secret config values travel in (one per key, deterministic). */
function secretEnvName(index: number): string {
  return `BENCH_SECRET_CONFIG_${index}`;
}

/** The CLI arguments for `options` (after `cli.ts`), and the environment the secrets travel in. */
export function engineCliArgs(options: EngineRunOptions): { args: string[]; secretEnv: Record<string, string> } {
  const args = [options.operation, "--stack", options.stack, "--cwd", options.cwd, "--state", options.stateFile];
  if (options.parallel !== undefined) args.push("--parallel", String(options.parallel));
  for (const [k, v] of Object.entries(options.config ?? {})) args.push("--config", `${k}=${v}`);
  const secretEnv: Record<string, string> = {};
  Object.entries(options.secretConfig ?? {}).forEach(([k, v], i) => {
    secretEnv[secretEnvName(i)] = v;
    args.push("--secret-config", `${k}=env:${secretEnvName(i)}`);
  });
  return { args, secretEnv };
}

/**
 * Runs one engine operation and resolves when the process tree's root exits (never rejects on a
 * failed run: callers judge `exitCode`). The engine starts from its built copy in `dist/` when
 * that is current (`scripts/engine.js`, as `npm run engine` does), else under ts-node.
 *
 * @example
 * const r = await runEngineCli({ operation: "up", cwd: "bench/program", stack: "bench", stateFile });
 * if (r.exitCode !== 0) console.error(r.stderr);
 */
export function runEngineCli(options: EngineRunOptions): Promise<EngineRunResult> {
  const { args, secretEnv } = engineCliArgs(options);
  return runMeasured({
    file: process.execPath,
    args: [join(REPO_ROOT, "scripts", "engine.js"), ...args],
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, ...secretEnv },
    command: `npm run engine -- ${args.join(" ")}`,
    killAfterMs: options.killAfterMs,
    killWhen: options.killWhen,
    timeoutMs: options.timeoutMs,
  });
}

/** One process to run and measure: what {@link runMeasured} takes. */
export interface MeasuredSpawn {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The command line for reports, secrets excluded. */
  readonly command: string;
  /** See {@link EngineRunOptions.killAfterMs}. */
  readonly killAfterMs?: number | undefined;
  /** See {@link EngineRunOptions.killWhen}. */
  readonly killWhen?: (() => Promise<boolean>) | undefined;
  /** See {@link EngineRunOptions.timeoutMs}. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Spawns a deployment (the local engine or the real `pulumi`) in its own process group, samples
 * its process tree's memory, kills the whole group on a simulated crash or a timeout, and, once the
 * root has exited, kills whatever of its group is left (a plugin or language host orphaned by a
 * failed engine would keep its port, its pipes and its polls). Resolves with the complete output.
 */
export function runMeasured(spec: MeasuredSpawn): Promise<EngineRunResult> {
  const started = Date.now();
  const child = spawn(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group: a simulated crash kills engine, program and plugin together
  });
  const sampler = sampleProcessTree(child.pid!);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let killed: EngineRunResult["killed"] = false;
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // group already empty
    }
  };
  const kill = (why: "crash" | "timeout"): void => {
    killed = why;
    killGroup();
  };
  const timers: NodeJS.Timeout[] = [];
  if (spec.killAfterMs !== undefined) timers.push(setTimeout(() => kill("crash"), spec.killAfterMs));
  if (spec.timeoutMs !== undefined) timers.push(setTimeout(() => kill("timeout"), spec.timeoutMs));
  let exited = false;
  if (spec.killWhen !== undefined) {
    const check = spec.killWhen;
    const probe = async (): Promise<void> => {
      if (exited) return;
      let fire = false;
      try {
        fire = await check();
      } catch {
        fire = false; // a failed probe is not a reason to crash the run
      }
      if (exited) return;
      if (fire) kill("crash");
      else timers.push(setTimeout(() => void probe(), 25));
    };
    void probe();
  }
  return new Promise((resolvePromise, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null; peakRssKb: PeakRss; cpuMs: PeakRss; at: number } | undefined;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      exited = true;
      timers.forEach(clearTimeout);
      exit = { code, signal, peakRssKb: sampler.stop(), cpuMs: sampler.cpuMs(), at: Date.now() };
      killGroup();
    });
    // "close" comes once every holder of the pipes is gone, so the output is complete.
    child.on("close", () => {
      const e = exit!;
      resolvePromise({
        exitCode: e.code,
        signal: e.signal,
        killed,
        wallMs: e.at - started,
        stdout,
        stderr,
        peakRssKb: e.peakRssKb,
        cpuMs: e.cpuMs,
        command: spec.command,
      });
    });
  });
}
