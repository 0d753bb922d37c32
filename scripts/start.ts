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
 *
 * `npm start` owns the stop (a signal to it or to its group becomes the engine's graceful cancel)
 * and the repair after an unclean end (a marker left by a killed run makes the next run release the
 * lock and refresh first); docs/operating.md says what each case prints and what to run next.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { startEmulator } from "../local/emulator";
import { ALLOW_DELETES_ENV } from "../catalog/deletion-guard";
import { ALLOW_LOOKALIKES_ENV } from "../catalog/load";
import { findCli } from "./pulumi-cli";
import { REPO_ROOT } from "./repo-root";
import {
  cliDriver,
  engineDriver,
  findPulumi,
  freeBytes,
  neededForSaves,
  persistentSecret,
  show,
  STACK,
  statSize,
  StopRequests,
  type Driver,
} from "./start-drivers";
import {
  emulatorCustomerIds,
  otherProcessAlive,
  RunMarker,
  storesOf,
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
