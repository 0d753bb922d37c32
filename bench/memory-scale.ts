/**
 * Memory at scale (`npm run bench -- --memory`): the peak RSS of each process of a run (engine,
 * program, provider plugin) for `preview` from empty and a no-change `up`, at two catalog sizes, so
 * one can see whether memory per declared resource stays flat and how large a catalog fits.
 *
 * API costs are set to zero (no latency, no provisioning wait, no rate limit): the figures are the
 * product's memory, and the 10,000-resource catalog is created in minutes rather than the hours the
 * realistic rate limit would take. The `up` from empty that builds the no-change `up`'s state is
 * measured as well. Nothing here judges a target: the README states the largest catalog supported
 * from these figures.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

import { startEmulator } from "../local/emulator/index";
import { REPO_ROOT, runEngineCli } from "./engine-runner";
import { PeakRssSchema } from "./results";
import { objectCount } from "./workload";

/** One catalog size: customers × users per customer, plus the one template. */
export const MemorySizeSchema = z.object({ customers: z.number().int().min(1), usersPerCustomer: z.number().int().min(0) });

/** A catalog size of the memory run. */
export type MemorySize = z.output<typeof MemorySizeSchema>;

/** 1,101 and 10,000 resources: the large bench catalog, and 909 × 10 users + 909 customers + 1 template. */
export const DEFAULT_MEMORY_SIZES: readonly MemorySize[] = [
  { customers: 100, usersPerCustomer: 10 },
  { customers: 909, usersPerCustomer: 10 },
];

/** Resources a size declares: the template, the customers and their users. */
export function resourcesOf(size: MemorySize): number {
  return objectCount(size.customers, size.usersPerCustomer);
}

/** Parses `--memory-sizes 100x10,909x10`. */
export function parseMemorySizes(text: string): MemorySize[] {
  return text.split(",").map((part) => {
    const m = /^\s*(\d+)x(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`--memory-sizes: "${part}" is not CUSTOMERSxUSERS (e.g. 909x10)`);
    return MemorySizeSchema.parse({ customers: Number(m[1]), usersPerCustomer: Number(m[2]) });
  });
}

/** The phases measured per size, in the order they run. */
export const MEMORY_PHASES = ["preview", "up", "noChangeUp"] as const;

/** One measured run. */
export const MemoryRowSchema = z.object({
  resources: z.number(),
  phase: z.enum(MEMORY_PHASES),
  ok: z.boolean(),
  wallMs: z.number(),
  peakRssKb: PeakRssSchema,
  /** API writes the emulator saw (0 expected for preview and the no-change up). */
  writes: z.number(),
  /** Size of the engine's state file after the run, bytes. */
  stateBytes: z.number(),
});

/** One measured run. */
export type MemoryRow = z.output<typeof MemoryRowSchema>;

/** The file `--memory` writes. */
export const MemoryResultsSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: z.string(),
  parallel: z.number(),
  rows: z.array(MemoryRowSchema),
});

/** What `--memory` writes. */
export type MemoryResults = z.output<typeof MemoryResultsSchema>;

/**
 * `--parallel` of the `up` that creates the catalog (preview and the no-change `up` use the run's
 * own). The emulator checks a new subscriber against every other one (email, numbers, licences) and
 * copies its map on each write, about 10 ms a request near 9,000 subscribers; with 1,000 requests
 * in flight on 2 cores, lookups waited past the client's 30 s limit six times over and the
 * 10,000-resource `up` failed (twice, on 2026-12-03). 64 in flight keeps each wait well under it.
 */
export const MEMORY_UP_PARALLEL = 64;

const STACK = "bench";
const PROJECT = "webex-bench";
const TOKEN = `bench-memory-${process.pid}-${Date.now().toString(36)}`;

/**
 * Runs preview, up and no-change up for each size on a fresh emulator and state; stops after the
 * first failed run (its row has `ok: false`; its peaks are those reached until it failed).
 */
