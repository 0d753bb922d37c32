/**
 * Test doubles shared by the client tests: a virtual clock whose sleeps only advance time when the
 * test runs it, and the nock lifecycle every file uses.
 */
import nock from "nock";

/** Lets pending promise callbacks and I/O callbacks run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Virtual time: `sleep(ms)` registers a timer; `runUntilIdle()` fires timers in time order,
 * advancing `now()`, until none is left. Deterministic for concurrent sleepers.
 */
export class VirtualClock {
  private t: number;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  /** Every sleep requested, in ms, in call order. */
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  /** Current virtual time, ms. */
  readonly now = (): number => this.t;

  /** Registers a virtual timer. */
  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise<void>((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  };

  /** Moves time forward without firing timers (as if work took that long). */
  advance(ms: number): void {
    this.t += ms;
  }

  /**
   * Drives virtual time until `work` settles: fires the earliest timer whenever one is pending,
   * otherwise lets real I/O (nock, sockets) progress for a moment. For flows that mix virtual
   * sleeps with real I/O, where timers appear only after responses arrive.
   */
  async runUntilSettled<T>(work: Promise<T>, maxSteps = 10_000): Promise<T> {
    let settled = false;
    const watched = work.then(
      (v) => {
        settled = true;
        return v;
      },
      (e: unknown) => {
        settled = true;
        throw e;
      },
    );
    watched.catch(() => undefined);
    for (let step = 0; step < maxSteps && !settled; step++) {
      await flush();
      if (settled) break;
      if (this.timers.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    return watched;
  }

  /** Fires timers in order until none remain (or `maxSteps` is reached). */
  async runUntilIdle(maxSteps = 10_000): Promise<void> {
    for (let step = 0; step < maxSteps; step++) {
      await flush();
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    throw new Error("virtual clock: too many steps");
  }
}

/**
 * A sleep that returns at once and advances a plain counter clock: enough for code that sleeps
 * sequentially (one flow at a time).
 */
export function steppingClock(start = 1_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

/** Installs the nock lifecycle: no real network except where a test opts in for loopback. */
export function useNock(): void {
  before(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}

/** Base URL of the nock-served fake API. */
export const API = "https://api.example.test";
