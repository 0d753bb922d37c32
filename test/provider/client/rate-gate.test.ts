import { expect } from "chai";
import { RateGate } from "../../../provider/client/rate-gate";
import { VirtualClock, flush } from "./helpers";

/** Starts `n` concurrent acquires and returns the virtual time at which each was granted. */
async function grantTimes(gate: RateGate, clock: VirtualClock, n: number): Promise<number[]> {
  const times: number[] = new Array(n);
  const all = Array.from({ length: n }, (_, i) => gate.acquire().then(() => (times[i] = clock.now())));
  await clock.runUntilIdle();
  await Promise.all(all);
  return times;
}

describe("client rate gate", () => {
  const bucketCases: Array<{ name: string; perSecond: number; burst: number; n: number; want: number[] }> = [
    { name: "within the burst: all at once", perSecond: 10, burst: 5, n: 5, want: [0, 0, 0, 0, 0] },
    { name: "beyond the burst: paced at the rate", perSecond: 10, burst: 3, n: 6, want: [0, 0, 0, 100, 200, 300] },
    { name: "burst 1: strictly paced", perSecond: 4, burst: 1, n: 4, want: [0, 250, 500, 750] },
    { name: "fractional rate", perSecond: 0.5, burst: 1, n: 3, want: [0, 2000, 4000] },
  ];
  for (const c of bucketCases) {
    it(`token bucket: ${c.name}`, async () => {
      const clock = new VirtualClock();
      const gate = new RateGate({ rateLimit: { perSecond: c.perSecond, burst: c.burst }, now: clock.now, sleep: clock.sleep });
      expect(await grantTimes(gate, clock, c.n)).to.deep.equal(c.want);
    });
  }

  it("token bucket: refills while idle, up to the burst", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 3 }, now: clock.now, sleep: clock.sleep });
    await grantTimes(gate, clock, 3); // bucket empty at t=0
    clock.advance(10_000); // long idle: refilled to the burst, not beyond
    const start = clock.now();
    const times = await grantTimes(gate, clock, 5);
    expect(times.map((t) => t - start)).to.deep.equal([0, 0, 0, 100, 200]);
  });

  it("no bucket: requests pass at once", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    expect(await grantTimes(gate, clock, 4)).to.deep.equal([0, 0, 0, 0]);
    expect(clock.sleeps).to.deep.equal([]);
    expect(gate.currentRate).to.equal(undefined);
  });

  it("shared pause: every request waits until it ends, with or without a bucket", async () => {
    for (const rateLimit of [undefined, { perSecond: 100, burst: 10 }] as const) {
      const clock = new VirtualClock(1000);
      const gate = new RateGate({ rateLimit, now: clock.now, sleep: clock.sleep, random: () => 0 });
      gate.pauseFor(3000);
      expect(gate.pausedUntil).to.equal(4000);
      expect(await grantTimes(gate, clock, 3), JSON.stringify(rateLimit)).to.deep.equal([4000, 4000, 4000]);
    }
  });

  it("shared pause: a pause that starts while callers wait for their slot holds them too", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 1 }, now: clock.now, sleep: clock.sleep });
    const times: number[] = [];
    const waiting = [0, 1, 2].map(() => gate.acquire().then(() => times.push(clock.now())));
    await flush();
    gate.pauseFor(1000); // at t=0: the two callers waiting for slots 100 and 200 must now wait for t=1000
    await clock.runUntilIdle();
    await Promise.all(waiting);
    expect(times[0]).to.equal(0);
    expect(
      times.slice(1).every((t) => t >= 1000),
      `granted at ${times.join(",")}`,
    ).to.equal(true);
  });

  it("shared pause without a bucket: callers released together are spread over up to a second", async () => {
    const clock = new VirtualClock();
    const draws = [0, 0.25, 0.5, 0.999];
    let i = 0;
    const gate = new RateGate({ adaptive: false, now: clock.now, sleep: clock.sleep, random: () => draws[i++] });
    gate.pauseFor(3000);
    expect(await grantTimes(gate, clock, 4)).to.deep.equal([3000, 3250, 3500, 3999]);
  });

  it("shared pause without a bucket: a short pause spreads over its own length only", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ adaptive: false, now: clock.now, sleep: clock.sleep, random: () => 0.5 });
    gate.pauseFor(200);
    expect(await grantTimes(gate, clock, 2)).to.deep.equal([300, 300]);
  });

  it("shared pause: extends, never shortens", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    gate.pauseFor(5000);
    gate.pauseFor(1000);
    expect(gate.pausedUntil).to.equal(5000);
    gate.pauseFor(-5);
    expect(gate.pausedUntil).to.equal(5000);
  });

  it("adapts: a 429 halves the rate down to an eighth; successes creep back", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rateLimit: { perSecond: 16, burst: 1 }, now: clock.now, sleep: clock.sleep });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      gate.onRateLimited();
      seen.push(gate.currentRate!);
      clock.advance(1000);
    }
    expect(seen).to.deep.equal([8, 4, 2, 2, 2]);
    gate.onSuccess();
    expect(gate.currentRate).to.equal(2.8);
    for (let i = 0; i < 100; i++) gate.onSuccess();
    expect(gate.currentRate).to.equal(16);
  });

  it("adapts: 429s within one second count once (a herd of in-flight requests)", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rateLimit: { perSecond: 16, burst: 1 }, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) gate.onRateLimited();
    expect(gate.currentRate).to.equal(8);
    clock.advance(999);
    gate.onRateLimited();
    expect(gate.currentRate).to.equal(8);
    clock.advance(1);
    gate.onRateLimited();
    expect(gate.currentRate).to.equal(4);
  });

  it("learns a bucket from the first 429 when none is configured", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    expect(await grantTimes(gate, clock, 8)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(gate.currentRate).to.equal(undefined);
    gate.onRateLimited(); // 8 requests in the last second hit the limit: pace at 4/s from now on
    expect(gate.currentRate).to.equal(4);
    const start = clock.now();
    expect((await grantTimes(gate, clock, 4)).map((t) => t - start)).to.deep.equal([0, 250, 500, 750]);
  });

  it("a learnt bucket creeps up on success, up to four times its start, and halves on the next 429", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 4; i++) void gate.acquire();
    gate.onRateLimited(); // 4 requests in the last second: start at 2/s
    expect(gate.currentRate).to.equal(2);
    gate.onSuccess();
    expect(gate.currentRate).to.be.closeTo(2.2, 1e-9);
    for (let i = 0; i < 100; i++) gate.onSuccess();
    expect(gate.currentRate).to.equal(8);
    clock.advance(1000);
    gate.onRateLimited();
    expect(gate.currentRate).to.equal(4);
  });

  it("rateLimit: false learns a bucket too (the shared pause alone turns bursts into 429 storms)", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rateLimit: false, now: clock.now, sleep: clock.sleep });
    await grantTimes(gate, clock, 4);
    gate.onRateLimited();
    expect(gate.currentRate).to.equal(2);
  });

  it("adaptive: false never paces without a configured bucket, whatever the 429s", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ adaptive: false, now: clock.now, sleep: clock.sleep });
    await grantTimes(gate, clock, 5);
    gate.onRateLimited();
    expect(gate.currentRate).to.equal(undefined);
    expect(await grantTimes(gate, clock, 3)).to.deep.equal([0, 0, 0]);
  });

  it("adapts: the lowered rate paces requests", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 1 }, now: clock.now, sleep: clock.sleep });
    gate.onRateLimited(); // 5/s
    expect(await grantTimes(gate, clock, 3)).to.deep.equal([0, 200, 400]);
  });

  it("adaptive: false keeps the configured rate", () => {
    const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 1 }, adaptive: false });
    gate.onRateLimited();
    expect(gate.currentRate).to.equal(10);
  });

  describe("a configured rate that moves (rate supplier)", () => {
    /** Grants `n` requests one after another (each asks when the previous was granted); their times. */
    async function oneByOne(gate: RateGate, clock: VirtualClock, n: number): Promise<number[]> {
      const times: number[] = [];
      for (let k = 0; k < n; k++) {
        const granted = gate.acquire();
        await clock.runUntilIdle();
        await granted;
        times.push(clock.now());
      }
      return times;
    }

    it("follows a supplier that raises the rate while requests flow", async () => {
      const clock = new VirtualClock();
      const rate = () => (clock.now() < 1000 ? 4 : 10);
      const gate = new RateGate({ rateLimit: { perSecond: 4, burst: 1 }, rate, now: clock.now, sleep: clock.sleep });
      // 250 ms apart at 4/s; at 1000 ms the rate is 10/s and the burst of 1 grows with it to 3
      // (ceil(1 × 10 ÷ 4)), so the next slot comes 200 ms early, then 100 ms apart.
      expect(await oneByOne(gate, clock, 8)).to.deep.equal([0, 250, 500, 750, 1000, 1050, 1150, 1250]);
      expect(gate.configuredRate).to.equal(10);
      expect(gate.currentRate).to.equal(10);
    });

    it("follows a supplier that lowers the rate", async () => {
      const clock = new VirtualClock();
      let supplied = 10;
      const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 1 }, rate: () => supplied, now: clock.now, sleep: clock.sleep });
      expect(await oneByOne(gate, clock, 3)).to.deep.equal([0, 100, 200]);
      supplied = 2;
      const start = clock.now();
      expect((await oneByOne(gate, clock, 3)).map((t) => t - start)).to.deep.equal([100, 600, 1100]);
    });

    it("scales the burst with the rate", async () => {
      const clock = new VirtualClock();
      const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 10 }, rate: () => 2, now: clock.now, sleep: clock.sleep });
      // burst 10 at 10/s becomes 2 at 2/s: two at once, then 500 ms apart.
      expect(await grantTimes(gate, clock, 4)).to.deep.equal([0, 0, 500, 1000]);
    });

    it("keeps a rate lowered by 429s as far below the new ceiling, and creeps by the new step", async () => {
      const clock = new VirtualClock();
      let supplied = 10;
      const gate = new RateGate({ rateLimit: { perSecond: 10, burst: 1 }, rate: () => supplied, now: clock.now, sleep: clock.sleep });
      gate.onRateLimited();
      expect(gate.currentRate).to.equal(5);
      supplied = 20;
      await oneByOne(gate, clock, 1);
      expect(gate.configuredRate).to.equal(20);
      expect(gate.currentRate).to.equal(10);
      gate.onSuccess(); // + 20/20
      expect(gate.currentRate).to.equal(11);
    });

    for (const bad of [undefined, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`keeps the last good rate when the supplier gives ${String(bad)}`, async () => {
        const clock = new VirtualClock();
        let supplied: number | undefined = 8;
        const gate = new RateGate({ rateLimit: { perSecond: 4, burst: 1 }, rate: () => supplied, now: clock.now, sleep: clock.sleep });
        await oneByOne(gate, clock, 1); // now 8/s, burst 2
        supplied = bad;
        const start = clock.now();
        expect((await oneByOne(gate, clock, 3)).map((t) => t - start)).to.deep.equal([0, 125, 250]);
        expect(gate.configuredRate).to.equal(8);
      });
    }

    it("is asked only when a request is paced, and never without a configured rate", async () => {
      const clock = new VirtualClock();
      let asked = 0;
      const rate = () => (asked++, 50);
      const unconfigured = new RateGate({ rate, now: clock.now, sleep: clock.sleep });
      await grantTimes(unconfigured, clock, 3);
      expect(asked).to.equal(0);
      expect(unconfigured.currentRate).to.equal(undefined);
      const configured = new RateGate({ rateLimit: { perSecond: 5, burst: 1 }, rate, now: clock.now, sleep: clock.sleep });
      configured.onSuccess();
      configured.onRateLimited();
      configured.pauseFor(10);
      expect(asked).to.equal(0);
      await grantTimes(configured, clock, 2);
      expect(asked).to.be.at.least(2);
    });
  });

  const invalid: Array<{ name: string; perSecond: number; burst: number }> = [
    { name: "zero rate", perSecond: 0, burst: 1 },
    { name: "negative rate", perSecond: -1, burst: 1 },
    { name: "infinite rate", perSecond: Infinity, burst: 1 },
    { name: "zero burst", perSecond: 1, burst: 0 },
    { name: "fractional burst", perSecond: 1, burst: 1.5 },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, () => {
      expect(() => new RateGate({ rateLimit: { perSecond: c.perSecond, burst: c.burst } })).to.throw(TypeError, /rateLimit/);
    });
  }
});
