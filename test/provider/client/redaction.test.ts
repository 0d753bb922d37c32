import { expect } from "chai";
import nock from "nock";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createClient, type ProvisioningClient } from "../../../provider/client";
import { API, useNock } from "./helpers";

/** A token distinctive enough that any leak is found by a substring search. */
const TOKEN = "ZTk0-LEAK-CANARY-b7e1c9d2f3a4-TOKEN";

const createBody = {
  provisioningId: "p",
  externalId: "acme",
  packages: ["webex_meetings" as const],
  address: { addressLine1: "1 Main St", city: "Paris", country: "FR" },
  customerInfo: { name: "Acme", primaryEmail: "a@acme.example" },
};

/** Every rendering of an error a log, a state file or a crash report could contain. */
function renderings(err: unknown): Record<string, string> {
  const e = err as Error;
  return {
    "String(err)": String(e),
    "err.message": e.message,
    "err.stack": String(e.stack),
    "JSON.stringify(err)": JSON.stringify(e),
    "Object.values(err)": inspect(Object.values(e), { depth: 10 }),
    "util.inspect(err)": inspect(e, { depth: 10, showHidden: true }),
    "err.cause": inspect((e as { cause?: unknown }).cause, { depth: 10 }),
  };
}

interface Scenario {
  name: string;
  /** Sets up the server side; returns the base URL to use and a cleanup. */
  setup: () => Promise<{ baseUrl: string; cleanup?: () => Promise<void>; options?: Record<string, unknown>; scope?: nock.Scope }>;
  call: (c: ProvisioningClient) => Promise<unknown>;
}

/** Starts a loopback server with a handler. */
async function loopback(handler: http.RequestListener): Promise<{ baseUrl: string; cleanup: () => Promise<void> }> {
  nock.enableNetConnect("127.0.0.1");
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cleanup: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server that echoes the Authorization header back everywhere it can. */
const echoAuth =
  (status: number): http.RequestListener =>
  (req, res) => {
    const auth = String(req.headers.authorization);
    res.writeHead(status, { "Content-Type": "application/json", TrackingID: `T-${auth}`, "Retry-After": "0" }).end(
      JSON.stringify({
        message: `You sent ${auth}`,
        errors: [{ errorCode: 1001, description: `header ${auth}` }],
        trackingId: `ROUTER ${auth}`,
      }),
    );
  };

const scenarios: Scenario[] = [
  {
    name: "400 with an errorCode",
    setup: async () => {
      const scope = nock(API)
        .post("/v1/wholesale/customers")
        .reply(400, { errors: [{ errorCode: 1001, description: "address.city missing" }] });
      return { baseUrl: API, scope };
    },
    call: (c) => c.customers.create(createBody),
  },
  {
    name: "401 from a server that echoes the Authorization header in body and headers",
    setup: () => loopback(echoAuth(401)),
    call: (c) => c.customers.get("c1"),
  },
  {
    name: "403 echoing the header, from a POST",
    setup: () => loopback(echoAuth(403)),
    call: (c) => c.customers.create(createBody),
  },
  {
    name: "500 on a POST (outcome unknown), echoing the header",
    setup: () => loopback(echoAuth(500)),
    call: (c) => c.customers.create(createBody),
  },
  {
    name: "503 on every GET attempt",
    setup: async () => {
      const scope = nock(API).get("/v1/wholesale/customers/c1").times(2).reply(503, "Service Unavailable");
      return { baseUrl: API, scope };
    },
    call: (c) => c.customers.get("c1"),
  },
  {
    name: "429 on every attempt, echoing the header",
    setup: () => loopback(echoAuth(429)),
    call: (c) => c.subscribers.get("s1"),
  },
  {
    name: "connection refused by a closed loopback port",
    setup: async () => {
      const s = await loopback(() => undefined);
      await s.cleanup();
      return { baseUrl: s.baseUrl };
    },
    call: (c) => c.customers.get("c1"),
  },
  {
    name: "connection reset during a POST",
    setup: () => loopback((req) => req.socket.destroy()),
    call: (c) => c.customers.create(createBody),
  },
  {
    name: "timeout",
    setup: async () => {
      const scope = nock(API).get("/v1/wholesale/customers/c1").times(2).delay(1000).reply(200, {});
      return { baseUrl: API, scope, options: { requestTimeoutMs: 30 } };
    },
    call: (c) => c.customers.get("c1"),
  },
  {
    name: "a 2xx body the client does not understand",
    setup: async () => {
      const scope = nock(API).get("/v1/wholesale/customers/c1").reply(200, { id: 5 });
      return { baseUrl: API, scope };
    },
    call: (c) => c.customers.get("c1"),
  },
  {
    name: "a Link to a foreign host",
    setup: async () => {
      const scope = nock(API)
        .get("/v1/locations")
        .query(true)
        .reply(200, { items: [{ id: "l" }] }, { Link: `<https://evil.example/next?token=x>; rel="next"` });
      return { baseUrl: API, scope };
    },
    call: async (c) => {
      for await (const _ of c.locations.list({ orgId: "o" })) void _;
    },
  },
  {
    name: "an error thrown while waiting for a customer (ProvisioningFailedError)",
    setup: async () => {
      const scope = nock(API)
        .get("/v1/wholesale/customers/c1")
        .reply(200, { id: "c1", status: "error", errors: [{ description: `failed for ${TOKEN}` }] });
      return { baseUrl: API, scope };
    },
    call: (c) => c.waitForCustomer("c1", { timeoutMs: 1000, initialDelayMs: 0 }),
  },
];

describe("client redaction: the token never leaks", () => {
  useNock();

  for (const s of scenarios) {
    it(s.name, async () => {
      const { baseUrl, cleanup, options, scope } = await s.setup();
      const lines: string[] = [];
      try {
        const client = createClient({
          baseUrl,
          accessToken: TOKEN,
          maxAttempts: 2,
          sleep: async () => undefined,
          log: (l) => lines.push(l),
          ...options,
        });
        const err = await s.call(client).then(
          () => undefined,
          (e: unknown) => e,
        );
        scope?.done();
        expect(err, "the call must fail").to.be.instanceOf(Error);
        for (const [how, text] of Object.entries(renderings(err))) {
          expect(text, how).not.to.include(TOKEN);
        }
        expect(lines.length, "log lines were written").to.be.above(0);
        for (const line of lines) expect(line).not.to.include(TOKEN);
      } finally {
        await cleanup?.();
      }
    });
  }

  it("invalid options never echo the token", () => {
    const bad = `${TOKEN}\r\nX-Injected: 1`;
    let caught: unknown;
    try {
      createClient({ baseUrl: API, accessToken: bad });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(TypeError);
    for (const [how, text] of Object.entries(renderings(caught))) expect(text, how).not.to.include(TOKEN);
  });
});
