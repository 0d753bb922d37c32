// `npm run catalog` on the stand-in engine, killed with SIGKILL during a sharded `up` (its process
// group, or the catalog process alone: the stand-in engine runs inside it), then run again: the
// rerun releases each lock the kill left, forgets the pending creates, and ends with each customer
// and user exactly once at the emulator. The real-CLI twin is test/cli/catalog-shards-crash.test.ts
// (reshard needs the CLI, so its kill is shown there only).
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPulumiState } from "../../scripts/start-stores";
import { StartedRuns, heldCounts, once, startCatalog, whileRunning, writeCrashCatalog } from "./catalog-crash-runs";
import { emulatorState } from "./npm-start-runs";
import { descendants } from "./processes";

describe("npm run catalog (stand-in engine) killed with SIGKILL, then run again", function () {
  this.timeout(300_000);
  let dir: string;
  const tracked = new StartedRuns();
  const prefix = "crash";
  const stacks = [`${prefix}-templates`, `${prefix}-shard-0`, `${prefix}-shard-1`];
  const stateDir = () => join(dir, "state");
  const stateFile = (stack: string) => join(stateDir(), "engine", `${stack}.json`);
  const catalog = (...argv: string[]) => {
    const run = startCatalog({
      engine: "local",
      catalogFile: join(dir, "customers.yaml"),
      stateDir: stateDir(),
      prefix,
      passphrase: "unused",
      argv,
    });
    return tracked.track(run);
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "catalog-crash-local-"))));
  afterEach(function () {
    tracked.stopAll();
    if (this.currentTest?.state !== "failed") rmSync(dir, { recursive: true, force: true });
    else console.log(`    kept for inspection: ${dir}`);
  });

  for (const target of ["group", "process"] as const) {
    it(`SIGKILL to the catalog's ${target} during up: the rerun releases the locks, forgets pending creates, and every customer and user exists once`, async () => {
      const expected = writeCrashCatalog(join(dir, "customers.yaml"));
      const first = catalog("up");
      await whileRunning(first, "a customer's create", () => Object.keys(emulatorState(stateDir()).customers).length > 0);
      // The stand-in engine runs inside the catalog process: its lock names that process, gone with the kill.
      tracked.orphans.push(...descendants(first.child.pid!));
      process.kill(target === "group" ? -first.child.pid! : first.child.pid!, "SIGKILL");
      await first.exited;
      const locked = stacks.filter((s) => existsSync(`${stateFile(s)}.lock`));
      expect(locked, `locks after the kill\n${first.output()}`).not.to.deep.equal([]);

      const rerun = catalog("up");
      expect(await rerun.exited, rerun.output()).to.equal(0);
      for (const s of locked)
        expect(rerun.output()).to.match(new RegExp(`${s}: released the lock left by a killed run \\(pid ${first.child.pid}`));
      for (const s of stacks) {
        expect(existsSync(`${stateFile(s)}.lock`), `${s}'s lock`).to.equal(false);
        expect(readPulumiState(stateFile(s), true).pending, `${s}'s pending operations`).to.equal(0);
      }
      expect(heldCounts(stateDir()).customers).to.deep.equal(once(expected.customers));
      expect(heldCounts(stateDir()).users).to.deep.equal(once(expected.users));
      const recorded = stacks.flatMap((s) => readPulumiState(stateFile(s), true).resources.filter((r) => r.type.endsWith(":CustomerOrg")));
      expect(recorded).to.have.length(expected.customers.length);
    });
  }
});
