// `npm start` itself (npm → scripts/start.js → start.ts → the local engine), on private state
// (`--state-dir`): each stop signal, to the process or to its whole group, stops provisioning with
// nothing pending, no lock and no process left behind, and says what to run next; a second signal
// quits; a run killed mid-destroy under PULUMI_SKIP_CHECKPOINTS makes the next run refresh first, so
// `up` recreates what was deleted; a service wiped under an unchanged state is reported, not read as
// "unchanged".
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoredState } from "../../local/engine/state-journal";
import { alive, descendants } from "./processes";
import { emulatorState, externalIds, sleep, startCollected, until, type Run } from "./npm-start-runs";
import { SAMPLE_CUSTOMERS, SAMPLE_RESOURCES } from "./sample-catalog";

function startRun(dir: string, command: "npm" | "node", args: readonly string[], env: Record<string, string> = {}): Run {
  const options = ["--local-engine", "--state-dir", dir, ...args];
  return command === "npm"
    ? startCollected("npm", ["start", "--", ...options], env)
    : startCollected(process.execPath, ["scripts/start.js", ...options], env);
}

/** The pid holding the engine's lock: the node process of `npm start`. */
function lockHolder(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, "engine", "dev.json.lock"), "utf8")) as { pid: number }).pid;
}

/** The pending operations the engine's state records (its journal replayed). */
function pendingOperations(dir: string): unknown[] {
  return ((readStoredState(join(dir, "engine", "dev.json"))?.raw ?? {}) as { pending?: unknown[] }).pending ?? [];
}

