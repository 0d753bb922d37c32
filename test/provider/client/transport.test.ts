import { expect } from "chai";
import nock from "nock";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConnectionError,
  LockedError,
  RateLimitError,
  ServerError,
  createClient,
  type CustomerCreateRequest,
} from "../../../provider/client";
import { isLoopbackHost, normalizeBaseUrl } from "../../../provider/client/http";
import { API, VirtualClock, steppingClock, useNock } from "./helpers";

const TOKEN = "transport-token";
const createBody: CustomerCreateRequest = {
  provisioningId: "p",
  externalId: "acme",
  packages: ["webex_meetings"],
  address: { addressLine1: "1 Main St", city: "Paris", country: "FR" },
  customerInfo: { name: "Acme", primaryEmail: "a@acme.example" },
};

/** Starts a loopback HTTP server with the given handler; returns its base URL and a closer. */
async function loopbackServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("client transport", () => {
  useNock();

  describe("base URL", () => {
    const accepted: Array<{ name: string; raw: string; want: string }> = [
      { name: "https host", raw: "https://webexapis.com", want: "https://webexapis.com" },
      { name: "https with a trailing slash", raw: "https://webexapis.com/", want: "https://webexapis.com" },
      { name: "https gateway below a path prefix", raw: "https://gw.example/webex/", want: "https://gw.example/webex" },
      { name: "http on 127.0.0.1", raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080" },
      { name: "http on 127.1.2.3", raw: "http://127.1.2.3:8080", want: "http://127.1.2.3:8080" },
      { name: "http on localhost", raw: "http://localhost:3000", want: "http://localhost:3000" },
      { name: "http on [::1]", raw: "http://[::1]:3000", want: "http://[::1]:3000" },
    ];
    for (const c of accepted) {
      it(`accepts ${c.name}`, () => {
        expect(normalizeBaseUrl(c.raw)).to.equal(c.want);
        expect(createClient({ baseUrl: c.raw, accessToken: TOKEN }).baseUrl).to.equal(c.want);
      });
    }
    const refused: Array<{ name: string; raw: string; why: RegExp }> = [
      { name: "http on a public host", raw: "http://webexapis.com", why: /http:\/\/ on a non-loopback host/ },
      { name: "http on a private address", raw: "http://10.0.0.5:8080", why: /non-loopback/ },
      { name: "http on a host that merely starts with 127", raw: "http://127.0.0.1.evil.example", why: /non-loopback/ },
      { name: "http on localhost as a subdomain", raw: "http://localhost.evil.example", why: /non-loopback/ },
      { name: "another scheme", raw: "ftp://webexapis.com", why: /https:\/\// },
      { name: "not a URL", raw: "webexapis.com", why: /not an absolute URL/ },
      { name: "with /v1", raw: "https://webexapis.com/v1", why: /must not end with \/v1/ },
      { name: "with credentials", raw: "https://user:pw@webexapis.com", why: /credentials/ },
      { name: "with a query", raw: "https://webexapis.com/?x=1", why: /query string/ },
    ];
    for (const c of refused) {
      it(`refuses ${c.name}`, () => {
        expect(() => createClient({ baseUrl: c.raw, accessToken: TOKEN })).to.throw(TypeError, c.why);
      });
    }
    const loopback: Array<[string, boolean]> = [
      ["127.0.0.1", true],
      ["127.255.255.254", true],
      ["localhost", true],
      ["LOCALHOST", true],
      ["[::1]", true],
      ["::1", true],
      ["128.0.0.1", false],
      ["0.0.0.0", false],
      ["example.com", false],
    ];
    for (const [host, want] of loopback) {
      it(`isLoopbackHost(${host}) is ${want}`, () => expect(isLoopbackHost(host)).to.equal(want));
    }
  });

  describe("options", () => {
    const bad: Array<{ name: string; options: Record<string, unknown>; field: RegExp }> = [
      { name: "empty token", options: { accessToken: "" }, field: /accessToken/ },
      { name: "token with a newline (header injection)", options: { accessToken: "abc\nX-Evil: 1" }, field: /accessToken/ },
      { name: "zero timeout", options: { requestTimeoutMs: 0 }, field: /requestTimeoutMs/ },
      { name: "zero attempts", options: { maxAttempts: 0 }, field: /maxAttempts/ },
      { name: "sleep not a function", options: { sleep: 5 }, field: /sleep/ },
      { name: "rate limit without burst", options: { rateLimit: { perSecond: 5 } }, field: /rateLimit/ },
    ];
    for (const b of bad) {
      it(`refuses ${b.name} with a TypeError naming the option`, () => {
        const secret = "abc\nX-Evil: 1";
        const call = () => createClient({ baseUrl: API, accessToken: TOKEN, ...b.options } as never);
        expect(call).to.throw(TypeError, b.field);
        try {
          call();
        } catch (e) {
          expect(String(e)).not.to.include(secret);
        }
      });
    }
  });

  describe("retries", () => {
    interface RetryCase {
      name: string;
      method: "GET" | "POST" | "PUT" | "DELETE";
      replies: Array<{ status: number; headers?: Record<string, string> }>;
      wantStatus?: number;
      wantError?: { cls: new (...a: never[]) => Error; outcomeUnknown: boolean; retryable: boolean };
      wantSleeps: number[];
    }
    const cases: RetryCase[] = [
      {
        name: "GET 503 then 200: retried after backoff",
        method: "GET",
        replies: [{ status: 503 }, { status: 200 }],
        wantStatus: 200,
        wantSleeps: [250],
      },
      {
        name: "GET 429 with Retry-After 3 then 200: waits 3 s in the shared pause",
        method: "GET",
        replies: [{ status: 429, headers: { "Retry-After": "3" } }, { status: 200 }],
        wantStatus: 200,
        wantSleeps: [3000],
      },
      {
        name: "PUT 423 with Retry-After 2 twice then 202",
        method: "PUT",
        replies: [{ status: 423, headers: { "Retry-After": "2" } }, { status: 423, headers: { "Retry-After": "2" } }, { status: 202 }],
        wantStatus: 202,
        wantSleeps: [2000, 2000],
      },
      {
        name: "GET 502 with an absurd Retry-After: backoff instead",
        method: "GET",
        replies: [{ status: 502, headers: { "Retry-After": "86400" } }, { status: 502 }, { status: 200 }],
        wantStatus: 200,
        wantSleeps: [250, 500],
      },
      {
        name: "POST 429 then 202: retried (the server did not act)",
        method: "POST",
        replies: [{ status: 429, headers: { "Retry-After": "1" } }, { status: 202 }],
        wantStatus: 202,
        wantSleeps: [1000],
      },
      {
        name: "POST 500: not retried, outcome unknown",
        method: "POST",
        replies: [{ status: 500 }],
        wantError: { cls: ServerError, outcomeUnknown: true, retryable: true },
        wantSleeps: [],
      },
      {
        name: "DELETE 503 on every attempt: gives up after 3 attempts",
        method: "DELETE",
        replies: [{ status: 503 }, { status: 503 }, { status: 503 }],
        wantError: { cls: ServerError, outcomeUnknown: false, retryable: true },
        wantSleeps: [250, 500],
      },
      {
        name: "POST 423 on every attempt: LockedError after 3 attempts",
        method: "POST",
        replies: [{ status: 423 }, { status: 423 }, { status: 423 }],
        wantError: { cls: LockedError, outcomeUnknown: false, retryable: true },
        wantSleeps: [250, 500],
      },
      {
        name: "GET 429 on every attempt: RateLimitError carrying Retry-After",
        method: "GET",
        replies: [
          { status: 429, headers: { "Retry-After": "1" } },
          { status: 429, headers: { "Retry-After": "1" } },
          { status: 429, headers: { "Retry-After": "1" } },
        ],
        wantError: { cls: RateLimitError, outcomeUnknown: false, retryable: true },
        // two shared pauses, then the slot of the bucket learnt from the first 429 (0.5/s)
        wantSleeps: [1000, 1000, 1000],
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const clock = steppingClock();
        const lines: string[] = [];
        const client = createClient({
          baseUrl: API,
          accessToken: TOKEN,
          maxAttempts: 3,
          sleep: clock.sleep,
          now: clock.now,
          random: () => 0, // equal jitter with random 0: exactly half the exponential delay
          log: (l) => lines.push(l),
        });
        const tracking: string[] = [];
        let scope = nock(API);
        const path = c.method === "POST" ? "/v1/wholesale/customers" : "/v1/wholesale/customers/c1";
        for (const r of c.replies) {
          scope = scope.intercept(path, c.method).reply(function () {
            tracking.push(String(this.req.headers["trackingid"]));
            const body =
              r.status === 200
                ? { id: "c1", status: "provisioned" }
                : r.status === 202
                  ? { url: `${API}/v1/wholesale/customers/c1` }
                  : { message: "nope", errors: [{ description: `status ${r.status}` }], trackingId: "ROUTER_R" };
            return [r.status, JSON.stringify(body), { "Content-Type": "application/json", ...r.headers }];
          });
        }
        const run = () => {
          switch (c.method) {
            case "GET":
              return client.customers.get("c1");
            case "PUT":
              return client.customers.update("c1", { packages: ["webex_meetings"] });
            case "DELETE":
              return client.customers.delete("c1");
            default:
              return client.customers.create(createBody);
          }
        };
        const outcome = await run().then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        scope.done();
        expect(tracking).to.have.length(c.replies.length);
        expect(new Set(tracking).size, "one TrackingID reused across retries").to.equal(1);
        expect(tracking[0]).to.match(/^WEBEXWHOLESALE_/);
        expect(clock.sleeps).to.deep.equal(c.wantSleeps);
        expect(lines.length).to.be.at.least(c.replies.length);
        if (c.wantError) {
          expect(outcome.ok).to.equal(false);
          const e = (outcome as { e: unknown }).e as InstanceType<typeof ServerError>;
          expect(e).to.be.instanceOf(c.wantError.cls);
          expect(e.outcomeUnknown).to.equal(c.wantError.outcomeUnknown);
          expect(e.retryable).to.equal(c.wantError.retryable);
          expect(e.trackingId).to.equal("ROUTER_R");
          if (c.replies.length > 1) expect(e.message).to.include(`after ${c.replies.length} attempts`);
        } else {
          expect(outcome.ok, String((outcome as { e?: unknown }).e)).to.equal(true);
        }
      });
    }

    it("validate is a POST without side effects: retried after a 5xx", async () => {
      const clock = steppingClock();
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now, random: () => 0 });
      const scope = nock(API)
        .post("/v1/wholesale/customers/validate")
        .reply(502, "bad gateway")
        .post("/v1/wholesale/customers/validate")
        .reply(200, { message: "success" });
      const got = await client.customers.validate({ address: createBody.address });
      scope.done();
      expect(got).to.deep.equal({ message: "success" });
      expect(clock.sleeps).to.deep.equal([250]);
    });

    it("a 429 makes the client's other requests wait too (shared pause)", async () => {
      const clock = steppingClock();
      const client = createClient({ baseUrl: API, accessToken: TOKEN, maxAttempts: 1, sleep: clock.sleep, now: clock.now });
      const scope = nock(API)
        .get("/v1/wholesale/customers/c1")
        .reply(429, { message: "slow down" }, { "Retry-After": "4" })
        .get("/v1/wholesale/subscribers/s1")
        .reply(200, { id: "s1" });
      const err = await client.customers.get("c1").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RateLimitError).and.to.include({ retryAfterMs: 4000 });
      expect(clock.sleeps, "nobody waited yet").to.deep.equal([]);
      await client.subscribers.get("s1");
      scope.done();
      expect(clock.sleeps, "the unrelated request waited for the pause").to.deep.equal([4000]);
    });

    it("rateLimit paces concurrent calls of one client through its token bucket", async () => {
      const clock = new VirtualClock();
      const client = createClient({
        baseUrl: API,
        accessToken: TOKEN,
        rateLimit: { perSecond: 10, burst: 2 },
        sleep: clock.sleep,
        now: clock.now,
      });
      const sentAt: number[] = [];
      const scope = nock(API)
        .get(/\/v1\/wholesale\/subscribers\/s\d/)
        .times(5)
        .reply(() => {
          sentAt.push(clock.now());
          return [200, { id: "s" }];
        });
      await clock.runUntilSettled(Promise.all([0, 1, 2, 3, 4].map((i) => client.subscribers.get(`s${i}`))));
      scope.done();
      expect(clock.sleeps).to.deep.equal([100, 200, 300]);
      expect(sentAt).to.have.length(5);
      // I/O may land after the virtual clock moved on, so only the bound is exact: the burst.
      expect(sentAt.filter((t) => t === 0).length, `sent at ${sentAt.join(",")}`).to.be.at.most(2);
    });

    it("without a configured rate, the first 429 starts pacing at half the observed rate", async () => {
      const clock = new VirtualClock();
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      let served = 0;
      const scope = nock(API)
        .get(/\/v1\/wholesale\/subscribers\/s\d+/)
        .times(11)
        .reply(() => {
          served++;
          // the 6th request of the burst is refused: the server allows 5 at once
          return served === 6 ? [429, { message: "slow down" }, { "Retry-After": "1" }] : [200, { id: "s" }];
        });
      await clock.runUntilSettled(Promise.all([0, 1, 2, 3, 4, 5].map((i) => client.subscribers.get(`s${i}`))));
      const after = clock.now();
      await clock.runUntilSettled(Promise.all([6, 7, 8, 9].map((i) => client.subscribers.get(`s${i}`))));
      scope.done();
      // 6 requests in the last second hit the limit: 3/s from then on, one at a time
      expect(clock.sleeps[0], "the shared pause").to.equal(1000);
      expect(clock.now() - after, "4 paced requests").to.be.at.least(999);
    });

    it("honours Retry-After as an HTTP-date", async () => {
      const clock = steppingClock(Date.UTC(2026, 0, 1, 0, 0, 0));
      const client = createClient({ baseUrl: API, accessToken: TOKEN, sleep: clock.sleep, now: clock.now });
      const scope = nock(API)
        .get("/v1/wholesale/customers/c1")
        .reply(429, { message: "slow down" }, { "Retry-After": new Date(clock.now() + 7000).toUTCString() })
        .get("/v1/wholesale/customers/c1")
        .reply(200, { id: "c1", status: "provisioned" });
      await client.customers.get("c1");
      scope.done();
      expect(clock.sleeps).to.deep.equal([7000]);
    });
  });

  describe("connection failures", () => {
    it("a refused connection is retried, for POST too, then reported as refused", async () => {
      nock.enableNetConnect("127.0.0.1");
      const server = await loopbackServer(() => undefined);
      const url = server.url;
      await server.close(); // the port is now closed: connections are refused
      const clock = steppingClock();
      const client = createClient({
        baseUrl: url,
        accessToken: TOKEN,
        maxAttempts: 3,
        sleep: clock.sleep,
        now: clock.now,
        random: () => 0,
      });
      const err = await client.customers.create(createBody).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err).to.include({ kind: "refused", outcomeUnknown: false, retryable: true, method: "POST", path: "/v1/wholesale/customers" });
      expect(clock.sleeps).to.deep.equal([250, 500]);
    });

    it("a reset during a POST is not retried and leaves the outcome unknown", async () => {
      nock.enableNetConnect("127.0.0.1");
      let hits = 0;
      const server = await loopbackServer((req) => {
        hits++;
        req.socket.destroy();
      });
      try {
        const client = createClient({ baseUrl: server.url, accessToken: TOKEN, sleep: async () => undefined });
        const err = await client.customers.create(createBody).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(ConnectionError);
        expect(err).to.include({ kind: "reset", outcomeUnknown: true });
        expect((err as Error).message).to.match(/look the object up/);
        expect(hits).to.equal(1);
      } finally {
        await server.close();
      }
    });

    it("a reset during a GET is retried until an answer comes", async () => {
      nock.enableNetConnect("127.0.0.1");
      let hits = 0;
      const server = await loopbackServer((req, res) => {
        hits++;
        if (hits < 3) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ id: "c1", status: "provisioned" }));
      });
      try {
        const client = createClient({ baseUrl: server.url, accessToken: TOKEN, sleep: async () => undefined });
        const got = await client.customers.get("c1");
        expect(got.status).to.equal("provisioned");
        expect(hits).to.equal(3);
      } finally {
        await server.close();
      }
    });

    it("a slow answer times out per attempt and is reported as a timeout", async () => {
      const scope = nock(API).get("/v1/wholesale/customers/c1").times(2).delay(2000).reply(200, { id: "c1", status: "provisioned" });
      const client = createClient({ baseUrl: API, accessToken: TOKEN, requestTimeoutMs: 40, maxAttempts: 2, sleep: async () => undefined });
      const started = Date.now();
      const err = await client.customers.get("c1").then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err).to.include({ kind: "timeout", outcomeUnknown: false, retryable: true });
      expect((err as Error).message).to.match(/limit 40 ms per attempt/);
      expect(Date.now() - started).to.be.below(1500);
    });
  });

  describe("pagination links", () => {
    it("refuses to follow a Link to another origin (it would receive the token)", async () => {
      const client = createClient({ baseUrl: API, accessToken: TOKEN });
      const scope = nock(API)
        .get("/v1/wholesale/customers")
        .query(true)
        .reply(
          200,
          { items: [{ id: "a", status: "provisioned" }] },
          { Link: '<https://evil.example/v1/wholesale/customers?offset=1>; rel="next"' },
        );
      const seen: string[] = [];
      const err = await (async () => {
        for await (const c of client.customers.list()) seen.push(c.id);
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(seen).to.deep.equal(["a"]);
      expect((err as Error).message).to.match(/Refusing to follow a link to https:\/\/evil\.example/);
    });
  });
});