export async function runMemoryScale(
  sizes: readonly MemorySize[],
  opts: { parallel: number; log: (line: string) => void },
): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const size of sizes) {
    const resources = resourcesOf(size);
    const dir = mkdtempSync(join(tmpdir(), "webex-bench-memory-"));
    const emulator = await startEmulator({ token: TOKEN, provisioningDelayMs: 0, latencyMs: 0, rateLimit: false });
    const stateFile = join(dir, "state.json");
    try {
      for (const phase of MEMORY_PHASES) {
        await emulator.admin.resetCounters();
        opts.log(`memory ${resources} resources: ${phase}`);
        const run = await runEngineCli({
          operation: phase === "preview" ? "preview" : "up",
          cwd: join(REPO_ROOT, "bench", "program"),
          stack: STACK,
          stateFile,
          parallel: phase === "up" ? Math.min(opts.parallel, MEMORY_UP_PARALLEL) : opts.parallel,
          config: {
            "webex:baseUrl": emulator.url,
            [`${PROJECT}:customers`]: String(size.customers),
            [`${PROJECT}:usersPerCustomer`]: String(size.usersPerCustomer),
            [`${PROJECT}:yieldEvery`]: "10",
          },
          secretConfig: { "webex:accessToken": TOKEN },
          timeoutMs: 90 * 60 * 1000,
        });
        let stateBytes = 0;
        try {
          stateBytes = statSync(stateFile).size;
        } catch {
          // preview from empty writes no state
        }
        const row: MemoryRow = {
          resources,
          phase,
          ok: run.exitCode === 0,
          wallMs: run.wallMs,
          peakRssKb: run.peakRssKb,
          writes: (await emulator.admin.counters()).writes,
          stateBytes,
        };
        rows.push(row);
        const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
        opts.log(
          `memory ${resources} ${phase}: ${(run.wallMs / 1000).toFixed(1)} s, exit ${run.exitCode}, peak RSS engine ${mb(row.peakRssKb.engine)}, ` +
            `program ${mb(row.peakRssKb.program)}, provider ${mb(row.peakRssKb.provider)}`,
        );
        if (!row.ok) {
          const tail = (run.stdout + "\n" + run.stderr).split("\n").filter((l) => l.trim() !== "");
          for (const line of tail.slice(-10)) opts.log(`  ${line}`);
          // Later runs would measure a broken stack; the rows so far (this one included) are kept.
          return rows;
        }
      }
    } finally {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

/**
 * The table of a memory run: per size and phase, the wall time and each process's peak RSS, then
 * for each process the RSS each resource adds between the smallest and the largest size (flat
 * memory per resource: that slope does not grow with the catalog).
 */
export function renderMemoryMarkdown(r: MemoryResults): string {
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  const lines = [
    `Memory at scale (\`npm run bench -- --memory\`), engine \`--parallel ${r.parallel}\` (the \`up\` that creates the catalog: ${Math.min(r.parallel, MEMORY_UP_PARALLEL)}), API costs zero. ${r.machine}. Taken ${r.startedAt} – ${r.finishedAt}.`,
    "",
    "| resources | phase | wall | peak RSS engine / program / provider (MB) | API writes | state file |",
    "|---|---|---|---|---|---|",
    ...r.rows.map(
      (row) =>
        `| ${row.resources.toLocaleString("en-US")} | ${row.phase}${row.ok ? "" : " (failed)"} | ${(row.wallMs / 1000).toFixed(1)} s | ` +
        `${mb(row.peakRssKb.engine)} / ${mb(row.peakRssKb.program)} / ${mb(row.peakRssKb.provider)} | ${row.writes} | ` +
        `${(row.stateBytes / 2 ** 20).toFixed(1)} MB |`,
    ),
  ];
  const sizes = [...new Set(r.rows.map((row) => row.resources))].sort((a, b) => a - b);
  if (sizes.length >= 2) {
    const [small, large] = [sizes[0]!, sizes[sizes.length - 1]!];
    lines.push(
      "",
      `Memory each added resource costs between ${small.toLocaleString("en-US")} and ${large.toLocaleString("en-US")} resources (KB):`,
      "",
    );
    lines.push("| phase | engine | program | provider |", "|---|---|---|---|");
    for (const phase of MEMORY_PHASES) {
      const a = r.rows.find((row) => row.resources === small && row.phase === phase);
      const b = r.rows.find((row) => row.resources === large && row.phase === phase);
      if (!a || !b) continue;
      const slope = (k: "engine" | "program" | "provider") => ((b.peakRssKb[k] - a.peakRssKb[k]) / (large - small)).toFixed(1);
      lines.push(`| ${phase} | ${slope("engine")} | ${slope("program")} | ${slope("provider")} |`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Writes `memory-<timestamp>.json` and `memory-latest.md` under `dir`. */
export function writeMemoryResults(dir: string, results: MemoryResults): { json: string; markdown: string } {
  const checked = MemoryResultsSchema.parse(results);
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `memory-${checked.startedAt.replace(/[:.]/g, "-")}.json`);
  const markdown = join(dir, "memory-latest.md");
  writeFileSync(json, JSON.stringify(checked, null, 2) + "\n");
  writeFileSync(markdown, `# Memory at scale\n\n${renderMemoryMarkdown(checked)}`);
  return { json, markdown };
}
