// The HTTP server over loopback: authentication, tracking ids, body parsing, the rate limit's
// 429 + Retry-After, pagination Link headers that work as URLs, 423 while provisioning, latency.
import { expect } from "chai";
import { type EmulatorHandle, startEmulator } from "../../../local/emulator";
import { api, meetingsCustomer, sleep, template } from "./http";

const C = "/v1/wholesale/customers";

describe("emulator server: transport", () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({
      rateLimit: false,
      provisioningDelayMs: 300,
      fixtures: { tokens: [{ token: "subscribers-only-token", scopes: ["spark-admin:wholesale_subscribers_read"] }] },
    });
  });
  after(() => emu.close());
  beforeEach(() => emu.admin.reset());

  it("listens on loopback, url without trailing slash or /v1", () => {
    expect(emu.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  const auth: { name: string; headers: Record<string, string>; status: number; code?: number }[] = [
    { name: "the partner token", headers: {}, status: 200 },
    { name: "no Authorization header", headers: { Authorization: "" }, status: 401, code: 1401 },
    { name: "a wrong token", headers: { Authorization: "Bearer not-the-token" }, status: 401, code: 1401 },
    { name: "a token lacking the scope", headers: { Authorization: "Bearer subscribers-only-token" }, status: 403, code: 1403 },
    { name: "Basic instead of Bearer", headers: { Authorization: "Basic dXNlcjpwYXNz" }, status: 401, code: 1401 },
  ];
  for (const a of auth) {
    it(`GET customers with ${a.name} → ${a.status}`, async () => {
      const r = await api(emu, "GET", C, undefined, a.headers);
      expect(r.status).to.equal(a.status);
      if (a.code !== undefined) {
        expect(r.body.errors[0].errorCode).to.equal(a.code);
        expect(JSON.stringify(r.body)).to.not.include(emu.token);
      }
    });
  }

  it("the admin token is not a partner token", async () => {
    const r = await api(emu, "GET", C, undefined, { Authorization: `Bearer ${emu.adminToken}` });
    expect(r.status).to.equal(401);
  });

  it("echoes TrackingID, or generates one, in header and error body", async () => {
    const echoed = await api(emu, "GET", `${C}/nope`, undefined, { TrackingID: "my-trace-1" });
    expect([echoed.headers.get("trackingid"), echoed.body.trackingId]).to.deep.equal(["my-trace-1", "my-trace-1"]);
    const generated = await api(emu, "GET", `${C}/nope`);
    expect(generated.headers.get("trackingid"))
      .to.match(/^ROUTER_[0-9a-f-]{36}$/i)
      .and.equal(generated.body.trackingId);
  });

  const bodies: { name: string; body: string; type: string; status: number; code: number }[] = [
    { name: "invalid JSON", body: "{nope", type: "application/json", status: 400, code: 1001 },
    { name: "a non-JSON content type", body: "a=1", type: "application/x-www-form-urlencoded", status: 415, code: 1415 },
    { name: "no body at all", body: "", type: "application/json", status: 400, code: 1001 },
  ];
  for (const b of bodies) {
    it(`POST customers with ${b.name} → ${b.status} ${b.code}`, async () => {
      const r = await api(emu, "POST", C, b.body === "" ? undefined : b.body, { "Content-Type": b.type });
      expect([r.status, r.body.errors[0].errorCode]).to.deep.equal([b.status, b.code]);
    });
  }

  it("pagination: Link is an absolute URL a client can follow to the end", async () => {
    const pid = await template(emu);
    for (let i = 0; i < 5; i++) expect((await api(emu, "POST", C, meetingsCustomer(pid, `page-${i}`))).status).to.equal(202);
    const seen: string[] = [];
    let next: string | undefined = `${emu.url}${C}?max=2`;
    let pages = 0;
    while (next !== undefined && pages < 10) {
      const r = await api(emu, "GET", next);
      seen.push(...r.body.items.map((c: { externalId: string }) => c.externalId));
      next = /<([^>]+)>; rel="next"/.exec(r.headers.get("link") ?? "")?.[1];
      pages++;
    }
    expect([pages, seen]).to.deep.equal([3, ["page-0", "page-1", "page-2", "page-3", "page-4"]]);
  });

  it("423 with Retry-After while a customer is provisioning, 202 once provisioned", async () => {
    const pid = await template(emu);
    const created = await api(emu, "POST", C, meetingsCustomer(pid, "busy-1"));
    expect(created.status).to.equal(202);
    const location = created.headers.get("location") ?? "";
    expect(location).to.equal(created.body.url).and.include("%3D");
    const busy = await api(emu, "PUT", location, { packages: ["webex_meetings"] });
    expect([busy.status, busy.body.errors[0].errorCode, busy.headers.get("retry-after")]).to.deep.equal([423, 1423, "1"]);
    await sleep(350);
    expect((await api(emu, "GET", location)).body.status).to.equal("provisioned");
    expect((await api(emu, "PUT", location, { packages: ["webex_meetings"] })).status).to.equal(202);
  });

  it("jitter spreads latency around the fixed part: fixed ± jitter", async () => {
    await emu.admin.configure({ latencyMs: { fixed: 80, jitter: 60 } });
    try {
      const times: number[] = [];
      for (let i = 0; i < 12; i++) {
        const t0 = Date.now();
        await api(emu, "GET", C);
        times.push(Date.now() - t0);
      }
      expect(Math.min(...times), JSON.stringify(times)).to.be.at.least(18);
      expect(Math.max(...times), JSON.stringify(times)).to.be.below(300);
      expect(Math.min(...times), "some answers faster than the fixed part").to.be.below(80);
      expect(Math.max(...times), "some answers slower than the fixed part").to.be.above(80);
    } finally {
      await emu.admin.configure({ latencyMs: 0 });
    }
  });

  it("an id sent without URL-encoding its '/' does not match (clients must encode)", async () => {
    const r = await api(emu, "GET", `${C}/abc/def==`);
    expect(r.status).to.equal(404);
  });

  it("latency set at runtime delays API answers but not admin calls", async () => {
    await emu.admin.configure({ latencyMs: { fixed: 150, jitter: 0 } });
    try {
      let t0 = Date.now();
      await api(emu, "GET", C);
      const apiMs = Date.now() - t0;
      t0 = Date.now();
      await emu.admin.counters();
      const adminMs = Date.now() - t0;
      expect(apiMs).to.be.at.least(145);
      expect(adminMs).to.be.below(145);
    } finally {
      await emu.admin.configure({ latencyMs: 0 });
    }
  });
});

describe("emulator server: rate limit", () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ rateLimit: { perSecond: 1, burst: 2 }, fixtures: { tokens: [{ token: "second-partner-token" }] } });
  });
  after(() => emu.close());

  it("the default rate limit is the reference's (20/s, burst 40)", async () => {
    const other = await startEmulator();
    try {
      expect((await other.admin.configure({})).rateLimit).to.deep.equal({ perSecond: 20, burst: 40 });
    } finally {
      await other.close();
    }
  });

  it("after the burst: 429, code 1429, Retry-After in whole seconds; other tokens unaffected", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(emu, "GET", C)).status);
    const limited = await api(emu, "GET", C);
    expect(statuses.slice(0, 2)).to.deep.equal([200, 200]);
    expect(limited.status).to.equal(429);
    expect(limited.body.errors[0].errorCode).to.equal(1429);
    expect(limited.headers.get("retry-after")).to.match(/^[1-9]\d*$/);
    expect((await api(emu, "GET", C, undefined, { Authorization: "Bearer second-partner-token" })).status).to.equal(200);
    expect((await emu.admin.counters()).rateLimited).to.be.at.least(1);
  });

  it("the bucket refills at perSecond", async () => {
    await emu.admin.configure({ rateLimit: { perSecond: 10, burst: 1 } });
    expect((await api(emu, "GET", C)).status).to.equal(200);
    expect((await api(emu, "GET", C)).status).to.equal(429);
    await sleep(150);
    expect((await api(emu, "GET", C)).status).to.equal(200);
  });
});
