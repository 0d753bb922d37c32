/**
 * `npm run bench`: measures the product (the local engine running `bench/program`) side by side
 * with a sequential script and the lower bound, against the emulator with realistic settings, and
 * writes `bench/results/<timestamp>.json`, `latest.json` and `latest.md`.
 *
 * Phases, in this order, each with the emulator's counters reset before it:
 * 1. `up` from empty; 2. a no-change `up`; 3. `preview` of the quantity bump (must call nothing);
 * 4. `up` raising `webex_calling` by one on every customer; then the preview-precision phase (for a
 * quantity bump, a user added, a user removed and a template change: a `preview`, then the `up`,
 * the preview's planned changes compared with the resources the `up` wrote); 5. `destroy`.
 * The baseline then runs the same phases one object at a time on a fresh emulator (on a sample of
 * customers when `--baseline-customers` is smaller than the catalog, scaled linearly).
 *
 * Usage: `npm run bench -- [flags]`; `npm run bench -- --help` lists them ({@link USAGE}).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, freemem, totalmem, tmpdir, type as osType, release } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

import { startEmulator } from "../local/emulator/index";
import { createClient } from "pulumi-webex-wholesale/client";

import { baselineBump, baselineCreate, baselineDestroy } from "./baseline";
import { createCliStack, installPackedProgram } from "./cli-runner";
import { REPO_ROOT, runEngineCli, type EngineRunResult } from "./engine-runner";
import { phaseBounds, type Phase } from "./lower-bound";
import {
  DEFAULT_MEMORY_SIZES,
  parseMemorySizes,
  renderMemoryMarkdown,
  resourcesOf,
  runMemoryScale,
  writeMemoryResults,
} from "./memory-scale";
import { renderMarkdown, writeResults, type BenchResults, type PhaseResult, type RequestCounts } from "./results";
import { comparePrecision, parseChanges, stateIds, writtenChanges } from "./preview-precision";
import { isShardsRun, shardsMain } from "./shards";
import { measureState } from "./state-metrics";
import { generateCatalog } from "./workload";

/** What `npm run bench -- --help` prints: every flag, its default and what it sets. */
export const USAGE = `Usage: npm run bench -- [flags]

  --size small|large        catalog size: small = 10 customers x 5 users, large = 100 x 10 (default large)
  --customers N             customers in the catalog (overrides --size)
  --users N                 users per customer (overrides --size)
  --site-numbers N          one extra location per customer (a site on a local gateway beside the
                            headquarters) holding N numbers, the first its main number; 0 = no sites, the
                            catalog of runs before issue 25 (default 10; the sequential baseline has no sites)
  --latency-ms N            mean latency the emulator adds to each request (default 100)
  --jitter-ms N             spread around the mean: each request waits uniformly in
                            [latency - jitter, latency + jitter] ms (default 40, so 60-140 ms)
  --provisioning-ms N       how long a customer provisions (default 5000)
  --rate N --burst N        the emulator's rate limit, requests/s and bucket size (default 20, 40)
  --engine local|cli        local: the stand-in engine (local/engine); cli: the real Pulumi CLI built by
                            \`npm run pulumi:install\` (default local)
  --install linked|packed   how the program gets the package: linked = this checkout (the SDK stores the
                            provider class by value), packed = npm pack installed into a temporary program,
                            as a user has it (the SDK stores a short require). Default: packed
  --parallel N              the engine's --parallel (default 1000; with --engine cli, the CLI's own
                            default, 4 x CPU cores, unless given)
  --skip-checkpoints        PULUMI_SKIP_CHECKPOINTS=true: the engine saves state once, at the end of each run,
                            instead of after every step (see the README, "Large stacks")
  --max-rps N               webex:maxRequestsPerSecond (client-side pacing; unset by default)
  --yield-every N           the program declares in batches of N resources (default 10)
  --up-only                 only the up from empty (and the destroy that cleans up)
  --bump-only               only the up from empty, the quantity bump and the destroy (no no-change up,
                            previews or precision phase): the two ratios the update path is judged by
  --memory                  instead of the phases above: peak RSS of engine, program and plugin for preview
                            from empty, up and a no-change up at 1,101 and 10,000 resources, API costs zero
                            (bench/memory-scale.ts; writes memory-<time>.json and memory-latest.md)
  --memory-sizes CxU,...    the sizes --memory runs (default 100x10,909x10)
  --shards N[,M...]         instead of the phases above: the catalog as N shard stacks run by \`npm run catalog\`'s
                            pool against one scaled emulator (bench/shards.ts; \`--shards 1 --help\` lists its flags)
  --phase-timeout-min N     kill a phase's engine run after N minutes (default 15; the real CLI's
                            100 x 10 up needs more)
  --baseline-customers N    customers the sequential baseline runs (scaled linearly; default 10)
  --no-baseline             skip the sequential baseline
  --out DIR                 where results go (default bench/results)
  --help                    print this and exit
`;

