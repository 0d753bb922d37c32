// `npm start` itself (npm → scripts/start.js → start.ts → the local engine), on private state
// (NPM_START_STATE_DIR): a cancelled job stops provisioning and leaves no lock behind; a second
// signal quits; an emulator state lost next to a Pulumi state is reported, not read as "No changes".
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./harness";

/** One `npm start` (or `node scripts/start.js`) run, its output collected. */
type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startRun(dir: string, command: "npm" | "node", args: readonly string[], env: Record<string, string> = {}): Run {
  const argv = command === "npm" ? ["start", "--", ...args] : ["scripts/start.js", ...args];
  // Its own process group, so the test can end everything it started if an assertion fails.
  const child = spawn(command === "npm" ? "npm" : process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, NPM_START_STATE_DIR: dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, output: () => text, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid holding the engine's lock: the node process of `npm start`. */
function lockHolder(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, "engine", "dev.json.lock"), "utf8")) as { pid: number }).pid;
}

function killGroup(run: Run): void {
  try {
    process.kill(-run.child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

describe("e2e: npm start and signals", function () {
  this.timeout(300_000);
  let dir: string;
  const runs: Run[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "npm-start-"))));
  afterEach(() => {
    for (const r of runs.splice(0)) killGroup(r);
    rmSync(dir, { recursive: true, force: true });
  });

  it("SIGTERM to npm (a cancelled CI job) stops provisioning, releases the lock, and the next run converges", async () => {
    const first = startRun(dir, "npm", ["--local-engine"]);
    runs.push(first);
    await until("the first create", () => / creating$/m.test(first.output()), 180_000);
    const node = lockHolder(dir);
    process.kill(first.child.pid!, "SIGTERM");
    await until("npm start's node process to exit", () => !alive(node), 60_000);
    const out = first.output();
    expect(out).to.match(/(SIGTERM|parent exited): stopping after the changes in flight are recorded/);
    expect(out, "the run stopped before finishing the catalog").not.to.match(/Resources: \+ 16 created/);
    expect(existsSync(join(dir, "engine", "dev.json.lock")), "lock released").to.equal(false);

    const second = startRun(dir, "npm", ["--local-engine"]);
    runs.push(second);
    expect(await second.exited, second.output()).to.equal(0);
    const state = JSON.parse(readFileSync(join(dir, "emulator-state.json"), "utf8")) as {
      customers: Record<string, { externalId: string }>;
    };
    const ids = Object.values(state.customers)
      .map((c) => c.externalId)
      .sort();
    expect(ids).to.deep.equal(["acme-corp-003", "boulangerie-dupont-001", "cabinet-martin-002", "northwind-004"]);
  });

  it("SIGHUP stops like Ctrl-C and a second SIGHUP quits at once", async () => {
    // A 60 s provisioning keeps a customer's create in flight: the graceful stop cannot end the
    // run before the second signal arrives, whatever the machine's load.
    const run = startRun(dir, "node", ["--local-engine"], { NPM_START_PROVISIONING_MS: "60000" });
    runs.push(run);
    // A customer's create, not a template's: a template is created at once, so a stop during it
    // could end the run before the second signal arrives.
    await until("a customer's create", () => /CustomerOrg \S+ creating$/m.test(run.output()), 180_000);
    process.kill(run.child.pid!, "SIGHUP");
    await until("the stop message", () => /SIGHUP: stopping/.test(run.output()), 10_000);
    const quit = Date.now();
    process.kill(run.child.pid!, "SIGHUP");
    expect(await run.exited, run.output()).to.equal(129);
    expect(Date.now() - quit, "quit at once").to.be.below(5_000);
  });

  it("an emulator state deleted next to a non-empty engine state is reported with what to do, not 'No changes'", async () => {
    const up = startRun(dir, "npm", ["--local-engine"]);
    runs.push(up);
    expect(await up.exited, up.output()).to.equal(0);
    rmSync(join(dir, "emulator-state.json"));
    const preview = startRun(dir, "npm", ["preview", "--local-engine"]);
    runs.push(preview);
    expect(await preview.exited).to.equal(1);
    const out = preview.output();
    expect(out).to.match(/emulator's state .*emulator-state\.json is missing, but the Pulumi state .*dev\.json records 15 resource/);
    expect(out).to.include("npm start -- refresh");
    expect(out).not.to.include("No changes");
  });
});
