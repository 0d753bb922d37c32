// The `catalog` command's own logic, without an engine: rate shares, the bounded pool (failure
// isolation, stop signal), the report, and the command line.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCatalogArgs } from "../../scripts/catalog";
import { RATE_SETTING, SHARE_FILE_SETTING, runPool } from "../../scripts/catalog/pool";
import { evenShare, shareFor } from "../../scripts/catalog/rate-share";
import { ShareFiles } from "../../scripts/catalog/share-files";
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

  describe("evenShare", () => {
    const cases = [
      { total: 30, running: 1, expected: 30 },
      { total: 30, running: 2, expected: 15 },
      { total: 10, running: 3, expected: 3.333 },
      { total: 200, running: 8, expected: 25 },
      { total: 1, running: 7, expected: 0.142 },
    ];
    for (const c of cases)
      it(`${c.total} between ${c.running} → ${c.expected}`, () => {
        expect(evenShare(c.total, c.running)).to.equal(c.expected);
        expect(evenShare(c.total, c.running) * c.running).to.be.at.most(c.total);
      });
  });

  describe("share files", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "catalog-shares-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** The share files in `dir` now: stack → requests per second. */
    const shares = (): Record<string, number> =>
      Object.fromEntries(
        readdirSync(dir).map((f) => [
          f.replace(/\.json$/, ""),
          (JSON.parse(readFileSync(join(dir, f), "utf8")) as { perSecond: number }).perSecond,
        ]),
      );
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

    it("a starting shard's file is written only after the running ones shrank: the files never sum above the limit", () => {
      const latest = new Map<string, number>();
      const writes: string[] = [];
      let peak = 0;
      const files = new ShareFiles(dir, 30, (file, perSecond) => {
        latest.set(file, perSecond);
        writes.push(`${file.slice(dir.length + 1)}=${perSecond}`);
        peak = Math.max(
          peak,
          [...latest.values()].reduce((a, b) => a + b, 0),
        );
      });
      files.start("a");
      files.start("b");
      files.start("c");
      expect(writes).to.deep.equal(["a.json=30", "a.json=15", "b.json=15", "a.json=10", "b.json=10", "c.json=10"]);
      files.finish("b");
      latest.delete(join(dir, "b.json"));
      files.rebalance();
      files.start("d");
      expect(writes.slice(6)).to.deep.equal(["a.json=15", "c.json=15", "a.json=10", "c.json=10", "d.json=10"]);
      expect(peak).to.equal(30);
    });

    it("the pool's running shards hold total ÷ running as shards start and finish, and the last one gets the whole limit", async () => {
      const seen = new Map<string, Record<string, number>>();
      const release = new Map<string, () => void>();
      const { runner, jobs } = fakeRunner(
        (job) =>
          new Promise((done) => {
            seen.set(job.stack, shares());
            release.set(job.stack, () => done(ok()));
          }),
      );
      const run = runPool(entries(5), {
        operation: "up",
        runner,
        pool: 3,
        totalRate: 30,
        shareDir: dir,
        signal: new AbortController().signal,
        output: () => {},
      });
      const finish = async (stack: string) => {
        release.get(stack)!();
        await tick();
      };
      await tick();
      // Each starting shard found the running ones already shrunk to make room for it.
      expect(Object.fromEntries(seen)).to.deep.equal({
        "s-0": { "s-0": 30 },
        "s-1": { "s-0": 15, "s-1": 15 },
        "s-2": { "s-0": 10, "s-1": 10, "s-2": 10 },
      });
      expect(jobs.map((j) => [j.config[RATE_SETTING], j.config[SHARE_FILE_SETTING]])).to.deep.equal(
        [30, 15, 10].map((rate, k) => [String(rate), join(dir, `s-${k}.json`)]),
      );
      await finish("s-1"); // s-3 takes the slot: the shares stay at a third
      expect(seen.get("s-3")).to.deep.equal({ "s-0": 10, "s-2": 10, "s-3": 10 });
      expect(shares()).to.deep.equal({ "s-0": 10, "s-2": 10, "s-3": 10 });
      await finish("s-0");
      expect(shares()).to.deep.equal({ "s-2": 10, "s-3": 10, "s-4": 10 });
      await finish("s-3"); // nothing left to start: the freed third goes to the two still running
      expect(shares()).to.deep.equal({ "s-2": 15, "s-4": 15 });
      await finish("s-4");
      expect(shares()).to.deep.equal({ "s-2": 30 });
      await finish("s-2");
      expect(shares()).to.deep.equal({});
      const results = await run;
      expect(results.map((r) => [r.state, r.rate])).to.deep.equal([
        ["ok", 30],
        ["ok", 15],
        ["ok", 10],
        ["ok", 10],
        ["ok", 10],
      ]);
      for (const snapshot of seen.values()) expect(sum(snapshot)).to.be.at.most(30);
    });

    it("without a total rate the pool writes no share file and sets no rate", async () => {
      const { runner, jobs } = fakeRunner(async () => ok());
      await runPool(entries(2), {
        operation: "up",
        runner,
        pool: 2,
        shareDir: dir,
        signal: new AbortController().signal,
        output: () => {},
      });
      expect(jobs.map((j) => [j.config[RATE_SETTING], j.config[SHARE_FILE_SETTING]])).to.deep.equal([
        [undefined, undefined],
        [undefined, undefined],
      ]);
      expect(readdirSync(dir)).to.deep.equal([]);
    });
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
      // Without a share folder a shard keeps the share it started with: no file to move it.
      expect(jobs.map((j) => j.config[SHARE_FILE_SETTING])).to.deep.equal(Array(7).fill(undefined));
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
