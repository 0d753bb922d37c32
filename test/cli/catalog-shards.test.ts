// `npm run catalog` under the REAL Pulumi CLI through the Automation API: 2 shards × 2 customers
// go up; one customer is then pinned to the other shard, `reshard` moves it (and its users) with
// `pulumi state move`, and the next `up` sends no DELETE and keeps the customer's id.
import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { startEmulator } from "../../local/emulator";
import { parseCatalogArgs, runCatalog } from "../../scripts/catalog";
import { describeWithCli, ROOT } from "./support";

type Doc = { customers: { externalId: string; shard?: number }[]; users: { customer: string }[]; remove?: unknown };

describeWithCli("real Pulumi CLI: npm run catalog with 2 shards, reshard by state move", function () {
  this.timeout(900_000);
  const prefix = `clitest${process.pid}`;
  // Outside the repository: only the catalog and the stacks' state live here (the program is ROOT's).
  const dir = join(tmpdir(), `webex-catalog-shards-${process.pid}`);
  const catalogFile = join(dir, "customers.yaml");
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let printed: string[] = [];
  const run = async (...argv: string[]) => {
    printed = [];
    const args = parseCatalogArgs([...argv, "--engine", "cli", "--catalog", catalogFile, "--stack-prefix", prefix], {});
    return runCatalog(args, {
      stateDir: join(dir, "state"),
      api: { url: emulator.url, token: emulator.token },
      signal: new AbortController().signal,
      print: (line) => printed.push(line),
      passphrase: "catalog-shards-test",
    });
  };
  const ids = async () =>
    Object.fromEntries(Object.values((await emulator.admin.state()).customers).map((c) => [c.externalId, c.id] as const));

  before(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const doc = parse(readFileSync(join(ROOT, "catalog", "customers.yaml"), "utf8")) as Doc;
    doc.customers = doc.customers.slice(0, 2);
    // Pinned apart, so each shard holds one customer whatever the hash says.
    doc.customers.forEach((c, i) => (c.shard = i));
    const kept = new Set(doc.customers.map((c) => c.externalId));
    doc.users = doc.users.filter((u) => kept.has(u.customer));
    writeFileSync(catalogFile, stringify(doc));
    emulator = await startEmulator({ provisioningDelayMs: 50, rateLimit: false });
  });
  after(async () => {
    await emulator?.close();
    // The stack settings files the Automation API wrote next to Pulumi.yaml.
    for (const f of readdirSync(ROOT)) if (f.startsWith(`Pulumi.${prefix}-`)) rmSync(join(ROOT, f));
    if (existsSync(dir) && this.ctx.currentTest?.state !== "failed") rmSync(dir, { recursive: true, force: true });
  });

  it("up creates both customers, one per shard stack", async () => {
    expect(await run("up", "--shards", "2", "--max-rps", "20"), printed.join("\n")).to.equal(0);
    expect(Object.keys(await ids()).length).to.equal(2);
  });

  it("reshard moves the customer pinned elsewhere, then up sends no DELETE and keeps its id", async () => {
    const doc = parse(readFileSync(catalogFile, "utf8")) as Doc;
    const moved = doc.customers[0]!;
    moved.shard = 1;
    writeFileSync(catalogFile, stringify(doc));
    const before = await ids();
    expect(await run("up", "--shards", "2")).to.equal(2);
    expect(await run("reshard", "--shards", "2"), printed.join("\n")).to.equal(0);
    expect(printed.join("\n")).to.match(new RegExp(`moved \\d+ resource\\(s\\) ${prefix}-shard-0 -> ${prefix}-shard-1`));
    // Idempotent: a second reshard finds nothing to do.
    expect(await run("reshard", "--shards", "2", "--plan"), printed.join("\n")).to.equal(0);
    const deletesBefore = (await emulator.admin.counters()).byMethod["DELETE"] ?? 0;
    expect(await run("up", "--shards", "2"), printed.join("\n")).to.equal(0);
    expect((await emulator.admin.counters()).byMethod["DELETE"] ?? 0).to.equal(deletesBefore);
    expect(await ids()).to.deep.equal(before);
  });

  it("destroy removes every customer", async () => {
    expect(await run("destroy", "--shards", "2"), printed.join("\n")).to.equal(0);
    expect(await ids()).to.deep.equal({});
  });
});