/** Catalog sizes of `--size`. */
export const SIZES = {
  small: { customers: 10, usersPerCustomer: 5 },
  large: { customers: 100, usersPerCustomer: 10 },
} as const;

/** The command line, after defaults: every setting of the run. */
export const BenchFlagsSchema = z
  .object({
    size: z.enum(["small", "large"]).default("large"),
    engine: z.enum(["local", "cli"]).default("local"),
    install: z.enum(["linked", "packed"]).optional(),
    customers: z.coerce.number().int().min(1).optional(),
    users: z.coerce.number().int().min(0).optional(),
    /** Numbers of each customer's extra site (`generateCatalog`'s `siteNumbers`); 0: no sites. */
    "site-numbers": z.coerce.number().int().min(0).max(100).default(10),
    "latency-ms": z.coerce.number().min(0).default(100),
    "jitter-ms": z.coerce.number().min(0).default(40),
    "provisioning-ms": z.coerce.number().min(0).default(5000),
    rate: z.coerce.number().positive().default(20),
    burst: z.coerce.number().int().min(1).default(40),
    // The local engine's default here is its maximum, 1000; the real CLI's is 4 × CPU cores.
    // (The local engine's own default, 10, holds a slot per customer for its whole provisioning.)
    parallel: z.coerce.number().int().min(1).max(1000).optional(),
    "max-rps": z.coerce.number().positive().optional(),
    /** `PULUMI_SKIP_CHECKPOINTS=true` for the engine (state saved once per run, not after every step). */
    "skip-checkpoints": z.boolean().default(false),
    /**
     * Bench program's `yieldEvery`: a turn of the event loop after every N resources. Default
     * 10, the shipped catalog program's batches (`catalog/declare.ts`); 0 declares every
     * resource in one synchronous pass.
     */
    "yield-every": z.coerce.number().int().min(0).default(10),
    /** Run only the `up` from empty (and the destroy that cleans up), to compare variants quickly. */
    "up-only": z.boolean().default(false),
    /** Run only the `up` from empty, the quantity bump and the destroy: both ratios in one run, quickly. */
    "bump-only": z.boolean().default(false),
    /** Run the memory-at-scale phases (`bench/memory-scale.ts`) instead of the timed ones. */
    memory: z.boolean().default(false),
    "memory-sizes": z.string().optional(),
    /** Minutes after which one engine run is killed (its phase then fails). */
    "phase-timeout-min": z.coerce.number().positive().default(15),
    "baseline-customers": z.coerce.number().int().min(1).optional(),
    "no-baseline": z.boolean().default(false),
    out: z.string().default(join(REPO_ROOT, "bench", "results")),
  })
  .transform((f) => {
    const size = SIZES[f.size];
    const customers = f.customers ?? size.customers;
    return {
      ...f,
      customers,
      usersPerCustomer: f.users ?? size.usersPerCustomer,
      siteNumbers: f["site-numbers"],
      // The real CLI's own default (4 × GOMAXPROCS, pkg/cmd/pulumi/operations/up.go), passed explicitly.
      parallel: f.parallel ?? (f.engine === "cli" ? 4 * cpus().length : 1000),
      // The figures are a user's: the package installed from its tarball. Linked, every check and
      // diff request carries the 4.2 KB class twice (the quantity bump took 15.9-17.4 s against 14.1-14.7 s).
      install: f.install ?? "packed",
      baselineCustomers: Math.min(customers, f["baseline-customers"] ?? Math.min(customers, 10)),
    };
  });

