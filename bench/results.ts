/**
 * The benchmark's results: one zod schema (the single source of the JSON's shape), the writer of
 * `bench/results/<timestamp>.json` + `latest.json` + `latest.md`, and the markdown/console table.
 *
 * Kept apart from the runner so the table can be re-rendered from a stored JSON
 * (`ts-node bench/render.ts bench/results/latest.json`) and tested without running anything.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

import { PHASES, type PhaseBound } from "./lower-bound";

/** API requests seen by the emulator during one phase. */
export const RequestCountsSchema = z.object({
  /** Requests per `METHOD route-template`, as the emulator counts them. */
  byRoute: z.record(z.string(), z.number()),
  total: z.number(),
  reads: z.number(),
  writes: z.number(),
  /** 429 answers the emulator sent (each one a request the client had to repeat). */
  rateLimited: z.number(),
  /** Faults the emulator injected (0 in benchmarks). */
  faults: z.number(),
});

/** What the counters of one phase hold. */
export type RequestCounts = z.output<typeof RequestCountsSchema>;

/** Peak RSS per process of the engine's tree, KiB (see memory-sampler.ts). */
export const PeakRssSchema = z.object({
  engine: z.number(),
  program: z.number(),
  provider: z.number(),
  other: z.number(),
});

/** One measured phase, of the product or of the baseline. */
export const PhaseResultSchema = z.object({
  /** Wall time, ms. For an extrapolated baseline: the extrapolated time. */
  wallMs: z.number(),
  ok: z.boolean(),
  requests: RequestCountsSchema,
  /**
   * When the phase's API traffic happened, ms after the phase started: the first request's
   * arrival and the last answer. Splits the wall time into engine start-up (before the first
   * request), the API window, and wind-down (after the last answer). Absent without requests.
   */
  apiWindow: z.object({ firstRequestMs: z.number(), lastAnswerMs: z.number() }).optional(),
  /** Peak memory; absent for the in-process baseline. */
  peakRssKb: PeakRssSchema.optional(),
  /** CPU time (user + system) per process role, ms; absent for the baseline and older results. */
  cpuMs: PeakRssSchema.optional(),
  /**
   * Under `--engine cli`: how many times the phase wrote the checkpoint (each a rewrite of the
   * whole file), its size in bytes when the phase ended, and the largest size seen during the phase
   * (absent in results from before it was recorded).
   */
  checkpoint: z.object({ writes: z.number(), bytes: z.number(), peakBytes: z.number().optional() }).optional(),
  /** For a baseline measured on a sample: measured time and the factor applied to it. */
  extrapolated: z.object({ measuredMs: z.number(), sampleCustomers: z.number(), factor: z.number() }).optional(),
  /** Error lines of a failed phase (engine errors, first few). */
  errors: z.array(z.string()).default([]),
});

/** A measured phase. */
export type PhaseResult = z.output<typeof PhaseResultSchema>;

const PhaseEnum = z.enum(PHASES);

/** A target of issue 7 and whether this run met it. */
export const TargetSchema = z.object({
  name: z.string(),
  target: z.string(),
  measured: z.string(),
  met: z.boolean(),
});

/** The whole results file. */
export const BenchResultsSchema = z.object({
  schemaVersion: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), memoryGb: z.number(), node: z.string(), os: z.string() }),
  settings: z.object({
    size: z.string(),
    customers: z.number(),
    usersPerCustomer: z.number(),
    /** `--site-numbers`: numbers of each customer's extra site; absent: no sites (and results from before the flag). */
    siteNumbers: z.number().optional(),
    latencyMs: z.number(),
    jitterMs: z.number(),
    provisioningMs: z.number(),
    rate: z.number(),
    burst: z.number(),
    parallel: z.number(),
    baselineCustomers: z.number(),
    maxRequestsPerSecond: z.number().optional(),
    yieldEvery: z.number().optional(),
    /** How the program got the package (`--install`); absent in results from before the flag. */
    install: z.enum(["linked", "packed"]).optional(),
    /** `--skip-checkpoints`: the engine saved state once per run (`PULUMI_SKIP_CHECKPOINTS=true`). */
    skipCheckpoints: z.boolean().optional(),
  }),
  bounds: z.array(
    z.object({
      phase: PhaseEnum,
      minRequests: z.number(),
      rateBoundMs: z.number(),
      chainMs: z.number(),
      boundMs: z.number(),
      derivation: z.string(),
    }),
  ),
  product: z.partialRecord(PhaseEnum, PhaseResultSchema),
  baseline: z.partialRecord(PhaseEnum, PhaseResultSchema),
  figures: z.object({
    previewCalls: z.number().optional(),
    noChangeUpWrites: z.number().optional(),
    noChangeUpCalls: z.number().optional(),
    pollsPerCustomerCreate: z.number().optional(),
    providerBytesPerResource: z.number().optional(),
    stateBytes: z.number().optional(),
    resourcesInState: z.number().optional(),
    failures429: z.number().optional(),
  }),
  targets: z.array(TargetSchema),
  /**
   * Preview precision: for each change, the preview's planned changes against the up's writes
   * (`bench/preview-precision.ts`); absent when the phase did not run (`--up-only`).
   */
  previewPrecision: z
    .array(
      z.object({
        change: z.string(),
        exact: z.boolean(),
        planned: z.number(),
        written: z.number(),
        notWritten: z.array(z.string()),
        notPlanned: z.array(z.string()),
        unattributed: z.array(z.string()),
      }),
    )
    .optional(),
});

