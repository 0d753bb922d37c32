/**
 * `npm run bench -- --shards N[,M...]`: a generated catalog of C customers × U users run as N shard
 * stacks by `npm run catalog`'s own code (`runCatalog`: template stack, then the shards through its
 * bounded pool, each with its share of the partner's rate limit) against one emulator whose costs
 * are scaled by F (`shards-report.ts` `scaleApi`), then the same catalog unsharded (one shard) at
 * growing sizes until one no longer finishes within the wall limit. Writes
 * `bench/results/shards-<time>.json` and `shards-latest.md`. Method: bench/README.md "Sharded".
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { z } from "zod";

import { startEmulator } from "../local/emulator/index";
import { runCatalog, type CatalogArgs } from "../scripts/catalog";
import { RATE_SETTING } from "../scripts/catalog/pool";
import { cliRunner, type ApiTarget, type ShardRunner } from "../scripts/catalog/runners";
import { CLI_DIR, findCli } from "../scripts/pulumi-cli";
import { REPO_ROOT } from "./engine-runner";
import { phaseBounds } from "./lower-bound";
import { parseMemorySizes, type MemorySize } from "./memory-scale";
import { childLocalRunner, watchCheckpoints, watchStackProcesses } from "./shards-runner";
import {
  REAL_API,
  ShardsResultsSchema,
  rateShare,
  renderShardsMarkdown,
  scaleApi,
  type ConfigRow,
  type OperationRow,
  type ScaledApi,
  type ShardsResults,
  type StackRow,
} from "./shards-report";
import { generateCatalog, objectCount } from "./workload";

/** What `npm run bench -- --shards N --help` prints. */
export const SHARDS_USAGE = `Usage: npm run bench -- --shards N[,M...] [flags]   (bench/README.md "Sharded")

  --shards N[,M...]       shard counts to run the catalog over, one configuration each
  --customers C --users U the catalog (default 1000 x 20; the issue's full size is 5000 x 20)
  --scale F               the API's speed-up: rate limit x F, latency and provisioning / F (default 2.5:
                          bench/README.md "Choosing F")
  --rate N --burst N --latency-ms N --jitter-ms N --provisioning-ms N
                          the API before scaling (default 20/s, 40, 100 +- 40 ms, 5000 ms)
  --pool P                shards run at once (default: npm run catalog's, min(N, 4))
  --engine local|cli      local: the stand-in engine, one child process per stack operation (default);
                          cli: the real Pulumi CLI through the Automation API (npm run pulumi:install)
  --unsharded CxU,...     then one shard at each of these sizes, smallest first, until one fails or times out
                          (default 500x20,1000x20; "none" to skip)
  --wall-limit-min N      stop an operation (up or destroy) after N minutes (default 15)
  --up-only               no destroy
  --out DIR               where results go (default bench/results)
`;

/** Whether the bench command line asks for the sharded bench. */
export function isShardsRun(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--shards" || a.startsWith("--shards="));
}

const counts = z
  .string()
  .regex(/^\d+(,\d+)*$/, "takes shard counts like 4 or 1,4")
  .transform((s) => s.split(",").map(Number))
  .refine((ns) => ns.every((n) => n >= 1 && n <= 10_000), "takes shard counts from 1 to 10000");

/** The sharded bench's settings, after defaults. */
export const ShardsFlagsSchema = z.object({
  shards: counts,
  customers: z.coerce.number().int().min(1).max(10_000).default(1000),
  users: z.coerce.number().int().min(0).max(1000).default(20),
  // At 2.5 (50 requests/s) the API, not the engines' CPU, bounds a run on 2 cores (bench/README.md "Choosing F").
  scale: z.coerce.number().positive().default(2.5),
  rate: z.coerce.number().positive().default(REAL_API.rate),
  burst: z.coerce.number().int().min(1).default(REAL_API.burst),
  "latency-ms": z.coerce.number().min(0).default(REAL_API.latencyMs),
  "jitter-ms": z.coerce.number().min(0).default(REAL_API.jitterMs),
  "provisioning-ms": z.coerce.number().min(0).default(REAL_API.provisioningMs),
  pool: z.coerce.number().int().min(1).optional(),
  engine: z.enum(["local", "cli"]).default("local"),
  unsharded: z
    .string()
    .default("500x20,1000x20")
    .transform((s): MemorySize[] => (s === "none" ? [] : parseMemorySizes(s))),
  "wall-limit-min": z.coerce.number().positive().default(15),
  "up-only": z.boolean().default(false),
  out: z.string().default(join(REPO_ROOT, "bench", "results")),
});

