/**
 * Runs `bench/program` under the REAL Pulumi CLI (built by `npm run pulumi:install`), the
 * `--engine cli` counterpart of {@link runEngineCli}: same options in, same result out, so the bench
 * phases do not care which engine ran them.
 *
 * The stack lives in a temporary file backend; its config goes to a temporary `--config-file`, so
 * nothing stays in the repository; the token travels in `WEBEX_ACCESS_TOKEN` (the provider's
 * environment fallback), never on a command line.
 *
 * `up` and `destroy` run with `--skip-preview`, as the Automation API (and so pulumi/actions) does.
 *
 * Checkpoint writes are counted with `fs.watch` (inotify) on the stack's folder in the backend: the
 * file backend writes `<stack>.json` through a temporary file and a rename, one event per write, and
 * keeps the previous one as `<stack>.json.bak`; events on `<stack>.json` itself are counted.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { join } from "node:path";

import { checkoutVersions, NPM_INSTALL, packTarball, runOrThrow } from "../scripts/packed-install";
import { cliEnv, findCli } from "../scripts/pulumi-cli";
import { REPO_ROOT, runMeasured, type EngineRunOptions, type EngineRunResult } from "./engine-runner";

/** The bench program's project name (bench/program/Pulumi.yaml). */
const PROJECT = "webex-bench";

/**
 * The bench program as a user has it (`--install packed`): this checkout packed by `npm pack` (its
 * dist/, which `npm run bench` builds when stale) and installed from the tarball, with the SDK and
 * compiler versions of the checkout, into `<dir>/packed`; the program in `<dir>/packed/program`
 * beside a copy of the workload it imports. Installed this way the SDK stores the short `require`
 * form of `__provider` in state, where the checkout (linked) stores the loader class by value.
 * @returns the program's folder.
 * @throws Error with npm's output when packing or installing fails.
 */
export function installPackedProgram(dir: string): string {
  const base = join(dir, "packed");
  const program = join(base, "program");
  mkdirSync(program, { recursive: true });
  for (const f of ["index.ts", "Pulumi.yaml"]) copyFileSync(join(REPO_ROOT, "bench", "program", f), join(program, f));
  copyFileSync(join(REPO_ROOT, "bench", "workload.ts"), join(base, "workload.ts"));
  const dependencies = {
    "pulumi-webex-wholesale": `file:${packTarball(REPO_ROOT, base)}`,
    ...checkoutVersions(REPO_ROOT, ["@pulumi/pulumi", "typescript", "zod"]),
  };
  writeFileSync(join(base, "package.json"), JSON.stringify({ name: "webex-bench-packed", private: true, dependencies }, null, 2));
  runOrThrow("npm", [...NPM_INSTALL], base);
  return program;
}

/** A stack of the bench program under the real CLI, in `stateDir`. */
export interface CliStack {
  /** The stack's checkpoint in the file backend (what `measureState` reads). */
  readonly checkpoint: string;
  /** Checkpoint writes seen since the stack was created. */
  checkpointWrites(): number;
  /**
   * The largest checkpoint seen after write number `sinceWrites` (bytes, sampled when each write is
   * seen): with checkpoints on, every write also carries the pending operation of each step in flight.
   */
  checkpointPeakBytes(sinceWrites: number): number;
  /** Runs one operation; never rejects on a failed run (callers judge `exitCode`). */
  run(options: EngineRunOptions): Promise<EngineRunResult>;
  /** Stops watching the checkpoint. */
  close(): void;
}

/**
 * Creates stack `stack` of the program in `cwd` with its backend, PULUMI_HOME and config file in
 * `stateDir`.
 * @throws Error when the CLI is not built (with what to run) or `pulumi stack init` fails.
 */
export function createCliStack(cwd: string, stack: string, stateDir: string): CliStack {
  const cli = findCli();
  if (!cli.found) throw new Error(`--engine cli: ${cli.reason}`);
  const env = { ...cliEnv({ binDir: cli.binDir, stateDir, passphrase: "bench-passphrase" }), PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
  const configFile = join(stateDir, `Pulumi.${stack}.yaml`);
  // `stack init` has no --config-file: it writes the passphrase's salt to the program's own
  // Pulumi.<stack>.yaml, which is moved out of the repository at once (and never overwritten).
  const written = join(cwd, `Pulumi.${stack}.yaml`);
  if (existsSync(written)) throw new Error(`${written} exists: remove it (the bench keeps its stack config outside the repository)`);
  const init = spawnSync(cli.pulumi, ["stack", "init", stack, "--non-interactive"], { cwd, env, encoding: "utf8" });
  if (init.status !== 0) throw new Error(`pulumi stack init: ${init.stderr}${init.stdout}`);
  renameSync(written, configFile);
  const stackDir = join(stateDir, "backend", ".pulumi", "stacks", PROJECT);
  mkdirSync(stackDir, { recursive: true });
  const checkpoint = join(stackDir, `${stack}.json`);
  const sizes: number[] = [];
  const watcher: FSWatcher = watch(stackDir, (_event, file) => {
    if (file === `${stack}.json`) sizes.push(statSync(checkpoint, { throwIfNoEntry: false })?.size ?? 0);
  });
  return {
    checkpoint,
    checkpointWrites: () => sizes.length,
    checkpointPeakBytes: (sinceWrites) => Math.max(0, ...sizes.slice(sinceWrites)),
    close: () => watcher.close(),
    run: async (options) => {
      const plain = Object.entries(options.config ?? {}).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]);
      const set = spawnSync(cli.pulumi, ["config", "set-all", "--stack", stack, "--config-file", configFile, ...plain], {
        cwd,
        env,
        encoding: "utf8",
      });
      if (set.status !== 0) throw new Error(`pulumi config set-all: ${set.stderr}`);
      const args = [options.operation, "--stack", stack, "--config-file", configFile, "--non-interactive", "--skip-preview"];
      if (options.operation === "preview") args.pop();
      if (options.operation !== "preview") args.push("--yes");
      if (options.parallel !== undefined) args.push("--parallel", String(options.parallel));
      const token = options.secretConfig?.["webex:accessToken"];
      return runMeasured({
        file: cli.pulumi,
        args,
        cwd,
        env: { ...env, ...options.env, ...(token ? { WEBEX_ACCESS_TOKEN: token } : {}) },
        command: `pulumi ${args.join(" ")}`,
        timeoutMs: options.timeoutMs,
      });
    },
  };
}