/** The results as written to JSON. */
export type BenchResults = z.output<typeof BenchResultsSchema>;

const seconds = (ms: number | undefined): string => (ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? "–" : `${(a / b).toFixed(2)}×`;
const window = (p: PhaseResult | undefined): string =>
  p?.apiWindow ? `${seconds(p.apiWindow.lastAnswerMs - p.apiWindow.firstRequestMs)} (from ${seconds(p.apiWindow.firstRequestMs)})` : "–";
const mb = (kb: number | undefined): string => (kb ? `${Math.round(kb / 1024)} MB` : "–");

/** The `METHOD route` counters of a phase, most frequent first, as `n × METHOD route` parts. */
export function formatRoutes(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([route, n]) => `${n} ${route}`)
    .join("; ");
}

const PHASE_LABELS: Record<(typeof PHASES)[number], string> = {
  up: "`up` from empty",
  noChangeUp: "no-change `up`",
  bumpUp: "`up` raising one quantity per customer",
  destroy: "`destroy`",
  preview: "`preview` of the quantity bump",
};

/** Renders the results as the markdown summary (`latest.md`, the README section). */
export function renderMarkdown(r: BenchResults): string {
  const s = r.settings;
  const bound = (phase: string): PhaseBound | undefined => r.bounds.find((b) => b.phase === phase);
  const lines: string[] = [];
  lines.push(
    `Catalog ${s.customers} customers × ${s.usersPerCustomer} users (\`--size ${s.size}\`)` +
      (s.siteNumbers ? `, one site of ${s.siteNumbers} numbers per customer (\`--site-numbers\`; not in the baseline)` : "") +
      `; emulator latency ` +
      `${s.latencyMs} ms ± ${s.jitterMs} ms, provisioning ${s.provisioningMs} ms, rate limit ${s.rate}/s burst ${s.burst}; ` +
      `engine \`--parallel ${s.parallel}\`` +
      (s.maxRequestsPerSecond ? `, \`webex:maxRequestsPerSecond\` ${s.maxRequestsPerSecond}` : "") +
      (s.yieldEvery ? `, program yields every ${s.yieldEvery} resources` : ", program declares in one pass") +
      (s.install ? `, package ${s.install === "packed" ? "installed from its tarball" : "linked from the checkout"}` : "") +
      (s.skipCheckpoints ? ", `PULUMI_SKIP_CHECKPOINTS=true`" : "") +
      `. Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.os}. ` +
      `Taken ${r.startedAt} – ${r.finishedAt}.`,
    "",
    "| phase | product wall | API window | lower bound | ÷ bound | baseline wall | baseline ÷ product | requests | 429s | peak RSS engine / program / provider | CPU engine / program / provider |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const phase of PHASES) {
    const p = r.product[phase];
    const b = r.baseline[phase];
    const lb = bound(phase);
    if (!p && !b) continue;
    const rss = p?.peakRssKb ? `${mb(p.peakRssKb.engine)} / ${mb(p.peakRssKb.program)} / ${mb(p.peakRssKb.provider)}` : "–";
    const cpu = p?.cpuMs ? `${seconds(p.cpuMs.engine)} / ${seconds(p.cpuMs.program)} / ${seconds(p.cpuMs.provider)}` : "–";
    lines.push(
      `| ${PHASE_LABELS[phase]}${p && !p.ok ? " **(failed)**" : ""} | ${seconds(p?.wallMs)} | ${window(p)} | ${lb ? seconds(lb.boundMs) : "–"} | ` +
        `${lb && lb.boundMs > 0 ? ratio(p?.wallMs, lb.boundMs) : "–"} | ` +
        `${b ? seconds(b.wallMs) + (b.extrapolated ? "*" : "") : "–"} | ${ratio(b?.wallMs, p?.wallMs)} | ` +
        `${p ? p.requests.total : "–"} | ${p ? p.requests.rateLimited : "–"} | ${rss} | ${cpu} |`,
    );
  }
  lines.push(
    "",
    "API window: from the first request the emulator received in the phase to its last answer, " +
      "and when that first request came after the phase started (engine start-up: Node, program compile, plugin).",
  );
  if (Object.values(r.baseline).some((b) => b?.extrapolated)) {
    const e = Object.values(r.baseline).find((b) => b?.extrapolated)!.extrapolated!;
    lines.push(
      "",
      `\\* baseline measured on the first ${e.sampleCustomers} customers (with all their users) and scaled ` +
        `by ${e.factor.toFixed(2)}: a sequential script's time is linear in the number of customers.`,
    );
  }
  const f = r.figures;
  lines.push(
    "",
    "| figure | value |",
    "|---|---|",
    `| API calls made by \`preview\` | ${f.previewCalls ?? "–"} |`,
    `| writes / calls made by a no-change \`up\` | ${f.noChangeUpWrites ?? "–"} / ${f.noChangeUpCalls ?? "–"} |`,
    `| status polls per customer create | ${f.pollsPerCustomerCreate?.toFixed(2) ?? "–"} |`,
    `| \`__provider\` bytes per resource in state | ${f.providerBytesPerResource?.toFixed(0) ?? "–"} (state ${f.stateBytes ?? "–"} bytes, ${f.resourcesInState ?? "–"} resources) |`,
    `| 429s that surfaced as a failure | ${f.failures429 ?? "–"} |`,
    ...(r.previewPrecision
      ? [
          "",
          "Preview precision (the preview's planned changes against the resources the `up` then wrote):",
          "",
          "| change | planned | written | exact |",
          "|---|---|---|---|",
          ...r.previewPrecision.map(
            (p) =>
              `| ${p.change} | ${p.planned} | ${p.written} | ${p.exact ? "yes" : `**no**: not written ${p.notWritten.slice(0, 3).join(", ") || "–"}; not planned ${p.notPlanned.slice(0, 3).join(", ") || "–"}`} |`,
          ),
        ]
      : []),
    "",
    "Targets:",
    "",
    "| target | wanted | measured | met |",
    "|---|---|---|---|",
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`),
    "",
    "Requests by kind (product):",
    "",
  );
  for (const phase of PHASES) {
    const p = r.product[phase];
    if (p) lines.push(`- ${PHASE_LABELS[phase]}: ${formatRoutes(p.requests.byRoute) || "none"}`);
  }
  const written = PHASES.flatMap((phase) => {
    const c = r.product[phase]?.checkpoint;
    return c ? [`- ${PHASE_LABELS[phase]}: written ${c.writes} times, ${c.bytes} bytes after`] : [];
  });
  if (written.length > 0) lines.push("", "Checkpoint (real CLI's file backend):", "", ...written);
  lines.push("", "Lower bounds (see `bench/lower-bound.ts`):", "");
  for (const b of r.bounds) lines.push(`- ${PHASE_LABELS[b.phase]}: ${b.derivation}`);
  return lines.join("\n") + "\n";
}

/**
 * Writes `<dir>/<timestamp>.json`, `<dir>/latest.json` and `<dir>/latest.md`; returns their paths.
 * The results are validated against the schema first, so a malformed file is never written.
 */
export function writeResults(dir: string, results: BenchResults): { json: string; latestJson: string; markdown: string } {
  const checked = BenchResultsSchema.parse(results);
  mkdirSync(dir, { recursive: true });
  const stamp = checked.startedAt.replace(/[:.]/g, "-");
  const json = join(dir, `${stamp}.json`);
  const latestJson = join(dir, "latest.json");
  const markdown = join(dir, "latest.md");
  const text = JSON.stringify(checked, null, 2) + "\n";
  writeFileSync(json, text);
  writeFileSync(latestJson, text);
  writeFileSync(markdown, `# Benchmark results\n\n${renderMarkdown(checked)}`);
  return { json, latestJson, markdown };
}
