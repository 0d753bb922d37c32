/**
 * The engine's public option and result shapes, as zod schemas (the single source of their types).
 */
import * as os from "node:os";
import { z } from "zod";

import type { StateIo } from "./state-io";

/**
 * The Pulumi CLI's default `--parallel` (pkg/cmd/pulumi/operations/up.go `defaultParallel`): `PULUMI_PARALLEL` when
 * it is a positive integer, else 4 × the CPU cores.
 */
export function defaultParallel(env: Record<string, string | undefined> = process.env): number {
  const fromEnv = Number(env["PULUMI_PARALLEL"]);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.min(fromEnv, 1000);
  return 4 * os.availableParallelism();
}

/** The operations the engine runs. */
export const OperationSchema = z.enum(["preview", "up", "refresh", "destroy", "cancel"]);

/** One operation. */
export type Operation = z.output<typeof OperationSchema>;

/** Options of {@link runEngine}. */
export const EngineOptionsSchema = z.object({
  operation: OperationSchema,
  /** The program directory (holds `Pulumi.yaml`). */
  cwd: z.string().min(1),
  /** Stack name: selects `Pulumi.<stack>.yaml` and the state file. */
  stack: z.string().regex(/^[A-Za-z0-9_.-]+$/, "a stack name has letters, digits, _ . - only"),
  /** Maximum concurrent provider calls (default: the Pulumi CLI's, see {@link defaultParallel}). */
  parallel: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(() => defaultParallel()),
  /** State file; default `<cwd>/.pulumi-local/<stack>.json`. */
  stateFile: z.string().optional(),
  /** Plain config values (`key` gets the project namespace, `ns:key` is kept). Override the stack file. */
  config: z.record(z.string(), z.string()).default({}),
  /**
   * Secret config values in plaintext (kept in memory, given to the program as secrets and to the provider
   * through Configure, never printed). The CLI fills this from `--secret-config k=env:VAR|file:PATH`.
   */
  secretConfig: z.record(z.string(), z.string()).default({}),
  /** Extra environment for the program and the provider plugin (and where `PULUMI_CONFIG_PASSPHRASE` is looked up first). */
  env: z.record(z.string(), z.string()).default({}),
  /** Receives each output line; default: `process.stdout`. */
  output: z.custom<(line: string) => void>((v) => typeof v === "function", "output must be a function").optional(),
  /**
   * `refresh` only: forget the creates that interrupted runs left pending (like `pulumi refresh
   * --clear-pending-creates`), once you have checked whether their objects exist in the provider.
   */
  clearPendingCreates: z.boolean().default(false),
  /** Also show unchanged resources. */
  verbose: z.boolean().default(false),
  /** How often in-flight steps print their elapsed time. */
  progressIntervalMs: z.number().int().min(100).default(5000),
  /** The file operations of state writes; tests inject failures (ENOSPC, EIO) through it. Default: the real ones. */
  stateIo: z.custom<StateIo>((v) => v === undefined || (typeof v === "object" && v !== null), "stateIo must be a StateIo").optional(),
  /** Cancels the run: no new provider write starts; in-flight ones finish and are recorded. */
  signal: z.custom<AbortSignal>((v) => v === undefined || v instanceof AbortSignal, "signal must be an AbortSignal").optional(),
});

/** What callers pass to {@link runEngine}. */
export type EngineOptions = z.input<typeof EngineOptionsSchema>;
/** Options after defaults. */
export type ResolvedEngineOptions = z.output<typeof EngineOptionsSchema>;

/** The kind of a reported step. */
export const StepOpSchema = z.enum(["create", "update", "replace", "delete", "same", "read"]);

/** One resource's step in a run. */
export const StepRecordSchema = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  op: StepOpSchema,
  /** Top-level input keys that changed (engine-computed, `__provider` ignored). */
  changedKeys: z.array(z.string()).optional(),
  /** Why the step failed, if it did. */
  error: z.string().optional(),
});

/** One reported step. */
export type StepRecord = z.output<typeof StepRecordSchema>;

/** Counts per kind of step. */
export const SummarySchema = z.object({
  create: z.number(),
  update: z.number(),
  replace: z.number(),
  delete: z.number(),
  same: z.number(),
  read: z.number(),
  failed: z.number(),
});

/** Step counts. */
export type Summary = z.output<typeof SummarySchema>;

/** The result of one run. */
export const EngineResultSchema = z.object({
  ok: z.boolean(),
  /** 0 on success, 1 on failure (or 2 for invalid usage in the CLI). */
  exitCode: z.number(),
  operation: OperationSchema,
  summary: SummarySchema,
  steps: z.array(StepRecordSchema),
  /** Stack outputs; secret values are replaced by the string `"[secret]"`. */
  outputs: z.record(z.string(), z.unknown()),
  durationMs: z.number(),
  /** Every error of the run, one sentence each, naming the resource where there is one. */
  errors: z.array(z.string()),
  logFile: z.string(),
  stateFile: z.string(),
  /** Peak resident memory of each process, in bytes (Linux; 0 where unknown). */
  peakRssBytes: z.object({ engine: z.number(), program: z.number(), plugin: z.number() }).optional(),
  /** Physical state writes made by the run (journal appends and base-file rewrites). */
  stateWrites: z.number(),
  /** Bytes those writes wrote. */
  stateBytesWritten: z.number(),
  /** Highest number of concurrent provider calls seen. */
  peakConcurrency: z.number(),
});

/** What {@link runEngine} resolves to. */
export type EngineResult = z.output<typeof EngineResultSchema>;
