// Unit tests of the benchmark's pure parts: the workload generator, the lower-bound model, the
// process classifier of the memory sampler and the results schema/renderer. They live beside the
// reliability suite because `bench/` is outside mocha's spec glob; nothing here does I/O but the
// results writer, which writes to a temporary directory.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { phaseBounds, rateBoundMs } from "../../bench/lower-bound";
import { BenchFlagsSchema, emulatorOptions, minLatencyMs, parseBenchFlags, USAGE } from "../../bench/run";
import { classifyProcess, parseCpuTicks, parseStatusField } from "../../bench/memory-sampler";
import { DEFAULT_MEMORY_SIZES, parseMemorySizes, renderMemoryMarkdown, resourcesOf } from "../../bench/memory-scale";
import { BenchResultsSchema, formatRoutes, renderMarkdown, writeResults, type BenchResults } from "../../bench/results";
import { BASE_CALLING_QUANTITY, generateCatalog, objectCount } from "../../bench/workload";

describe("bench workload generator", () => {
  const cases = [
    { name: "small catalog", customers: 10, usersPerCustomer: 5 },
    { name: "large catalog", customers: 100, usersPerCustomer: 10 },
    { name: "customers without users", customers: 3, usersPerCustomer: 0 },
  ];
  for (const c of cases) {
    it(`${c.name}: has the requested shape and unique natural keys`, () => {
      const catalog = generateCatalog(c);
      expect(catalog.customers).to.have.length(c.customers);
      const users = catalog.customers.flatMap((x) => x.users);
      expect(users).to.have.length(c.customers * c.usersPerCustomer);
      expect(1 + catalog.customers.length + users.length).to.equal(objectCount(c.customers, c.usersPerCustomer));
      const externalIds = new Set(catalog.customers.map((x) => x.externalId));
      expect(externalIds.size).to.equal(c.customers);
      const emails = new Set(users.map((u) => u.email));
      expect(emails.size).to.equal(users.length);
      const logical = new Set([
        catalog.template.logicalName,
        ...catalog.customers.map((x) => x.logicalName),
        ...users.map((u) => u.logicalName),
      ]);
      expect(logical.size).to.equal(objectCount(c.customers, c.usersPerCustomer));
    });
  }

  it("gives every calling user an extension unique within its customer and no other user one", () => {
    for (const customer of generateCatalog({ customers: 2, usersPerCustomer: 12 }).customers) {
      const extensions = customer.users.filter((u) => u.extension !== undefined).map((u) => u.extension);
      expect(new Set(extensions).size).to.equal(extensions.length);
      for (const u of customer.users) expect(u.extension !== undefined).to.equal(u.package === "webex_calling");
    }
  });

  it("raises exactly the webex_calling quantity by quantityBump and nothing else", () => {
    const before = generateCatalog({ customers: 4, usersPerCustomer: 2 });
    const after = generateCatalog({ customers: 4, usersPerCustomer: 2, quantityBump: 3 });
    after.customers.forEach((c, i) => {
      const calling = c.packages.find((p) => p.name === "webex_calling");
      expect(calling?.quantity).to.equal(BASE_CALLING_QUANTITY + 3);
      const { packages: pa, ...restAfter } = c;
      const { packages: pb, ...restBefore } = before.customers[i]!;
      expect(restAfter).to.deep.equal(restBefore);
      expect(pa.filter((p) => p.name !== "webex_calling")).to.deep.equal(pb.filter((p) => p.name !== "webex_calling"));
    });
  });

  it("keeps calling quantities above the number of calling users (no 1201 during the bench)", () => {
    for (const c of generateCatalog({ customers: 1, usersPerCustomer: 1000 }).customers) {
      const callingUsers = c.users.filter((u) => u.package === "webex_calling").length;
      expect(c.packages.find((p) => p.name === "webex_calling")!.quantity!).to.be.at.least(callingUsers);
    }
  });

  it("refuses a malformed prefix", () => {
    expect(() => generateCatalog({ customers: 1, usersPerCustomer: 1, prefix: "Not Valid" })).to.throw();
  });
});

