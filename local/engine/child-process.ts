/**
 * Helpers for the child processes the engine starts (the program and the dynamic-provider plugin).
 */
import * as fs from "node:fs";
import type { Readable } from "node:stream";

/**
 * A `--import` module for the engine's children (program and plugin):
 * - it ends the child when the engine disappears: if the engine is killed (SIGKILL cannot be caught), its
 *   children are re-parented, notice their parent pid changed and exit, so no orphaned plugin keeps calling the
 *   API after the run is gone (the interval is unref'd: it never keeps a child alive);
 * - it ignores SIGINT: the engine alone decides how to stop (in-flight provider calls finish). The children run
 *   in process groups of their own, as the Pulumi CLI's plugins do, so a signal to the engine's group does not
 *   reach them; killing the engine's group still ends them, through the parent check above.
 */
export const CHILD_PRELOAD_IMPORT =
  "data:text/javascript,process.on('SIGINT',()=>{});const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.exit(70)},250).unref();";

/** Calls `onLine` for every complete line of a stream (and the unterminated last one at the end). */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      onLine(buffer.slice(0, nl).replace(/\r$/, ""));
      buffer = buffer.slice(nl + 1);
    }
  });
  stream.on("end", () => {
    if (buffer) onLine(buffer);
    buffer = "";
  });
}

/**
 * Samples a process's peak resident set size (Linux `VmHWM`) until it exits. Returns a getter for the largest
 * value seen, in bytes (0 where /proc is not available).
 */
export function trackPeakRss(pid: number | undefined, intervalMs = 200): { stop: () => void; peak: () => number } {
  let peak = 0;
  const sample = (): void => {
    if (pid === undefined) return;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // Process gone or no /proc: keep the last value.
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop: () => {
      sample();
      clearInterval(timer);
    },
    peak: () => peak,
  };
}

/** Environment variables a child must never inherit from the engine: the state passphrase stays with the engine. */
export const ENGINE_ONLY_ENV = ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"];

/** Builds a child's environment: the engine's, plus `extra`, minus the engine-only variables. */
export function childEnv(extra: Record<string, string>, overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, ...overrides };
  for (const k of ENGINE_ONLY_ENV) delete env[k];
  return env;
}
