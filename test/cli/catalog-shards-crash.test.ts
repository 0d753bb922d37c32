// `npm run catalog` under the REAL Pulumi CLI, killed with SIGKILL, then run again (issue 28 item 8):
// - killed during a sharded `up` (its whole process group, as a CI runner's kill takes it; or the
//   catalog process alone, orphaning its Pulumi CLIs): the rerun releases every lock the kill left,
//   forgets the pending creates, and ends with each customer and user exactly once at the emulator;
// - killed during a `reshard`, between the write of the target stack and that of the source: the
//   rerun leaves each customer in exactly one stack, nothing is deleted in Webex, and `up` then
//   changes nothing.
// A tiny catalog (2 shards × 2 customers × 1 user, 400 ms provisioning), so the kill lands while
// creates are in flight: right after the emulator saved the first customer.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { startEmulator } from "../../local/emulator";
import { parseCatalogArgs, runCatalog } from "../../scripts/catalog";
import { readPulumiState } from "../../scripts/start-stores";
import {
  StartedRuns,
  heldCounts,
  once,
  startCatalog,
  stillRunning,
  whileRunning,
  writeCrashCatalog,
  type CrashDoc,
} from "../e2e/catalog-crash-runs";
import { descendants } from "../e2e/processes";
import { emulatorState, until } from "../e2e/npm-start-runs";
import { describeWithCli, ROOT } from "./support";