/** Settings of a sharded bench run. */
export type ShardsFlags = z.output<typeof ShardsFlagsSchema>;

/** Parses the command line; `undefined` when `--help` asks for the usage. */
export function parseShardsFlags(argv: readonly string[]): ShardsFlags | undefined {
  const text = (names: string[]) => Object.fromEntries(names.map((n) => [n, { type: "string" as const }]));
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...text([
        "shards",
        "customers",
        "users",
        "scale",
        "rate",
        "burst",
        "latency-ms",
        "jitter-ms",
        "provisioning-ms",
        "pool",
        "engine",
        "unsharded",
      ]),
      ...text(["wall-limit-min", "out"]),
      "up-only": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const { help: _help, ...flags } = values;
  return ShardsFlagsSchema.parse(flags);
}

/** The API of a run: the flags' costs scaled by `--scale`. */
export function apiOf(flags: ShardsFlags): ScaledApi {
  return scaleApi(
    {
      rate: flags.rate,
      burst: flags.burst,
      latencyMs: flags["latency-ms"],
      jitterMs: flags["jitter-ms"],
      provisioningMs: flags["provisioning-ms"],
    },
    flags.scale,
  );
}

/**
 * The bench workload (`workload.ts`, the same customers and users every bench mode declares) as a
 * catalog file of `catalog/schema.ts`: its template, its customers (each with its headquarters,
 * where calling users are placed) and their users.
 */
export function catalogDocument(customers: number, usersPerCustomer: number): Record<string, unknown> {
  const { template: t, customers: list } = generateCatalog({ customers, usersPerCustomer });
  return {
    templates: [
      {
        name: t.logicalName,
        templateName: t.templateName,
        serviceProviderAdmin: t.serviceProviderAdmin,
        countryCode: t.countryCode,
        defaultEmailLanguage: t.defaultEmailLanguage,
        wholesaleSubscriptionId: t.wholesaleSubscriptionId,
        emailBrandName: t.emailBrandName,
      },
    ],
    customers: list.map((c) => ({
      externalId: c.externalId,
      template: t.logicalName,
      companyName: c.companyName,
      adminEmail: c.adminEmail,
      language: c.language,
      supportedLocationConfirmed: true,
      address: c.address,
      packages: c.packages,
      headquarters: c.headquarters,
    })),
    users: list.flatMap((c) =>
      c.users.map((u) => ({
        email: u.email,
        customer: c.externalId,
        firstName: u.firstName,
        lastName: u.lastName,
        package: u.package,
        ...(u.extension ? { extension: u.extension } : {}),
      })),
    ),
  };
}

/** The catalog's project (Pulumi.yaml `name`): its file backend keeps stacks under this folder. */
const PROJECT = "webex-wholesale-onboarding";
/** Stack names `catalog-bench-templates`, `catalog-bench-shard-<k>`: git-ignored settings files (`Pulumi.catalog-*.yaml`). */
const PREFIX = "catalog-bench";

