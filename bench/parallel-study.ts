/**
 * `npm run bench:parallel`: which `--parallel` to run the real Pulumi CLI at, in each checkpoint mode
 * (issue 28, item 7).
 *
 * For each checkpoint mode (the CLI's default, a checkpoint after every step; and
 * `PULUMI_SKIP_CHECKPOINTS=true`, one write at the end) and each `--parallel` value, it runs the
 * bench's own `--engine cli --bump-only` phases ({@link runProduct}: `up` from empty, the quantity
 * bump, `destroy`, each against a fresh emulator) and records per phase the wall time, its ratio to
 * the lower bound, the CLI's own CPU, the checkpoint writes, the largest checkpoint and the 429s. The package is packed and
 * installed once for all runs. It writes `parallel-<time>.json` and `parallel-latest.md` beside the
 * other results and prints the tables.
 *
 * Every flag of `npm run bench` that sets the catalog or the emulator applies (`--customers`,
 * `--users`, `--latency-ms`, `--rate`, `--phase-timeout-min`, `--out`…); the study sets the engine,
 * the phases, `--parallel` and the checkpoint mode itself. Usage: {@link STUDY_USAGE}.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { z } from "zod";

import { installPackedProgram } from "./cli-runner";
import { REPO_ROOT } from "./engine-runner";
import { phaseBounds, type Phase } from "./lower-bound";
import { resourcesOf } from "./memory-scale";
import { PhaseResultSchema, type BenchResults, type PhaseResult } from "./results";
import { minLatencyMs, parseBenchFlags, runProduct, type BenchFlags } from "./run";

/** What `npm run bench:parallel -- --help` prints. */
export const STUDY_USAGE = `Usage: npm run bench:parallel -- [flags]

Runs up from empty, the quantity bump and destroy under the real Pulumi CLI for every --parallel
value in each checkpoint mode, and writes parallel-<time>.json and parallel-latest.md.

  --parallel-values N,N,...   the CLI's --parallel values to compare (default 8,64,1000; each 1-1000)
  --modes M,M                 checkpoint modes: checkpoints (the CLI's default: a checkpoint after every
                              step), skip (PULUMI_SKIP_CHECKPOINTS=true) (default checkpoints,skip)
  --customers N --users N     the catalog (default 50 x 10: the full study then takes about 15 minutes
                              on a quiet 2-core machine; 100 x 10 takes about 35)
  --help                      print this and exit

Any other flag of \`npm run bench\` that sets the catalog, the emulator, the install or the output
applies (\`npm run bench -- --help\`); --engine, --parallel, --skip-checkpoints, --up-only, --bump-only,
--memory and --no-baseline are the study's own choice and refused.
`;

/** The checkpoint modes the study compares, in the order they run. */
export const CHECKPOINT_MODES = ["checkpoints", "skip"] as const;

/** A checkpoint mode: after every step (the CLI's default), or skipped until the run ends. */
export type CheckpointMode = (typeof CHECKPOINT_MODES)[number];

/** How each mode is labelled in the tables. */
export const MODE_LABELS: Record<CheckpointMode, string> = {
  checkpoints: "after every step (default)",
  skip: "`PULUMI_SKIP_CHECKPOINTS=true`",
};

/** The phases each run measures, in the order they run (the bench's `--bump-only`). */
export const STUDY_PHASES = ["up", "bumpUp", "destroy"] as const satisfies readonly Phase[];

/**
 * The study's default catalog. 50 × 10 (551 resources) rather than the bench's 100 × 10: the
 * default mode's cost is its checkpoint writes (about two per changed resource) times the
 * checkpoint's size (linear in resources), so halving the catalog quarters that cost while every
 * run still starts more steps at once than the largest `--parallel` below it can hold (500 user
 * creates or deletes against 8 and 64); the comparison between values is what the study is for.
 */
export const STUDY_DEFAULT_CATALOG = { customers: 50, users: 10 } as const;

