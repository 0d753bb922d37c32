// The `catalog` command's own logic, without an engine: rate shares, the bounded pool (failure
// isolation, stop signal), the report, and the command line.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseCatalogArgs } from "../../scripts/catalog";
import { RATE_SETTING, runPool } from "../../scripts/catalog/pool";
import { shareFor } from "../../scripts/catalog/rate-share";
import { finalTable, formatChanges } from "../../scripts/catalog/report";
import type { ShardJob, ShardOutcome, ShardRunner } from "../../scripts/catalog/runners";

/** A runner whose jobs finish when the test says so; records what each job received. */
function fakeRunner(behaviour: (job: ShardJob) => Promise<ShardOutcome>) {
  const jobs: ShardJob[] = [];
  let running = 0;
  let peak = 0;
  const runner: Pick<ShardRunner, "engine" | "run" | "stacks" | "resources"> = {
    engine: "local",
    async run(job) {
      jobs.push(job);
      peak = Math.max(peak, ++running);
      try {
        return await behaviour(job);
      } finally {
        running--;
      }
    },
    stacks: async () => [],
    resources: async () => [],
  };
  return { runner, jobs, peak: () => peak };
}
const ok = (changes: Record<string, number> = { create: 1 }): ShardOutcome => ({ ok: true, changes, outputs: {} });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const entries = (n: number) => Array.from({ length: n }, (_, k) => ({ stack: `s-${k}`, config: { shard: String(k) } }));

describe("catalog command", () => {
  describe("shareFor", () => {
    const cases = [
      { name: "first of 3 shards, pool 2", total: 10, running: [], waiting: 3, pool: 2, expected: 5 },
      { name: "second of 3, one running", total: 10, running: [5], waiting: 2, pool: 2, expected: 5 },
      { name: "last shard alone gets the whole free rate", total: 10, running: [], waiting: 1, pool: 4, expected: 10 },
      { name: "last shard next to a running one", total: 12, running: [3], waiting: 1, pool: 4, expected: 9 },
      { name: "pool larger than the shards", total: 9, running: [], waiting: 3, pool: 8, expected: 3 },
      { name: "rounded down", total: 10, running: [], waiting: 3, pool: 3, expected: 3.333 },
    ];
    for (const c of cases) it(c.name, () => expect(shareFor(c.total, c.running, c.waiting, c.pool)).to.equal(c.expected));
  });

  describe("runPool", () => {
    it("runs at most `pool` at once, and the running shares never exceed the limit", async () => {
      const live = new Map<string, number>();
      let maxSum = 0;
      const { runner, jobs, peak } = fakeRunner(async (job) => {
        live.set(job.stack, Number(job.config[RATE_SETTING]));
        maxSum = Math.max(
          maxSum,
          [...live.values()].reduce((a, b) => a + b, 0),
        );
        await tick(Number(job.config.shard) * 3 + 2);
        live.delete(job.stack);
        return ok();
      });
      const results = await runPool(entries(7), {
        operation: "up",
        runner,
        pool: 3,
        totalRate: 30,
        signal: new AbortController().signal,
        output: () => {},
      });
      expect(peak()).to.equal(3);
      expect(jobs).to.have.length(7);
      expect(maxSum).to.be.at.most(30);
      expect(results.map((r) => r.state)).to.deep.equal(Array(7).fill("ok"));
      // With 7 shards and 3 slots, the first three share the limit equally.
      expect(jobs.slice(0, 3).map((j) => Number(j.config[RATE_SETTING]))).to.deep.equal([10, 10, 10]);
    });

    it("a failed shard does not stop the others", async () => {
      const { runner } = fakeRunner(async (job) => (job.stack === "s-1" ? { ok: false, changes: {}, outputs: {}, error: "boom" } : ok()));
      const results = await runPool(entries(4), {
        operation: "up",
        runner,
        pool: 2,
        signal: new AbortController().signal,
        output: () => {},
      });
      expect(results.map((r) => r.state)).to.deep.equal(["ok", "failed", "ok", "ok"]);
      expect(results[1]!.last).to.equal("boom");
    });

    it("a thrown error is a failed shard, not a crashed pool", async () => {
      const { runner } = fakeRunner(async (job) => {
        if (job.stack === "s-0") throw new Error("spawn failed");
        return ok();
      });
      const results = await runPool(entries(2), {
        operation: "preview",
        runner,
        pool: 1,
        signal: new AbortController().signal,
        output: () => {},
      });
      expect(results.map((r) => r.state)).to.deep.equal(["failed", "ok"]);
    });

    it("a stop signal reaches every running shard and starts no new one", async () => {
      const abort = new AbortController();
      const { runner, jobs } = fakeRunner(
        (job) =>
          new Promise((done) =>
            job.signal.addEventListener("abort", () => done({ ok: false, changes: { create: 1 }, outputs: {}, error: "cancelled" }), {
              once: true,
            }),
          ),
      );
      const run = runPool(entries(5), { operation: "up", runner, pool: 2, signal: abort.signal, output: () => {} });
      await tick();
      abort.abort("SIGTERM");
      const results = await run;
      expect(jobs.map((j) => j.stack)).to.deep.equal(["s-0", "s-1"]);
      expect(results.map((r) => r.state)).to.deep.equal(Array(5).fill("cancelled"));
    });
  });

  describe("report", () => {
    it("lists every shard with its changes, duration and result", () => {
      const table = finalTable(
        [
          { stack: "catalog-shard-0", state: "ok", changes: { create: 3, update: 0 }, startedAt: 0, endedAt: 1500 },
          { stack: "catalog-shard-1", state: "failed", changes: {}, startedAt: 0, endedAt: 2000 },
        ],
        5000,
      );
      expect(table.split("\n")).to.deep.equal([
        "shard            changes     duration  result",
        "catalog-shard-0  create 3    1.5 s     ok",
        "catalog-shard-1  no changes  2.0 s     failed",
      ]);
      expect(formatChanges({ create: 2, delete: 1 })).to.equal("create 2, delete 1");
    });
  });

  describe("parseCatalogArgs", () => {
    it("reads the operation, shards, pool and rate", () => {
      const a = parseCatalogArgs(["up", "--shards", "6", "--max-rps=12", "--only", "1,4"], {});
      expect([a.operation, a.shards, a.pool, a.maxRps, a.only]).to.deep.equal(["up", 6, 4, 12, [1, 4]]);
    });
    it("takes the rate from WEBEX_MAX_REQUESTS_PER_SECOND when not given", () => {
      expect(parseCatalogArgs(["preview", "--shards", "2"], { WEBEX_MAX_REQUESTS_PER_SECOND: "8" }).maxRps).to.equal(8);
    });
    for (const [name, argv, error] of [
      ["no --shards", ["up"], /--shards N is required/],
      ["no operation", ["--shards", "2"], /say what to run/],
      ["--only beyond N", ["up", "--shards", "2", "--only", "2"], /0\.\.1/],
      ["unknown flag", ["up", "--shards", "2", "--fast"], /unexpected argument/],
      ["bad engine", ["up", "--shards", "2", "--engine", "x"], /cli or local/],
    ] as const) {
      it(`refuses ${name}, with the usage`, () => expect(() => parseCatalogArgs(argv, {})).to.throw(error));
    }
  });

  it("npm start -- --shards N is the catalog command (its usage on a bad argument, before any build)", () => {
    const r = spawnSync(process.execPath, [join(__dirname, "..", "..", "scripts", "start.js"), "--shards", "2", "--pool", "x"], {
      encoding: "utf8",
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include("--pool takes a whole number >= 1").and.include("usage: npm run catalog");
  });
});
