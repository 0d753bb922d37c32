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
 * failed run: callers judge `exitCode`).
 *
 * @example
 * const r = await runEngineCli({ operation: "up", cwd: "bench/program", stack: "bench", stateFile });
 * if (r.exitCode !== 0) console.error(r.stderr);
 */
export function runEngineCli(options: EngineRunOptions): Promise<EngineRunResult> {
  const { args, secretEnv } = engineCliArgs(options);
  const cli = join(REPO_ROOT, "local", "engine", "cli.ts");
  const nodeArgs = ["-r", "ts-node/register/transpile-only", cli, ...args];
  const started = Date.now();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, ...secretEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group: a simulated crash kills engine, program and plugin together
  });
  const sampler = sampleProcessTree(child.pid!);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let killed: EngineRunResult["killed"] = false;
  const killGroup = (why: "crash" | "timeout"): void => {
    killed = why;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const timers: NodeJS.Timeout[] = [];
  if (options.killAfterMs !== undefined) timers.push(setTimeout(() => killGroup("crash"), options.killAfterMs));
  if (options.timeoutMs !== undefined) timers.push(setTimeout(() => killGroup("timeout"), options.timeoutMs));
  let exited = false;
  if (options.killWhen !== undefined) {
    const check = options.killWhen;
    const probe = async (): Promise<void> => {
      if (exited) return;
      let fire = false;
      try {
        fire = await check();
      } catch {
        fire = false; // a failed probe is not a reason to crash the run
      }
      if (exited) return;
      if (fire) killGroup("crash");
      else timers.push(setTimeout(() => void probe(), 25));
    };
    void probe();
  }
  return new Promise((resolvePromise, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null; peakRssKb: PeakRss; at: number } | undefined;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      exited = true;
      timers.forEach(clearTimeout);
      exit = { code, signal, peakRssKb: sampler.stop(), at: Date.now() };
      // Whatever the root did, leave no process of its group behind (a plugin orphaned by a
      // failed engine would keep its port, its pipes and its polls).
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // group already empty
      }
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
        command: `node -r ts-node/register/transpile-only local/engine/cli.ts ${args.join(" ")}`,
      });
    });
  });
}