/** Settings of one bench run. */
export type BenchFlags = z.output<typeof BenchFlagsSchema>;

/** Parses `argv` (without node and script); `undefined` when `--help` asks for the usage instead of a run. */
export function parseBenchFlags(argv: string[]): BenchFlags | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: "string" },
      engine: { type: "string" },
      install: { type: "string" },
      customers: { type: "string" },
      users: { type: "string" },
      "site-numbers": { type: "string" },
      "latency-ms": { type: "string" },
      "jitter-ms": { type: "string" },
      "provisioning-ms": { type: "string" },
      rate: { type: "string" },
      burst: { type: "string" },
      parallel: { type: "string" },
      "max-rps": { type: "string" },
      "skip-checkpoints": { type: "boolean" },
      "yield-every": { type: "string" },
      "up-only": { type: "boolean" },
      "bump-only": { type: "boolean" },
      memory: { type: "boolean" },
      "memory-sizes": { type: "string" },
      "phase-timeout-min": { type: "string" },
      "baseline-customers": { type: "string" },
      "no-baseline": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const { help: _help, ...flags } = values;
  return BenchFlagsSchema.parse(flags);
}

/**
 * Emulator settings of a run. `--latency-ms` is the mean latency and `--jitter-ms` the spread: the
 * emulator draws each request's latency uniformly in [fixed − jitter, fixed + jitter], so the label
 * "100 ± 40 ms" is exactly what it draws (60–140 ms, mean 100).
 */
export function emulatorOptions(flags: BenchFlags) {
  return {
    token: TOKEN,
    provisioningDelayMs: flags["provisioning-ms"],
    latencyMs: { fixed: flags["latency-ms"], jitter: flags["jitter-ms"] },
    rateLimit: { perSecond: flags.rate, burst: flags.burst },
  };
}

/** The smallest latency the emulator can add: what the lower bound may count per request. */
export function minLatencyMs(flags: BenchFlags): number {
  return Math.max(0, flags["latency-ms"] - flags["jitter-ms"]);
}

/** A distinctive token: easy to find should it leak into a file the bench keeps. */
const TOKEN = `bench-token-${process.pid}-${Date.now().toString(36)}`;
const STACK = "bench";
const PROJECT = "webex-bench";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** The emulator's counters as the results store them. */
async function requestCounts(emulator: Emulator): Promise<RequestCounts> {
  const c = await emulator.admin.counters();
  return {
    byRoute: { ...c.byRoute },
    total: c.total,
    reads: c.reads,
    writes: c.writes,
    rateLimited: c.rateLimited,
    faults: c.faultsInjected,
  };
}

/** When the API traffic since `since` (epoch ms) happened, relative to `since`. */
async function apiWindow(emulator: Emulator, since: number): Promise<PhaseResult["apiWindow"]> {
  const entries = (await emulator.admin.requests()).filter((e) => Date.parse(e.time) >= since);
  if (entries.length === 0) return undefined;
  const starts = entries.map((e) => Date.parse(e.time));
  const ends = entries.map((e) => Date.parse(e.time) + e.durationMs);
  return { firstRequestMs: Math.min(...starts) - since, lastAnswerMs: Math.max(...ends) - since };
}

/** Lines of a failed run's output that say why (or its last lines when none says "error"). */
function errorLines(run: EngineRunResult): string[] {
  const lines = (run.stdout + "\n" + run.stderr).split("\n").filter((l) => l.trim() !== "");
  const errors = lines.filter((l) => /error|failed/i.test(l));
  return (errors.length > 0 ? errors : lines.slice(-10)).slice(0, 10);
}