/** The default `--parallel` values: the CLI's default on 2 cores, the previous advice, the maximum. */
export const STUDY_DEFAULT_PARALLEL = [8, 64, 1000] as const;

/** Flags of `npm run bench` that the study decides itself. */
const OWN_BENCH_FLAGS = ["--engine", "--parallel", "--skip-checkpoints", "--up-only", "--bump-only", "--memory", "--no-baseline"];

/** One run of the study: a `--parallel` value in a checkpoint mode. */
export interface StudyRun {
  readonly parallel: number;
  readonly mode: CheckpointMode;
}

/** A whole study: the bench settings every run shares, and the runs in order. */
export interface StudyPlan {
  readonly bench: BenchFlags;
  readonly parallelValues: readonly number[];
  readonly modes: readonly CheckpointMode[];
}

/**
 * Parses `--parallel-values`: distinct whole numbers from 1 to 1000 (the bench's range), in the
 * order given.
 * @throws Error saying what to pass instead.
 */
export function parseParallelValues(text: string): number[] {
  const values = text.split(",").map((part) => {
    const n = Number(part.trim());
    if (part.trim() === "" || !Number.isInteger(n) || n < 1 || n > 1000)
      throw new Error(`--parallel-values: "${part}" is not a whole number from 1 to 1000 (e.g. --parallel-values 8,64,1000)`);
    return n;
  });
  if (new Set(values).size !== values.length) throw new Error(`--parallel-values: ${text} repeats a value; give each value once`);
  return values;
}

/**
 * Parses `--modes`: `checkpoints`, `skip` or both, in the order given.
 * @throws Error saying what to pass instead.
 */
export function parseModes(text: string): CheckpointMode[] {
  const modes = text.split(",").map((part) => {
    const mode = CHECKPOINT_MODES.find((m) => m === part.trim());
    if (!mode)
      throw new Error(`--modes: "${part}" is not a checkpoint mode; use ${CHECKPOINT_MODES.join(", ")} (e.g. --modes checkpoints,skip)`);
    return mode;
  });
  if (new Set(modes).size !== modes.length) throw new Error(`--modes: ${text} repeats a mode; give each mode once`);
  return modes;
}

/**
 * Parses the study's command line (without node and script): its own flags, the rest handed to
 * {@link parseBenchFlags} with the real CLI and the `--bump-only` phases. `undefined` when `--help`
 * asks for the usage instead. `env`: the environment the CLI runs would inherit.
 * @throws Error when a flag is invalid or is one the study sets itself, or when `env` already sets
 * the checkpoint mode (every run of the "checkpoints" mode would then skip them too).
 */