function log(message: string): void {
  process.stderr.write(`[bench shards ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** One stack's job as the recording runner saw it. */
type Recorded = { startedAt: number; endedAt?: number; rate?: number; ok?: boolean; changes: Record<string, number> };

/** `runner`, recording when each stack ran, with which rate share and what it changed. */
function recording(runner: ShardRunner): { runner: ShardRunner; jobs: Map<string, Recorded> } {
  const jobs = new Map<string, Recorded>();
  return {
    jobs,
    runner: {
      ...runner,
      async run(job) {
        const rate = job.config[RATE_SETTING];
        const entry: Recorded = { startedAt: Date.now(), changes: {}, ...(rate ? { rate: Number(rate) } : {}) };
        jobs.set(job.stack, entry);
        const outcome = await runner.run(job);
        Object.assign(entry, { endedAt: Date.now(), ok: outcome.ok, changes: outcome.changes });
        return outcome;
      },
    },
  };
}

/** Runs one configuration (a catalog size over `shards` stacks), `up` then `destroy`, on a fresh emulator. */
async function runConfig(flags: ShardsFlags, api: ScaledApi, size: MemorySize, shards: number, label: string): Promise<ConfigRow> {
  const dir = mkdtempSync(join(tmpdir(), "webex-bench-shards-"));
  const catalogFile = join(dir, "catalog.yaml");
  writeFileSync(catalogFile, stringify(catalogDocument(size.customers, size.usersPerCustomer)));
  const token = `bench-token-${randomBytes(8).toString("hex")}`;
  const emulator = await startEmulator({
    token,
    provisioningDelayMs: api.provisioningMs,
    latencyMs: { fixed: api.latencyMs, jitter: api.jitterMs },
    rateLimit: { perSecond: api.rate, burst: api.burst },
  });
  const target: ApiTarget = { url: emulator.url, token };
  const wallMs = flags["wall-limit-min"] * 60_000;
  const pool = flags.pool ?? Math.min(shards, 4);
  const row: ConfigRow = {
    label,
    customers: size.customers,
    usersPerCustomer: size.usersPerCustomer,
    shards,
    pool,
    resources: objectCount(size.customers, size.usersPerCustomer),
    upBoundMs: phaseBounds(size.customers, size.usersPerCustomer, {
      minLatencyMs: Math.max(0, api.latencyMs - api.jitterMs),
      provisioningMs: api.provisioningMs,
      rate: { perSecond: api.rate, burst: api.burst },
    }).find((b) => b.phase === "up")!.boundMs,
  };
  let base: ShardRunner;
  let checkpointDir: string;
  if (flags.engine === "cli") {
    const cli = findCli();
    if (!cli.found) throw new Error(`--engine cli: ${cli.reason}`);
    const passphrase = randomBytes(16).toString("hex");
    base = cliRunner({ stateDir: dir, cliDir: CLI_DIR, binDir: cli.binDir, passphrase, api: target });
    checkpointDir = join(dir, "pulumi-catalog", "backend", ".pulumi", "stacks", PROJECT);
  } else {
    base = childLocalRunner({ stateDir: dir, api: target, timeoutMs: wallMs });
    checkpointDir = join(dir, "engine");
  }
  const checkpoints = watchCheckpoints(checkpointDir);
  const stacks = [`${PREFIX}-templates`, ...Array.from({ length: shards }, (_, k) => `${PREFIX}-shard-${k}`)];
  const operation = async (op: "up" | "destroy"): Promise<OperationRow> => {
    await emulator.admin.resetCounters();
    const { runner, jobs } = recording(base);
    const processes = watchStackProcesses(stacks);
    const writesBefore = new Map(stacks.map((s) => [s, checkpoints.writes(s)]));
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), abort.abort()), wallMs);
    const args: CatalogArgs = {
      operation: op,
      shards,
      pool,
      engine: flags.engine,
      maxRps: api.maxRps,
      allowDeletes: op === "destroy",
      prefix: PREFIX,
      planOnly: false,
      catalogFile,
      stateDir: dir,
    };
    log(`${label}: ${op}`);
    const started = Date.now();
    const code = await runCatalog(args, {
      stateDir: dir,
      api: target,
      signal: abort.signal,
      print: (text) => text.split("\n").forEach((line) => log(`  ${line}`)),
      passphrase: "unused: the runner is given",
      progressMs: 30_000,
      runner,
    }).finally(() => clearTimeout(timer));
    const wall = Date.now() - started;
    const measured = processes.stop();
    const c = await emulator.admin.counters();
    const admitted = c.total - c.rateLimited;
    const result: OperationRow = {
      ok: code === 0 && !timedOut,
      timedOut,
      wallMs: wall,
      requests: c.total,
      rateLimited: c.rateLimited,
      rateShare: rateShare(admitted, api.rate, wall),
      stacks: stacks.map((stack): StackRow => {
        const j = jobs.get(stack);
        return {
          stack,
          state: j === undefined ? "not started" : j.ok === undefined ? "running" : j.ok ? "ok" : "failed",
          ...(j?.endedAt !== undefined ? { wallMs: j.endedAt - j.startedAt } : {}),
          ...(j?.rate !== undefined ? { rate: j.rate } : {}),
          changes: j?.changes ?? {},
          checkpointBytes: checkpoints.bytes(stack),
          checkpointWrites: checkpoints.writes(stack) - writesBefore.get(stack)!,
          processes: measured[stack]!,
        };
      }),
    };
    log(
      `${label}: ${op} ${result.ok ? "ok" : timedOut ? "timed out" : "failed"} in ${(wall / 1000).toFixed(1)} s, ${c.total} requests ` +
        `(${c.rateLimited} × 429), rate share ${(result.rateShare * 100).toFixed(1)} %`,
    );
    return result;
  };
  try {
    row.up = await operation("up");
    row.invariantsOk = (await emulator.admin.invariants()).ok;
    // A destroy after a failed or stopped up measures a broken run: the emulator is discarded instead.
    if (!flags["up-only"] && row.up.ok) row.destroy = await operation("destroy");
  } finally {
    checkpoints.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
    // The Automation API keeps each stack's settings (and salt) in the repository, git-ignored.
    for (const f of readdirSync(REPO_ROOT)) if (f.startsWith(`Pulumi.${PREFIX}-`)) rmSync(join(REPO_ROOT, f), { force: true });
  }
  return row;
}

/** Writes `shards-<time>.json` and `shards-latest.md` in `dir`. */
export function writeShardsResults(dir: string, results: ShardsResults): { json: string; markdown: string } {
  const checked = ShardsResultsSchema.parse(results);
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `shards-${checked.startedAt.replace(/[:.]/g, "-")}.json`);
  const markdown = join(dir, "shards-latest.md");
  writeFileSync(json, `${JSON.stringify(checked, null, 2)}\n`);
  writeFileSync(markdown, `# Sharded catalogs\n\n${renderShardsMarkdown(checked)}`);
  return { json, markdown };
}

/** `npm run bench -- --shards ...`: every configuration in turn, then the results. Exit code 1 when a sharded configuration failed. */
export async function shardsMain(argv: readonly string[]): Promise<void> {
  const flags = parseShardsFlags(argv);
  if (flags === undefined) {
    process.stdout.write(SHARDS_USAGE);
    return;
  }
  const api = apiOf(flags);
  const cpu = cpus();
  const results: ShardsResults = {
    startedAt: new Date().toISOString(),
    finishedAt: "",
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown"}, ${Math.round((totalmem() / 2 ** 30) * 10) / 10} GB, Node ${process.version}`,
    engine: flags.engine,
    api,
    wallLimitMin: flags["wall-limit-min"],
    cores: cpu.length,
    configs: [],
  };
  const size = { customers: flags.customers, usersPerCustomer: flags.users };
  try {
    for (const n of flags.shards) {
      results.configs.push(
        await runConfig(flags, api, size, n, `${size.customers} × ${size.usersPerCustomer} over ${n} shard${n === 1 ? "" : "s"}`),
      );
    }
    for (const u of flags.unsharded) {
      const row = await runConfig(flags, api, u, 1, `${u.customers} × ${u.usersPerCustomer} unsharded (1 shard)`);
      results.configs.push(row);
      if (!row.up?.ok) break; // the largest size that finishes is the one before
    }
  } finally {
    results.finishedAt = new Date().toISOString();
    const paths = writeShardsResults(flags.out, results);
    process.stdout.write(renderShardsMarkdown(results));
    log(`results: ${paths.json}, ${paths.markdown}`);
  }
  const sharded = results.configs.slice(0, flags.shards.length);
  if (sharded.some((c) => !c.up?.ok || (c.destroy !== undefined && !c.destroy.ok))) process.exitCode = 1;
}
