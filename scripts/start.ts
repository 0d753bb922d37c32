/**
 * `npm start [-- up|preview|refresh|destroy] [--local-engine]`: the main job on a laptop.
 *
 * Starts the provisioning-API emulator with its state kept in `.local/` (git-ignored), then runs
 * the root program (`index.ts`, the catalog in `catalog/customers.yaml`) against it: with the
 * Pulumi CLI when `pulumi` is on PATH (state in a local file backend under `.local/pulumi`), with
 * the project's local engine otherwise. Both keep their state between runs, so a second `npm start`
 * finds nothing to do and says so.
 *
 * The emulator's token is generated once and kept in `.local/`, so the emulator's state and the
 * Pulumi state stay valid across runs; it is handed to the program through configuration (local
 * engine) or the environment (CLI), never written to a stack file.
 */
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { startEmulator } from "../local/emulator";
import { findCli } from "./pulumi-cli";
import { runEngine } from "../local/engine";
import { ALLOW_DELETES_ENV } from "../catalog/deletion-guard";
import { ALLOW_LOOKALIKES_ENV } from "../catalog/load";
import { REPO_ROOT } from "./repo-root";

/** The operations `npm start` accepts; `up` when none is given. */
export const OPERATIONS = ["up", "preview", "refresh", "destroy"] as const;
/** One of {@link OPERATIONS}. */
export type Operation = (typeof OPERATIONS)[number];

/** The repository root: the root program's folder. */
const ROOT = REPO_ROOT;
/**
 * Everything `npm start` keeps between runs (git-ignored); `NPM_START_STATE_DIR` moves it (tests run
 * `npm start` on private state this way).
 */
const LOCAL = process.env.NPM_START_STATE_DIR ? resolve(process.env.NPM_START_STATE_DIR) : join(ROOT, ".local");
const STACK = "dev";
/** Long enough to see provisioning progress, short enough for a first run well under a minute. */
// How long the emulator takes to provision a customer. `NPM_START_PROVISIONING_MS` lets a test
// keep a change in flight long enough to signal the run twice (test/e2e/main-job-start.test.ts).
const PROVISIONING_DELAY_MS = Number(process.env.NPM_START_PROVISIONING_MS) > 0 ? Number(process.env.NPM_START_PROVISIONING_MS) : 2000;

/** Parsed command line. */
type Args = { operation: Operation; forceLocalEngine: boolean; requireCli: boolean; allowDeletes: boolean; allowLookalikes: boolean };

/** Parses `npm start` arguments; throws with the usage on anything unknown. */
export function parseArgs(argv: readonly string[]): Args {
  const usage = `usage: npm start [-- ${OPERATIONS.join("|")}] [--engine cli|local] (--local-engine = --engine local) [--allow-deletes] [--allow-lookalikes]`;
  let operation: Operation = "up";
  let forceLocalEngine = false;
  let requireCli = false;
  let allowDeletes = false;
  let allowLookalikes = false;
  let seenOperation = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const engine = a === "--engine" ? argv[++i] : a.startsWith("--engine=") ? a.slice("--engine=".length) : undefined;
    if (engine !== undefined) {
      if (engine !== "cli" && engine !== "local") throw new Error(`--engine takes cli or local, not "${engine ?? ""}"\n${usage}`);
      forceLocalEngine = engine === "local";
      requireCli = engine === "cli";
    } else if (a === "--local-engine") forceLocalEngine = true;
    else if (a === "--allow-deletes") allowDeletes = true;
    else if (a === "--allow-lookalikes") allowLookalikes = true;
    else if ((OPERATIONS as readonly string[]).includes(a) && !seenOperation) {
      operation = a as Operation;
      seenOperation = true;
    } else throw new Error(`unexpected argument "${a}"\n${usage}`);
  }
  return { operation, forceLocalEngine, requireCli, allowDeletes, allowLookalikes };
}

