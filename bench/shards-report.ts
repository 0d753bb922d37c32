/**
 * The pure parts of the sharded bench (`npm run bench -- --shards N`, `bench/shards.ts`): how the
 * API's costs are scaled, the figures judged on a run (share of the rate limit achieved, largest
 * checkpoint, memory per shard), a projection of a larger run from measured per-resource costs, and
 * the markdown table. No I/O.
 */
import { z } from "zod";

import { PeakRssSchema } from "./results";

/**
 * The API's real costs, as every other bench mode uses them (bench/README.md): Cisco's documented
 * rate limit shape (20 requests/s, bucket of 40), 100 ± 40 ms per request, 5 s of provisioning.
 */
export const REAL_API = { rate: 20, burst: 40, latencyMs: 100, jitterMs: 40, provisioningMs: 5000 } as const;

/** The API's costs of a run, before scaling. */
export type ApiCosts = {
  readonly rate: number;
  readonly burst: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly provisioningMs: number;
};

/** The emulator's settings and the partner's limit after scaling by `factor`. */
export type ScaledApi = ApiCosts & {
  readonly factor: number;
  /** `webex:maxRequestsPerSecond` of the whole partner, divided between running shards by the pool. */
  readonly maxRps: number;
};

/**
 * Scales the API by `factor`: the rate limit up by F, each request's latency and the provisioning
 * wait down by F. The whole run is then a copy of the real one with time compressed F times: the
 * requests in flight at once (rate × latency) and the customers provisioning at once (customer rate
 * × provisioning) are the same as at real speed, so the engine's `--parallel` and the pool behave as
 * they would for real. The bucket keeps its size: a bucket of B requests refilled F times faster
 * empties and refills in 1/F of the time, as the rest does (so every lower bound is the real one ÷ F).
 * Only the client's own CPU is not compressed: that is what the bench finds out (bench/README.md "Sharded").
 * @example scaleApi(REAL_API, 10) // rate 200/s, burst 40, 10 ± 4 ms, provisioning 500 ms, maxRps 200
 */
export function scaleApi(base: ApiCosts, factor: number): ScaledApi {
  if (!(factor > 0)) throw new Error(`--scale takes a number > 0, not ${factor}`);
  const rate = base.rate * factor;
  return {
    factor,
    rate,
    burst: base.burst,
    latencyMs: base.latencyMs / factor,
    jitterMs: base.jitterMs / factor,
    provisioningMs: base.provisioningMs / factor,
    // The partner's pacing is the rate limit itself: the shards together may use all of it, no more.
    maxRps: rate,
  };
}

/**
 * Share of the rate limit a run achieved: the requests the API admitted (429 answers excluded) over
 * what the limit would admit in the run's wall time, `admitted ÷ (rate × wall)`. Goal ≥ 0.9. The
 * bucket's initial burst is not subtracted, so a short run can exceed 1.
 */
export function rateShare(admitted: number, ratePerSecond: number, wallMs: number): number {
  if (wallMs <= 0 || ratePerSecond <= 0) return 0;
  return admitted / ((ratePerSecond * wallMs) / 1000);
}

/**
 * How long a run of `resources` resources and `requests` API requests takes at least: the larger of
 * the API's bound (`requests ÷ rate`) and the client's CPU bound (`resources × cpuMsPerResource ÷
 * cores`, every core busy with the engines, programs and providers). Used to project the full size
 * from a small run's per-resource CPU.
 */
export function projectWallMs(p: {
  readonly resources: number;
  readonly requests: number;
  readonly rate: number;
  readonly cpuMsPerResource: number;
  readonly cores: number;
}): { apiMs: number; cpuMs: number; wallMs: number; bound: "api" | "cpu" } {
  const apiMs = (p.requests / p.rate) * 1000;
  const cpuMs = (p.resources * p.cpuMsPerResource) / Math.max(1, p.cores);
  return { apiMs, cpuMs, wallMs: Math.max(apiMs, cpuMs), bound: apiMs >= cpuMs ? "api" : "cpu" };
}

/** The issue's full size, which the report projects each run to: 5,000 customers × 20 users. */
export const PROJECTED = { label: "5,000 × 20", resources: 1 + 5000 + 5000 * 20 } as const;

/** A shard's processes, measured by `bench/shards-runner.ts`. */
export const StackProcessesSchema = z.object({
  /** Peak RSS per role (KiB, `VmHWM`): engine = the stack operation's root process. */
  peakRssKb: PeakRssSchema,
  /** Peak of the sum of the RSS of the stack's processes alive at one sample (KiB). */
  peakTotalKb: z.number(),
  /** CPU (user + system) per role, ms, over every process of the stack's operations. */
  cpuMs: PeakRssSchema,
});

