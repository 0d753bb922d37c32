// Unit tests of the sharded bench's pure parts (bench/shards-report.ts, the parsers of
// bench/shards-runner.ts, the flags and the generated catalog of bench/shards.ts). The runs
// themselves need minutes and a quiet machine: `npm run bench -- --shards ...` (bench/README.md).
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

import { loadCatalog } from "../../catalog/load";
import { packageRules } from "../../catalog/package-rules";
import { assignShards } from "../../catalog/shards";
import { apiOf, catalogDocument, isShardsRun, parseShardsFlags, writeShardsResults } from "../../bench/shards";
import {
  REAL_API,
  ShardsResultsSchema,
  configFigures,
  projectWallMs,
  rateShare,
  renderShardsMarkdown,
  scaleApi,
  type ConfigRow,
  type ShardsResults,
  type StackRow,
} from "../../bench/shards-report";
import { parseEngineOutputs, parseEngineSummary, stackOfCmdline } from "../../bench/shards-runner";
import { phaseBounds } from "../../bench/lower-bound";

describe("sharded bench: scaling the API", () => {
  it("multiplies the rate by F, keeps the bucket and divides latency, jitter and provisioning by F", () => {
    const a = scaleApi(REAL_API, 10);
    expect(a).to.deep.equal({ factor: 10, rate: 200, burst: 40, latencyMs: 10, jitterMs: 4, provisioningMs: 500, maxRps: 200 });
  });

  it("keeps requests in flight (rate × latency) and customers provisioning (rate × provisioning) as at real speed", () => {
    for (const f of [1, 3, 25]) {
      const a = scaleApi(REAL_API, f);
      expect(a.rate * a.latencyMs).to.be.closeTo(REAL_API.rate * REAL_API.latencyMs, 1e-9);
      expect(a.rate * a.provisioningMs).to.be.closeTo(REAL_API.rate * REAL_API.provisioningMs, 1e-9);
    }
  });

  it("divides the lower bound of `up` by F exactly", () => {
    const bound = (f: number) => {
      const a = scaleApi(REAL_API, f);
      return phaseBounds(1000, 20, {
        minLatencyMs: a.latencyMs - a.jitterMs,
        provisioningMs: a.provisioningMs,
        rate: { perSecond: a.rate, burst: a.burst },
      })[0]!.boundMs;
    };
    expect(bound(1) / bound(10)).to.be.closeTo(10, 1e-9);
    expect(bound(1) / bound(4)).to.be.closeTo(4, 1e-9);
  });

  it("refuses a factor that is not positive", () => {
    expect(() => scaleApi(REAL_API, 0)).to.throw(/--scale/);
  });
});