function killGroup(run: Run): void {
  try {
    process.kill(-run.child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

describe("e2e: npm start and signals (local engine)", function () {
  this.timeout(300_000);
  let dir: string;
  const runs: Run[] = [];
  const leftovers: number[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "npm-start-"))));
  afterEach(() => {
    for (const r of runs.splice(0)) killGroup(r);
    for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    for (const target of ["process", "group"] as const) {
      it(`${signal} to npm's ${target}: the changes in flight are recorded, no lock, nothing pending, nothing left running, and the next command is named`, async () => {
        // A 3 s provisioning keeps a customer's create in flight when the signal comes.
        const run = startRun(dir, "npm", ["--provisioning-ms", "3000"]);
        runs.push(run);
        await until("a customer's create", () => /CustomerOrg \S+ creating$/m.test(run.output()), 180_000);
        const node = lockHolder(dir);
        const started = descendants(run.child.pid!);
        leftovers.push(...started);
        expect(started, "npm start's node process").to.include(node);
        process.kill(target === "group" ? -run.child.pid! : run.child.pid!, signal);
        await until("npm start's node process to exit", () => !alive(node), 120_000);
        await until("every process the run started to exit", () => started.every((pid) => !alive(pid)), 10_000).catch(() => {
          throw new Error(`still running: ${started.filter(alive).join(", ")}\n${run.output()}`);
        });
        const out = run.output();
        expect(out).to.match(new RegExp(`(${signal}|parent exited): stopping after the changes in flight are recorded`));
        expect(out).to.include("no operation is pending and the lock is released");
        expect(out).to.include(`Next: npm start -- --engine local --state-dir ${dir}`);
        expect(out, "the run stopped before finishing the catalog").not.to.match(
          new RegExp(`Resources: \\+ ${SAMPLE_RESOURCES + 1} created`),
        );
        expect(existsSync(join(dir, "engine", "dev.json.lock")), "lock released").to.equal(false);
        expect(pendingOperations(dir)).to.deep.equal([]);
        expect(existsSync(join(dir, "run-in-progress.json")), "a clean stop removes the run marker").to.equal(false);
      });
    }
  }

  it("after a stop, the next npm start converges: the sample catalog's 4 customers, once each", async () => {
    const first = startRun(dir, "npm", ["--provisioning-ms", "2000"]);
    runs.push(first);
    await until("the first create", () => / creating$/m.test(first.output()), 180_000);
    process.kill(-first.child.pid!, "SIGTERM");
    await first.exited;
    const second = startRun(dir, "npm", ["--provisioning-ms", "0"]);
    runs.push(second);
    expect(await second.exited, second.output()).to.equal(0);
    expect(externalIds(dir)).to.deep.equal(SAMPLE_CUSTOMERS);
  });

  it("SIGHUP stops like Ctrl-C and a second SIGHUP quits at once", async () => {
    // A 60 s provisioning keeps a customer's create in flight: the graceful stop cannot end the
    // run before the second signal arrives, whatever the machine's load.
    const run = startRun(dir, "node", ["--provisioning-ms", "60000"]);
    runs.push(run);
    // A customer's create, not a template's: a template is created at once, so a stop during it
    // could end the run before the second signal arrives.
    await until("a customer's create", () => /CustomerOrg \S+ creating$/m.test(run.output()), 180_000);
    process.kill(run.child.pid!, "SIGHUP");
    await until("the stop message", () => /SIGHUP: stopping/.test(run.output()), 10_000);
    // A repeat within a second is the same stop delivered twice (from the group and from npm).
    await sleep(1_100);
    const quit = Date.now();
    process.kill(run.child.pid!, "SIGHUP");
    expect(await run.exited, run.output()).to.equal(129);
    expect(Date.now() - quit, "quit at once").to.be.below(5_000);
    // Quitting at once is not a clean end: the marker stays for the next run.
    expect(existsSync(join(dir, "run-in-progress.json"))).to.equal(true);
  });

  it("PULUMI_SKIP_CHECKPOINTS: a destroy killed with SIGKILL, then up, refreshes first and recreates everything (not 'unchanged')", async () => {
    const up = startRun(dir, "npm", ["--provisioning-ms", "0"]);
    runs.push(up);
    expect(await up.exited, up.output()).to.equal(0);
    const users = Object.keys(emulatorState(dir).subscribers).length; // the sample catalog's, counted
    const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
    const destroy = startRun(dir, "npm", ["destroy", "--provisioning-ms", "0"], skip);
    runs.push(destroy);
    // Kill once the service has lost users the state (saved only at the end) still records.
    await until("users deleted at the emulator", () => Object.keys(emulatorState(dir).subscribers).length < users, 180_000);
    killGroup(destroy);
    await destroy.exited;
    await sleep(500); // the engine's children notice their parent is gone
    expect(existsSync(join(dir, "run-in-progress.json")), "the killed run's marker").to.equal(true);

    const next = startRun(dir, "npm", ["--provisioning-ms", "0"], skip);
    runs.push(next);
    expect(await next.exited, next.output()).to.equal(0);
    const out = next.output();
    expect(out).to.match(/the last run \(`destroy`, pid \d+, started [^)]+\) did not end cleanly/);
    expect(out).to.include("Refreshing first");
    expect(externalIds(dir)).to.deep.equal(SAMPLE_CUSTOMERS);
    expect(Object.keys(emulatorState(dir).subscribers)).to.have.length(users);
    expect(existsSync(join(dir, "run-in-progress.json")), "a clean end removes the marker").to.equal(false);
  });

  it("refuses to start while the run that left the marker is still alive, and names it", async () => {
    writeFileSync(
      join(dir, "run-in-progress.json"),
      JSON.stringify({ operation: "up", pid: process.pid, startedAt: "2026-01-01T00:00:00Z" }),
    );
    const run = startRun(dir, "node", []);
    runs.push(run);
    expect(await run.exited, run.output()).to.equal(1);
    expect(run.output()).to.include(`another \`npm start -- up\` (pid ${process.pid}, started 2026-01-01T00:00:00Z) is running`);
  });

  it("an emulator state deleted next to a non-empty engine state is reported with what to do, not 'No changes'", async () => {
    const up = startRun(dir, "npm", ["--provisioning-ms", "0"]);
    runs.push(up);
    expect(await up.exited, up.output()).to.equal(0);
    rmSync(join(dir, "emulator-state.json"));
    const preview = startRun(dir, "npm", ["preview"]);
    runs.push(preview);
    expect(await preview.exited).to.equal(1);
    const out = preview.output();
    expect(out).to.match(
      new RegExp(
        `emulator's state .*emulator-state\\.json is missing, but the Pulumi state .*dev\\.json records ${SAMPLE_RESOURCES} resource`,
      ),
    );
    expect(out).to.include("npm start -- refresh");
    expect(out).not.to.include("No changes");
  });

  it("a service wiped of its customers under an unchanged state is reported with 'refresh', not previewed as unchanged", async () => {
    const up = startRun(dir, "npm", ["--provisioning-ms", "0"]);
    runs.push(up);
    expect(await up.exited, up.output()).to.equal(0);
    const wiped = { ...emulatorState(dir), customers: {}, subscribers: {} };
    writeFileSync(join(dir, "emulator-state.json"), JSON.stringify(wiped));
    const preview = startRun(dir, "npm", ["preview"]);
    runs.push(preview);
    expect(await preview.exited).to.equal(1);
    const out = preview.output();
    expect(out).to.match(/emulator's state .*emulator-state\.json lacks 4 of the 4 customer\(s\)/);
    expect(out).to.include("npm start -- refresh");
    expect(out).not.to.match(/unchanged|No changes/);
  });
});