const PROJECT = /^name:\s*(\S+)/m.exec(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"))![1]!;
const PASSPHRASE = "catalog-shards-crash-test";

describeWithCli("real Pulumi CLI: npm run catalog killed with SIGKILL, then run again", function () {
  this.timeout(900_000);
  let dir: string;
  const tracked = new StartedRuns();
  const prefix = `crash${process.pid}`;
  const stacks = [`${prefix}-templates`, `${prefix}-shard-0`, `${prefix}-shard-1`];
  const stateDir = () => join(dir, "state");
  const catalogFile = () => join(dir, "customers.yaml");
  // The catalog's file backend (scripts/catalog/runners.ts, cliEnv): checkpoints and locks as the diy backend lays them out.
  const backend = () => join(stateDir(), "pulumi-catalog", "backend");
  const checkpointFile = (stack: string) => join(backend(), ".pulumi", "stacks", PROJECT, `${stack}.json`);
  const checkpoint = (stack: string) => readPulumiState(checkpointFile(stack));
  const lockFiles = (stack: string) => {
    const d = join(backend(), ".pulumi", "locks", "organization", PROJECT, stack);
    return existsSync(d) ? readdirSync(d) : [];
  };
  const catalog = (...argv: string[]) => {
    const run = startCatalog({ engine: "cli", catalogFile: catalogFile(), stateDir: stateDir(), prefix, passphrase: PASSPHRASE, argv });
    return tracked.track(run);
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "catalog-crash-"))));
  afterEach(function () {
    tracked.stopAll();
    // The stack settings files the Automation API wrote next to Pulumi.yaml.
    for (const f of readdirSync(ROOT)) if (f.startsWith(`Pulumi.${prefix}-`)) rmSync(join(ROOT, f));
    if (this.currentTest?.state !== "failed") rmSync(dir, { recursive: true, force: true });
    else console.log(`    kept for inspection: ${dir}`);
  });

  for (const target of ["group", "process"] as const) {
    it(`SIGKILL to the catalog's ${target} during up: the rerun releases the locks, forgets pending creates, and every customer and user exists once`, async () => {
      const expected = writeCrashCatalog(catalogFile());
      const first = catalog("up");
      // A customer saved at the emulator: shard creates are in flight (each provisions for 400 ms).
      await whileRunning(first, "a customer's create", () => Object.keys(emulatorState(stateDir()).customers).length > 0);
      const started = descendants(first.child.pid!);
      process.kill(target === "group" ? -first.child.pid! : first.child.pid!, "SIGKILL");
      await first.exited;
      tracked.orphans.push(...started);
      // The Pulumi CLIs a process kill orphans, which hold the stacks' locks, end on their own: the
      // emulator died with the catalog. (Their provider plugins, in process groups of their own, may
      // outlive them; they hold no lock.)
      await until("the killed run's Pulumi CLIs to end", () => stillRunning(started, "pulumi").length === 0, 300_000, first.output);
      const left = stacks.filter((s) => lockFiles(s).length > 0 || checkpoint(s).pending > 0);
      if (target === "group") {
        // What makes the test meaningful: the kill left a lock and pending creates behind.
        expect(left, `locks or pending operations after the kill\n${first.output()}`).not.to.deep.equal([]);
        expect(stacks.some((s) => checkpoint(s).pending > 0)).to.equal(true);
      }

      const rerun = catalog("up");
      expect(await rerun.exited, rerun.output()).to.equal(0);
      const out = rerun.output();
      for (const s of stacks.filter((s) => left.includes(s))) {
        if (out.includes(`${s}: released the lock`))
          expect(out).to.match(new RegExp(`${s}: released the lock left by a killed run \\(pid \\d+`));
        expect(out).to.include(`${s}: refreshing first`);
      }
      for (const s of stacks) {
        expect(lockFiles(s), `${s}'s lock`).to.deep.equal([]);
        expect(checkpoint(s).pending, `${s}'s pending operations`).to.equal(0);
      }
      expect(heldCounts(stateDir()).customers).to.deep.equal(once(expected.customers));
      expect(heldCounts(stateDir()).users).to.deep.equal(once(expected.users));
      // Each customer recorded in exactly one shard stack.
      const recorded = stacks.flatMap((s) => checkpoint(s).resources.filter((r) => r.type.endsWith(":CustomerOrg")));
      expect(recorded).to.have.length(expected.customers.length);
    });
  }

  it("SIGKILL during reshard between the target's and the source's write: the rerun leaves each customer in one stack, 0 DELETE, then up changes nothing", async () => {
    writeCrashCatalog(catalogFile());
    const up = catalog("up");
    expect(await up.exited, up.output()).to.equal(0);
    // Both customers of shard 0 move to shard 1.
    const doc = parse(readFileSync(catalogFile(), "utf8")) as CrashDoc;
    const moving = doc.customers.filter((c) => c["shard"] === 0).map((c) => String(c["externalId"]));
    for (const c of doc.customers) c["shard"] = 1;
    writeFileSync(catalogFile(), stringify(doc));
    const ids = () => Object.fromEntries(Object.values(emulatorState(stateDir()).customers).map((c) => [c.externalId, JSON.stringify(c)]));
    const before = Object.keys(ids()).sort();
    const holds = (stack: string, customer: string) =>
      JSON.parse(readFileSync(checkpointFile(stack), "utf8")).checkpoint.latest.resources.some((r: { urn: string }) =>
        r.urn.endsWith(`:CustomerOrg::${customer}`),
      ) as boolean;

    const reshard = catalog("reshard");
    // The target written first: the source still records the customers when the kill lands.
    await whileRunning(reshard, "the target stack's write", () => existsSync(checkpointFile(stacks[2]!)) && holds(stacks[2]!, moving[0]!));
    tracked.orphans.push(...descendants(reshard.child.pid!));
    process.kill(-reshard.child.pid!, "SIGKILL");
    await reshard.exited;
    expect(
      moving.every((c) => holds(stacks[1]!, c) && holds(stacks[2]!, c)),
      `killed between the two writes: recorded in both stacks\n${reshard.output()}`,
    ).to.equal(true);

    // An up now would delete them from one stack and create them in the other: refused.
    const refused = catalog("up");
    expect(await refused.exited, refused.output()).to.equal(2);
    expect(refused.output()).to.include(`Move them first: npm run catalog -- reshard --shards 2`);

    const again = catalog("reshard");
    expect(await again.exited, again.output()).to.equal(0);
    for (const c of moving) expect(again.output()).to.include(`forgot ${c} and 1 resource(s) of it in ${stacks[1]}`);
    for (const c of moving) expect([holds(stacks[1]!, c), holds(stacks[2]!, c)], c).to.deep.equal([false, true]);
    const plan = catalog("reshard", "--plan");
    expect(await plan.exited, plan.output()).to.equal(0);
    expect(plan.output()).to.include("nothing to move");

    // `up` against an emulator this test holds (same state file), to count its DELETE calls.
    const emulator = await startEmulator({
      stateFile: join(stateDir(), "emulator-state.json"),
      token: readFileSync(join(stateDir(), "emulator-token"), "utf8").trim(),
      provisioningDelayMs: 400,
    });
    const printed: string[] = [];
    try {
      const code = await runCatalog(
        parseCatalogArgs(
          ["up", "--shards", "2", "--engine", "cli", "--catalog", catalogFile(), "--stack-prefix", prefix, "--state-dir", stateDir()],
          {},
        ),
        {
          stateDir: stateDir(),
          api: { url: emulator.url, token: emulator.token },
          signal: new AbortController().signal,
          print: (line) => printed.push(line),
          passphrase: PASSPHRASE,
        },
      );
      expect(code, printed.join("\n")).to.equal(0);
      const counters = await emulator.admin.counters();
      expect(counters.byMethod["DELETE"] ?? 0, "DELETE calls").to.equal(0);
      // Nothing created again, nothing changed.
      for (const method of ["POST", "PUT", "PATCH"]) expect(counters.byMethod[method] ?? 0, `${method} calls`).to.equal(0);
    } finally {
      await emulator.close();
    }
    expect(Object.keys(ids()).sort()).to.deep.equal(before);
  });
});