describe("bench lower-bound model", () => {
  const rate = { perSecond: 20, burst: 40 };
  const rateCases = [
    { name: "within the burst", requests: 40, expectedMs: 0 },
    { name: "one beyond the burst", requests: 41, expectedMs: 50 },
    { name: "large up", requests: 1201, expectedMs: ((1201 - 40) / 20) * 1000 },
  ];
  for (const c of rateCases) {
    it(`rate bound: ${c.name}`, () => {
      expect(rateBoundMs(c.requests, rate)).to.be.closeTo(c.expectedMs, 1e-9);
    });
  }

  it("rate bound is 0 without a rate limit", () => {
    expect(rateBoundMs(10_000, false)).to.equal(0);
  });

  const boundCases = [
    // 1 + 100 + 100 + 1000 requests; the rate limit dominates the 5.3 s chain.
    { name: "large up: rate dominates", customers: 100, users: 10, phase: "up", requests: 1201, boundMs: 58_050 },
    // 1 + 10 + 10 + 50 = 71 requests → 1.55 s; the chain 100+100+5000+100 dominates.
    { name: "small up: chain dominates", customers: 10, users: 5, phase: "up", requests: 71, boundMs: 5_300 },
    { name: "large bump", customers: 100, users: 10, phase: "bumpUp", requests: 200, boundMs: 8_000 },
    { name: "small destroy", customers: 10, users: 5, phase: "destroy", requests: 71, boundMs: 5_300 },
    { name: "preview needs nothing", customers: 100, users: 10, phase: "preview", requests: 0, boundMs: 0 },
    { name: "no-change up needs nothing", customers: 100, users: 10, phase: "noChangeUp", requests: 0, boundMs: 0 },
  ] as const;
  for (const c of boundCases) {
    it(`phase bound: ${c.name}`, () => {
      const b = phaseBounds(c.customers, c.users, { minLatencyMs: 100, provisioningMs: 5000, rate }).find((x) => x.phase === c.phase)!;
      expect(b.minRequests).to.equal(c.requests);
      expect(b.boundMs).to.be.closeTo(c.boundMs, 1e-6);
      expect(b.derivation).to.include(String(c.requests));
    });
  }
});

describe("bench memory sampler helpers", () => {
  const cases = [
    { name: "root is the engine", cmd: "node -r ts-node/register local/engine/cli.ts up", root: true, role: "engine" },
    {
      name: "plugin",
      cmd: "/usr/bin/node /x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js 127.0.0.1:1",
      root: false,
      role: "provider",
    },
    { name: "program", cmd: "/usr/bin/node /x/node_modules/@pulumi/pulumi/cmd/run --monitor 127.0.0.1:5 .", root: false, role: "program" },
    { name: "anything else", cmd: "/bin/sh -c true", root: false, role: "other" },
  ] as const;
  for (const c of cases) {
    it(`classifies: ${c.name}`, () => {
      expect(classifyProcess(c.cmd, c.root)).to.equal(c.role);
    });
  }

  it("reads VmHWM and VmRSS from a status text", () => {
    const status = "Name:\tnode\nVmPeak:\t  999 kB\nVmHWM:\t  123456 kB\nVmRSS:\t   65432 kB\n";
    expect(parseStatusField(status, "VmHWM")).to.equal(123456);
    expect(parseStatusField(status, "VmRSS")).to.equal(65432);
    expect(parseStatusField("Name:\tzombie\n", "VmRSS")).to.equal(0);
  });

  it("reads utime + stime from a stat text whose command name holds spaces and parentheses", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0";
    expect(parseCpuTicks(stat)).to.equal(325);
    expect(parseCpuTicks("garbage")).to.equal(0);
  });
});