/** A value kept in `.local/<name>`, generated on first use; readable by the owner only. */
function persistentSecret(name: string): string {
  const file = join(LOCAL, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = randomBytes(24).toString("hex");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** The Pulumi CLI: the one built by `npm run pulumi:install` first, else a `pulumi` on PATH, if any. */
function findPulumi(): string | undefined {
  const built = findCli();
  if (built.found) return built.pulumi;
  const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const n of names) {
      const candidate = join(dir, n);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

/** `path` relative to the repository, as a person would type it. */
const show = (path: string) => relative(ROOT, path) || ".";

/**
 * Runs a CLI command, echoing its output and appending it to `log`; resolves to its exit code. On
 * `signal` the command gets SIGINT, the Pulumi CLI's own graceful stop (a SIGTERM sent to `npm start`
 * alone would not reach it), unless the stop was a SIGINT, which the CLI got from the terminal too.
 */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, log: string, signal: AbortSignal): Promise<number> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log, { flags: "a" });
    out.write(`$ pulumi ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => (process.stdout.write(d), out.write(d)));
    child.stderr.on("data", (d: Buffer) => (process.stderr.write(d), out.write(d)));
    // A terminal's Ctrl-C reached the CLI already (same process group): a second SIGINT would make it quit.
    const stop = () => signal.reason !== "SIGINT" && child.kill("SIGINT");
    signal.addEventListener("abort", stop, { once: true });
    child.on("error", fail);
    child.on("close", (code) => {
      signal.removeEventListener("abort", stop);
      out.end(() => done(code ?? 1));
    });
  });
}

/** The run with the Pulumi CLI: local file backend, passphrase from the environment or `.local/`. */
async function withCli(pulumi: string, op: Operation, url: string, token: string, signal: AbortSignal): Promise<number> {
  const backend = join(LOCAL, "pulumi");
  mkdirSync(backend, { recursive: true });
  const log = join(LOCAL, "logs", `pulumi-${op}.log`);
  mkdirSync(join(LOCAL, "logs"), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? persistentSecret("pulumi-passphrase"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The provider reads these when the stack config does not set webex:baseUrl/accessToken.
    WEBEX_BASE_URL: url,
    WEBEX_ACCESS_TOKEN: token,
  };
  // The built CLI's folder holds its language host and dynamic-provider shim: first on PATH; its
  // plugins and settings stay under .local/, and it never downloads a plugin.
  env.PATH = [dirname(pulumi), env.PATH ?? ""].filter(Boolean).join(delimiter);
  env.PULUMI_HOME ??= join(LOCAL, "pulumi-home");
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  console.log(`Running \`pulumi ${op}\` (Pulumi CLI ${show(pulumi)}, state in ${show(backend)}, log in ${show(log)})`);
  // `stack init` writes the new stack's encryptionsalt into Pulumi.dev.yaml, which is tracked: a
  // salt there outlives `rm -rf .local` and then no longer matches the fresh state. So the salt
  // lives in .local/pulumi/Pulumi.dev.yaml (the tracked config plus the salt), passed with
  // --config-file, and the tracked file is put back as it was.
  const tracked = join(ROOT, `Pulumi.${STACK}.yaml`);
  const trackedText = readFileSync(tracked, "utf8");
  const configFile = join(backend, `Pulumi.${STACK}.yaml`);
  const select = await run(pulumi, ["stack", "select", STACK, "--create", "--non-interactive"], env, log, signal);
  const saltLine = (text: string) => /^encryptionsalt: .*$/m.exec(text)?.[0];
  const newSalt = saltLine(readFileSync(tracked, "utf8"));
  if (newSalt && newSalt !== saltLine(trackedText)) writeFileSync(tracked, trackedText);
  const salt =
    (newSalt && newSalt !== saltLine(trackedText) ? newSalt : undefined) ??
    (existsSync(configFile) ? saltLine(readFileSync(configFile, "utf8")) : undefined);
  writeFileSync(configFile, `${trackedText.replace(/^encryptionsalt: .*\n?/m, "").trimEnd()}\n${salt ? `${salt}\n` : ""}`);
  if (select !== 0 || signal.aborted) return select || 130;
  const args = op === "preview" ? ["preview", "--non-interactive", "--diff"] : [op, "--yes", "--non-interactive", "--diff"];
  const code = await run(pulumi, [...args, "--stack", STACK, "--config-file", configFile], env, log, signal);
  if (code !== 0 && /the stack is currently locked/i.test(readFileSync(log, "utf8").slice(-20_000))) {
    console.error(
      `\nnpm start: the stack is locked by an earlier run that did not finish (killed?). If no other \`npm start\` is running, ` +
        `release the lock, then run again:\n  PULUMI_BACKEND_URL=file://${backend} PULUMI_HOME=${env.PULUMI_HOME} ${pulumi} cancel --stack ${STACK} --yes`,
    );
  }
  console.log(`\nPulumi state: ${show(backend)} (stack ${STACK}); log: ${show(log)}`);
  return code;
}

/** The run with the local engine (no Pulumi CLI on this machine). */
async function withEngine(op: Operation, url: string, token: string, signal: AbortSignal): Promise<number> {
  const stateFile = join(LOCAL, "engine", `${STACK}.json`);
  mkdirSync(join(LOCAL, "engine"), { recursive: true });
  console.log(
    `Running \`${op}\` with the local engine (\`--engine local\`, or no Pulumi CLI built or on PATH; state in ${show(stateFile)})`,
  );
  const result = await runEngine({
    operation: op,
    cwd: ROOT,
    stack: STACK,
    stateFile,
    config: { "webex:baseUrl": url },
    secretConfig: { "webex:accessToken": token },
    signal,
  });
  // The engine prints the plan, the summary and "No changes" itself; only say where things are.
  console.log("");
  console.log(`Engine state: ${show(result.stateFile)}; log: ${show(result.logFile)}`);
  return result.ok ? 0 : result.exitCode || 1;
}

/** How the type token of every dynamic resource in a Pulumi state starts (`pulumi-nodejs:dynamic/webex:CustomerOrg`). */
const DYNAMIC_TYPE = /^pulumi-nodejs:dynamic[:/]/;

