/**
 * Command line of the local engine:
 *
 *   npm run engine -- up|preview|refresh|destroy|cancel --stack <s> --cwd <program dir> [--parallel N]
 *     [--config k=v]... [--secret-config k=env:VAR|file:PATH]... [--state <file>] [--verbose] [--clear-pending-creates]
 *
 * Exit code 0 on success, 1 on a failed run, 2 on invalid usage. Ctrl-C, SIGTERM (a CI runner cancelling a job)
 * and SIGHUP (a closed terminal) cancel: no new provider write starts, the ones in flight finish and are recorded;
 * a second signal quits at once. A SIGKILL at any point is safe too: the state and its pending-operations list
 * record what was in flight, and the lock it leaves is removed with `cancel`, as with the Pulumi CLI.
 */
import * as path from "node:path";

import { OperationSchema, type EngineOptions } from "./options";
import { resolveSecretReference } from "./project-config";
import { runEngine } from "./engine";

const USAGE =
  "usage: npm run engine -- up|preview|refresh|destroy|cancel --stack <name> [--cwd <program dir>] [--parallel N]\n" +
  "         [--config key=value]... [--secret-config key=env:VARIABLE|file:PATH]... [--state <file>] [--verbose]\n" +
  "         [--clear-pending-creates] (refresh)\n" +
  "cancel removes the lock a killed run left (make sure no run is active first).\n" +
  "Secrets in the state are encrypted with PULUMI_CONFIG_PASSPHRASE.";

/** Invalid command line. */
export class UsageError extends Error {
  override name = "UsageError";
}

function keyValue(flag: string, text: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new UsageError(`${flag} expects key=value, got ${JSON.stringify(text)}`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/**
 * Parses the command line into engine options (secret references resolved from `env`).
 *
 * @throws UsageError on anything invalid.
 */
export function parseCommandLine(argv: readonly string[], env: Record<string, string | undefined>): EngineOptions {
  const rest = [...argv];
  if (rest[0] === "--help" || rest[0] === "-h") throw new UsageError("");
  const op = OperationSchema.safeParse(rest.shift());
  if (!op.success) throw new UsageError(`expected an operation: ${OperationSchema.options.join(", ")}`);
  // `npm run` changes to the package root; relative paths are meant from where the person typed the command.
  const base = env["INIT_CWD"] ?? process.cwd();
  const options: EngineOptions = { operation: op.data, cwd: base, stack: "", config: {}, secretConfig: {} };
  const value = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (rest.length > 0) {
    const raw = rest.shift()!;
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    if (eq > 0) rest.unshift(raw.slice(eq + 1));
    switch (flag) {
      case "--stack":
      case "-s":
        options.stack = value(flag);
        break;
      case "--cwd":
      case "-C":
        options.cwd = path.resolve(base, value(flag));
        break;
      case "--parallel":
      case "-p": {
        const n = Number(value(flag));
        if (!Number.isInteger(n) || n < 1) throw new UsageError("--parallel expects a positive integer");
        options.parallel = n;
        break;
      }
      case "--config":
      case "-c": {
        const [k, v] = keyValue(flag, value(flag));
        options.config![k] = v;
        break;
      }
      case "--secret-config": {
        const [k, ref] = keyValue(flag, value(flag));
        options.secretConfig![k] = resolveSecretReference(k, ref, env);
        break;
      }
      case "--state":
        options.stateFile = path.resolve(base, value(flag));
        break;
      case "--verbose":
      case "-v":
        options.verbose = true;
        break;
      case "--clear-pending-creates":
        if (options.operation !== "refresh") throw new UsageError("--clear-pending-creates goes with refresh");
        options.clearPendingCreates = true;
        break;
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(raw)}`);
    }
  }
  if (!options.stack) throw new UsageError("--stack is required");
  return options;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: EngineOptions;
  try {
    options = parseCommandLine(argv, process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      if (!e.message) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 2;
  }
  const controller = new AbortController();
  const stop = cancelOnSignals(controller, (code) => process.exit(code));
  try {
    const result = await runEngine({ ...options, signal: controller.signal });
    return result.exitCode;
  } finally {
    stop();
  }
}

/** The signals that cancel a run: Ctrl-C, a CI runner's SIGTERM, a closed terminal's SIGHUP. */
export const CANCEL_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Makes the first of {@link CANCEL_SIGNALS} cancel the run through `controller` (no new step starts; in-flight ones
 * finish and are recorded), as the Pulumi CLI does on its first Ctrl-C, and a second one quit at once with
 * 128 + the signal's number.
 *
 * @param exit quits the process (injected for tests).
 * @returns a function that removes the handlers.
 */
export function cancelOnSignals(
  controller: AbortController,
  exit: (code: number) => void,
  proc: NodeJS.EventEmitter = process,
): () => void {
  const numbers: Record<(typeof CANCEL_SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
  const onSignal = (signal: (typeof CANCEL_SIGNALS)[number]): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`${signal} again: quitting now (steps in flight may finish without being recorded; the lock stays)\n`);
      exit(128 + numbers[signal]);
      return;
    }
    process.stderr.write(`\n${signal}: cancelling (in-flight provider calls finish and are recorded; send it again to quit now)\n`);
    controller.abort();
  };
  for (const s of CANCEL_SIGNALS) proc.on(s, onSignal);
  return () => {
    for (const s of CANCEL_SIGNALS) proc.off(s, onSignal);
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(1);
    },
  );
}
