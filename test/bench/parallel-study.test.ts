// Unit tests of the `--parallel` study's pure parts (bench/parallel-study.ts): its command line, the
// order of its runs, the rows it derives from the bench's phase results, and its tables. The runs
// themselves need the real CLI and take minutes; `npm run bench:parallel` is checked by hand.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  checkpointCpuPerWriteMs,
  parseModes,
  parseParallelValues,
  parseStudyArgs,
  renderStudyMarkdown,
  runFlags,
  STUDY_DEFAULT_CATALOG,
  STUDY_DEFAULT_PARALLEL,
  studyBoundsMs,
  StudyResultsSchema,
  studyRow,
  studyRuns,
  wallVsFastest,
  writeStudyResults,
  type StudyResults,
  type StudyRow,
} from "../../bench/parallel-study";
import type { PhaseResult } from "../../bench/results";

/** A phase result as the bench records it under the real CLI. */
function phase(wallMs: number, engineCpuMs: number, writes: number, rateLimited = 0, ok = true): PhaseResult {
  return {
    wallMs,
    ok,
    requests: { byRoute: {}, total: 10, reads: 5, writes: 5, rateLimited, faults: 0 },
    peakRssKb: { engine: 1, program: 1, provider: 1, other: 0 },
    cpuMs: { engine: engineCpuMs, program: 0, provider: 0, other: 0 },
    checkpoint: { writes, bytes: 2 ** 20, peakBytes: 1.5 * 2 ** 20 },
    errors: ok ? [] : ["error: the step failed | badly"],
  };
}

describe("bench --parallel study: command line", () => {
  it("defaults to the real CLI, the bump-only phases, 50 x 10, 8/64/1000 and both modes", () => {
    const plan = parseStudyArgs([], {})!;
    expect(plan.bench.engine).to.equal("cli");
    expect(plan.bench["bump-only"]).to.equal(true);
    expect(plan.bench["no-baseline"]).to.equal(true);
    expect([plan.bench.customers, plan.bench.usersPerCustomer]).to.deep.equal([
      STUDY_DEFAULT_CATALOG.customers,
      STUDY_DEFAULT_CATALOG.users,
    ]);
    expect(plan.parallelValues).to.deep.equal([...STUDY_DEFAULT_PARALLEL]);
    expect(plan.modes).to.deep.equal(["checkpoints", "skip"]);
  });

  it("takes its own flags in both spellings and hands the others to the bench", () => {
    const plan = parseStudyArgs(
      ["--parallel-values=16,4", "--modes", "skip", "--customers", "6", "--users", "2", "--rate", "40", "--out", "/tmp/x"],
      {},
    )!;
    expect(plan.parallelValues).to.deep.equal([16, 4]);
    expect(plan.modes).to.deep.equal(["skip"]);
    expect([plan.bench.customers, plan.bench.usersPerCustomer, plan.bench.rate, plan.bench.out]).to.deep.equal([6, 2, 40, "/tmp/x"]);
  });

  it("keeps the bench's --size when given instead of the study's default catalog", () => {
    const plan = parseStudyArgs(["--size", "large"], {})!;
    expect([plan.bench.customers, plan.bench.usersPerCustomer]).to.deep.equal([100, 10]);
  });

  it("returns undefined for --help", () => {
    expect(parseStudyArgs(["--customers", "3", "--help"], {})).to.equal(undefined);
  });

  for (const flag of ["--parallel", "--engine", "--skip-checkpoints", "--memory", "--up-only"]) {
    it(`refuses ${flag}, which the study sets itself, and says what to use`, () => {
      expect(() => parseStudyArgs([flag, "8"], {})).to.throw(/--parallel-values and --modes/);
    });
  }

  it("refuses to run when the shell already skips checkpoints", () => {
    expect(() => parseStudyArgs([], { PULUMI_SKIP_CHECKPOINTS: "true" })).to.throw(/unset it/);
  });

  it("refuses a flag without its value", () => {
    expect(() => parseStudyArgs(["--modes"], {})).to.throw(/--modes needs a value/);
  });

  it("parses --parallel-values and refuses out-of-range, fractional, empty and repeated values", () => {
    expect(parseParallelValues("8, 64,1000")).to.deep.equal([8, 64, 1000]);
    for (const bad of ["0", "1001", "2.5", "8,,64", "x"]) expect(() => parseParallelValues(bad), bad).to.throw(/1 to 1000/);
    expect(() => parseParallelValues("8,8")).to.throw(/repeats/);
  });

  it("parses --modes and refuses an unknown or repeated mode", () => {
    expect(parseModes("skip,checkpoints")).to.deep.equal(["skip", "checkpoints"]);
    expect(() => parseModes("journal")).to.throw(/checkpoints, skip/);
    expect(() => parseModes("skip,skip")).to.throw(/repeats/);
  });
});

