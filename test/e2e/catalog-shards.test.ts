// `npm run catalog` on the stand-in engine and the emulator: the sample catalog over 2 shard
// stacks and a template stack, a second run with nothing to do, a customer moved to another
// shard refused until resharded (no delete sent), and the shards destroyed.
import { expect } from "chai";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { startEmulator } from "../../local/emulator";
import { parseCatalogArgs, runCatalog } from "../../scripts/catalog";
import { locateCustomers } from "../../scripts/catalog/reshard";
import { localRunner, type ShardJob } from "../../scripts/catalog/runners";
import { hashShard } from "../../catalog/shards";
import { ROOT, WORK } from "./harness";

describe("npm run catalog (stand-in engine, emulator)", function () {
  this.timeout(300_000);
  const dir = join(WORK, `catalog-shards-${process.pid}`);
  const catalogFile = join(dir, "customers.yaml");
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let printed: string[] = [];
  const lines = () => printed.join("\n").split("\n");
  let abort = new AbortController();
  /** Aborts the run (as SIGTERM does) when a printed line matches. */
  let stopWhen: RegExp | undefined;
  /** The jobs the last run gave the engine (each stack's settings). */
  let jobs: ShardJob[] = [];
  /** Runs before the engine runs a job (after the command wrote the slices). */
  let beforeJob: ((job: ShardJob) => void) | undefined;
  const run = async (...argv: string[]) => {
    printed = [];
    jobs = [];
    abort = new AbortController();
    const args = parseCatalogArgs([...argv, "--engine", "local", "--catalog", catalogFile, "--stack-prefix", "t"], {});
    const api = { url: emulator.url, token: emulator.token };
    const engine = localRunner({ stateDir: join(dir, "state"), api });
    return runCatalog(args, {
      stateDir: join(dir, "state"),
      api,
      runner: { ...engine, run: (job) => (jobs.push(job), beforeJob?.(job), engine.run(job)) },
      signal: abort.signal,
      print: (line) => {
        printed.push(line);
        if (stopWhen?.test(line)) abort.abort("SIGTERM");
      },
      passphrase: "unused by the stand-in engine",
    });
  };
  const customers = async () =>
    Object.values((await emulator.admin.state()).customers)
      .map((c) => c.externalId)
      .sort();
  const deletes = async () => (await emulator.admin.counters()).byMethod["DELETE"] ?? 0;

  before(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, "catalog", "customers.yaml"), catalogFile);
    emulator = await startEmulator({ provisioningDelayMs: 50, rateLimit: false });
  });
  after(async () => {
    await emulator?.close();
    if (this.ctx.currentTest?.state !== "failed") rmSync(dir, { recursive: true, force: true });
  });

  it("up: every customer is created once, in the stack its shard says, with a table of the run", async () => {
    const code = await run("up", "--shards", "2", "--max-rps", "40");
    expect(code, printed.join("\n")).to.equal(0);
    const declared = (parse(readFileSync(catalogFile, "utf8")) as { customers: { externalId: string }[] }).customers.map(
      (c) => c.externalId,
    );
    expect(await customers()).to.deep.equal([...declared].sort());
    const { located } = await locateCustomers(localRunner({ stateDir: join(dir, "state"), api: { url: "", token: "" } }), "t");
    for (const k of declared) expect(located.get(k), k).to.deep.equal([hashShard(k, 2)]);
    expect(lines().filter((l) => /^shard\s+changes\s+duration\s+result$/.test(l))).to.have.length(1);
    expect(lines().filter((l) => /^t-(templates|shard-\d)\s+create \d+/.test(l))).to.have.length(3);
  });

  it("each stack's program read its own slice: the customers of its shard (the templates only for the template stack)", () => {
    expect(jobs.map((j) => j.stack).sort()).to.deep.equal(["t-shard-0", "t-shard-1", "t-templates"]);
    const declared = parse(readFileSync(catalogFile, "utf8")) as { templates: unknown[]; customers: { externalId: string }[] };
    for (const job of jobs) {
      const slice = job.config["webex-wholesale-onboarding:catalogFile"]!;
      expect(slice).to.equal(join(dir, "state", "slices", `${job.stack}.yaml`));
      const read = parse(readFileSync(slice, "utf8")) as { templates: unknown[]; customers: { externalId: string }[] };
      const shard = /-shard-(\d)$/.exec(job.stack)?.[1];
      const mine = declared.customers.filter((c) => shard !== undefined && hashShard(c.externalId, 2) === Number(shard));
      expect(read.customers.map((c) => c.externalId)).to.deep.equal(mine.map((c) => c.externalId));
      if (shard === undefined) expect(read.templates).to.deep.equal(declared.templates);
    }
  });

  it("up again: no changes in any stack, and a slice edited by hand is rewritten, not read", async () => {
    const slice = join(dir, "state", "slices", "t-shard-0.yaml");
    const written = readFileSync(slice, "utf8");
    writeFileSync(slice, "customers: []\n");
    expect(await run("up", "--shards", "2", "--max-rps", "40"), printed.join("\n")).to.equal(0);
    expect(lines().filter((l) => /^t-(templates|shard-\d)\s+no changes\s.*ok$/.test(l))).to.have.length(3);
    expect(readFileSync(slice, "utf8")).to.equal(written);
  });

  it("a problem the program still finds in its slice is reported against the original catalog's entry", async () => {
    const doc = parse(readFileSync(catalogFile, "utf8")) as { users: { email: string; customer: string }[] };
    const index = doc.users.findIndex((u) => hashShard(u.customer, 2) === 0 && doc.users.indexOf(u) > 0);
    const user = doc.users[index]!;
    // As if a rule the whole-file check could not see refused this user in its stack.
    beforeJob = (job) => {
      if (job.stack !== "t-shard-0") return;
      const slice = job.config["webex-wholesale-onboarding:catalogFile"]!;
      writeFileSync(slice, readFileSync(slice, "utf8").replace(`"email":${JSON.stringify(user.email)}`, `"email":"not an email"`));
    };
    try {
      expect(await run("preview", "--shards", "2")).to.equal(1);
    } finally {
      beforeJob = undefined;
    }
    const log = readFileSync(join(dir, "state", "logs", "t-shard-0-preview.log"), "utf8");
    expect(log).to.match(/catalog \S*customers\.yaml: \d+ problems?; nothing was declared/);
    expect(log).to.include(`users[${index}].email`);
    expect(log).to.include(`(email ${JSON.stringify(user.email)})`);
    // Neither the slice nor its lines: the person fixes the catalog, not the slice.
    expect(log).to.not.include("t-shard-0.yaml");
    expect(log).to.not.match(/\(line \d+/);
  });

  it("a customer pinned to another shard: up refuses and points to reshard; nothing is deleted", async () => {
    const doc = parse(readFileSync(catalogFile, "utf8")) as { customers: { externalId: string; shard?: number }[] };
    const moved = doc.customers[0]!;
    moved.shard = 1 - hashShard(moved.externalId, 2);
    writeFileSync(catalogFile, stringify(doc));
    const before = await deletes();
    expect(await run("up", "--shards", "2")).to.equal(2);
    expect(printed.join("\n")).to.match(new RegExp(`${moved.externalId} \\(\\+\\d+ user\\(s\\)\\): t-shard-\\d -> t-shard-${moved.shard}`));
    expect(printed.join("\n")).to.include("npm run catalog -- reshard --shards 2");
    expect(await run("reshard", "--shards", "2", "--plan")).to.equal(3);
    expect(await deletes()).to.equal(before);
  });

  it("destroy: the shards, then the template stack", async () => {
    expect(await run("destroy", "--shards", "2"), printed.join("\n")).to.equal(0);
    expect(await customers()).to.deep.equal([]);
    expect(lines().filter((l) => /^t-(templates|shard-\d)\s+delete \d+/.test(l))).to.have.length(3);
  });

  it("stopped while the shards run (SIGTERM): every running shard stops cleanly, and a rerun converges without duplicates", async () => {
    const doc = parse(readFileSync(catalogFile, "utf8")) as { customers: { shard?: number }[] };
    for (const c of doc.customers) delete c.shard;
    writeFileSync(catalogFile, stringify(doc));
    stopWhen = /^t-shard-\d\s+running/;
    expect(await run("up", "--shards", "2", "--max-rps", "2")).to.equal(1);
    stopWhen = undefined;
    expect(lines().filter((l) => /^t-shard-\d\s.*cancelled$/.test(l))).to.have.length(2);
    expect(printed.join("\n")).to.include("To run the stacks that did not finish again: npm run catalog -- up --shards 2");
    expect(await run("up", "--shards", "2"), printed.join("\n")).to.equal(0);
    expect((await customers()).length).to.equal(doc.customers.length);
    const report = await emulator.admin.invariants();
    expect(report.ok, JSON.stringify(report)).to.equal(true);
    expect(await run("destroy", "--shards", "2"), printed.join("\n")).to.equal(0);
  });
});
