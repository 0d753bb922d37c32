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
import {
  accessSync,
  constants,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statfsSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { startEmulator } from "../local/emulator";
import { findCli } from "./pulumi-cli";
import { runEngine } from "../local/engine";
import { ALLOW_DELETES_ENV } from "../catalog/deletion-guard";
import { ALLOW_LOOKALIKES_ENV } from "../catalog/load";
import { REPO_ROOT } from "./repo-root";
import {
  cliCheckpoint,
  cliLockHeld,
  emulatorCustomerIds,
  engineLockHeld,
  newestIntactBackup,
  otherProcessAlive,
  readPulumiState,
  RunMarker,
  storesOf,
  writeImportFile,
  type PulumiStateSummary,
  type RunRecord,
  type Stores,
} from "./start-stores";

/** The operations `npm start` accepts; `up` when none is given. */
export const OPERATIONS = ["up", "preview", "refresh", "destroy"] as const;
/** One of {@link OPERATIONS}. */
export type Operation = (typeof OPERATIONS)[number];

/** The repository root: the root program's folder. */
const ROOT = REPO_ROOT;
const STACK = "dev";
/** Long enough to see provisioning progress, short enough for a first run well under a minute. */
const DEFAULT_PROVISIONING_MS = 2000;

/** A signal repeated within this time is the same stop delivered twice (from the group and from `npm`), not a second one. */
const SAME_STOP_MS = 1000;

/** Parsed command line. */
type Args = {
  operation: Operation;
  forceLocalEngine: boolean;
  requireCli: boolean;
  allowDeletes: boolean;
  allowLookalikes: boolean;
  /** Everything `npm start` keeps between runs: `.local/` (git-ignored) unless `--state-dir` moves it. */
  stateDir: string;
  /** How long the emulator takes to provision a customer (`--provisioning-ms`). */
  provisioningMs: number;
};

/** Parses `npm start` arguments; throws with the usage on anything unknown. */
export function parseArgs(argv: readonly string[]): Args {
  const usage =
    `usage: npm start [-- ${OPERATIONS.join("|")}] [--engine cli|local] (--local-engine = --engine local) [--allow-deletes] [--allow-lookalikes]\n` +
    `       [--state-dir <dir> (default .local)] [--provisioning-ms <n> (the emulator's provisioning time, default ${DEFAULT_PROVISIONING_MS})]`;
  const args: Args = {
    operation: "up",
    forceLocalEngine: false,
    requireCli: false,
    allowDeletes: false,
    allowLookalikes: false,
    stateDir: join(ROOT, ".local"),
    provisioningMs: DEFAULT_PROVISIONING_MS,
  };
  let seenOperation = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value\n${usage}`);
      return v;
    };
    if (flag === "--engine") {
      const engine = value();
      if (engine !== "cli" && engine !== "local") throw new Error(`--engine takes cli or local, not "${engine}"\n${usage}`);
      args.forceLocalEngine = engine === "local";
      args.requireCli = engine === "cli";
    } else if (flag === "--state-dir") args.stateDir = resolve(value());
    else if (flag === "--provisioning-ms") {
      const ms = Number(value());
      if (!Number.isInteger(ms) || ms < 0) throw new Error(`--provisioning-ms takes a whole number of milliseconds\n${usage}`);
      args.provisioningMs = ms;
    } else if (a === "--local-engine") args.forceLocalEngine = true;
    else if (a === "--allow-deletes") args.allowDeletes = true;
    else if (a === "--allow-lookalikes") args.allowLookalikes = true;
    else if ((OPERATIONS as readonly string[]).includes(a) && !seenOperation) {
      args.operation = a as Operation;
      seenOperation = true;
    } else throw new Error(`unexpected argument "${a}"\n${usage}`);
  }
  return args;
}

/** A value kept in `<state dir>/<name>`, generated on first use; readable by the owner only. */
function persistentSecret(local: string, name: string): string {
  const file = join(local, name);
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
 * The stop of a run, which `npm start` owns: the first stop request (a signal, a vanished parent, a
 * full disk) asks the run to stop after the changes in flight are recorded; a second one asks it to
 * quit now.
 */
class StopRequests {
  /** Aborted by the first request; its reason is what asked. */
  readonly graceful = new AbortController();
  /** Aborted by the second request. */
  readonly force = new AbortController();
  /** Records a request; returns true when it was the first. */
  request(reason: string): boolean {
    if (!this.graceful.signal.aborted) {
      this.graceful.abort(reason);
      return true;
    }
    if (!this.force.signal.aborted) this.force.abort(reason);
    return false;
  }
}

/** How a run ended. */
type Outcome = {
  code: number;
  /** The run's process exited on its own (not killed by a signal, not asked to quit at once). */
  endedOnItsOwn: boolean;
  /** The run's output (the CLI's; empty under the local engine, which prints directly). */
  output: string;
};

/** The CLI's words when a checkpoint write failed (pkg/backend/diy/state.go, pkg/backend/snapshot.go) or the disk is full. */
const CHECKPOINT_WRITE_FAILED = /An IO error occurred while writing the new snapshot file|failed to save snapshot|no space left on device/i;

/** Free bytes on the file system that holds `dir`; Infinity when it cannot be told. */
function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Infinity;
  }
}

/**
 * The free space a checkpoint save needs: the CLI writes the new checkpoint, a `.bak` copy and a
 * backup beside the old one, so three times its size, plus room for the lock and the history.
 */
const neededForSaves = (checkpointBytes: number) => 3 * checkpointBytes + 1024 * 1024;

/**
 * Runs a CLI command in its own process group (detached), so that a signal meant for `npm start`
 * (Ctrl-C in the terminal, SIGTERM or SIGHUP to the whole group) reaches the CLI only as `npm start`
 * forwards it: one SIGINT, the CLI's graceful cancel, on the first stop request, and a second SIGINT,
 * its "terminate now", on the second. Output is echoed and appended to `log`; `watch` sees each chunk.
 */
function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  log: string,
  stop: StopRequests,
  watch: (chunk: string) => void = () => undefined,
): Promise<Outcome> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log, { flags: "a" });
    out.write(`$ pulumi ${args.join(" ")}\n`);
    let output = "";
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const echo = (to: NodeJS.WriteStream) => (d: Buffer) => {
      to.write(d);
      out.write(d);
      const text = d.toString();
      output = (output + text).slice(-200_000);
      watch(text);
    };
    child.stdout.on("data", echo(process.stdout));
    child.stderr.on("data", echo(process.stderr));
    const interrupt = () => child.kill("SIGINT");
    if (stop.graceful.signal.aborted) interrupt();
    stop.graceful.signal.addEventListener("abort", interrupt, { once: true });
    stop.force.signal.addEventListener("abort", interrupt, { once: true });
    child.on("error", fail);
    child.on("close", (code, signal) => {
      stop.graceful.signal.removeEventListener("abort", interrupt);
      stop.force.signal.removeEventListener("abort", interrupt);
      out.end(() => done({ code: code ?? 1, endedOnItsOwn: signal === null && !stop.force.signal.aborted, output }));
    });
  });
}

/**
 * One engine as `npm start` drives it: the Pulumi CLI or the local engine, on the stores of one state
 * folder. `run` takes the operation's own flags; the rest reads what the run left.
 */
type Driver = {
  /** Runs an operation (`refresh` also forgets pending creates). */
  run(op: Operation): Promise<Outcome>;
  /** Removes the lock a killed run left. */
  cancelLock(): Promise<number>;
  lockHeld(): boolean;
  /** The Pulumi state's checkpoint, summarised. */
  state(): PulumiStateSummary;
  /** Where the state and the log are, for the closing line. */
  where(): string;
  /** After a failed checkpoint write: what to run to recover, or undefined when the checkpoint is intact. */
  recovery(diskFull: boolean): string | undefined;
};

/** The Pulumi CLI on the file backend `<state dir>/pulumi`, passphrase from the environment or the state folder. */
async function cliDriver(pulumi: string, stores: Stores, url: string, token: string, stop: StopRequests): Promise<Driver> {
  const { backend, local } = stores;
  mkdirSync(backend, { recursive: true });
  mkdirSync(join(local, "logs"), { recursive: true });
  const passphraseFile = join(local, "pulumi-passphrase");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? persistentSecret(local, "pulumi-passphrase"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The provider reads these when the stack config does not set webex:baseUrl/accessToken.
    WEBEX_BASE_URL: url,
    WEBEX_ACCESS_TOKEN: token,
  };
  // The built CLI's folder holds its language host and dynamic-provider shim: first on PATH; its
  // plugins and settings stay under the state folder, and it never downloads a plugin.
  env.PATH = [dirname(pulumi), env.PATH ?? ""].filter(Boolean).join(delimiter);
  env.PULUMI_HOME ??= join(local, "pulumi-home");
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  const project = /^name:\s*(\S+)/m.exec(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"))?.[1] ?? "";
  const checkpoint = cliCheckpoint(stores, project, STACK);
  const cliCommand = (args: string) =>
    `PULUMI_BACKEND_URL=file://${backend} PULUMI_HOME=${env.PULUMI_HOME} ` +
    `${process.env.PULUMI_CONFIG_PASSPHRASE ? "" : `PULUMI_CONFIG_PASSPHRASE_FILE=${passphraseFile} `}${pulumi} ${args}`;
  // `stack init` writes the new stack's encryptionsalt into Pulumi.dev.yaml, which is tracked: a
  // salt there outlives `rm -rf .local` and then no longer matches the fresh state. So the salt
  // lives in <state dir>/pulumi/Pulumi.dev.yaml (the tracked config plus the salt), passed with
  // --config-file, and the tracked file is put back as it was.
  const tracked = join(ROOT, `Pulumi.${STACK}.yaml`);
  const trackedText = readFileSync(tracked, "utf8");
  const configFile = join(backend, `Pulumi.${STACK}.yaml`);
  const selectLog = join(local, "logs", "pulumi-stack.log");
  const select = await run(pulumi, ["stack", "select", STACK, "--create", "--non-interactive"], env, selectLog, stop);
  const saltLine = (text: string) => /^encryptionsalt: .*$/m.exec(text)?.[0];
  const newSalt = saltLine(readFileSync(tracked, "utf8"));
  if (newSalt && newSalt !== saltLine(trackedText)) writeFileSync(tracked, trackedText);
  const salt =
    (newSalt && newSalt !== saltLine(trackedText) ? newSalt : undefined) ??
    (existsSync(configFile) ? saltLine(readFileSync(configFile, "utf8")) : undefined);
  writeFileSync(configFile, `${trackedText.replace(/^encryptionsalt: .*\n?/m, "").trimEnd()}\n${salt ? `${salt}\n` : ""}`);
  if (select.code !== 0) throw new Error(`\`pulumi stack select ${STACK}\` failed (exit ${select.code}); see ${show(selectLog)}`);
  let lastLog = selectLog;
  return {
    async run(op) {
      lastLog = join(local, "logs", `pulumi-${op}.log`);
      const flags = {
        preview: ["preview", "--non-interactive", "--diff"],
        up: ["up", "--yes", "--non-interactive", "--diff"],
        // A killed run's creates stay pending in every checkpoint until a refresh forgets them; this
        // provider adopts their objects by externalId and email on the next up, so forgetting is safe.
        refresh: ["refresh", "--yes", "--non-interactive", "--diff", "--clear-pending-creates"],
        destroy: ["destroy", "--yes", "--non-interactive", "--diff"],
      }[op];
      console.log(`Running \`pulumi ${op}\` (Pulumi CLI ${show(pulumi)}, state in ${show(backend)}, log in ${show(lastLog)})`);
      // A full disk shows first as free space running out, long before the CLI gives up retrying its
      // write (ten tries with back-off, minutes with many resources in flight): stop then.
      const diskWatch = setInterval(() => {
        if (freeBytes(backend) < 64 * 1024 && stop.request("the disk holding the Pulumi state is full"))
          console.error(`\nnpm start: the disk holding ${show(backend)} is full: stopping the run.`);
      }, 500).unref();
      try {
        const outcome = await run(pulumi, [...flags, "--stack", STACK, "--config-file", configFile], env, lastLog, stop, (text) => {
          if (CHECKPOINT_WRITE_FAILED.test(text) && stop.request("a checkpoint write failed"))
            console.error(`\nnpm start: the Pulumi CLI could not write its checkpoint: stopping the run.`);
        });
        // A lock without the marker of a dead run: someone else's run, or a pulumi command killed outside npm start.
        if (outcome.code !== 0 && /the stack is currently locked/i.test(outcome.output)) {
          console.error(
            `\nnpm start: the stack is locked by another run. If none is going (a \`pulumi\` command killed outside npm start), ` +
              `release the lock, then run again:\n  ${cliCommand(`cancel --yes --stack ${STACK}`)}`,
          );
        }
        return outcome;
      } finally {
        clearInterval(diskWatch);
      }
    },
    async cancelLock() {
      return (await run(pulumi, ["cancel", "--yes", "--stack", STACK], env, join(local, "logs", "pulumi-cancel.log"), new StopRequests()))
        .code;
    },
    lockHeld: () => cliLockHeld(stores),
    state: () => readPulumiState(checkpoint),
    where: () => `Pulumi state: ${show(backend)} (stack ${STACK}); log: ${show(lastLog)}`,
    recovery(diskFull) {
      const now = readPulumiState(checkpoint);
      if (now.readable && !diskFull) return undefined;
      const lines = [
        now.readable
          ? `npm start: a checkpoint write failed (disk full?): the checkpoint ${show(checkpoint)} may miss the last changes.`
          : `npm start: the checkpoint ${show(checkpoint)} is damaged (a write failed, the disk is likely full).`,
        `  1. Free space on the disk that holds ${show(backend)} (${Math.floor(freeBytes(backend) / 1024)} KiB free now).`,
      ];
      const backup = newestIntactBackup(stores, STACK);
      if (!now.readable && backup) {
        const importFile = join(local, `recovered-${STACK}.json`);
        let command = `cp ${backup.file} ${checkpoint}`;
        try {
          writeImportFile(backup.file, importFile);
          command = cliCommand(`stack import --stack ${STACK} --file ${importFile}`);
        } catch {
          // no room for the import file either: copying the backup over the checkpoint does the same
        }
        lines.push(
          `  2. Put back the newest intact copy, ${show(backup.file)} (${backup.resources} resources):`,
          `       ${command}`,
          `  3. Then npm start -- refresh, which drops what that copy records but the service no longer has, then npm start.`,
        );
      } else if (!now.readable) {
        lines.push(
          `  2. No intact copy under ${show(join(backend, ".pulumi"))}: remove ${show(checkpoint)} and rebuild the state with npm start (it adopts existing customers).`,
        );
      } else {
        lines.push(`  2. Then npm start -- refresh, then npm start.`);
      }
      return lines.join("\n");
    },
  };
}

/** The local engine on the state file `<state dir>/engine/dev.json` (no Pulumi CLI on this machine). */
function engineDriver(stores: Stores, url: string, token: string, stop: StopRequests): Driver {
  mkdirSync(dirname(stores.engineState), { recursive: true });
  let logFile = "";
  const engine = async (operation: Operation | "cancel") => {
    const result = await runEngine({
      operation,
      cwd: ROOT,
      stack: STACK,
      stateFile: stores.engineState,
      config: { "webex:baseUrl": url },
      secretConfig: { "webex:accessToken": token },
      clearPendingCreates: operation === "refresh",
      signal: stop.graceful.signal,
    });
    logFile = result.logFile;
    return result.ok ? 0 : result.exitCode || 1;
  };
  return {
    async run(op) {
      console.log(
        `Running \`${op}\` with the local engine (\`--engine local\`, or no Pulumi CLI built or on PATH; state in ${show(stores.engineState)})`,
      );
      // The engine runs in this process: a second stop request can only quit it (see main).
      return { code: await engine(op), endedOnItsOwn: true, output: "" };
    },
    cancelLock: () => engine("cancel"),
    lockHeld: () => engineLockHeld(stores),
    state: () => readPulumiState(stores.engineState, true),
    where: () => `Engine state: ${show(stores.engineState)}; log: ${show(logFile)}`,
    // The engine stops at its first failed state write and keeps the last good state (local/engine/README.md).
    recovery: () => undefined,
  };
}

/**
 * The Pulumi state records customers the emulator does not hold (its state file deleted, or wiped
 * of customers): an `up` would trust the Pulumi state and report "unchanged" against a service that
 * holds nothing. Returns what to tell the person, or undefined when the stores agree.
 */
function storesMismatch(
  stores: Stores,
  held: Set<string> | undefined,
  pulumiState: PulumiStateSummary,
  backendDir: string,
): string | undefined {
  if (pulumiState.resources.length === 0) return undefined;
  const recorded = pulumiState.resources.filter((r) => /:CustomerOrg$/.test(r.type) && r.id);
  const missing = held ? recorded.filter((r) => !held.has(r.id!)) : recorded;
  if (held && missing.length === 0) return undefined;
  const what = held
    ? `lacks ${missing.length} of the ${recorded.length} customer(s) that the Pulumi state ${show(pulumiState.file)} records`
    : `is missing, but the Pulumi state ${show(pulumiState.file)} records ${pulumiState.resources.length} resource(s)`;
  return [
    `npm start: the emulator's state ${show(stores.emulatorState)} ${what}: ` +
      `the two stores no longer describe the same objects, so nothing was run.`,
    `  - to keep the Pulumi state and recreate what the emulator lost: npm start -- refresh (it drops what is gone), then npm start`,
    `  - or to start both from empty: rm -r ${[stores.emulatorState, backendDir].map(show).join(" ")}, then npm start`,
  ].join("\n");
}

/** The `npm start` command line that repeats this run's options (`--state-dir`, the engine) with `op`. */
function again(args: Args, op: Operation): string {
  const extra = [
    op === "up" ? "" : op,
    args.forceLocalEngine ? "--engine local" : args.requireCli ? "--engine cli" : "",
    args.stateDir === join(ROOT, ".local") ? "" : `--state-dir ${args.stateDir}`,
  ].filter(Boolean);
  return extra.length ? `npm start -- ${extra.join(" ")}` : "npm start";
}

/**
 * After a run that did not end cleanly (its marker is still there): releases the lock it left,
 * once its process is surely gone, and refreshes, so the operation starts from a state that matches
 * the service. Returns the exit code of a failed step, or undefined to go on.
 */
async function recoverUncleanEnd(previous: RunRecord, driver: Driver, args: Args, marker: RunMarker): Promise<number | undefined> {
  console.log(
    `npm start: the last run (\`${previous.operation}\`, pid ${previous.pid}, started ${previous.startedAt}) did not end cleanly ` +
      `(killed, or its machine lost): its last changes may be missing from the Pulumi state. Refreshing first.`,
  );
  if (driver.lockHeld()) {
    const code = await driver.cancelLock();
    if (code !== 0) return code;
  }
  // A refresh asked for is the repair itself.
  if (args.operation === "refresh") return undefined;
  marker.write({ operation: "refresh", pid: process.pid, startedAt: new Date().toISOString() });
  const refresh = await driver.run("refresh");
  if (refresh.code !== 0) {
    console.error(`\nnpm start: the refresh after the unclean end failed; fix what it reports, then run ${again(args, "refresh")}.`);
    return refresh.code;
  }
  return undefined;
}

/** Runs `npm start`; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const { operation, forceLocalEngine, requireCli, allowDeletes, allowLookalikes } = args;
  // The catalog program's deletion guard and loader read them (under the CLI and the local engine alike).
  if (allowDeletes) process.env[ALLOW_DELETES_ENV] = "true";
  if (allowLookalikes) process.env[ALLOW_LOOKALIKES_ENV] = "true";
  const started = Date.now();
  const stores = storesOf(args.stateDir, STACK);
  mkdirSync(stores.local, { recursive: true });
  const pulumi = forceLocalEngine ? undefined : findPulumi();
  if (requireCli && !pulumi) {
    const cli = findCli();
    console.error(`npm start: --engine cli: ${cli.found ? "no pulumi" : cli.reason}`);
    return 1;
  }
  const marker = new RunMarker(stores.marker);
  const previous = marker.read();
  if (previous && otherProcessAlive(previous.pid)) {
    console.error(
      `npm start: another \`npm start -- ${previous.operation}\` (pid ${previous.pid}, started ${previous.startedAt}) is running on ${show(stores.local)}: ` +
        `wait for it to end, or stop it (kill -TERM ${previous.pid}) and run this again.`,
    );
    return 1;
  }
  // Read before the emulator starts: it creates an empty state file when there is none.
  const emulatorHeld = emulatorCustomerIds(stores);
  const emulator = await startEmulator({
    stateFile: stores.emulatorState,
    token: persistentSecret(stores.local, "emulator-token"),
    provisioningDelayMs: args.provisioningMs,
  });
  console.log(`Emulator: ${emulator.url} (state: ${show(stores.emulatorState)})`);
  // Ctrl-C, SIGTERM (a CI runner cancelling the job) and SIGHUP (the terminal closed), to this
  // process or to its whole group, all stop the same way: the emulator must outlive the run, or
  // changes in flight would fail half-way; the run (the local engine here, the Pulumi CLI in its own
  // process group) is asked to stop starting writes and to record the ones in flight. A second
  // signal quits at once. `npm` may exit on SIGTERM or SIGHUP without passing it on: a parent that
  // disappears counts as a signal too, so no orphaned `npm start` keeps provisioning (and holding
  // the stack's lock) after its job was cancelled.
  const stop = new StopRequests();
  let first: { signal: string; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals | "parent exited") => {
    if (!first) {
      first = { signal, at: Date.now() };
      stop.request(signal);
      console.log(`\n${signal}: stopping after the changes in flight are recorded (a second signal quits now)...`);
      return;
    }
    // The same stop arriving twice is not a second one: a signal sent to the whole group reaches this
    // process from the kernel and again from `npm`, which forwards SIGINT and SIGTERM to its child; and
    // `npm` exiting on the signal then makes the parent vanish.
    if (signal === "parent exited" || (signal === first.signal && Date.now() - first.at < SAME_STOP_MS)) return;
    stop.request(signal);
    if (pulumi) {
      console.log(`\n${signal} again: asking the Pulumi CLI to quit now (changes in flight may be left pending)...`);
      return;
    }
    process.exit(128 + (signal === "SIGHUP" ? 1 : signal === "SIGTERM" ? 15 : 2));
  };
  const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of stopSignals) process.on(s, onSignal);
  const parent = process.ppid;
  const parentWatch = setInterval(() => process.ppid !== parent && onSignal("parent exited"), 250).unref();
  // With the parent gone, the terminal or pipe may be gone too: losing output must not crash the
  // graceful stop.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  let diskFull = false;
  let driver: Driver | undefined;
  try {
    driver = pulumi
      ? await cliDriver(pulumi, stores, emulator.url, emulator.token, stop)
      : engineDriver(stores, emulator.url, emulator.token, stop);
    const backendDir = pulumi ? stores.backend : dirname(stores.engineState);
    const before = driver.state();
    if (pulumi && operation !== "preview" && before.readable && freeBytes(backendDir) < neededForSaves(statSize(before.file))) {
      console.error(
        `npm start: ${Math.floor(freeBytes(backendDir) / 1024)} KiB free on the disk that holds ${show(backendDir)}: ` +
          `too little to save the Pulumi state safely. Free space there (at least ${Math.ceil(neededForSaves(statSize(before.file)) / 1024)} KiB), then run ${again(args, operation)}.`,
      );
      return 1;
    }
    const unreadable = driver.recovery(false);
    if (unreadable) {
      console.error(unreadable);
      return 1;
    }
    if (previous && operation !== "preview") {
      const failed = await recoverUncleanEnd(previous, driver, args, marker);
      if (failed !== undefined) return failed;
    } else if (previous) {
      console.log(
        `npm start: the last run did not end cleanly; this preview may be wrong until ${again(args, "refresh")} (or ${again(args, "up")}, which refreshes first).`,
      );
    }
    const mismatch =
      operation === "up" || operation === "preview" ? storesMismatch(stores, emulatorHeld, driver.state(), backendDir) : undefined;
    if (mismatch) {
      console.error(mismatch);
      return 1;
    }
    if (operation !== "preview") marker.write({ operation, pid: process.pid, startedAt: new Date().toISOString() });
    const outcome = stop.graceful.signal.aborted ? { code: 130, endedOnItsOwn: true, output: "" } : await driver.run(operation);
    diskFull =
      stop.graceful.signal.reason === "a checkpoint write failed" ||
      stop.graceful.signal.reason === "the disk holding the Pulumi state is full";
    const after = driver.state();
    const lockHeld = driver.lockHeld();
    const clean = outcome.endedOnItsOwn && !lockHeld && after.readable && after.pending === 0 && !diskFull;
    if (clean && operation !== "preview") marker.remove();
    console.log("");
    const recovery = driver.recovery(diskFull);
    if (recovery) console.error(recovery);
    else if (stop.graceful.signal.aborted)
      console.error(stopReport(String(stop.graceful.signal.reason), clean, lockHeld, after.pending, args));
    if (outcome.code !== 0 && /no access token/.test(outcome.output) && (operation === "refresh" || operation === "destroy")) {
      console.error(
        `npm start: \`${operation}\` found no access token. It uses the provider configuration that the last up stored; ` +
          `set WEBEX_ACCESS_TOKEN in the environment, or the stack config (pulumi config set --secret webex:accessToken <token>), and run it again.`,
      );
    }
    console.log(driver.where());
    return diskFull && outcome.code === 0 ? 1 : outcome.code;
  } finally {
    for (const s of stopSignals) process.off(s, onSignal);
    clearInterval(parentWatch);
    await emulator.close();
    console.log(`Emulator state: ${show(stores.emulatorState)}. Total ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
}

/** The size of a file in bytes; 0 when it does not exist. */
function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What a stopped run did, and the one command to run next. */
function stopReport(reason: string, clean: boolean, lockHeld: boolean, pending: number, args: Args): string {
  if (clean) {
    return (
      `npm start: stopped (${reason}). The changes in flight finished and are recorded; no operation is pending and the lock is released.\n` +
      `  Next: ${again(args, args.operation)} (it carries on from where this run stopped).`
    );
  }
  const left = [lockHeld ? "the stack's lock" : "", pending > 0 ? `${pending} pending operation(s)` : ""].filter(Boolean).join(" and ");
  return (
    `npm start: stopped (${reason}) before the run could record everything${left ? `: it left ${left}` : ""}.\n` +
    `  Next: ${again(args, args.operation)} (it releases the lock and refreshes first, then carries on).`
  );
}