/** Size of a file in bytes, 0 when it does not exist. */
function fileBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * The changes of the preview-precision phase, applied one after another after the quantity bump
 * (bump, then program settings): another quantity bump, a user added, that user removed, with sites
 * a number added to every site and removed again, then a template change (last: the settings of
 * each change replace the previous change's).
 */
function precisionChanges(siteNumbers: number): [string, number, Record<string, string>][] {
  const sites: [string, number, Record<string, string>][] =
    siteNumbers > 0
      ? [
          ["a number added to every site", 2, { [`${PROJECT}:siteNumbers`]: String(siteNumbers + 1) }],
          ["that number removed from every site", 2, {}],
        ]
      : [];
  return [
    ["a quantity bump on every customer", 2, {}],
    ["a user added", 2, { [`${PROJECT}:extraUsers`]: "1" }],
    ["a user removed", 2, { [`${PROJECT}:extraUsers`]: "0" }],
    ...sites,
    ["a template change", 2, { [`${PROJECT}:templateRevision`]: "1" }],
  ];
}

/**
 * Runs the product phases through the engine CLI, into `results.product`, `.figures` and `.previewPrecision`.
 * `installed`: a program folder already installed by {@link installPackedProgram}, which a caller
 * running the phases several times (`bench/parallel-study.ts`) packs and installs once.
 * @throws Error when a phase fails (its result is recorded first).
 */
export async function runProduct(
  flags: BenchFlags,
  results: Pick<BenchResults, "product" | "figures" | "previewPrecision">,
  installed?: string,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "webex-bench-"));
  // Before the emulator starts, so a failed install or `stack init` leaves no server running.
  const program = installed ?? (flags.install === "packed" ? installPackedProgram(dir) : join(REPO_ROOT, "bench", "program"));
  const cli = flags.engine === "cli" ? createCliStack(program, STACK, dir) : undefined;
  const emulator = await startEmulator(emulatorOptions(flags));
  const stateFile = cli?.checkpoint ?? join(dir, "state.json");
  const config = (bump: number, change: Record<string, string> = {}): Record<string, string> => ({
    [`${PROJECT}:siteNumbers`]: String(flags.siteNumbers),
    ...change,
    "webex:baseUrl": emulator.url,
    [`${PROJECT}:customers`]: String(flags.customers),
    [`${PROJECT}:usersPerCustomer`]: String(flags.usersPerCustomer),
    [`${PROJECT}:quantityBump`]: String(bump),
    [`${PROJECT}:yieldEvery`]: String(flags["yield-every"]),
    ...(flags["max-rps"] ? { "webex:maxRequestsPerSecond": String(flags["max-rps"]) } : {}),
  });
  const phase = async (name: Phase, operation: "up" | "preview" | "destroy", bump: number): Promise<PhaseResult> => {
    await emulator.admin.resetCounters();
    log(`product ${name}: ${operation}`);
    const phaseStart = Date.now();
    const writesBefore = cli?.checkpointWrites() ?? 0;
    const run = await (cli?.run ?? runEngineCli)({
      operation,
      cwd: program,
      stack: STACK,
      stateFile,
      parallel: flags.parallel,
      config: config(bump),
      secretConfig: { "webex:accessToken": TOKEN },
      timeoutMs: flags["phase-timeout-min"] * 60 * 1000,
      ...(flags["skip-checkpoints"] ? { env: { PULUMI_SKIP_CHECKPOINTS: "true" } } : {}),
    });
    const result: PhaseResult = {
      wallMs: run.wallMs,
      ok: run.exitCode === 0,
      requests: await requestCounts(emulator),
      apiWindow: await apiWindow(emulator, phaseStart),
      peakRssKb: run.peakRssKb,
      cpuMs: run.cpuMs,
      ...(cli
        ? {
            checkpoint: {
              writes: cli.checkpointWrites() - writesBefore,
              bytes: fileBytes(cli.checkpoint),
              peakBytes: cli.checkpointPeakBytes(writesBefore),
            },
          }
        : {}),
      errors: run.exitCode === 0 ? [] : errorLines(run),
    };
    log(
      `product ${name}: ${(run.wallMs / 1000).toFixed(1)} s, exit ${run.exitCode}, ${result.requests.total} requests, ${result.requests.rateLimited} × 429, ` +
        `CPU engine ${(run.cpuMs.engine / 1000).toFixed(1)} s / program ${(run.cpuMs.program / 1000).toFixed(1)} s / provider ${(run.cpuMs.provider / 1000).toFixed(1)} s`,
    );
    if (result.checkpoint)
      log(`product ${name}: checkpoint written ${result.checkpoint.writes} times, now ${result.checkpoint.bytes} bytes`);
    results.product[name] = result;
    if (!result.ok) {
      // Later phases would measure a broken stack: stop, and say why.
      for (const line of result.errors) log(`  ${line}`);
      throw new Error(`product ${name} failed (exit ${run.exitCode})`);
    }
    return result;
  };
  /** One change of the precision phase: preview it, up it, compare the plan with the writes. */
  const precision = async (change: string, bump: number, settings: Record<string, string>) => {
    const run = (operation: "up" | "preview") =>
      runEngineCli({
        operation,
        cwd: program,
        stack: STACK,
        stateFile,
        parallel: flags.parallel,
        config: config(bump, settings),
        secretConfig: { "webex:accessToken": TOKEN },
        timeoutMs: flags["phase-timeout-min"] * 60 * 1000,
      });
    log(`product precision: ${change}`);
    const plan = await run("preview");
    const before = stateIds(readFileSync(stateFile, "utf8"));
    const started = Date.now();
    const up = await run("up");
    if (plan.exitCode !== 0 || up.exitCode !== 0)
      throw new Error(`precision phase "${change}" failed (preview exit ${plan.exitCode}, up exit ${up.exitCode})`);
    const writes = (await emulator.admin.requests()).filter((e) => e.method !== "GET" && Date.parse(e.time) >= started);
    const written = writtenChanges(writes, before, stateIds(readFileSync(stateFile, "utf8")));
    const r = comparePrecision(parseChanges(plan.stdout), written.changes, written.unattributed);
    log(`product precision: ${change}: ${r.planned.length} planned, ${r.written.length} written, ${r.exact ? "exact" : "NOT exact"}`);
    return {
      change,
      exact: r.exact,
      planned: r.planned.length,
      written: r.written.length,
      notWritten: r.notWritten,
      notPlanned: r.notPlanned,
      unattributed: r.unattributed,
    };
  };
  try {
    const upStart = Date.now();
    await phase("up", "up", 0);
    const inv = await emulator.admin.invariants();
    if (!inv.ok) log(`invariants after up: ${JSON.stringify(inv)}`);
    const state = measureState(readFileSync(stateFile, "utf8"));
    results.figures.providerBytesPerResource = state.providerBytesPerResource;
    results.figures.stateBytes = state.stateBytes;
    results.figures.resourcesInState = state.resources;
    // From the request log, so that polls answered 429 (repeated, not extra polls) are not counted.
    const polls = (await emulator.admin.requests()).filter(
      (e) => Date.parse(e.time) >= upStart && e.method === "GET" && e.route === "/v1/wholesale/customers/{id}" && e.status !== 429,
    ).length;
    results.figures.pollsPerCustomerCreate = polls / flags.customers;
    if (!flags["up-only"]) {
      if (!flags["bump-only"]) {
        const same = await phase("noChangeUp", "up", 0);
        results.figures.noChangeUpWrites = same.requests.writes;
        results.figures.noChangeUpCalls = same.requests.total;
        const preview = await phase("preview", "preview", 1);
        results.figures.previewCalls = preview.requests.total;
      }
      await phase("bumpUp", "up", 1);
      // The precision phase reads the stand-in's state file and preview output.
      if (cli) log("product precision: not run under --engine cli (it reads the stand-in's state file format)");
      if (!flags["bump-only"] && !cli) {
        results.previewPrecision = [];
        for (const [change, bump, settings] of precisionChanges(flags.siteNumbers)) {
          results.previewPrecision.push(await precision(change, bump, settings));
        }
      }
    }
    await phase("destroy", "destroy", 1);
  } finally {
    cli?.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the sequential baseline on a sample of customers; scales its times to the catalog. */
async function runBaseline(flags: BenchFlags, results: BenchResults): Promise<void> {
  const emulator = await startEmulator(emulatorOptions(flags));
  const client = createClient({ baseUrl: emulator.url, accessToken: TOKEN });
  const sample = flags.baselineCustomers;
  const factor = flags.customers / sample;
  const options = {
    client,
    provisioningTimeoutMs: 10 * 60 * 1000,
  };
  const catalog = generateCatalog({ customers: sample, usersPerCustomer: flags.usersPerCustomer, prefix: "base" });
  const bumped = generateCatalog({ customers: sample, usersPerCustomer: flags.usersPerCustomer, prefix: "base", quantityBump: 1 });
  const measure = async <T>(name: Phase, fn: () => Promise<T>): Promise<T> => {
    await emulator.admin.resetCounters();
    log(`baseline ${name} on ${sample} customers`);
    const started = Date.now();
    let ok = true;
    let value: T | undefined;
    const errors: string[] = [];
    try {
      value = await fn();
    } catch (e) {
      ok = false;
      errors.push(e instanceof Error ? e.message : String(e));
    }
    const measuredMs = Date.now() - started;
    results.baseline[name] = {
      wallMs: measuredMs * factor,
      ok,
      requests: await requestCounts(emulator),
      errors,
      ...(factor !== 1 ? { extrapolated: { measuredMs, sampleCustomers: sample, factor } } : {}),
    };
    log(
      `baseline ${name}: ${(measuredMs / 1000).toFixed(1)} s measured${factor !== 1 ? `, ${((measuredMs * factor) / 1000).toFixed(1)} s scaled` : ""}`,
    );
    if (!ok) throw new Error(`baseline ${name} failed: ${errors[0]}`);
    return value as T;
  };
  try {
    const objects = await measure("up", () => baselineCreate(catalog, options));
    await measure("bumpUp", () => baselineBump(bumped, objects, options));
    await measure("destroy", () => baselineDestroy(objects, options));
  } finally {
    await emulator.close();
  }
}

/** The targets of issues 7 and 13, judged on `results`. */
export function judgeTargets(r: BenchResults): BenchResults["targets"] {
  const targets: BenchResults["targets"] = [];
  const up = r.product.up;
  const bound = r.bounds.find((b) => b.phase === "up")!;
  const f = r.figures;
  if (f.previewCalls !== undefined)
    targets.push({ name: "`preview` API calls", target: "0", measured: String(f.previewCalls), met: f.previewCalls === 0 });
  if (f.noChangeUpWrites !== undefined)
    targets.push({
      name: "no-change `up` writes (calls)",
      target: "0 (0)",
      measured: `${f.noChangeUpWrites} (${f.noChangeUpCalls})`,
      met: f.noChangeUpWrites === 0 && f.noChangeUpCalls === 0,
    });
  if (up) {
    const ratio = up.wallMs / bound.boundMs;
    targets.push({ name: "`up` makespan ÷ lower bound", target: "≤ 1.25", measured: ratio.toFixed(2), met: ratio <= 1.25 });
    const base = r.baseline.up;
    if (base) {
      const speedup = base.wallMs / up.wallMs;
      targets.push({ name: "baseline ÷ `up` makespan", target: "≥ 5", measured: speedup.toFixed(2), met: speedup >= 5 });
    }
  }
  const bump = r.product.bumpUp;
  const bumpBound = r.bounds.find((b) => b.phase === "bumpUp");
  if (bump && bumpBound && bumpBound.boundMs > 0) {
    const ratio = bump.wallMs / bumpBound.boundMs;
    targets.push({ name: "quantity bump makespan ÷ lower bound", target: "≤ 1.5", measured: ratio.toFixed(2), met: ratio <= 1.5 });
  }
  if (r.previewPrecision) {
    const exact = r.previewPrecision.filter((p) => p.exact).length;
    targets.push({
      name: "changes whose preview lists exactly what `up` writes",
      target: `${r.previewPrecision.length} of ${r.previewPrecision.length}`,
      measured: String(exact),
      met: exact === r.previewPrecision.length,
    });
  }
  const failed = Object.values(r.product).filter((p) => p && !p.ok).length;
  const failures429 = Object.values(r.product).filter((p) => p && !p.ok && p.errors.some((e) => /429|rate.?limit/i.test(e))).length;
  f.failures429 = failures429;
  targets.push({ name: "429s surfacing as failures", target: "0", measured: String(failures429), met: failures429 === 0 });
  targets.push({ name: "product phases that failed", target: "0", measured: String(failed), met: failed === 0 });
  return targets;
}

async function main(): Promise<void> {
  // The sharded bench has flags of its own (bench/shards.ts).
  if (isShardsRun(process.argv.slice(2))) return shardsMain(process.argv.slice(2));
  const flags = parseBenchFlags(process.argv.slice(2));
  if (flags === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  if (flags.memory) {
    await memoryMain(flags);
    return;
  }
  const cpu = cpus();
  const results: BenchResults = {
    schemaVersion: 1,
    startedAt: new Date().toISOString(),
    finishedAt: "",
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? "unknown",
      memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      os: `${osType()} ${release()}`,
    },
    settings: {
      size:
        flags.customers === SIZES[flags.size].customers && flags.usersPerCustomer === SIZES[flags.size].usersPerCustomer
          ? flags.size
          : "custom",
      customers: flags.customers,
      usersPerCustomer: flags.usersPerCustomer,
      ...(flags.siteNumbers > 0 ? { siteNumbers: flags.siteNumbers } : {}),
      latencyMs: flags["latency-ms"],
      jitterMs: flags["jitter-ms"],
      provisioningMs: flags["provisioning-ms"],
      rate: flags.rate,
      burst: flags.burst,
      parallel: flags.parallel,
      baselineCustomers: flags["no-baseline"] ? 0 : flags.baselineCustomers,
      ...(flags["max-rps"] ? { maxRequestsPerSecond: flags["max-rps"] } : {}),
      ...(flags["yield-every"] ? { yieldEvery: flags["yield-every"] } : {}),
      install: flags.install,
      ...(flags["skip-checkpoints"] ? { skipCheckpoints: true } : {}),
    },
    bounds: phaseBounds(
      flags.customers,
      flags.usersPerCustomer,
      {
        minLatencyMs: minLatencyMs(flags),
        provisioningMs: flags["provisioning-ms"],
        rate: { perSecond: flags.rate, burst: flags.burst },
      },
      flags.siteNumbers,
    ),
    product: {},
    baseline: {},
    figures: {},
    targets: [],
  };
  log(
    `engine ${flags.engine} --parallel ${flags.parallel}; catalog ${flags.customers} × ${flags.usersPerCustomer}` +
      `${flags.siteNumbers > 0 ? `, a site of ${flags.siteNumbers} numbers each` : ""}; free memory ${Math.round(freemem() / 2 ** 20)} MB`,
  );
  try {
    await runProduct(flags, results);
    if (!flags["no-baseline"]) await runBaseline(flags, results);
  } finally {
    results.finishedAt = new Date().toISOString();
    results.targets = judgeTargets(results);
    const paths = writeResults(flags.out, results);
    process.stdout.write(renderMarkdown(results));
    log(`results: ${paths.json}, ${paths.markdown}`);
  }
}

/** `--memory`: the memory-at-scale runs, written next to the other results. */
async function memoryMain(flags: BenchFlags): Promise<void> {
  const sizes = flags["memory-sizes"] ? parseMemorySizes(flags["memory-sizes"]) : DEFAULT_MEMORY_SIZES;
  const cpu = cpus();
  const startedAt = new Date().toISOString();
  log(
    `memory at ${sizes.map(resourcesOf).join(", ")} resources, --parallel ${flags.parallel}; free memory ${Math.round(freemem() / 2 ** 20)} MB`,
  );
  const rows = await runMemoryScale(sizes, { parallel: flags.parallel, log });
  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown"}, ${Math.round((totalmem() / 2 ** 30) * 10) / 10} GB, Node ${process.version}`,
    parallel: flags.parallel,
    rows,
  };
  const paths = writeMemoryResults(flags.out, results);
  process.stdout.write(renderMemoryMarkdown(results));
  log(`results: ${paths.json}, ${paths.markdown}`);
  if (rows.some((row) => !row.ok)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    log(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