/** One stack's run in a configuration. */
export const StackRowSchema = z.object({
  stack: z.string(),
  state: z.string(),
  wallMs: z.number().optional(),
  /** The rate share the pool gave it (requests/s). */
  rate: z.number().optional(),
  changes: z.record(z.string(), z.number()),
  checkpointBytes: z.number(),
  checkpointWrites: z.number(),
  processes: StackProcessesSchema,
});

/** One operation (`up` or `destroy`) of a configuration. */
export const OperationRowSchema = z.object({
  ok: z.boolean(),
  /** Stopped by the wall limit. */
  timedOut: z.boolean(),
  wallMs: z.number(),
  requests: z.number(),
  rateLimited: z.number(),
  /** {@link rateShare} of the operation. */
  rateShare: z.number(),
  stacks: z.array(StackRowSchema),
});

/** One configuration: a catalog size over a number of shards. */
export const ConfigRowSchema = z.object({
  label: z.string(),
  customers: z.number().int(),
  usersPerCustomer: z.number().int(),
  shards: z.number().int(),
  pool: z.number().int(),
  /** Resources the catalog declares (templates, customers, users; without stacks and providers). */
  resources: z.number().int(),
  /** The lower bound of `up` (bench/lower-bound.ts) at the scaled API. */
  upBoundMs: z.number(),
  up: OperationRowSchema.optional(),
  destroy: OperationRowSchema.optional(),
  /** Whether the emulator's invariants held after `up`. */
  invariantsOk: z.boolean().optional(),
});

/** What `npm run bench -- --shards ...` writes. */
export const ShardsResultsSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: z.string(),
  engine: z.enum(["local", "cli"]),
  api: z.object({
    factor: z.number(),
    rate: z.number(),
    burst: z.number(),
    latencyMs: z.number(),
    jitterMs: z.number(),
    provisioningMs: z.number(),
    maxRps: z.number(),
  }),
  wallLimitMin: z.number(),
  /** Cores of the machine (the CPU bound of a projection). */
  cores: z.number().int(),
  configs: z.array(ConfigRowSchema),
});

/** Results of a sharded bench run. */
export type ShardsResults = z.output<typeof ShardsResultsSchema>;
/** One configuration's figures. */
export type ConfigRow = z.output<typeof ConfigRowSchema>;
/** One operation's figures. */
export type OperationRow = z.output<typeof OperationRowSchema>;
/** One stack's figures. */
export type StackRow = z.output<typeof StackRowSchema>;

/** The figures a configuration is judged by. */
export type ConfigFigures = {
  readonly rateShare?: number;
  readonly largestCheckpointBytes: number;
  readonly largestShardPeakKb: number;
  /** Engine CPU summed over the stacks of `up` and of `destroy`, ms. */
  readonly engineCpuMs: { readonly up?: number; readonly destroy?: number };
  /** CPU of every process of `up` per declared resource, ms. */
  readonly upCpuMsPerResource?: number;
};

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const allCpu = (s: StackRow) => s.processes.cpuMs.engine + s.processes.cpuMs.program + s.processes.cpuMs.provider + s.processes.cpuMs.other;

/** The figures of one configuration. */
export function configFigures(c: ConfigRow): ConfigFigures {
  const stacks = [...(c.up?.stacks ?? []), ...(c.destroy?.stacks ?? [])];
  const upCpu = c.up ? sum(c.up.stacks.map(allCpu)) : undefined;
  return {
    ...(c.up ? { rateShare: c.up.rateShare } : {}),
    largestCheckpointBytes: Math.max(0, ...(c.up?.stacks ?? []).map((s) => s.checkpointBytes)),
    largestShardPeakKb: Math.max(0, ...stacks.map((s) => s.processes.peakTotalKb)),
    engineCpuMs: {
      ...(c.up ? { up: sum(c.up.stacks.map((s) => s.processes.cpuMs.engine)) } : {}),
      ...(c.destroy ? { destroy: sum(c.destroy.stacks.map((s) => s.processes.cpuMs.engine)) } : {}),
    },
    ...(upCpu !== undefined && c.up?.ok && c.resources > 0 ? { upCpuMsPerResource: upCpu / c.resources } : {}),
  };
}

const s1 = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const mbKb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const pct = (x: number | undefined) => (x === undefined ? "–" : `${(x * 100).toFixed(1)} %`);
const result = (o: OperationRow | undefined) => (o === undefined ? "not run" : o.timedOut ? "timed out" : o.ok ? "ok" : "failed");