export function parseStudyArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StudyPlan | undefined {
  let parallelValues: number[] = [...STUDY_DEFAULT_PARALLEL];
  let modes: CheckpointMode[] = [...CHECKPOINT_MODES];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value (see --help)`);
      return v;
    };
    if (name === "--help") return undefined;
    else if (name === "--parallel-values") parallelValues = parseParallelValues(value());
    else if (name === "--modes") modes = parseModes(value());
    else if (OWN_BENCH_FLAGS.includes(name))
      throw new Error(`${name}: the study sets it itself; use --parallel-values and --modes to choose what it compares`);
    else rest.push(argv[i]);
  }
  if (env.PULUMI_SKIP_CHECKPOINTS)
    throw new Error("PULUMI_SKIP_CHECKPOINTS is set in this shell: unset it; the study sets it per run (--modes)");
  const sized = rest.some((a) => /^--(size|customers|users)(=|$)/.test(a));
  const defaults = sized ? [] : ["--customers", String(STUDY_DEFAULT_CATALOG.customers), "--users", String(STUDY_DEFAULT_CATALOG.users)];
  const bench = parseBenchFlags(["--engine", "cli", "--bump-only", "--no-baseline", ...defaults, ...rest]);
  if (bench === undefined) return undefined;
  return { bench, parallelValues, modes };
}

/** The runs of a plan in the order they run: every value in one mode, then the next mode (so a mode's rows are close in time). */
export function studyRuns(plan: Pick<StudyPlan, "parallelValues" | "modes">): StudyRun[] {
  return plan.modes.flatMap((mode) => plan.parallelValues.map((parallel) => ({ parallel, mode })));
}

/** The bench flags of one run: the shared settings with the run's `--parallel` and checkpoint mode. */
export function runFlags(bench: BenchFlags, run: StudyRun): BenchFlags {
  return { ...bench, parallel: run.parallel, "skip-checkpoints": run.mode === "skip" };
}

/** One run's outcome as stored. */
export const StudyRowSchema = z.object({
  parallel: z.number(),
  mode: z.enum(CHECKPOINT_MODES),
  ok: z.boolean(),
  /** Why the run stopped, when a phase failed (later phases then did not run). */
  error: z.string().optional(),
  phases: z.partialRecord(z.enum(STUDY_PHASES), PhaseResultSchema),
});

/** One run's outcome. */
export type StudyRow = z.output<typeof StudyRowSchema>;

/** The whole results file, `parallel-<time>.json`. */
export const StudyResultsSchema = z.object({
  kind: z.literal("parallel-study"),
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: z.string(),
  /** The command that reproduces the study. */
  command: z.string(),
  settings: z.object({
    customers: z.number(),
    usersPerCustomer: z.number(),
    latencyMs: z.number(),
    jitterMs: z.number(),
    provisioningMs: z.number(),
    rate: z.number(),
    burst: z.number(),
    install: z.enum(["linked", "packed"]),
    parallelValues: z.array(z.number()),
    modes: z.array(z.enum(CHECKPOINT_MODES)),
  }),
  /** Lower bound of each phase, ms (`bench/lower-bound.ts`). */
  boundsMs: z.partialRecord(z.enum(STUDY_PHASES), z.number()),
  rows: z.array(StudyRowSchema),
});

/** The whole results file. */
export type StudyResults = z.output<typeof StudyResultsSchema>;

/** Lower bound of each studied phase for the plan's catalog and emulator, ms. */
export function studyBoundsMs(bench: BenchFlags): StudyResults["boundsMs"] {
  const bounds = phaseBounds(bench.customers, bench.usersPerCustomer, {
    minLatencyMs: minLatencyMs(bench),
    provisioningMs: bench["provisioning-ms"],
    rate: { perSecond: bench.rate, burst: bench.burst },
  });
  return Object.fromEntries(STUDY_PHASES.map((p) => [p, bounds.find((b) => b.phase === p)?.boundMs ?? 0]));
}

/** A row from what {@link runProduct} recorded, and the error it threw, if any. */
export function studyRow(run: StudyRun, product: BenchResults["product"], error?: string): StudyRow {
  const phases = Object.fromEntries(STUDY_PHASES.flatMap((p) => (product[p] ? [[p, product[p]]] : [])));
  const ok = error === undefined && STUDY_PHASES.every((p) => product[p]?.ok === true);
  return { parallel: run.parallel, mode: run.mode, ok, ...(error !== undefined ? { error } : {}), phases };
}

/**
 * For each row of the "checkpoints" mode, what one checkpoint write cost the CLI in CPU, ms: its CPU
 * minus the CPU of the same `--parallel` value's skip run (the same steps, one write), divided by
 * the writes. Subtracting the skip run removes the CLI's start-up and its steps' own work, which
 * would otherwise dominate a small catalog. Undefined for skip rows and without a matching skip run.
 */
export function checkpointCpuPerWriteMs(rows: readonly StudyRow[], phase: (typeof STUDY_PHASES)[number]): (number | undefined)[] {
  return rows.map((row) => {
    const p = row.phases[phase];
    const skip = rows.find((r) => r.mode === "skip" && r.parallel === row.parallel)?.phases[phase];
    const writes = (p?.checkpoint?.writes ?? 0) - (skip?.checkpoint?.writes ?? 0);
    if (row.mode !== "checkpoints" || !p?.ok || !skip?.ok || !p.cpuMs || !skip.cpuMs || writes <= 0) return undefined;
    return (p.cpuMs.engine - skip.cpuMs.engine) / writes;
  });
}

/**
 * For each row, the phase's wall time divided by the fastest successful wall time of the same mode
 * (1.00 for the best value): what choosing another value costs in that mode.
 */
export function wallVsFastest(rows: readonly StudyRow[], phase: (typeof STUDY_PHASES)[number]): (number | undefined)[] {
  const best = new Map<CheckpointMode, number>();
  for (const row of rows) {
    const p = row.phases[phase];
    if (p?.ok) best.set(row.mode, Math.min(best.get(row.mode) ?? Infinity, p.wallMs));
  }
  return rows.map((row) => {
    const p = row.phases[phase];
    const b = best.get(row.mode);
    return p?.ok && b ? p.wallMs / b : undefined;
  });
}

const PHASE_TITLES: Record<(typeof STUDY_PHASES)[number], string> = {
  up: "`up` from empty",
  bumpUp: "`up` raising one quantity per customer",
  destroy: "`destroy`",
};

const s = (ms: number | undefined): string => (ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);
const msPerWrite = (n: number | undefined): string => (n === undefined ? "–" : `${n.toFixed(1)} ms`);
const x = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? "–" : `${n.toFixed(2)}×`);

/** The study as markdown: a settings line and one table per phase, rows in run order. */
export function renderStudyMarkdown(r: StudyResults): string {
  const st = r.settings;
  const resources = resourcesOf({ customers: st.customers, usersPerCustomer: st.usersPerCustomer });
  const lines = [
    `Catalog ${st.customers} customers × ${st.usersPerCustomer} users (${resources} resources); ` +
      `emulator latency ${st.latencyMs} ± ${st.jitterMs} ms, provisioning ${st.provisioningMs} ms, rate limit ${st.rate}/s burst ${st.burst}; ` +
      `real Pulumi CLI, \`up\` and \`destroy\` with \`--skip-preview\`; package ${st.install === "packed" ? "installed from its tarball" : "linked from the checkout"}. ` +
      `Machine: ${r.machine}. Taken ${r.startedAt} – ${r.finishedAt}. Command: \`${r.command}\`.`,
    "",
  ];
  for (const phase of STUDY_PHASES) {
    const vsFastest = wallVsFastest(r.rows, phase);
    const perWrite = checkpointCpuPerWriteMs(r.rows, phase);
    lines.push(
      `### ${PHASE_TITLES[phase]} (lower bound ${s(r.boundsMs[phase])})`,
      "",
      "| checkpoints | `--parallel` | wall | ÷ bound | ÷ fastest in mode | CLI CPU | checkpoint writes | CPU per write | largest checkpoint | 429s | result |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
    );
    r.rows.forEach((row, i) => {
      const p = row.phases[phase];
      const bound = r.boundsMs[phase];
      const result = p ? (p.ok ? "ok" : `failed: ${p.errors[0] ?? row.error ?? "see the JSON"}`) : "not run";
      lines.push(
        `| ${MODE_LABELS[row.mode]} | ${row.parallel} | ${s(p?.wallMs)} | ${x(p && bound ? p.wallMs / bound : undefined)} | ${x(vsFastest[i])} | ` +
          `${s(p?.cpuMs?.engine)} | ${p?.checkpoint?.writes ?? "–"} | ${msPerWrite(perWrite[i])} | ` +
          `${p?.checkpoint?.peakBytes ? `${(p.checkpoint.peakBytes / 2 ** 20).toFixed(2)} MB` : "–"} | ${p?.requests.rateLimited ?? "–"} | ${result.replace(/\|/g, "\\|")} |`,
      );
    });
    lines.push("");
  }
  lines.push(
    "CLI CPU: user + system time of the `pulumi` process (the engine and its checkpoint writer), not the program's or the provider's. " +
      "Checkpoint writes: renames of the stack's checkpoint seen by inotify (`bench/cli-runner.ts`). " +
      "CPU per write: the CLI CPU minus that of the same `--parallel` value's `PULUMI_SKIP_CHECKPOINTS` run, divided by the extra writes: " +
      "what one checkpoint write cost; if it grows with `--parallel` at the same write count, each write got larger. " +
      "Largest checkpoint: the largest size seen at a write during the phase; what exceeds the stack's own size is the pending operations of the steps in flight " +
      '(docs/operating.md, "`--parallel`").',
    "",
  );
  return lines.join("\n");
}