describe("sharded bench: figures", () => {
  it("rate share is admitted requests over rate × wall", () => {
    expect(rateShare(9_000, 200, 50_000)).to.equal(0.9);
    expect(rateShare(100, 20, 0)).to.equal(0);
  });

  it("projects a run by the larger of the API's bound and the CPU's", () => {
    const api = projectWallMs({ resources: 105_001, requests: 110_001, rate: 200, cpuMsPerResource: 2, cores: 2 });
    expect(api.bound).to.equal("api");
    expect(api.wallMs).to.be.closeTo(550_005, 1);
    const cpu = projectWallMs({ resources: 105_001, requests: 110_001, rate: 200, cpuMsPerResource: 15, cores: 2 });
    expect(cpu.bound).to.equal("cpu");
    expect(cpu.wallMs).to.be.closeTo(787_507.5, 1);
  });

  const stack = (name: string, checkpointBytes: number, peakTotalKb: number, engineCpu: number): StackRow => ({
    stack: name,
    state: "ok",
    wallMs: 1000,
    rate: 50,
    changes: { create: 3 },
    checkpointBytes,
    checkpointWrites: 6,
    processes: {
      peakRssKb: { engine: 100, program: 200, provider: 300, other: 0 },
      peakTotalKb,
      cpuMs: { engine: engineCpu, program: 10, provider: 10, other: 0 },
    },
  });
  const config: ConfigRow = {
    label: "40 × 5 over 2 shards",
    customers: 40,
    usersPerCustomer: 5,
    shards: 2,
    pool: 2,
    resources: 241,
    upBoundMs: 1000,
    up: {
      ok: true,
      timedOut: false,
      wallMs: 2000,
      requests: 300,
      rateLimited: 2,
      rateShare: 0.745,
      stacks: [stack("t", 10, 1000, 5), stack("s0", 5_000_000, 4000, 100), stack("s1", 4_000_000, 5000, 200)],
    },
    destroy: {
      ok: true,
      timedOut: false,
      wallMs: 1500,
      requests: 250,
      rateLimited: 0,
      rateShare: 0.8,
      stacks: [stack("t", 0, 900, 4), stack("s0", 0, 6000, 50), stack("s1", 0, 3000, 60)],
    },
  };

  it("takes the largest checkpoint of `up`, the largest shard peak of either operation and engine CPU per operation", () => {
    const f = configFigures(config);
    expect(f.largestCheckpointBytes).to.equal(5_000_000);
    expect(f.largestShardPeakKb).to.equal(6000);
    expect(f.engineCpuMs).to.deep.equal({ up: 305, destroy: 114 });
    expect(f.upCpuMsPerResource).to.be.closeTo((305 + 60) / 241, 1e-9);
  });

  it("renders one summary row per configuration and a table per operation; writes JSON and markdown", () => {
    const results: ShardsResults = {
      startedAt: "2026-12-07T05:00:00.000Z",
      finishedAt: "2026-12-07T05:01:00.000Z",
      machine: "test",
      engine: "local",
      api: scaleApi(REAL_API, 10),
      wallLimitMin: 15,
      cores: 2,
      configs: [config, { ...config, label: "unsharded", up: { ...config.up!, ok: false, timedOut: true }, destroy: undefined }],
    };
    const md = renderShardsMarkdown(results);
    expect(md).to.match(/\| 40 × 5 over 2 shards \| 241 \| 2\.0 s ok \| 2\.00× \| 74\.5 % \| 2 \| 5\.00 MB \| 6 MB \|/);
    expect(md).to.match(/\| unsharded \| 241 \| 2\.0 s timed out \|.*\| – not run \|/);
    expect(md).to.include("40 × 5 over 2 shards, `destroy`: 250 requests");
    // 365 ms of CPU for 241 resources, 300 requests: 5,000 × 20 at 200/s is 10.9 min of API, 1.3 of CPU on 2 cores.
    expect(md).to.include("Projection of `up` at 5,000 × 20 from 40 × 5 over 2 shards (1.5 ms CPU and 1.24 requests per resource");
    expect(md).to.match(/API 10\.9 min, CPU 1\.3 min: the API is the bound/);
    const dir = mkdtempSync(join(tmpdir(), "shards-results-"));
    try {
      const paths = writeShardsResults(dir, results);
      expect(ShardsResultsSchema.parse(JSON.parse(readFileSync(paths.json, "utf8"))).configs).to.have.length(2);
      expect(readFileSync(paths.markdown, "utf8")).to.include(md);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sharded bench: processes and engine output", () => {
  const stacks = ["catalog-bench-templates", "catalog-bench-shard-0", "catalog-bench-shard-10"];

  it("finds the stack of a command line among the bench's stacks", () => {
    expect(stackOfCmdline("node scripts/engine.js up --stack catalog-bench-shard-0 --cwd /r", stacks)).to.equal("catalog-bench-shard-0");
    expect(stackOfCmdline("pulumi up --yes --stack organization/webex-wholesale-onboarding/catalog-bench-shard-10", stacks)).to.equal(
      "catalog-bench-shard-10",
    );
    expect(stackOfCmdline("pulumi preview --stack=catalog-bench-templates", stacks)).to.equal("catalog-bench-templates");
    expect(stackOfCmdline("pulumi up --stack catalog-bench-shard-1", stacks)).to.equal(undefined);
    expect(stackOfCmdline("node server.js", stacks)).to.equal(undefined);
  });

  it("reads the stand-in engine's summary line and outputs", () => {
    const stdout = [
      " + webex:CustomerOrg c1 created (1s)",
      "Outputs:",
      '    provisioningIds: {"bench-template":"prov-1"}',
      "    token: [secret]",
      "Resources: + 5 created, ~ 1 updated, - 2 deleted, 3 unchanged. Duration: 2s",
    ].join("\n");
    expect(parseEngineSummary(stdout)).to.deep.equal({ create: 5, update: 1, delete: 2 });
    expect(parseEngineOutputs(stdout)).to.deep.equal({ provisioningIds: { "bench-template": "prov-1" }, token: "[secret]" });
    expect(parseEngineSummary("nothing")).to.deep.equal({});
  });
});

describe("sharded bench: command line and catalog", () => {
  it("is chosen by --shards and parses its flags with defaults", () => {
    expect(isShardsRun(["--shards", "4"])).to.equal(true);
    expect(isShardsRun(["--shards=4"])).to.equal(true);
    expect(isShardsRun(["--size", "small"])).to.equal(false);
    const f = parseShardsFlags(["--shards", "1,4", "--unsharded", "none", "--scale", "5"])!;
    expect(f.shards).to.deep.equal([1, 4]);
    expect(f.unsharded).to.deep.equal([]);
    expect(apiOf(f).rate).to.equal(100);
    expect(parseShardsFlags(["--shards", "4"])!.unsharded).to.deep.equal([
      { customers: 500, usersPerCustomer: 20 },
      { customers: 1000, usersPerCustomer: 20 },
    ]);
    expect(parseShardsFlags(["--shards", "4", "--help"])).to.equal(undefined);
    expect(() => parseShardsFlags(["--shards", "0"])).to.throw(/from 1 to 10000/);
    expect(() => parseShardsFlags(["--shards", "4", "--nope"])).to.throw();
  });

  it("generates a catalog the catalog loader accepts, every customer in one shard", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shards-catalog-"));
    try {
      const file = join(dir, "catalog.yaml");
      writeFileSync(file, stringify(catalogDocument(12, 3)));
      const catalog = await loadCatalog(file, packageRules());
      expect(catalog.customers).to.have.length(12);
      expect(catalog.users).to.have.length(36);
      const assigned = assignShards(catalog, 4);
      expect([...assigned.values()].every((k) => k >= 0 && k < 4)).to.equal(true);
      expect(assigned.size).to.equal(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
