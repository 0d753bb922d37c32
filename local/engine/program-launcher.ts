/**
 * Launches the Pulumi program the way the real Node.js language host does
 * (pulumi-language-nodejs main.go constructArguments/execRuntime): the SDK's own `cmd/run` entry point,
 * resolved from the program directory, pointed at our monitor and engine services.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

import { CHILD_PRELOAD_IMPORT, childEnv, forEachLine, trackPeakRss } from "./child-process";
import type { ResolvedConfig } from "./project-config";
import type { SdkModules } from "./sdk";

/** Options to launch the program. */
export type LaunchOptions = {
  sdk: SdkModules;
  programDir: string;
  stack: string;
  config: ResolvedConfig;
  monitorAddress: string;
  dryRun: boolean;
  parallel: number;
  env: Record<string, string>;
  /** Receives the program's stdout lines (its `console.log`). */
  onStdout: (line: string) => void;
  /** Receives the program's stderr lines (errors before it reaches the engine, e.g. a TypeScript error). */
  onStderr: (line: string) => void;
};

/** How the program ended. */
export type ProgramExit = { code: number | null; signal: NodeJS.Signals | null; peakRssBytes: number };

/** The environment variables the SDK reads its configuration from. */
export function programConfigEnv(config: ResolvedConfig): Record<string, string> {
  // The Go host rewrites "<ns>:<key>" to "<ns>:config:<key>"; the SDK accepts both, we send what it sends.
  const values = Object.fromEntries(
    Object.entries(config.values).map(([k, v]) => {
      const i = k.indexOf(":");
      return [`${k.slice(0, i)}:config:${k.slice(i + 1)}`, v];
    }),
  );
  return { PULUMI_CONFIG: JSON.stringify(values), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(config.secretKeys) };
}

/** A running program. */
export type RunningProgram = { exited: Promise<ProgramExit>; kill: () => void };

/** Starts the program; resolves `exited` when it ends. */
export function launchProgram(o: LaunchOptions): RunningProgram {
  const args = [
    "--import",
    CHILD_PRELOAD_IMPORT,
    o.sdk.runEntry,
    "--monitor",
    o.monitorAddress,
    "--engine",
    o.monitorAddress,
    "--organization",
    "organization",
    "--project",
    o.config.project,
    "--stack",
    o.stack,
    "--root-directory",
    o.programDir,
    "--pwd",
    o.programDir,
    ...(o.dryRun ? ["--dry-run"] : []),
    "--parallel",
    String(o.parallel),
    o.config.main === "." ? "." : path.normalize(o.config.main),
  ];
  const tsEnv: Record<string, string> = o.config.typescript
    ? {
        PULUMI_NODEJS_TYPESCRIPT: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: o.env["PULUMI_NODEJS_TRANSPILE_ONLY"] ?? process.env["PULUMI_NODEJS_TRANSPILE_ONLY"] ?? "true",
      }
    : {};
  const child = spawn(process.execPath, args, {
    cwd: o.programDir,
    env: childEnv(o.env, {
      ...tsEnv,
      ...programConfigEnv(o.config),
      PULUMI_NODEJS_PROJECT: o.config.project,
      PULUMI_NODEJS_STACK: o.stack,
    }),
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as the Pulumi CLI starts the language host (cmdutil.RegisterProcessGroup).
    detached: true,
  });
  const rss = trackPeakRss(child.pid);
  forEachLine(child.stdout!, o.onStdout);
  forEachLine(child.stderr!, o.onStderr);
  const exited = new Promise<ProgramExit>((resolve) => {
    child.once("error", (e) => {
      o.onStderr(`cannot start the program: ${e.message}`);
      rss.stop();
      resolve({ code: 1, signal: null, peakRssBytes: rss.peak() });
    });
    child.once("close", (code, signal) => {
      rss.stop();
      resolve({ code, signal, peakRssBytes: rss.peak() });
    });
  });
  return { exited, kill: () => child.kill("SIGTERM") };
}