/**
 * How many resources the Pulumi state of the `dev` stack records: the local engine's checkpoint,
 * or the CLI's file backend. 0 when there is none or it cannot be read (the run itself reports an
 * unreadable state).
 */
function resourcesInPulumiState(cli: boolean): { file: string; count: number } {
  let file = join(LOCAL, "engine", `${STACK}.json`);
  if (cli) {
    const project = /^name:\s*(\S+)/m.exec(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"))?.[1] ?? "";
    file = join(LOCAL, "pulumi", ".pulumi", "stacks", project, `${STACK}.json`);
  }
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as {
      resources?: { type?: string }[];
      checkpoint?: { latest?: { resources?: { type?: string }[] } };
    };
    const resources = data.resources ?? data.checkpoint?.latest?.resources ?? [];
    return { file, count: resources.filter((r) => DYNAMIC_TYPE.test(r.type ?? "")).length };
  } catch {
    return { file, count: 0 };
  }
}

/**
 * The emulator's state gone (deleted, or `.local/` partly cleaned) while the Pulumi state still
 * records resources: an `up` would trust the Pulumi state and report "No changes" against an
 * emulator that holds nothing. Returns what to tell the person, or undefined when the stores agree.
 */
function storesMismatch(emulatorState: string, cli: boolean): string | undefined {
  if (existsSync(emulatorState)) return undefined;
  const pulumiState = resourcesInPulumiState(cli);
  if (pulumiState.count === 0) return undefined;
  const stores = [emulatorState, cli ? join(LOCAL, "pulumi") : join(LOCAL, "engine")].map(show).join(" ");
  return [
    `npm start: the emulator's state ${show(emulatorState)} is missing, but the Pulumi state ${show(pulumiState.file)} records ` +
      `${pulumiState.count} resource(s): the two stores no longer describe the same objects, so nothing was run.`,
    `  - to keep the Pulumi state and recreate what the emulator lost: npm start -- refresh (it drops what is gone), then npm start`,
    `  - or to start both from empty: rm -r ${stores}, then npm start`,
  ].join("\n");
}

/** Runs `npm start`; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { operation, forceLocalEngine, requireCli, allowDeletes, allowLookalikes } = parseArgs(argv);
  // The catalog program's deletion guard and loader read them (under the CLI and the local engine alike).
  if (allowDeletes) process.env[ALLOW_DELETES_ENV] = "true";
  if (allowLookalikes) process.env[ALLOW_LOOKALIKES_ENV] = "true";
  const started = Date.now();
  mkdirSync(LOCAL, { recursive: true });
  const stateFile = join(LOCAL, "emulator-state.json");
  const pulumi = forceLocalEngine ? undefined : findPulumi();
  if (requireCli && !pulumi) {
    const cli = findCli();
    console.error(`npm start: --engine cli: ${cli.found ? "no pulumi" : cli.reason}`);
    return 1;
  }
  const mismatch = operation === "up" || operation === "preview" ? storesMismatch(stateFile, pulumi !== undefined) : undefined;
  if (mismatch) {
    console.error(mismatch);
    return 1;
  }
  const emulator = await startEmulator({
    stateFile,
    token: persistentSecret("emulator-token"),
    provisioningDelayMs: PROVISIONING_DELAY_MS,
  });
  console.log(`Emulator: ${emulator.url} (state: ${show(stateFile)})`);
  // Ctrl-C, SIGTERM (a CI runner cancelling the job) and SIGHUP (the terminal closed) all stop the
  // same way: the emulator must outlive the run, or changes in flight would fail half-way; the
  // local engine is asked to stop starting writes and to record the ones in flight; the Pulumi CLI
  // gets SIGINT, its own graceful stop. A second signal quits at once. `npm` may exit on SIGTERM
  // without passing it on: a parent that disappears counts as a signal too, so no orphaned
  // `npm start` keeps provisioning (and holding the stack's lock) after its job was cancelled.
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals | "parent exited") => {
    if (abort.signal.aborted) {
      if (signal === "parent exited") return;
      process.exit(128 + (signal === "SIGHUP" ? 1 : signal === "SIGTERM" ? 15 : 2));
    }
    console.log(`\n${signal}: stopping after the changes in flight are recorded (a second signal quits now)...`);
    abort.abort(signal);
  };
  const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of stopSignals) process.on(s, onSignal);
  const parent = process.ppid;
  const parentWatch = setInterval(() => process.ppid !== parent && onSignal("parent exited"), 250).unref();
  // With the parent gone, the terminal or pipe may be gone too: losing output must not crash the
  // graceful stop.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  try {
    return pulumi
      ? await withCli(pulumi, operation, emulator.url, emulator.token, abort.signal)
      : await withEngine(operation, emulator.url, emulator.token, abort.signal);
  } finally {
    for (const s of stopSignals) process.off(s, onSignal);
    clearInterval(parentWatch);
    await emulator.close();
    console.log(`Emulator state: ${show(stateFile)}. Total ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
}
