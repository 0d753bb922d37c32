// What `npm run catalog` does first after a killed run, without an engine: which locks it releases
// (only those whose process is gone from this machine), which stacks it refreshes, and when it stops
// and prints the command that releases a lock by hand.
import { expect } from "chai";
import { releaseKilledRuns } from "../../scripts/catalog/recover";
import type { ShardRunner, StackLockHolder } from "../../scripts/catalog/runners";

/** A backend in memory: each stack's locks and pending operations; records the cancels. */
function backend(stacks: Record<string, { locks?: StackLockHolder[]; pending?: number }>) {
  const cancelled: string[] = [];
  const runner: ShardRunner = {
    engine: "local",
    run: async () => expect.fail("recovery runs no operation itself"),
    stacks: async () => Object.keys(stacks),
    resources: async () => [],
    locks: async (s) => stacks[s]?.locks ?? [],
    cancel: async (s) => {
      cancelled.push(s);
      stacks[s]!.locks = [];
    },
    pending: async (s) => stacks[s]?.pending ?? 0,
    cancelCommand: (s) => `pulumi cancel --yes --stack ${s}`,
  };
  return { runner, cancelled };
}

const HOST = "this-machine";
const LIVE = 4242;
const options = (runner: ShardRunner, stacks: string[], printed: string[], changeNothing = false) => ({
  runner,
  stacks,
  changeNothing,
  print: (line: string) => printed.push(line),
  alive: (pid: number) => pid === LIVE,
  host: HOST,
});

describe("catalog: recovery after a killed run", () => {
  it("releases a lock whose process is gone and refreshes that stack and any stack with pending operations; leaves clean stacks alone", async () => {
    const { runner, cancelled } = backend({
      "c-templates": {},
      "c-shard-0": { locks: [{ pid: 99, host: HOST, since: "2026-12-07T05:00:00Z" }], pending: 2 },
      "c-shard-1": { pending: 1 },
      "c-shard-2": {},
    });
    const printed: string[] = [];
    const r = await releaseKilledRuns(options(runner, ["c-templates", "c-shard-0", "c-shard-1", "c-shard-2", "c-shard-3"], printed));
    expect(r).to.deep.equal({ refresh: ["c-shard-0", "c-shard-1"], stuck: [] });
    expect(cancelled).to.deep.equal(["c-shard-0"]);
    expect(printed.join("\n")).to.include(
      "c-shard-0: released the lock left by a killed run (pid 99 on this-machine, since 2026-12-07T05:00:00Z",
    );
    expect(printed.join("\n")).to.include("c-shard-0: refreshing first: 2 operation(s) left pending by a killed run are forgotten");
    expect(printed.join("\n")).to.include("c-shard-1: refreshing first: 1 operation(s)");
  });

  it("a torn lock file (no pid, no host) counts as a killed run's", async () => {
    const { runner, cancelled } = backend({ s: { locks: [{}] } });
    const r = await releaseKilledRuns(options(runner, ["s"], []));
    expect(r.refresh).to.deep.equal(["s"]);
    expect(cancelled).to.deep.equal(["s"]);
  });

  it("never takes over a lock whose process still runs, or one from another machine: stuck, with the command that releases it", async () => {
    const { runner, cancelled } = backend({
      a: { locks: [{ pid: LIVE, host: HOST }] },
      b: { locks: [{ pid: 99, host: "ci-runner-7" }], pending: 1 },
    });
    const r = await releaseKilledRuns(options(runner, ["a", "b"], []));
    expect(cancelled).to.deep.equal([]);
    expect(r.refresh).to.deep.equal([]);
    expect(r.stuck).to.have.length(2);
    expect(r.stuck[0]).to.match(
      /^a: locked by pid 4242 on this-machine, which is still running\. .*kill -TERM 4242.*\n +pulumi cancel --yes --stack a$/s,
    );
    expect(r.stuck[1]).to.match(/^b: locked by pid 99 on ci-runner-7, another machine\. .*\n +pulumi cancel --yes --stack b$/s);
    expect(r.stuck[1]).not.to.include("kill -TERM");
  });

  it("a preview changes nothing: it says what the next up repairs", async () => {
    const { runner, cancelled } = backend({ s: { locks: [{ pid: 99, host: HOST }], pending: 3 } });
    const printed: string[] = [];
    const r = await releaseKilledRuns(options(runner, ["s"], printed, true));
    expect(r).to.deep.equal({ refresh: [], stuck: [] });
    expect(cancelled).to.deep.equal([]);
    expect(printed.join("\n")).to.include("s: a killed run left its lock and 3 pending operation(s); this preview changes nothing");
  });
});