describe("bench --parallel study: runs and rows", () => {
  it("runs every value in one mode before the next mode", () => {
    expect(studyRuns({ parallelValues: [8, 64], modes: ["checkpoints", "skip"] })).to.deep.equal([
      { parallel: 8, mode: "checkpoints" },
      { parallel: 64, mode: "checkpoints" },
      { parallel: 8, mode: "skip" },
      { parallel: 64, mode: "skip" },
    ]);
  });

  it("gives each run its --parallel and sets skip-checkpoints only in the skip mode", () => {
    const bench = parseStudyArgs([], {})!.bench;
    expect(runFlags(bench, { parallel: 64, mode: "skip" })).to.include({ parallel: 64, "skip-checkpoints": true });
    expect(runFlags(bench, { parallel: 8, mode: "checkpoints" })).to.include({ parallel: 8, "skip-checkpoints": false });
    expect(bench.parallel).to.not.equal(64); // the shared settings are not changed
  });

  it("computes the bounds of the three phases from the catalog and the emulator", () => {
    const bench = parseStudyArgs(["--customers", "100", "--users", "10"], {})!.bench;
    const bounds = studyBoundsMs(bench);
    // (1201 − 40) ÷ 20/s for the up and the destroy, (200 − 40) ÷ 20/s for the bump (bench/README.md).
    expect(bounds.up).to.be.closeTo(58050, 1);
    expect(bounds.destroy).to.be.closeTo(58050, 1);
    expect(bounds.bumpUp).to.be.closeTo(8000, 1);
  });

  it("a row is ok only when every phase ran and succeeded", () => {
    const all = { up: phase(1, 1, 1), bumpUp: phase(1, 1, 1), destroy: phase(1, 1, 1) };
    expect(studyRow({ parallel: 8, mode: "skip" }, all).ok).to.equal(true);
    const failed = studyRow(
      { parallel: 8, mode: "skip" },
      { up: phase(1, 1, 1), bumpUp: phase(1, 1, 1, 0, false) },
      "product bumpUp failed",
    );
    expect(failed.ok).to.equal(false);
    expect(failed.error).to.equal("product bumpUp failed");
    expect(Object.keys(failed.phases)).to.deep.equal(["up", "bumpUp"]);
    expect(studyRow({ parallel: 8, mode: "skip" }, { up: phase(1, 1, 1) }).ok).to.equal(false);
  });

  it("CPU per write: the checkpoint run's CPU above the same value's skip run, per extra write", () => {
    const rows: StudyRow[] = [
      studyRow({ parallel: 64, mode: "checkpoints" }, { destroy: phase(1, 5_000 + 2205 * 60, 2206) }),
      studyRow({ parallel: 1000, mode: "checkpoints" }, { destroy: phase(1, 9_000, 2206) }),
      studyRow({ parallel: 8, mode: "checkpoints" }, { destroy: phase(1, 9_000, 2206, 0, false) }),
      studyRow({ parallel: 64, mode: "skip" }, { destroy: phase(1, 5_000, 1) }),
      studyRow({ parallel: 8, mode: "skip" }, { destroy: phase(1, 5_000, 1) }),
    ];
    expect(checkpointCpuPerWriteMs(rows, "destroy")).to.deep.equal([
      60, // (5,000 + 2,205 × 60 − 5,000) ÷ (2,206 − 1)
      undefined, // no skip run at 1000 to subtract
      undefined, // a failed run
      undefined, // skip rows have no per-write cost
      undefined,
    ]);
  });

  it("compares each wall time with the fastest successful one of its own mode", () => {
    const rows: StudyRow[] = [
      studyRow({ parallel: 8, mode: "checkpoints" }, { destroy: phase(200_000, 1, 1) }),
      studyRow({ parallel: 64, mode: "checkpoints" }, { destroy: phase(100_000, 1, 1) }),
      studyRow({ parallel: 1000, mode: "checkpoints" }, { destroy: phase(50_000, 1, 1, 0, false) }),
      studyRow({ parallel: 64, mode: "skip" }, { destroy: phase(60_000, 1, 1) }),
      studyRow({ parallel: 1000, mode: "skip" }, { destroy: phase(66_000, 1, 1) }),
    ];
    const ratios = wallVsFastest(rows, "destroy");
    expect(ratios[0]).to.equal(2);
    expect(ratios[1]).to.equal(1);
    expect(ratios[2]).to.equal(undefined); // a failed run is neither the fastest nor compared
    expect(ratios[3]).to.equal(1);
    expect(ratios[4]).to.be.closeTo(1.1, 1e-9);
    expect(wallVsFastest(rows, "up")).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe("bench --parallel study: tables and files", () => {
  const results = (): StudyResults => ({
    kind: "parallel-study",
    startedAt: "2026-12-07T05:00:00.000Z",
    finishedAt: "2026-12-07T05:20:00.000Z",
    machine: "2 × test CPU, 1 GB, Node v22",
    command: "npm run bench:parallel --",
    settings: {
      customers: 100,
      usersPerCustomer: 10,
      latencyMs: 100,
      jitterMs: 40,
      provisioningMs: 5000,
      rate: 20,
      burst: 40,
      install: "packed",
      parallelValues: [64, 1000],
      modes: ["checkpoints", "skip"],
    },
    boundsMs: { up: 60000, bumpUp: 8000, destroy: 60000 },
    rows: [
      studyRow(
        { parallel: 64, mode: "checkpoints" },
        { up: phase(146_600, 136_800, 2207), bumpUp: phase(31_700, 27_500, 203), destroy: phase(124_000, 120_000, 2206, 3) },
      ),
      studyRow({ parallel: 64, mode: "skip" }, { destroy: phase(60_000, 9_750, 1) }),
      studyRow(
        { parallel: 1000, mode: "checkpoints" },
        { up: phase(150_000, 140_000, 2207), bumpUp: phase(20_000, 20_000, 203, 0, false) },
        "product bumpUp failed (exit 255)",
      ),
    ],
  });

  it("renders one table per phase with wall, ratios, CPU per write, 429s and failures", () => {
    const md = renderStudyMarkdown(results());
    expect(md).to.contain("Catalog 100 customers × 10 users (1101 resources)");
    expect(md).to.contain("### `destroy` (lower bound 60.0 s)");
    expect(md).to.contain("| after every step (default) | 64 | 124.0 s | 2.07× | 1.00× | 120.0 s | 2206 | 50.0 ms | 1.50 MB | 3 | ok |");
    // The failed bump's error is escaped so it does not split the table's cells.
    expect(md).to.contain("failed: error: the step failed \\| badly |");
    // The destroy after the failed bump did not run.
    expect(md).to.match(/\| after every step \(default\) \| 1000 \| – \| – \| – \| – \| – \| – \| – \| – \| not run \|/);
  });

  it("writes parallel-<time>.json that the schema reads back, and parallel-latest.md", () => {
    const dir = mkdtempSync(join(tmpdir(), "parallel-study-test-"));
    try {
      const paths = writeStudyResults(dir, results());
      expect(paths.json).to.equal(join(dir, "parallel-2026-12-07T05-00-00-000Z.json"));
      const back = StudyResultsSchema.parse(JSON.parse(readFileSync(paths.json, "utf8")));
      expect(back.rows[2].error).to.equal("product bumpUp failed (exit 255)");
      expect(readFileSync(paths.markdown, "utf8")).to.contain("### `up` from empty");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
