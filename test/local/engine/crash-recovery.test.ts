// A run killed with SIGKILL while creates are in flight, then run again: the state is never torn, the next run
// reports what was interrupted, the provider's create adopts what the API already has, and nothing is duplicated.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

import { FixtureStack, PASSPHRASE, explain, type Spec } from "./fixture-stack";

const REPO = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(REPO, "local", "engine", "cli.ts");

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the CLI on `stack` with `spec`, in its own process group (so the test can signal the whole group). */
function startCli(stack: FixtureStack, spec: Spec, parallel: number, env: Record<string, string> = {}) {
  const o = stack.options("up", spec, { parallel });
  const args = [
    "-r",
    "ts-node/register/transpile-only",
    CLI,
    "up",
    "--stack",
    "dev",
    "--cwd",
    o.cwd,
    "--state",
    stack.stateFile,
    "--parallel",
    String(parallel),
  ];
  for (const [k, v] of Object.entries(o.config ?? {})) args.push("--config", `${k}=${v}`);
  args.push("--secret-config", "token=env:FIXTURE_TOKEN");
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, FIXTURE_TOKEN: "unused-token", PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const out = { text: "" };
  child.stdout.on("data", (d: Buffer) => (out.text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.text += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on("exit", (code, signal) => r(signal ?? code)));
  return { child, out, exited };
}

// Ctrl-C reaches the whole process group; a CI runner's SIGTERM or a closed terminal's SIGHUP may reach the engine
// alone: each cancels the same way.
for (const [signal, target] of [
  ["SIGINT", "group"],
  ["SIGTERM", "engine"],
] as const) {
  describe(`local engine: ${signal} to the ${target === "group" ? "process group" : "engine process only"}`, function () {
    this.timeout(90_000);
    const stack = new FixtureStack();
    after(() => stack.cleanup());

    it("cancels: the in-flight create finishes and is recorded, no other write starts, exit code 1", async () => {
      const spec: Spec = { records: Array.from({ length: 3 }, (_, i) => ({ name: `s${i}`, value: "v", delayMs: 1500 })) };
      const { child, out, exited } = startCli(stack, spec, 1);
      await waitFor(
        `a create in flight (output so far: ${out.text})`,
        () => stack.calls().some((c) => c.op === "create" && c.phase === "start"),
        60_000,
      );
      process.kill(target === "group" ? -child.pid! : child.pid!, signal);
      expect(await exited, out.text).to.equal(1);
      const calls = stack.calls().filter((c) => c.op === "create");
      expect(calls.map((c) => `${c.phase}:${c.name}`)).to.deep.equal([`start:${calls[0]!.name}`, `end:${calls[0]!.name}`]);
      expect(stack.recordNames()).to.deep.equal([calls[0]!.name]);
      expect(stack.state().pending).to.deep.equal([]);
      expect(out.text).to.include(`${signal}: cancelling`);
      expect(out.text).to.include("the run was cancelled");
      expect(fs.existsSync(`${stack.stateFile}.lock`), "a cancelled run releases its lock").to.equal(false);
    });
  });
}

describe("local engine: SIGKILL mid-run", function () {
  this.timeout(150_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const spec: Spec = { records: Array.from({ length: 6 }, (_, i) => ({ name: `slow${i}`, value: "v", delayMs: 1500 })) };

  it("converges on the next run with no duplicate creates", async () => {
    const { child, out, exited } = startCli(stack, spec, 2);
    // Kill once one create has finished and others are in flight (accepted by the fake API, still provisioning).
    await waitFor(
      `creates in flight (output so far: ${out.text})`,
      () => {
        const calls = stack.calls();
        return (
          calls.some((c) => c.op === "create" && c.phase === "end") &&
          calls.filter((c) => c.op === "create" && c.phase === "start").length >= 3
        );
      },
      90_000,
    );
    // Only the engine: its program and plugin must notice and stop by themselves.
    child.kill("SIGKILL");
    expect(await exited).to.equal("SIGKILL");
    const killedCalls = stack.calls();
    const startedBeforeKill = killedCalls.filter((c) => c.op === "create" && c.phase === "start").map((c) => c.name);

    // The state is whole JSON, and records the in-flight creates as pending.
    const interrupted = stack.state();
    expect(interrupted.pending.length, "pending operations recorded before the kill").to.be.greaterThan(0);
    // Give the orphaned plugin's watchdog time to notice and exit.
    await new Promise((r) => setTimeout(r, 600));

    // Like the Pulumi CLI's diy backend: the killed run's lock refuses the next run until `cancel`.
    const locked = await stack.run("up", spec, { parallel: 2 });
    expect(locked.ok).to.equal(false);
    expect(locked.errors.join("\n")).to.match(/currently locked by 1 lock\(s\).*`npm run engine -- cancel --stack dev --state /);
    expect(stack.calls(), "nothing reaches the provider while locked").to.deep.equal([]);
    expect((await stack.run("cancel", spec)).ok).to.equal(true);

    const r = await stack.run("up", spec, { parallel: 2 });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.lines.join("\n")).to.match(
      /Attempting to deploy or update resources with \d+ pending operations from previous deployment/,
    );
    const creates = stack.calls().filter((c) => c.op === "create" && c.phase === "end");
    // Every create that started before the kill but was not recorded is re-sent and adopted, never duplicated.
    for (const c of creates) {
      expect(c.adopted, `create of ${c.name}`).to.equal(startedBeforeKill.includes(c.name));
    }
    const store = stack.store();
    expect(Object.keys(store).sort()).to.deep.equal(spec.records.map((x) => x.name).sort());
    const state = stack.state();
    // Interrupted creates stay pending (pkg/backend/snapshot.go) until a person clears them.
    const interruptedCreates = (interrupted.pending as Array<{ op: string; urn: string }>).filter((p) => p.op === "create");
    expect(state.pending).to.deep.equal(interruptedCreates);
    for (const rec of spec.records) {
      const inState = state.resources.find((x) => x.urn.endsWith(`::${rec.name}`));
      expect(inState?.id, rec.name).to.equal(store[rec.name]!.id);
    }

    const again = await stack.run("up", spec, { parallel: 2 });
    expect(again.ok, explain(again, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal([]);
    expect(again.summary.same).to.equal(7);
    expect(stack.lines.join("\n"), "every up warns while creates are pending").to.include("pending operations from previous deployment");
    expect(fs.existsSync(`${stack.stateFile}.lock`)).to.equal(false);

    const kept = await stack.run("refresh", spec);
    expect(kept.ok, explain(kept, stack.lines)).to.equal(true);
    expect(stack.state().pending, "a plain refresh keeps them").to.deep.equal(interruptedCreates);
    const cleared = await stack.run("refresh", spec, { clearPendingCreates: true });
    expect(cleared.ok, explain(cleared, stack.lines)).to.equal(true);
    expect(stack.state().pending).to.deep.equal([]);
    await stack.run("up", spec, { parallel: 2 });
    expect(stack.lines.join("\n")).to.not.include("pending operations");
  });
});

// As the Pulumi CLI with PULUMI_SKIP_CHECKPOINTS=true (pkg/backend/snapshot.go, `unsafeServiceLoop`): state is saved
// once, at the end of the run, so a killed run leaves the file as it was, and the next run adopts what it created.
describe("local engine: PULUMI_SKIP_CHECKPOINTS=true", function () {
  this.timeout(150_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };

  it("a finished run (also a failed one) writes state once, at its end", async () => {
    const ok = await stack.run(
      "up",
      { records: [{ name: "base", value: "v" }] },
      { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...skip } },
    );
    expect(ok.ok, explain(ok, stack.lines)).to.equal(true);
    expect(ok.stateWrites).to.equal(1);
    expect(stack.recordNames()).to.deep.equal(["base"]);
    const spec: Spec = {
      records: [
        { name: "base", value: "v" },
        { name: "made", value: "v" },
        { name: "broken", value: "v", failCreate: true },
      ],
    };
    const failed = await stack.run("up", spec, { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...skip } });
    expect(failed.ok).to.equal(false);
    expect(failed.stateWrites).to.equal(1);
    expect(stack.recordNames().sort()).to.deep.equal(["base", "made"]);
  });

  it("SIGKILL mid-run leaves the state as before the run, with no pending operation; the next up adopts (0 duplicates)", async () => {
    const spec: Spec = {
      records: [
        { name: "base", value: "v" },
        { name: "made", value: "v" },
        ...Array.from({ length: 6 }, (_, i) => ({ name: `slow${i}`, value: "v", delayMs: 1500 })),
      ],
    };
    const before = stack.state();
    const { child, out, exited } = startCli(stack, spec, 2, skip);
    await waitFor(
      `creates in flight (output so far: ${out.text})`,
      () => stack.calls().filter((c) => c.op === "create" && c.phase === "end").length >= 2,
      90_000,
    );
    process.kill(-child.pid!, "SIGKILL");
    expect(await exited).to.equal("SIGKILL");
    const created = stack
      .calls()
      .filter((c) => c.op === "create" && c.phase === "start")
      .map((c) => c.name);
    expect(stack.state().resources, "nothing of the killed run is recorded").to.deep.equal(before.resources);
    expect(stack.state().pending).to.deep.equal([]);
    expect((await stack.run("cancel", spec)).ok).to.equal(true);

    const r = await stack.run("up", spec, { parallel: 2 });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    for (const c of stack.calls().filter((x) => x.op === "create" && x.phase === "end")) {
      expect(c.adopted, `create of ${c.name}`).to.equal(created.includes(c.name));
    }
    expect(Object.keys(stack.store()).sort()).to.deep.equal(spec.records.map((x) => x.name).sort());
    const again = await stack.run("up", spec, { parallel: 2 });
    expect(again.ok, explain(again, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal([]);
  });
});
