// When the state is written: concurrent flushes share a write, a flush during a write is served by the next one,
// delayed flushes are coalesced, a held scheduler writes nothing until released, and a refusal stops every flush.
import { expect } from "chai";

import { FlushScheduler } from "../../../local/engine/state-flush";

/** A write that stays in flight until released, counting how often it started. */
function gatedWrite(): { write: () => Promise<void>; started: number; release: () => void } {
  const w = {
    started: 0,
    gates: [] as Array<() => void>,
    write: (): Promise<void> => {
      w.started++;
      return new Promise<void>((resolve) => w.gates.push(resolve));
    },
    release: (): void => {
      for (const g of w.gates.splice(0)) g();
    },
  };
  return w;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("local engine: flush scheduler", () => {
  it("concurrent flushes share the write in flight and one queued write", async () => {
    const w = gatedWrite();
    const s = new FlushScheduler(w.write, () => undefined);
    const first = s.flush();
    const later = Array.from({ length: 5 }, () => s.flush());
    expect(w.started).to.equal(1);
    w.release();
    await first;
    await tick();
    expect(w.started, "the flushes made during the first write share one more").to.equal(2);
    w.release();
    await Promise.all(later);
    expect(w.started).to.equal(2);
  });

  it("schedule writes once within the delay however often it is called, and a flush cancels it", async () => {
    let writes = 0;
    const s = new FlushScheduler(
      () => Promise.resolve(void writes++),
      () => undefined,
    );
    s.schedule(5);
    s.schedule(5);
    await new Promise((r) => setTimeout(r, 30));
    expect(writes).to.equal(1);
    s.schedule(5);
    await s.flush();
    await new Promise((r) => setTimeout(r, 30));
    expect(writes, "the flush served the scheduled write").to.equal(2);
  });

  it("remembers the error of a scheduled write nobody awaited", async () => {
    const s = new FlushScheduler(
      () => Promise.reject(new Error("disk full")),
      () => undefined,
    );
    s.schedule(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.backgroundError?.message).to.equal("disk full");
  });

  it("holds every flush until released (PULUMI_SKIP_CHECKPOINTS), then writes", async () => {
    let writes = 0;
    const s = new FlushScheduler(
      () => Promise.resolve(void writes++),
      () => undefined,
    );
    s.holdUntilClose();
    await s.flush();
    s.schedule(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).to.equal(0);
    s.releaseHold();
    await s.flush();
    expect(writes).to.equal(1);
  });

  it("refuses every flush once there is a refusal, without writing", async () => {
    let writes = 0;
    const failure = new Error("the state cannot be written");
    const s = new FlushScheduler(
      () => Promise.resolve(void writes++),
      () => failure,
    );
    await s.flush().then(
      () => expect.fail("flush resolved"),
      (e: unknown) => expect(e).to.equal(failure),
    );
    expect(writes).to.equal(0);
  });

  it("settle waits for the writes in flight and cancels a scheduled one", async () => {
    const w = gatedWrite();
    const s = new FlushScheduler(w.write, () => undefined);
    void s.flush();
    void s.flush();
    s.schedule(0);
    let settled = false;
    const done = s.settle().then(() => (settled = true));
    await tick();
    expect(settled).to.equal(false);
    w.release();
    await tick();
    w.release();
    await done;
    await new Promise((r) => setTimeout(r, 20));
    expect(w.started, "the write in flight and the queued one; the scheduled one was cancelled").to.equal(2);
  });
});