describe("bench results", () => {
  const counts = (byRoute: Record<string, number>, rateLimited = 0) => {
    const total = Object.values(byRoute).reduce((a, b) => a + b, 0);
    const writes = Object.entries(byRoute)
      .filter(([k]) => !k.startsWith("GET"))
      .reduce((a, [, n]) => a + n, 0);
    return { byRoute, total, reads: total - writes, writes, rateLimited, faults: 0 };
  };
  const sample = (): BenchResults => ({
    schemaVersion: 1,
    startedAt: "2026-11-26T23:40:00.000Z",
    finishedAt: "2026-11-26T23:45:00.000Z",
    machine: { cpus: 2, cpuModel: "test cpu", memoryGb: 8, node: "v20", os: "linux" },
    settings: {
      size: "small",
      customers: 10,
      usersPerCustomer: 5,
      latencyMs: 100,
      jitterMs: 20,
      provisioningMs: 5000,
      rate: 20,
      burst: 40,
      parallel: 16,
      baselineCustomers: 5,
    },
    bounds: phaseBounds(10, 5, { minLatencyMs: 80, provisioningMs: 5000, rate: { perSecond: 20, burst: 40 } }),
    product: {
      up: {
        wallMs: 9000,
        ok: true,
        requests: counts({ "POST /v1/wholesale/customers": 10, "GET /v1/wholesale/customers/{id}": 17 }, 2),
        errors: [],
        apiWindow: { firstRequestMs: 2000, lastAnswerMs: 8500 },
        peakRssKb: { engine: 102400, program: 204800, provider: 153600, other: 0 },
        cpuMs: { engine: 4000, program: 9500, provider: 2300, other: 0 },
      },
      preview: { wallMs: 3000, ok: true, requests: counts({}), errors: [] },
    },
    baseline: {
      up: {
        wallMs: 60000,
        ok: true,
        requests: counts({ "POST /v1/wholesale/customers": 5 }),
        errors: [],
        extrapolated: { measuredMs: 30000, sampleCustomers: 5, factor: 2 },
      },
    },
    figures: { previewCalls: 0, noChangeUpWrites: 0, pollsPerCustomerCreate: 1.7, providerBytesPerResource: 512 },
    targets: [
      { name: "preview calls", target: "0", measured: "0", met: true },
      { name: "makespan", target: "≤ 1.25×", measured: "1.6×", met: false },
    ],
  });

  it("renders wall times, API window, ratios, 429s, memory, the extrapolation note and unmet targets", () => {
    const md = renderMarkdown(sample());
    const bound = phaseBounds(10, 5, { minLatencyMs: 80, provisioningMs: 5000, rate: { perSecond: 20, burst: 40 } })[0]!.boundMs;
    expect(md).to.include(
      `| \`up\` from empty | 9.0 s | 6.5 s (from 2.0 s) | ${(bound / 1000).toFixed(1)} s | ${(9000 / bound).toFixed(2)}× | 60.0 s* | 6.67× | 27 | 2 | 100 MB / 200 MB / 150 MB | 4.0 s / 9.5 s / 2.3 s |`,
    );
    expect(md).to.include("first 5 customers");
    expect(md).to.include("| makespan | ≤ 1.25× | 1.6× | **no** |");
    expect(md).to.include("17 GET /v1/wholesale/customers/{id}; 10 POST /v1/wholesale/customers");
  });

  it("orders routes by count and drops zero counts", () => {
    expect(formatRoutes({ "GET a": 1, "POST b": 3, "PUT c": 0 })).to.equal("3 POST b; 1 GET a");
  });

  it("writes a timestamped JSON, latest.json and latest.md that parse back", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-results-"));
    try {
      const paths = writeResults(dir, sample());
      expect(paths.json).to.match(/2026-11-26T23-40-00-000Z\.json$/);
      const back = BenchResultsSchema.parse(JSON.parse(readFileSync(paths.latestJson, "utf8")));
      expect(back.product.up?.wallMs).to.equal(9000);
      expect(readFileSync(paths.markdown, "utf8")).to.match(/^# Benchmark results/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to write results that do not match the schema", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-results-"));
    try {
      const bad = { ...sample(), schemaVersion: 2 } as unknown as BenchResults;
      expect(() => writeResults(dir, bad)).to.throw();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bench command line", () => {
  it("--help asks for the usage instead of a run, and the usage names every flag the parser accepts", () => {
    expect(parseBenchFlags(["--help"])).to.equal(undefined);
    for (const flag of Object.keys(BenchFlagsSchema.in.shape)) {
      expect(USAGE, flag).to.contain(`--${flag}`);
    }
  });

  it("the emulator draws latency as labelled (mean ± jitter) and the lower bound counts its real minimum", () => {
    const flags = parseBenchFlags(["--latency-ms", "100", "--jitter-ms", "40"])!;
    // The emulator waits uniformly in [fixed − jitter, fixed + jitter] (local/emulator/options.ts).
    expect(emulatorOptions(flags).latencyMs).to.deep.equal({ fixed: 100, jitter: 40 });
    expect(minLatencyMs(flags)).to.equal(60);
    expect(minLatencyMs(parseBenchFlags(["--latency-ms", "10", "--jitter-ms", "40"])!)).to.equal(0);
  });

  it("--skip-checkpoints sets PULUMI_SKIP_CHECKPOINTS for either engine, off by default", () => {
    expect(parseBenchFlags(["--engine", "cli", "--skip-checkpoints"])!["skip-checkpoints"]).to.equal(true);
    expect(parseBenchFlags(["--skip-checkpoints"])!["skip-checkpoints"]).to.equal(true);
    expect(parseBenchFlags(["--engine", "cli"])!["skip-checkpoints"]).to.equal(false);
    expect(USAGE).to.include("--skip-checkpoints");
  });

  it("--site-numbers: one site of 10 numbers per customer by default; 0 gives the catalog without sites", () => {
    expect(parseBenchFlags([])!.siteNumbers).to.equal(10);
    expect(parseBenchFlags(["--size", "small", "--site-numbers", "0"])!.siteNumbers).to.equal(0);
    expect(() => parseBenchFlags(["--site-numbers", "101"])).to.throw();
  });

  it("under either engine the package is installed from its tarball, as a user has it, unless --install linked", () => {
    expect(parseBenchFlags(["--engine", "cli"])!.install).to.equal("packed");
    expect(parseBenchFlags(["--engine", "cli", "--install", "linked"])!.install).to.equal("linked");
    expect(parseBenchFlags([])!.install).to.equal("packed");
    expect(parseBenchFlags(["--install", "linked"])!.install).to.equal("linked");
    expect(() => parseBenchFlags(["--install", "global"])).to.throw();
  });
});

describe("bench memory at scale (--memory)", () => {
  it("the default sizes are the large catalog (1,101 resources) and 10,000 resources", () => {
    expect(DEFAULT_MEMORY_SIZES.map(resourcesOf)).to.deep.equal([1101, 10_000]);
  });

  it("--memory-sizes parses CUSTOMERSxUSERS lists and refuses anything else", () => {
    expect(parseMemorySizes("3x2, 909x10")).to.deep.equal([
      { customers: 3, usersPerCustomer: 2 },
      { customers: 909, usersPerCustomer: 10 },
    ]);
    expect(() => parseMemorySizes("909")).to.throw(/CUSTOMERSxUSERS/);
    expect(parseBenchFlags(["--memory", "--memory-sizes", "3x2"])).to.include({ memory: true, "memory-sizes": "3x2" });
  });

  it("the table gives each process's peak and the memory each added resource costs", () => {
    const rss = (engine: number, program: number, provider: number) => ({ engine, program, provider, other: 0 });
    const row = (resources: number, phase: "preview" | "up" | "noChangeUp", peak: ReturnType<typeof rss>) => ({
      resources,
      phase,
      ok: true,
      wallMs: 1000,
      peakRssKb: peak,
      writes: 0,
      stateBytes: 2 ** 20,
    });
    const md = renderMemoryMarkdown({
      startedAt: "t0",
      finishedAt: "t1",
      machine: "m",
      parallel: 1000,
      rows: [row(1000, "preview", rss(200_000, 300_000, 100_000)), row(11_000, "preview", rss(200_000, 1_300_000, 100_000))],
    });
    expect(md).to.include("| 11,000 | preview | 1.0 s | 195 / 1270 / 98 | 0 | 1.0 MB |");
    // (1,300,000 − 300,000) KB over 10,000 more resources: 100 KB each in the program, nothing elsewhere.
    expect(md).to.include("| preview | 0.0 | 100.0 | 0.0 |");
  });
});