/** The markdown report: one summary row per configuration, then each configuration's stacks. */
export function renderShardsMarkdown(r: ShardsResults): string {
  const a = r.api;
  const lines = [
    `Engine: ${r.engine === "cli" ? "the real Pulumi CLI (Automation API)" : "the stand-in engine (one child process per stack operation)"}. ` +
      `API scaled by F = ${a.factor}: rate limit ${a.rate}/s (burst ${a.burst}), latency ${a.latencyMs.toFixed(1)} ± ${a.jitterMs.toFixed(1)} ms, ` +
      `provisioning ${a.provisioningMs.toFixed(0)} ms, partner's webex:maxRequestsPerSecond ${a.maxRps} divided between running shards. ` +
      `Wall limit per operation ${r.wallLimitMin} min. Machine: ${r.machine}. Taken ${r.startedAt} – ${r.finishedAt}.`,
    "",
    "| configuration | resources | `up` | ÷ bound | rate share (goal ≥ 90 %) | 429s | largest checkpoint (goal ≤ 10 MB) | largest shard peak RSS | engine CPU up / destroy | `destroy` |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const c of r.configs) {
    const f = configFigures(c);
    lines.push(
      `| ${c.label} | ${c.resources} | ${s1(c.up?.wallMs)} ${result(c.up)} | ${c.up && c.upBoundMs > 0 ? `${(c.up.wallMs / c.upBoundMs).toFixed(2)}×` : "–"} | ` +
        `${pct(f.rateShare)} | ${c.up?.rateLimited ?? "–"} | ${mb(f.largestCheckpointBytes)} | ${mbKb(f.largestShardPeakKb)} | ` +
        `${s1(f.engineCpuMs.up)} / ${s1(f.engineCpuMs.destroy)} | ${s1(c.destroy?.wallMs)} ${result(c.destroy)} |`,
    );
  }
  for (const c of r.configs) {
    const f = configFigures(c);
    if (f.upCpuMsPerResource === undefined || !c.up) continue;
    const perResource = c.up.requests / c.resources;
    const p = projectWallMs({
      resources: PROJECTED.resources,
      requests: PROJECTED.resources * perResource,
      rate: a.rate,
      cpuMsPerResource: f.upCpuMsPerResource,
      cores: r.cores,
    });
    lines.push(
      "",
      `Projection of \`up\` at ${PROJECTED.label} from ${c.label} (${f.upCpuMsPerResource.toFixed(1)} ms CPU and ${perResource.toFixed(2)} requests per resource, ` +
        `${r.cores} cores, ${a.rate} requests/s): API ${(p.apiMs / 60_000).toFixed(1)} min, CPU ${(p.cpuMs / 60_000).toFixed(1)} min: the ${p.bound === "api" ? "API" : "CPU"} is the bound ` +
        "(each stack's start-up counts in its CPU per resource, so a projection from a small run overstates the CPU).",
    );
  }
  lines.push(
    "",
    "Rate share: requests the emulator admitted (429s excluded) ÷ (rate limit × wall time of the whole `up`, template stack included). " +
      "Peak RSS of a shard: the largest sum, at one sample, of the RSS of the processes of its stack operation (engine, program, provider, language host).",
  );
  for (const c of r.configs) {
    for (const [name, op] of [
      ["up", c.up],
      ["destroy", c.destroy],
    ] as const) {
      if (!op) continue;
      lines.push(
        "",
        `${c.label}, \`${name}\`: ${op.requests} requests (${op.rateLimited} × 429) in ${s1(op.wallMs)}`,
        "",
        "| stack | result | wall | rate share given | changes | checkpoint | writes | peak RSS total (engine / program / provider / other) | CPU engine / program / provider / other |",
        "|---|---|---|---|---|---|---|---|---|",
      );
      for (const s of op.stacks) {
        const p = s.processes;
        const changes = Object.entries(s.changes)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ");
        lines.push(
          `| ${s.stack} | ${s.state} | ${s1(s.wallMs)} | ${s.rate ?? "–"} | ${changes || "none"} | ${mb(s.checkpointBytes)} | ${s.checkpointWrites} | ` +
            `${mbKb(p.peakTotalKb)} (${mbKb(p.peakRssKb.engine)} / ${mbKb(p.peakRssKb.program)} / ${mbKb(p.peakRssKb.provider)} / ${mbKb(p.peakRssKb.other)}) | ` +
            `${s1(p.cpuMs.engine)} / ${s1(p.cpuMs.program)} / ${s1(p.cpuMs.provider)} / ${s1(p.cpuMs.other)} |`,
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
