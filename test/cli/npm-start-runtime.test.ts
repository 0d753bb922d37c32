// `npm start` under the REAL Pulumi CLI, on private state (`--state-dir`): it owns the stop (the CLI
// runs in its own process group and gets one SIGINT, its graceful cancel, whatever signal reached
// `npm start` or its group); a run killed mid-destroy under PULUMI_SKIP_CHECKPOINTS makes the next
// run refresh first, so `up` recreates everything; a disk that fills up during a run is noticed and
// the way back (an intact backup to import, then `npm start`) works.
import { expect } from "chai";
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliCheckpoint, cliLockHeld, readPulumiState, storesOf } from "../../scripts/start-stores";
import { alive, descendants, killEverything } from "../e2e/processes";
import { describeWithCli, ROOT } from "./support";
import { emulatorState, externalIds, startCollected, until, type Run } from "../e2e/npm-start-runs";
import { SAMPLE_CUSTOMERS, SAMPLE_RESOURCES, SAMPLE_USERS } from "../e2e/sample-catalog";

function npmStart(dir: string, args: readonly string[], env: Record<string, string> = {}): Run {
  return startCollected("npm", ["start", "--", "--engine", "cli", "--state-dir", dir, ...args], {
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    ...env,
  });
}

const PROJECT = /^name:\s*(\S+)/m.exec(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"))![1]!;
const checkpointOf = (dir: string) => readPulumiState(cliCheckpoint(storesOf(dir, "dev"), PROJECT, "dev"));

describeWithCli("real Pulumi CLI: npm start owns the stop, recovers from killed runs and a full disk", function () {
  this.timeout(900_000);
  let dir: string;
  const runs: Run[] = [];
  const mounts: string[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "npm-start-cli-"))));
  afterEach(() => {
    for (const r of runs.splice(0)) killEverything(r.child.pid!);
    for (const m of mounts.splice(0)) spawnSync("umount", ["-l", m]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    for (const target of ["process", "group"] as const) {
      it(`${signal} to npm's ${target}: the CLI cancels gracefully; nothing pending, lock released, nothing left running, the next command named`, async () => {
        const run = npmStart(dir, ["--provisioning-ms", "4000"]);
        runs.push(run);
        // A customer at the emulator: creates are in flight (each takes 4 s to provision).
        await until("a customer's create", () => Object.keys(emulatorState(dir).customers).length > 0, 400_000, run.output);
        const started = descendants(run.child.pid!);
        expect(started.length, "npm, npm start, the CLI, its language host, the program and the provider plugin").to.be.at.least(5);
        process.kill(target === "group" ? -run.child.pid! : run.child.pid!, signal);
        await until("every process the run started to exit", () => started.every((pid) => !alive(pid)), 300_000, run.output);
        const out = run.output();
        expect(out).to.match(new RegExp(`(${signal}|parent exited): stopping after the changes in flight are recorded`));
        expect(out).to.include("^C received; cancelling");
        expect(out, "the CLI was never asked to terminate at once").not.to.include("received; terminating");
        expect(out).to.include("no operation is pending and the lock is released");
        expect(out).to.include(`Next: npm start -- --engine cli --state-dir ${dir}`);
        expect(checkpointOf(dir).pending, "pending operations").to.equal(0);
        expect(cliLockHeld(storesOf(dir, "dev")), "lock released").to.equal(false);
        expect(existsSync(join(dir, "run-in-progress.json")), "a clean stop removes the run marker").to.equal(false);
        // What was created before the stop is recorded: as many customers in state as at the emulator.
        const recorded = checkpointOf(dir).resources.filter((r) => r.type.endsWith(":CustomerOrg"));
        expect(recorded.map((r) => r.id).sort()).to.deep.equal(Object.keys(emulatorState(dir).customers).sort());
      });
    }
  }

  it("PULUMI_SKIP_CHECKPOINTS: a destroy killed with SIGKILL, then `npm start`, refreshes first and recreates everything (not 'unchanged')", async () => {
    const up = npmStart(dir, ["--provisioning-ms", "0"]);
    runs.push(up);
    expect(await up.exited, up.output()).to.equal(0);
    // What the sample catalog makes, counted rather than written down, so the test follows the catalog.
    const resources = checkpointOf(dir).resources.length;
    const users = Object.keys(emulatorState(dir).subscribers).length;
    const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
    const destroy = npmStart(dir, ["destroy", "--provisioning-ms", "0"], skip);
    runs.push(destroy);
    await until("users deleted at the emulator", () => Object.keys(emulatorState(dir).subscribers).length < users, 400_000, destroy.output);
    killEverything(destroy.child.pid!); // a lost runner: npm, npm start, the CLI and its plugins
    await destroy.exited;
    // The trade-off of PULUMI_SKIP_CHECKPOINTS: the state still records every resource.
    expect(checkpointOf(dir).resources).to.have.length(resources);

    const next = npmStart(dir, ["--provisioning-ms", "0"], skip);
    runs.push(next);
    expect(await next.exited, next.output()).to.equal(0);
    const out = next.output();
    expect(out).to.match(/the last run \(`destroy`, pid \d+, started [^)]+\) did not end cleanly/);
    expect(out).to.include("Refreshing first");
    expect(out).to.include("pulumi refresh");
    expect(out).to.include("pulumi up");
    expect(externalIds(dir)).to.deep.equal(SAMPLE_CUSTOMERS);
    expect(Object.keys(emulatorState(dir).subscribers)).to.have.length(users);
    expect(checkpointOf(dir).resources).to.have.length(resources);
    expect(existsSync(join(dir, "run-in-progress.json"))).to.equal(false);
  });

  it("disk full (a small tmpfs under the state): npm start notices the failed checkpoint write, stops, and names the way back, which works", async function () {
    const backend = join(dir, "pulumi");
    mkdirSync(backend, { recursive: true });
    const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", backend], { encoding: "utf8" });
    if (mount.status !== 0) {
      console.log(`  [disk-full test skipped: mounting a tmpfs is not allowed here (${mount.stderr.trim()})]`);
      if (process.env.CI) throw new Error(`CI runs as root and must mount a tmpfs: ${mount.stderr}`);
      this.skip();
    }
    mounts.push(backend);
    const run = npmStart(dir, ["--provisioning-ms", "3000"]);
    runs.push(run);
    await until("a customer's create", () => Object.keys(emulatorState(dir).customers).length > 0, 400_000, run.output);
    // Fill the file system: every later checkpoint write fails with ENOSPC.
    const filler = join(backend, "filler");
    spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k"], { encoding: "utf8" });
    const filled = Date.now();
    const code = await run.exited;
    const stoppedAfter = ((Date.now() - filled) / 1000).toFixed(1);
    const out = run.output();
    expect(code, out).to.not.equal(0);
    expect(out).to.match(/the disk holding .* is full: stopping the run|could not write its checkpoint: stopping the run/);
    expect(out).to.match(/Free space on the disk that holds/);
    expect(existsSync(join(dir, "run-in-progress.json")), "not a clean end: the marker stays").to.equal(true);

    rmSync(filler);
    // The advice, followed as printed: an import when the checkpoint was damaged, then npm start.
    const importLine = /^ {7}(.*stack import --stack dev --file (\S+))$/m.exec(out);
    const stopped = /npm start: (the disk holding .* is full|the Pulumi CLI could not write its checkpoint)/.exec(out)?.[1] ?? "";
    console.log(
      `      (${stopped.startsWith("the disk") ? "free space ran out" : "a write failed"}; checkpoint ${importLine ? "damaged: the backup is imported" : "intact"}; exit ${code} ${stoppedAfter} s after the disk filled)`,
    );
    if (importLine) {
      expect(existsSync(importLine[2]!), "the import file npm start wrote").to.equal(true);
      execSync(importLine[1]!, { cwd: ROOT, stdio: "pipe" });
    } else {
      expect(checkpointOf(dir).readable, "without an import step the checkpoint must be intact").to.equal(true);
    }
    const next = npmStart(dir, ["--provisioning-ms", "0"]);
    runs.push(next);
    expect(await next.exited, next.output()).to.equal(0);
    expect(next.output()).to.include("Refreshing first");
    expect(externalIds(dir)).to.deep.equal(SAMPLE_CUSTOMERS);
    expect(Object.keys(emulatorState(dir).subscribers)).to.have.length(SAMPLE_USERS);
  });

  it("a checkpoint truncated by a full disk: npm start names the newest intact backup, its import command works, and the next run converges", async () => {
    const up = npmStart(dir, ["--provisioning-ms", "0"]);
    runs.push(up);
    expect(await up.exited, up.output()).to.equal(0);
    const file = checkpointOf(dir).file;
    // What a full disk left in the trial: the checkpoint and its .bak both cut short.
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, 200));
    writeFileSync(`${file}.bak`, text.slice(0, 100));
    const refused = npmStart(dir, []);
    runs.push(refused);
    expect(await refused.exited, refused.output()).to.equal(1);
    const out = refused.output();
    expect(out).to.match(/the checkpoint .*dev\.json is damaged/);
    expect(out).to.match(/Put back the newest intact copy, .*\.pulumi\/backups\/.*\.json \(\d+ resources\)/);
    const importLine = /^ {7}(.*stack import --stack dev --file (\S+))$/m.exec(out);
    expect(importLine, out).to.not.equal(null);
    execSync(importLine![1]!, { cwd: ROOT, stdio: "pipe" });
    expect(checkpointOf(dir).readable).to.equal(true);
    const next = npmStart(dir, ["--provisioning-ms", "0"]);
    runs.push(next);
    expect(await next.exited, next.output()).to.equal(0);
    expect(externalIds(dir)).to.deep.equal(SAMPLE_CUSTOMERS);
    expect(checkpointOf(dir).resources).to.have.length(SAMPLE_RESOURCES);
  });

  it("too little free space before a run: refused with how much to free", async function () {
    const backend = join(dir, "pulumi");
    mkdirSync(backend, { recursive: true });
    const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", backend], { encoding: "utf8" });
    if (mount.status !== 0) {
      console.log(`  [disk-space test skipped: mounting a tmpfs is not allowed here (${mount.stderr.trim()})]`);
      if (process.env.CI) throw new Error(`CI runs as root and must mount a tmpfs: ${mount.stderr}`);
      this.skip();
    }
    mounts.push(backend);
    writeFileSync(join(backend, "filler"), Buffer.alloc(1536 * 1024));
    const run = npmStart(dir, []);
    runs.push(run);
    expect(await run.exited, run.output()).to.equal(1);
    expect(run.output()).to.match(
      /KiB free on the disk that holds .*pulumi: too little to save the Pulumi state safely\. Free space there \(at least \d+ KiB\)/,
    );
  });
});
