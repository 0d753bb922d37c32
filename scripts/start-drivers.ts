/**
 * The two engines `npm start` drives, behind one shape ({@link Driver}): the Pulumi CLI (a child
 * process in its own process group, on a file backend under the state folder) and the local engine
 * (in this process). Each runs an operation under the stop requests `npm start` owns, releases a dead
 * run's lock, and tells what the run left: the state, the lock, and after a failed checkpoint write,
 * how to recover.
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
import { delimiter, dirname, join, relative } from "node:path";
import { runEngine } from "../local/engine";
import { findCli } from "./pulumi-cli";
import { REPO_ROOT } from "./repo-root";
import type { Operation } from "./start";
import {
  cliCheckpoint,
  cliLockHeld,
  engineLockHeld,
  newestIntactBackup,
  readPulumiState,
  writeImportFile,
  type PulumiStateSummary,
  type Stores,
} from "./start-stores";

/** The repository root: the root program's folder, where every run starts. */
const ROOT = REPO_ROOT;
/** The one stack `npm start` keeps. */
export const STACK = "dev";

/** A value kept in `<state dir>/<name>`, generated on first use; readable by the owner only. */
export function persistentSecret(local: string, name: string): string {
  const file = join(local, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = randomBytes(24).toString("hex");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** The Pulumi CLI: the one built by `npm run pulumi:install` first, else a `pulumi` on PATH, if any. */
export function findPulumi(): string | undefined {
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
export const show = (path: string) => relative(ROOT, path) || ".";

/**
 * The stop of a run, which `npm start` owns: the first stop request (a signal, a vanished parent, a
 * full disk) asks the run to stop after the changes in flight are recorded; a second one asks it to
 * quit now.
 */
export class StopRequests {
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
export type Outcome = {
  code: number;
  /** The run's process exited on its own (not killed by a signal, not asked to quit at once). */
  endedOnItsOwn: boolean;
  /** The run's output (the CLI's; empty under the local engine, which prints directly). */
  output: string;
};

/** The CLI's words when a checkpoint write failed (pkg/backend/diy/state.go, pkg/backend/snapshot.go) or the disk is full. */
const CHECKPOINT_WRITE_FAILED = /An IO error occurred while writing the new snapshot file|failed to save snapshot|no space left on device/i;

/** Free bytes on the file system that holds `dir`; Infinity when it cannot be told. */
export function freeBytes(dir: string): number {
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
export const neededForSaves = (checkpointBytes: number) => 3 * checkpointBytes + 1024 * 1024;

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
export type Driver = {
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
export async function cliDriver(pulumi: string, stores: Stores, url: string, token: string, stop: StopRequests): Promise<Driver> {
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
  // A damaged checkpoint fails `stack select` too ("failed to load checkpoint"): that case gets the recovery advice instead.
  if (select.code !== 0 && readPulumiState(checkpoint).readable)
    throw new Error(`\`pulumi stack select ${STACK}\` failed (exit ${select.code}); see ${show(selectLog)}`);
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
export function engineDriver(stores: Stores, url: string, token: string, stop: StopRequests): Driver {
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

/** The size of a file in bytes; 0 when it does not exist. */
export function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