/**
 * Writes `parallel-<startedAt>.json` (checked against the schema) and `parallel-latest.md` into `dir`.
 * @returns the two paths.
 */
export function writeStudyResults(dir: string, results: StudyResults): { json: string; markdown: string } {
  const checked = StudyResultsSchema.parse(results);
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `parallel-${checked.startedAt.replace(/[:.]/g, "-")}.json`);
  const markdown = join(dir, "parallel-latest.md");
  writeFileSync(json, JSON.stringify(checked, null, 2) + "\n");
  writeFileSync(markdown, `# \`--parallel\` under the real CLI, in both checkpoint modes\n\n${renderStudyMarkdown(checked)}`);
  return { json, markdown };
}

function log(message: string): void {
  process.stderr.write(`[parallel-study ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * Runs every run of `plan` in order, one after another (concurrent runs would share the 2 cores and
 * the rate limit and measure each other). A failed run is recorded and the next one starts.
 */
export async function runParallelStudy(plan: StudyPlan, command: string): Promise<StudyResults> {
  const cpu = cpus();
  const startedAt = new Date().toISOString();
  const dir = mkdtempSync(join(tmpdir(), "webex-parallel-study-"));
  const rows: StudyRow[] = [];
  try {
    // Packed once: every run's stack lives in its own backend, so they can share the program.
    const program = plan.bench.install === "packed" ? installPackedProgram(dir) : join(REPO_ROOT, "bench", "program");
    const runs = studyRuns(plan);
    for (const [i, run] of runs.entries()) {
      log(`run ${i + 1} of ${runs.length}: --parallel ${run.parallel}, checkpoint mode ${run.mode}`);
      const results: Pick<BenchResults, "product" | "figures"> = { product: {}, figures: {} };
      let error: string | undefined;
      try {
        await runProduct(runFlags(plan.bench, run), results, program);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        log(`run ${i + 1} failed: ${error}; the next run starts on a fresh stack`);
      }
      rows.push(studyRow(run, results.product, error));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const b = plan.bench;
  return {
    kind: "parallel-study",
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown"}, ${Math.round((totalmem() / 2 ** 30) * 10) / 10} GB, Node ${process.version}`,
    command,
    settings: {
      customers: b.customers,
      usersPerCustomer: b.usersPerCustomer,
      latencyMs: b["latency-ms"],
      jitterMs: b["jitter-ms"],
      provisioningMs: b["provisioning-ms"],
      rate: b.rate,
      burst: b.burst,
      install: b.install,
      parallelValues: [...plan.parallelValues],
      modes: [...plan.modes],
    },
    boundsMs: studyBoundsMs(b),
    rows,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const plan = parseStudyArgs(argv);
  if (plan === undefined) {
    process.stdout.write(STUDY_USAGE);
    return;
  }
  const runs = studyRuns(plan);
  log(
    `${runs.length} runs (--parallel ${plan.parallelValues.join(", ")} × checkpoint modes ${plan.modes.join(", ")}) of up, bump and destroy ` +
      `on ${plan.bench.customers} × ${plan.bench.usersPerCustomer}, real CLI`,
  );
  const results = await runParallelStudy(plan, ["npm run bench:parallel --", ...argv].join(" "));
  const paths = writeStudyResults(plan.bench.out, results);
  process.stdout.write(renderStudyMarkdown(results));
  log(`results: ${paths.json}, ${paths.markdown}`);
  if (results.rows.some((row) => !row.ok)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    log(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
