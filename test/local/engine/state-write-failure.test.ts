// A state write that fails (ENOSPC, EIO) must stop the run at once, like the real engine when it cannot save a
// checkpoint: no provider write starts after it, the error names the objects that may exist at the provider
// without being in the state and says the next `up` adopts them, and no temporary file is left behind.
// The failure is injected through the engine's `stateIo` seam; the rest (SDK, plugin, provider) is real.
import * as fs from "node:fs";
import * as path from "node:path";

import { expect } from "chai";

import { nodeStateIo, type StateIo } from "../../../local/engine/state-io";
import { FixtureStack, explain, type Spec } from "./fixture-stack";

const NAMES = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"];
/** Independent records, slow enough that the failure happens while most creates are still to come. */
const SPEC: Spec = { records: NAMES.map((name) => ({ name, value: `v-${name}`, delayMs: 150 })) };

/**
 * A `StateIo` that fails, with `code`, the first write recording the created `victim` (and every later one when
 * `sticky`, as a disk that stays full), whether it rewrites a file or appends to the journal. The failing write
 * leaves a partial file or a torn journal line, as a real ENOSPC does, and appends a marker to the provider's call
 * record at the moment of failure, so the test can see which provider calls started after it.
 */
function failingIo(stack: FixtureStack, victim: string, code: string, sticky: boolean): StateIo & { failures: number } {
  const fails = (text: string, partial: () => void): void => {
    const recordsVictim = new RegExp(`"urn":"[^"]*::${victim}","type":"[^"]*","custom":true,"id":"[^"]+"`).test(text);
    if ((sticky && io.failures > 0) || (io.failures === 0 && recordsVictim)) {
      io.failures++;
      partial();
      fs.appendFileSync(stack.recordFile, JSON.stringify({ op: "state-write-failed", phase: "end", name: "", t: Date.now() }) + "\n");
      throw Object.assign(new Error(`${code}: injected failure, write`), { code });
    }
  };
  const io = {
    ...nodeStateIo,
    failures: 0,
    async writeDurable(file: string, text: string): Promise<void> {
      fails(text, () => fs.writeFileSync(file, text.slice(0, 100)));
      await nodeStateIo.writeDurable(file, text);
    },
    async appendDurable(file: string, text: string): Promise<void> {
      fails(text, () => fs.appendFileSync(file, text.slice(0, 100)));
      await nodeStateIo.appendDurable(file, text);
    },
  };
  return io;
}

/** Create calls the provider saw start after the injected failure. */
function createsStartedAfterFailure(stack: FixtureStack): string[] {
  const calls = stack.calls();
  const at = calls.findIndex((c) => c.op === "state-write-failed");
  expect(at, "the injected failure happened").to.be.greaterThan(-1);
  return calls
    .slice(at)
    .filter((c) => c.op === "create" && c.phase === "start")
    .map((c) => c.name);
}

function leftoverTemporaries(stack: FixtureStack): string[] {
  return fs.readdirSync(path.dirname(stack.stateFile)).filter((f) => f.includes(".tmp-"));
}

describe("local engine: a failed state write stops the run", function () {
  this.timeout(180_000);

  it("disk full from then on: no new create starts, the error names what the state misses, no temporary file stays, and the next up adopts", async () => {
    const stack = new FixtureStack();
    try {
      const io = failingIo(stack, "r2", "ENOSPC", true);
      const r = await stack.run("up", SPEC, { parallel: 1, stateIo: io });
      expect(r.ok, explain(r, stack.lines)).to.equal(false);
      // parallel 1: at most the one create already sent when the write failed may start after it.
      expect(createsStartedAfterFailure(stack), explain(r, stack.lines)).to.have.length.at.most(1);
      expect(stack.writes().filter((w) => w.startsWith("create:")).length, explain(r, stack.lines)).to.be.lessThan(NAMES.length);
      expect(leftoverTemporaries(stack)).to.deep.equal([]);

      const recorded = new Set(stack.state().resources.map((x) => x.id));
      const atApiOnly = Object.entries(stack.store()).filter(([, v]) => !recorded.has(v.id));
      expect(
        atApiOnly.map(([k]) => k),
        "r2 was created and its write failed",
      ).to.include("r2");
      const failure = r.errors.find((e) => e.includes("ENOSPC") && e.includes("may exist at the provider"));
      expect(failure, explain(r, stack.lines)).to.be.a("string");
      for (const [key, v] of atApiOnly) expect(failure).to.include(`Record ${key} (id ${v.id})`);
      expect(failure).to.match(/next `up` adopts them/);
      expect(failure).to.match(/Free disk space/);
      // One error explains the stop; the steps that never started are not each reported with "ENOSPC".
      expect(
        r.errors.filter((e) => e.includes("ENOSPC")),
        explain(r, stack.lines),
      ).to.have.length(1);

      const again = await stack.run("up", SPEC);
      expect(again.ok, explain(again, stack.lines)).to.equal(true);
      expect(stack.recordNames()).to.deep.equal(NAMES);
      const store = stack.store();
      expect(Object.keys(store).sort()).to.deep.equal(NAMES);
      for (const [key] of atApiOnly) {
        const create = stack.calls().find((c) => c.op === "create" && c.phase === "end" && c.name === key);
        expect(create?.adopted, `${key} adopted by natural key`).to.equal(true);
      }
      const ids = new Map(stack.state().resources.map((x) => [x.urn.split("::").pop()!, x.id]));
      for (const n of NAMES) expect(ids.get(n)).to.equal(store[n]!.id);
      // Creates whose pending entry was written before the failure stay pending, as in the real engine,
      // until `refresh --clear-pending-creates`; the second up warned about them.
      const pending = stack.state().pending as Array<{ op: string }>;
      expect(pending.every((p) => p.op === "create")).to.equal(true);
      if (pending.length > 0) expect(stack.lines.join("\n")).to.include("pending operations from previous deployment");
    } finally {
      stack.cleanup();
    }
  });

  it("a single failed write (space freed since): still no new create starts, and the final write records what finished", async () => {
    const stack = new FixtureStack();
    try {
      const io = failingIo(stack, "r2", "EIO", false);
      const r = await stack.run("up", SPEC, { parallel: 1, stateIo: io });
      expect(r.ok, explain(r, stack.lines)).to.equal(false);
      expect(io.failures).to.equal(1);
      expect(createsStartedAfterFailure(stack), explain(r, stack.lines)).to.have.length.at.most(1);
      expect(leftoverTemporaries(stack)).to.deep.equal([]);
      // Everything created at the provider is in the state written at the end.
      const recorded = new Set(stack.state().resources.map((x) => x.id));
      for (const [key, v] of Object.entries(stack.store())) expect(recorded.has(v.id), `${key} recorded`).to.equal(true);
      const failure = r.errors.find((e) => e.includes("EIO"));
      expect(failure, explain(r, stack.lines)).to.match(/stopped starting new steps.*Everything that reached the provider is recorded/);
    } finally {
      stack.cleanup();
    }
  });

  it("a killed run's temporary file is removed by the next run", async () => {
    const stack = new FixtureStack();
    try {
      fs.mkdirSync(path.dirname(stack.stateFile), { recursive: true });
      const stale = `${stack.stateFile}.tmp-999999`;
      fs.writeFileSync(stale, "{partial");
      const r = await stack.run("up", { records: [{ name: "a", value: "x" }] });
      expect(r.ok, explain(r, stack.lines)).to.equal(true);
      expect(fs.existsSync(stale)).to.equal(false);
    } finally {
      stack.cleanup();
    }
  });
});
