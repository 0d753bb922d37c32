import { expect } from "chai";
import nock from "nock";
import { NotFoundError, ProvisioningFailedError, ProvisioningTimeoutError, ServerError, createClient } from "../../../provider/client";
import { poll } from "../../../provider/client/poll";
import { API, steppingClock, useNock, VirtualClock } from "./helpers";

const TOKEN = "poll-token";

describe("client polling", () => {
  useNock();

  describe("poll (generic)", () => {
    it("backs off exponentially from minDelay, capped, without jitter", async () => {
      const clock = steppingClock(0);
      const statuses = ["a", "a", "a", "a", "a", "done"];
      let i = 0;
      const progress: Array<{ status: string; elapsedMs: number; polls: number }> = [];
      const got = await poll({
        fetch: async () => statuses[i++],
        isDone: (s) => s === "done",
        describe: (s) => s,
        timeoutMs: 60_000,
        initialDelayMs: 500,
        minDelayMs: 1000,
        factor: 2,
        maxDelayMs: 5000,
        jitter: 0,
        sleep: clock.sleep,
        now: clock.now,
        onProgress: (p) => progress.push(p),
      });
      expect(got).to.equal("done");
      expect(clock.sleeps).to.deep.equal([500, 1000, 2000, 4000, 5000, 5000]);
      expect(progress.map((p) => p.polls)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(progress.map((p) => p.elapsedMs)).to.deep.equal([500, 1500, 3500, 7500, 12500, 17500]);
      expect(progress.map((p) => p.status)).to.deep.equal(statuses);
    });

    const jitterCases: Array<{ name: string; random: number; want: number }> = [
      { name: "jitter low end", random: 0, want: 800 },
      { name: "jitter middle", random: 0.5, want: 1000 },
      { name: "jitter high end", random: 1, want: 1200 },
    ];
    for (const c of jitterCases) {
      it(`applies ±jitter to each interval: ${c.name}`, async () => {
        const clock = steppingClock(0);
        let n = 0;
        await poll({
          fetch: async () => ++n,
          isDone: (v) => v === 2,
          describe: String,
          timeoutMs: 10_000,
          minDelayMs: 1000,
          jitter: 0.2,
          random: () => c.random,
          sleep: clock.sleep,
          now: clock.now,
        });
        expect(clock.sleeps).to.deep.equal([c.want]);
      });
    }

    it("times out with the last status, elapsed time and id, after a last poll at the deadline", async () => {
      const clock = steppingClock(0);
      let polls = 0;
      const err = await poll({
        fetch: async () => {
          polls++;
          return "provisioning";
        },
        isDone: () => false,
        describe: (s) => s,
        timeoutMs: 5000,
        minDelayMs: 1000,
        factor: 2,
        jitter: 0,
        sleep: clock.sleep,
        now: clock.now,
        target: { id: "cust-1", what: "Customer", path: "/v1/wholesale/customers/cust-1" },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ProvisioningTimeoutError);
      expect(err).to.include({ id: "cust-1", lastStatus: "provisioning", elapsedMs: 5000, timeoutMs: 5000, retryable: true });
      expect(clock.sleeps).to.deep.equal([1000, 2000, 2000]); // the last sleep is cut to the deadline
      expect(polls).to.equal(4);
      expect((err as Error).message).to.match(/Customer cust-1 did not reach a final status within 5 s \(last status: provisioning/);
    });

    it("tolerates a transient read failure and keeps polling", async () => {
      const clock = steppingClock(0);
      const answers: Array<() => string> = [
        () => "busy",
        () => {
          throw new ServerError({ message: "503", method: "GET", path: "/x", retryable: true, status: 503 });
        },
        () => "done",
      ];
      let i = 0;
      const progress: string[] = [];
      const got = await poll({
        fetch: async () => answers[i++](),
        isDone: (s) => s === "done",
        describe: (s) => s,
        timeoutMs: 60_000,
        jitter: 0,
        sleep: clock.sleep,
        now: clock.now,
        onProgress: (p) => progress.push(p.status),
      });
      expect(got).to.equal("done");
      expect(progress).to.deep.equal(["busy", "unknown (ServerError)", "done"]);
    });

    const fatal: Array<{ name: string; error: Error }> = [
      { name: "NotFoundError", error: new NotFoundError({ message: "gone", method: "GET", path: "/x", status: 404 }) },
      {
        name: "a non-retryable API error",
        error: new ServerError({ message: "501", method: "GET", path: "/x", status: 501, retryable: false }),
      },
      { name: "a plain Error", error: new Error("bug") },
    ];
    for (const f of fatal) {
      it(`propagates ${f.name}`, async () => {
        const clock = steppingClock(0);
        const err = await poll({
          fetch: async () => {
            throw f.error;
          },
          isDone: () => true,
          describe: String,
          timeoutMs: 60_000,
          sleep: clock.sleep,
          now: clock.now,
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.equal(f.error);
      });
    }
  });

  describe("waitForCustomer", () => {
    const ID = "cust/1=";
    const PATH = "/v1/wholesale/customers/cust%2F1%3D";
    const terminalCases: Array<{
      name: string;
      statuses: string[];
      last?: Record<string, unknown>;
      want: "ok" | "failed";
      wantDescriptions?: string[];
    }> = [
      { name: "provisioning → provisioned", statuses: ["provisioning", "provisioning", "provisioned"], want: "ok" },
      { name: "provisioned at the first poll", statuses: ["provisioned"], want: "ok" },
      { name: "updating → provisioned", statuses: ["updating", "provisioned"], want: "ok" },
      { name: "provisioning → pending_rpl_review returns the customer", statuses: ["provisioning", "pending_rpl_review"], want: "ok" },
      {
        name: "provisioning → provisioned_with_errors throws with customer and package errors",
        statuses: ["provisioning", "provisioned_with_errors"],
        last: {
          errors: [{ errorCode: 2560, description: "Calling under maintenance" }],
          resourceDetails: { packages: [{ name: "webex_calling", status: "error", errors: [{ description: "no PSTN" }] }] },
        },
        want: "failed",
        wantDescriptions: ["Calling under maintenance [errorCode 2560]", "webex_calling: no PSTN"],
      },
      {
        name: "provisioning → error throws, even without details",
        statuses: ["provisioning", "error"],
        want: "failed",
        wantDescriptions: [],
      },
      { name: "an unknown status keeps polling", statuses: ["queued_for_review", "provisioned"], want: "ok" },
    ];
    for (const c of terminalCases) {
      it(c.name, async () => {
        const clock = steppingClock(0);
        const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now, random: () => 0.5 });
        let scope = nock(API);
        c.statuses.forEach((status, i) => {
          const extra = i === c.statuses.length - 1 ? (c.last ?? {}) : {};
          scope = scope.get(PATH).reply(200, { id: ID, status, ...extra });
        });
        const progress: Array<{ status: string; elapsedMs: number }> = [];
        const outcome = await client.waitForCustomer(ID, { timeoutMs: 60_000, onProgress: (p) => progress.push(p) }).then(
          (customer) => ({ customer }),
          (error: unknown) => ({ error }),
        );
        scope.done();
        expect(progress.map((p) => p.status)).to.deep.equal(c.statuses);
        expect(progress[0].elapsedMs, "first poll after the cold initial delay").to.equal(1000);
        if (c.want === "ok") {
          expect(outcome).to.have.nested.property("customer.status", c.statuses[c.statuses.length - 1]);
        } else {
          const err = (outcome as { error: ProvisioningFailedError }).error;
          expect(err).to.be.instanceOf(ProvisioningFailedError);
          expect(err).to.include({ id: ID, provisioningStatus: c.statuses[c.statuses.length - 1] });
          expect(err.descriptions).to.deep.equal(c.wantDescriptions);
          for (const d of c.wantDescriptions ?? []) expect(err.message).to.include(d);
          expect(err.message).to.include(ID);
        }
      });
    }

    it("a 404 while waiting means the customer is gone: NotFoundError", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      const scope = nock(API).get(PATH).reply(200, { id: ID, status: "provisioning" }).get(PATH).reply(404, { message: "gone" });
      const err = await client.waitForCustomer(ID, { timeoutMs: 60_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(err).to.be.instanceOf(NotFoundError);
    });

    it("times out with ProvisioningTimeoutError carrying the id and the last status", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now, random: () => 0.5 });
      const scope = nock(API).get(PATH).times(3).reply(200, { id: ID, status: "provisioning" });
      const err = await client.waitForCustomer(ID, { timeoutMs: 3000, initialDelayMs: 1000, minDelayMs: 1000, maxDelayMs: 1000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(err).to.be.instanceOf(ProvisioningTimeoutError);
      expect(err).to.include({ id: ID, lastStatus: "provisioning", elapsedMs: 3000 });
    });

    const learning: Array<{ name: string; durationMs: number }> = [
      { name: "4 s operations", durationMs: 4000 },
      { name: "300 ms operations (emulator-like)", durationMs: 300 },
      { name: "90 s operations (Webex-like)", durationMs: 90_000 },
    ];
    for (const l of learning) {
      it(`learns durations: once warmed up, one or two polls per create (${l.name})`, async () => {
        const clock = steppingClock(0);
        const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now, random: () => 0.5 });
        // One persistent fake: the customer is provisioned durationMs after the current wait started.
        const run = { started: 0, polls: 0 };
        const scope = nock(API)
          .get(PATH)
          .reply(() => {
            run.polls++;
            return [200, { id: ID, status: clock.now() - run.started >= l.durationMs ? "provisioned" : "provisioning" }];
          })
          .persist();
        const pollsPerCreate: number[] = [];
        for (let i = 0; i < 15; i++) {
          run.started = clock.now();
          run.polls = 0;
          await client.waitForCustomer(ID, { timeoutMs: 30 * 60_000 });
          pollsPerCreate.push(run.polls);
        }
        scope.done();
        const warm = pollsPerCreate.slice(3);
        const label = `polls per create: ${pollsPerCreate.join(",")}`;
        expect(Math.max(...warm), label).to.be.at.most(2);
        expect(warm.reduce((a, b) => a + b, 0) / warm.length, label).to.be.at.most(1.6);
        expect(client.estimates.get("create"), "estimate").to.be.within(l.durationMs * 0.8, l.durationMs * 1.5);
        expect(client.estimates.get("update")).to.equal(undefined);
      });
    }

    it("measures durations at the start of each read, so time queued in the rate gate is not counted", async () => {
      let t = 0;
      const client = createClient({
        baseUrl: API,
        accessToken: TOKEN,
        now: () => t,
        sleep: async (ms) => {
          t += ms;
        },
      });
      const scope = nock(API)
        .get(PATH)
        .reply(() => {
          t += 5000; // the read spent 5 s queued behind other requests
          return [200, { id: ID, status: "provisioned" }];
        });
      await client.waitForCustomer(ID, { timeoutMs: 60_000, initialDelayMs: 1000 });
      scope.done();
      expect(client.estimates.get("create")).to.equal(800);
    });

    describe("cold start: waits of one operation started together share ONE probe", () => {
      /**
       * Starts `durations.length` waits of `update` on a cold client, one every `staggerMs` of virtual
       * time; customer i finishes `durations[i]` ms after its wait starts (404 when the duration is
       * negative). Returns each wait's polls and when it ended.
       */
      async function waitsTogether(durations: number[], staggerMs = 100) {
        // Virtual time that moves only while no request is in flight, so a read takes no virtual time.
        let t = 0;
        let inFlight = 0;
        const timers: { at: number; seq: number; resolve: () => void }[] = [];
        let seq = 0;
        const now = () => t;
        const sleep = (ms: number) => new Promise<void>((resolve) => timers.push({ at: t + Math.max(0, ms), seq: seq++, resolve }));
        const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep, now, random: () => 0.5 });
        const started = new Map<string, number>();
        const polls = new Map<string, number>();
        const scope = nock(API)
          .get(/\/v1\/wholesale\/customers\/c\d+$/)
          .reply((uri) => {
            const id = uri.split("/").pop()!;
            const i = Number(id.slice(1));
            polls.set(id, (polls.get(id) ?? 0) + 1);
            if (durations[i]! < 0) return [404, { message: "gone" }];
            const done = t - started.get(id)! >= durations[i]!;
            return [200, { id, status: done ? "provisioned" : "updating" }];
          })
          .persist();
        scope.on("request", () => inFlight++);
        scope.on("replied", () => inFlight--);
        const ended = new Map<string, number | Error>();
        let settled = false;
        const all = Promise.all(
          durations.map(async (_, i) => {
            await sleep(i * staggerMs);
            const id = `c${i}`;
            started.set(id, t);
            try {
              await client.waitForCustomer(id, { timeoutMs: 30 * 60_000, operation: "update" });
              ended.set(id, t - started.get(id)!);
            } catch (e) {
              ended.set(id, e as Error);
            }
          }),
        ).then(() => (settled = true));
        // A timer fires only after a few quiet turns, so requests just sent reach the fake first; a
        // request that is slower to arrive is only answered later (a later status), never earlier.
        for (let step = 0, quiet = 0; step < 100_000 && !settled; step++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          quiet = inFlight > 0 ? 0 : quiet + 1;
          if (quiet < 3 || timers.length === 0) continue;
          quiet = 0;
          timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
          const next = timers.shift()!;
          t = Math.max(t, next.at);
          next.resolve();
        }
        await all;
        scope.persist(false);
        nock.cleanAll();
        return { polls: durations.map((_, i) => polls.get(`c${i}`) ?? 0), ended: durations.map((_, i) => ended.get(`c${i}`)) };
      }

      it("20 updates of 5 s: the first polls on the cold schedule, each other ONCE, when the probe's update was seen done", async () => {
        const { polls, ended } = await waitsTogether(Array(20).fill(5000));
        const [probe, ...others] = polls;
        expect(probe, `probe polls: ${polls.join(",")}`).to.be.within(2, 5);
        expect(others, `polls per wait: ${polls.join(",")}`).to.deep.equal(Array(19).fill(1));
        // The cold schedule (1, 2, 3.5, 5.75 s) sees the probe's update done at 5.75 s: the others poll as long after their start.
        for (const e of ended) expect(e).to.be.a("number").within(5000, 8000);
      });

      it("a probe whose wait fails (404) hands over: another wait probes, and every other one still ends", async () => {
        const { polls, ended } = await waitsTogether([-1, 5000, 5000, 5000]);
        expect(ended[0]).to.be.instanceOf(NotFoundError);
        for (const e of ended.slice(1)) expect(e).to.be.a("number").within(5000, 6000);
        expect(
          polls.slice(1).reduce((a, b) => a + b, 0),
          `polls: ${polls.join(",")}`,
        ).to.be.at.most(4 + 2);
      });

      it("a probe far slower than its siblings does not hold them: after 30 s, each polls on its own at the probe's next poll", async () => {
        const { ended } = await waitsTogether([10 * 60_000, 5000, 5000]);
        expect(ended[0])
          .to.be.a("number")
          .at.least(10 * 60_000);
        // The probe polls at 1, 2, 3.5, 5.75, 9.1, 14.2, 21.8, 33.2, 50.3 s: the others poll at 33.2 s (answered by 50.3 s).
        for (const e of ended.slice(1)) expect(e).to.be.a("number").within(30_000, 51_000);
      });
    });

    it("keeps a separate estimate per operation", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      const scope = nock(API).get(PATH).reply(200, { id: ID, status: "provisioned" });
      await client.waitForCustomer(ID, { timeoutMs: 60_000, operation: "update", initialDelayMs: 2000 });
      scope.done();
      expect(client.estimates.snapshot()).to.deep.equal({ update: 1600 });
    });
  });

  describe("waitForCustomerGone", () => {
    const PATH = "/v1/wholesale/customers/c1";
    it("resolves once GET answers 404, reporting progress", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      const scope = nock(API)
        .get(PATH)
        .reply(200, { id: "c1", status: "deleting" })
        .get(PATH)
        .reply(404, { message: "not found", errors: [{ errorCode: 1404, description: "no such customer" }] });
      const progress: string[] = [];
      await client.waitForCustomerGone("c1", { timeoutMs: 60_000, onProgress: (p) => progress.push(p.status) });
      scope.done();
      expect(progress).to.deep.equal(["deleting", "deleted"]);
      expect(client.estimates.get("delete")).to.be.a("number");
    });

    it("throws ProvisioningFailedError when the delete ends in error", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      const scope = nock(API)
        .get(PATH)
        .reply(200, { id: "c1", status: "error", errors: [{ description: "cannot delete" }] });
      const err = await client.waitForCustomerGone("c1", { timeoutMs: 60_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(err).to.be.instanceOf(ProvisioningFailedError);
      expect((err as Error).message).to.match(/while deleting.*cannot delete/);
    });

    it("times out while the customer stays in deleting", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      const scope = nock(API).get(PATH).times(2).reply(200, { id: "c1", status: "deleting" });
      const err = await client.waitForCustomerGone("c1", { timeoutMs: 2000, initialDelayMs: 1000, minDelayMs: 5000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(err).to.be.instanceOf(ProvisioningTimeoutError).and.to.include({ lastStatus: "deleting" });
    });

    it("a read failure that outlasts the transport's retries is tolerated until the timeout", async () => {
      const clock = steppingClock(0);
      const client = createClient({ baseUrl: API, accessToken: TOKEN, maxAttempts: 1, sleep: clock.sleep, now: clock.now });
      const scope = nock(API).get(PATH).reply(503, "down").get(PATH).reply(404, {});
      const progress: string[] = [];
      await client.waitForCustomerGone("c1", { timeoutMs: 60_000, onProgress: (p) => progress.push(p.status) });
      scope.done();
      expect(progress).to.deep.equal(["unknown (ServerError)", "deleted"]);
    });
  });
});
