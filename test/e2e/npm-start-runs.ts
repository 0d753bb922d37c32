/**
 * What the `npm start` tests share under either engine (`test/e2e/main-job-start.test.ts`, stand-in;
 * `test/cli/npm-start-runtime.test.ts`, real CLI): a run in its own process group with its output
 * collected, waiting for a condition, and what the emulator's state file holds.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./harness";

/** One `npm start` (or `node scripts/start.js`) run, its output collected. */
export type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/**
 * Starts `command argv` at the repository root in its own process group, as a terminal or a CI runner
 * starts a job: the group is what a test signals.
 */
export function startCollected(command: string, argv: readonly string[], env: Record<string, string | undefined>): Run {
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, output: () => text, exited };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `test()` holds; past `timeoutMs` it fails naming `what`, with the tail of `detail()`. */
export async function until(what: string, test: () => boolean, timeoutMs: number, detail = () => ""): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${detail().slice(-4000)}`);
    await sleep(100);
  }
}

/** What `npm start`'s emulator saved under `dir`; empty when the file is missing or unreadable. */
export type EmulatorState = {
  customers: Record<string, { externalId: string; status: string }>;
  subscribers: Record<string, { email: string }>;
};
/** Reads the emulator's state file of an `npm start --state-dir dir`. */
export function emulatorState(dir: string): EmulatorState {
  try {
    return JSON.parse(readFileSync(join(dir, "emulator-state.json"), "utf8")) as EmulatorState;
  } catch {
    return { customers: {}, subscribers: {} };
  }
}
/** The externalIds of the customers the emulator holds, sorted. */
export const externalIds = (dir: string) =>
  Object.values(emulatorState(dir).customers)
    .map((c) => c.externalId)
    .sort();
