// The core's behaviour beyond error codes: the asynchronous lifecycle, stingy reads, pagination
// and filters, locations, subscribers' states, prechecks, purity and determinism.
import { expect } from "chai";
import { handle } from "../../../local/emulator/core/handle";
import { checkInvariants } from "../../../local/emulator/core/invariants";
import { StateSchema } from "../../../local/emulator/core/state";
import { BASE, customerBody, LOCATION, TOKEN, World } from "./world";

const C = "/v1/wholesale/customers";
const S = "/v1/wholesale/subscribers";

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

describe("emulator core: customer lifecycle", () => {
  const transitions: { name: string; start: (w: World, id: string) => void; during: string; after: string | 404 }[] = [
    { name: "create", start: () => undefined, during: "provisioning", after: "provisioned" },
    {
      name: "update",
      start: (w, id) => w.ok(w.call("PUT", w.path("customers", id), { packages: ["webex_meetings"], externalId: "renamed" }), 202),
      during: "updating",
      after: "provisioned",
    },
    { name: "delete", start: (w, id) => w.ok(w.call("DELETE", w.path("customers", id)), 202), during: "deleting", after: 404 },
  ];
  for (const t of transitions) {
    it(`${t.name}: ${t.during} until the delay has passed, then ${t.after}`, () => {
      const w = new World();
      const pid = w.template()["provisioningId"] ?? "";
      const id = w.customer(pid, { packages: ["webex_meetings"], provisioningParameters: {} }, t.name === "create" ? false : true);
      t.start(w, id);
      w.now += w.delayMs - 1;
      expect(w.ok(w.call("GET", w.path("customers", id)), 200)["status"]).to.equal(t.during);
      w.now += 1;
      const r = w.call("GET", w.path("customers", id));
      if (t.after === 404) expect(r.status).to.equal(404);
      else expect(w.ok(r, 200)["status"]).to.equal(t.after);
    });
  }

  it("a 202 carries Location and { url } pointing at the customer, id URL-encoded", () => {
    const w = new World();
    const r = w.call("POST", C, customerBody(w.template()["provisioningId"] ?? ""));
    const url = (r.body as { url: string }).url;
    expect(r.headers["Location"]).to.equal(url);
    expect(url.startsWith(`${BASE}${C}/`)).to.equal(true);
    const id = decodeURIComponent(url.slice(`${BASE}${C}/`.length));
    expect(id).to.include("=");
    expect(url).to.not.include("=");
    expect(Buffer.from(id, "base64").toString()).to.match(/^ciscospark:\/\/us\/CUSTOMER\/[0-9a-f-]{36}$/);
  });

  const outcomes: { name: string; via: "header" | "fixture"; outcome: "provisioned_with_errors" | "error"; hasOrg: boolean }[] = [
    { name: "provisioned_with_errors forced by scenario", via: "header", outcome: "provisioned_with_errors", hasOrg: true },
    { name: "error forced by scenario", via: "header", outcome: "error", hasOrg: false },
    { name: "provisioned_with_errors from fixtures", via: "fixture", outcome: "provisioned_with_errors", hasOrg: true },
    { name: "error from fixtures", via: "fixture", outcome: "error", hasOrg: false },
  ];
  for (const o of outcomes) {
    it(`asynchronous failure: ${o.name}`, () => {
      const w = new World(o.via === "fixture" ? { asyncOutcomes: { "acme-001": o.outcome } } : {});
      const body = customerBody(w.template()["provisioningId"] ?? "");
      const r = w.call("POST", C, body, o.via === "header" ? { scenario: o.outcome } : {});
      const id = decodeURIComponent((r.body as { url: string }).url.split("/").pop() ?? "");
      w.settle();
      const got = w.ok(w.call("GET", w.path("customers", id)), 200) as {
        status: string;
        orgId?: string;
        errors: { errorCode: number }[];
        resourceDetails: { packages: { name: string; status: string; errors: unknown[] }[] };
      };
      expect(got.status).to.equal(o.outcome);
      expect(got.errors).to.have.length(1);
      expect(got.orgId !== undefined).to.equal(o.hasOrg);
      if (o.outcome === "provisioned_with_errors") {
        const failed = got.resourceDetails.packages.filter((p) => p.status === "error");
        expect(failed.map((p) => p.name)).to.deep.equal(["webex_meetings"]);
        expect(failed[0]?.errors).to.have.length(1);
      }
    });
  }

  it("deleting a customer removes its subscribers", () => {
    const w = new World();
    const id = w.customer(w.template()["provisioningId"] ?? "");
    w.subscriber(id, "a@acme.example");
    w.subscriber(id, "b@acme.example");
    w.ok(w.call("DELETE", w.path("customers", id)), 202);
    expect(Object.keys(w.state.subscribers)).to.have.length(2);
    w.settle();
    w.call("GET", C);
    expect([Object.keys(w.state.customers), Object.keys(w.state.subscribers), w.state.inFlight]).to.deep.equal([[], [], []]);
  });

  it("a failed request changes nothing (same state object when no transition is due)", () => {
    const w = new World();
    w.template();
    const before = w.state;
    const r = w.call("POST", C, customerBody("unknown"), { trackingId: "t-1" });
    expect(r.status).to.equal(400);
    expect(w.state).to.equal(before);
  });
});

describe("emulator core: stingy reads", () => {
  it("GET customer returns neither limits nor customerInfo nor provisioningId", () => {
    const w = new World();
    const id = w.customer(w.template()["provisioningId"] ?? "", {
      provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 5, webex_meetings: 5 } } },
    });
    const got = w.ok(w.call("GET", w.path("customers", id)), 200);
    expect(Object.keys(got).sort()).to.deep.equal([
      "address",
      "errors",
      "externalId",
      "id",
      "orgId",
      "packages",
      "resourceDetails",
      "status",
    ]);
    expect(w.state.customers[id]?.limits).to.deep.equal({ webex_calling: 5, webex_meetings: 5 });
  });

  it("GET subscriber returns no names, numbers or location", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const sid = w.subscriber(cid, "a@acme.example", "webex_calling", {
      primaryPhoneNumber: "+14155550100",
      extension: "0100",
      locationId: w.location(cid),
    });
    const got = w.ok(w.call("GET", w.path("subscribers", sid)), 200);
    expect(Object.keys(got).sort()).to.deep.equal(
      ["created", "customerId", "email", "errors", "externalCustomerId", "id", "lastStatusChange", "packages", "personId", "status"].sort(),
    );
    expect(w.state.subscribers[sid]).to.include({ firstName: "Ada", primaryPhoneNumber: "+14155550100", extension: "0100" });
  });
});

describe("emulator core: lists, filters and pagination", () => {
  function withCustomers(n: number): World {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    for (let i = 0; i < n; i++) w.customer(pid, { externalId: `c-${i}`, packages: ["webex_meetings"], provisioningParameters: {} }, false);
    w.settle();
    return w;
  }

  const pages: { name: string; total: number; query: string; items: number; next: string | undefined }[] = [
    { name: "default max 100 with 101 customers", total: 101, query: "", items: 100, next: "offset=100&max=100" },
    { name: "max=2 first page", total: 5, query: "max=2", items: 2, next: "max=2&offset=2" },
    { name: "max=2 last page", total: 5, query: "max=2&offset=4", items: 1, next: undefined },
    { name: "exactly one full page", total: 3, query: "max=3", items: 3, next: undefined },
  ];
  for (const p of pages) {
    it(`customers: ${p.name}`, () => {
      const w = withCustomers(p.total);
      const r = w.call("GET", C, undefined, { query: p.query });
      expect((w.ok(r, 200)["items"] as unknown[]).length).to.equal(p.items);
      const link = r.headers["Link"];
      if (p.next === undefined) expect(link).to.equal(undefined);
      else {
        const m = /^<([^>]+)>; rel="next"$/.exec(link ?? "");
        expect(m, link).to.not.equal(null);
        const next = new URL(m?.[1] ?? "");
        expect(next.origin + next.pathname).to.equal(`${BASE}${C}`);
        expect(Object.fromEntries(next.searchParams)).to.deep.equal(Object.fromEntries(new URLSearchParams(p.next)));
      }
    });
  }

  it("following Link visits every subscriber exactly once (default page 50)", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    for (let i = 0; i < 120; i++) w.subscriber(cid, `u${i}@acme.example`);
    const seen: string[] = [];
    let query = `customerId=${encodeURIComponent(cid)}`;
    for (let page = 0; page < 10; page++) {
      const r = w.call("GET", S, undefined, { query });
      const items = w.ok(r, 200)["items"] as { id: string }[];
      expect(items.length).to.be.at.most(50);
      seen.push(...items.map((s) => s.id));
      const link = r.headers["Link"];
      if (link === undefined) break;
      query = new URL(/<([^>]+)>/.exec(link)?.[1] ?? "").search.slice(1);
    }
    expect(seen).to.have.length(120);
    expect(new Set(seen).size).to.equal(120);
  });

  const filters: { name: string; query: (w: World) => string; expect: string[] }[] = [
    { name: "customers by externalId", query: () => "externalId=c-1", expect: ["c-1"] },
    { name: "customers by status", query: () => "status=provisioning", expect: [] },
    {
      name: "customers by orgId",
      query: (w) => `orgId=${encodeURIComponent(Object.values(w.state.customers)[2]?.orgId ?? "")}`,
      expect: ["c-2"],
    },
  ];
  for (const f of filters) {
    it(`filter: ${f.name}`, () => {
      const w = withCustomers(3);
      const items = w.ok(w.call("GET", C, undefined, { query: f.query(w) }), 200)["items"] as { externalId: string }[];
      expect(items.map((c) => c.externalId)).to.deep.equal(f.expect);
    });
  }

  it("subscribers by email (case-insensitive), externalCustomerId and status", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    w.subscriber(cid, "a@acme.example");
    w.subscriber(cid, "free.account@example.com", "webex_meetings", {}, 202);
    const ids = (q: string) => (w.ok(w.call("GET", S, undefined, { query: q }), 200)["items"] as { email: string }[]).map((s) => s.email);
    expect(ids("email=A%40ACME.example")).to.deep.equal(["a@acme.example"]);
    expect(ids("externalCustomerId=acme-001")).to.have.length(2);
    expect(ids("status=pending_user_migration")).to.deep.equal(["free.account@example.com"]);
  });

  it("templates by name", () => {
    const w = new World();
    w.template();
    w.template({ name: "Other" });
    const items = w.ok(w.call("GET", "/v1/wholesale/onboardingTemplates", undefined, { query: "name=Other" }), 200)["items"] as {
      name: string;
    }[];
    expect(items.map((t) => t.name)).to.deep.equal(["Other"]);
  });
});

describe("emulator core: locations, subscribers, templates", () => {
  it("the headquarters is listed only once the customer is provisioned", () => {
    const w = new World();
    const id = w.customer(w.template()["provisioningId"] ?? "", {}, false);
    const orgId = w.state.customers[id]?.orgId ?? "";
    const list = () => w.ok(w.call("GET", "/v1/locations", undefined, { query: `orgId=${encodeURIComponent(orgId)}` }), 200)["items"];
    expect(list()).to.deep.equal([]);
    w.settle();
    // in the Webex Locations shape (Cisco's spec), built from provisioning's calling.location
    expect(list()).to.deep.equal([
      {
        id: w.location(id),
        name: "Headquarters",
        orgId,
        address: { address1: "1 Main Street", city: "Springfield", state: "IL", postalCode: "62701", country: "US" },
        timeZone: "America/Chicago",
        preferredLanguage: "en_us",
      },
    ]);
  });

  it("a customer without calling package has no location", () => {
    const w = new World();
    w.customer(w.template()["provisioningId"] ?? "", { packages: ["webex_meetings"], provisioningParameters: {} });
    expect(w.ok(w.call("GET", "/v1/locations"), 200)["items"]).to.deep.equal([]);
  });

  it("a free Webex account answers 202 pending_user_migration without personId", () => {
    const w = new World({ freeAccountEmails: ["someone@gmail.example"] });
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const r = w.call("POST", S, {
      customerId: cid,
      email: "Someone@gmail.example",
      packages: ["webex_meetings"],
      provisioningParameters: {},
    });
    const body = w.ok(r, 202);
    expect([body["status"], body["personId"]]).to.deep.equal(["pending_user_migration", undefined]);
    expect(r.headers["Location"]).to.include(encodeURIComponent(String(body["id"])));
  });

  it("moving a calling user to meetings releases the number for another user", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const loc = w.location(cid);
    const a = w.subscriber(cid, "a@acme.example", "webex_calling", { primaryPhoneNumber: "+14155550100", locationId: loc });
    w.ok(w.call("PUT", w.path("subscribers", a), { packages: ["webex_meetings"] }), 200);
    expect(w.state.subscribers[a]?.primaryPhoneNumber).to.equal(undefined);
    w.subscriber(cid, "b@acme.example", "webex_calling", { primaryPhoneNumber: "+14155550100", locationId: loc });
  });

  it("raising limits and adding a package with its limit is accepted; the admin keeps the admin package", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "", {
      provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 2, webex_meetings: 2 } } },
    });
    w.subscriber(cid, "admin@acme.example", "webex_calling", { extension: "1000", locationId: w.location(cid) });
    const body = {
      packages: ["webex_calling", "webex_meetings", "webex_suite"],
      provisioningParameters: {
        calling: { location: LOCATION },
        packages: { limits: { webex_calling: 3, webex_meetings: 2, webex_suite: 1 } },
      },
    };
    w.ok(w.call("PUT", w.path("customers", cid), body), 202);
    w.settle();
    expect(w.state.customers[cid]).to.deep.include({
      limits: { webex_calling: 3, webex_meetings: 2, webex_suite: 1 },
      adminPackage: "webex_calling",
    });
  });

  it("template PUT keeps id and provisioningId; DELETE answers 204 once unused", () => {
    const w = new World();
    const t = w.template();
    const put = w.ok(
      w.call("PUT", w.path("onboardingTemplates", t["id"] ?? ""), {
        name: "Renamed",
        serviceProviderAdmin: "x@partner.example",
        country: "FR",
        defaultEmailLanguage: "fr_FR",
        wholesaleSubscriptionId: "Sub-9",
        provisioningId: t["provisioningId"],
      }),
      200,
    );
    expect([put["id"], put["provisioningId"], put["name"]]).to.deep.equal([t["id"], t["provisioningId"], "Renamed"]);
    expect(w.call("DELETE", w.path("onboardingTemplates", t["id"] ?? "")).status).to.equal(204);
    expect(w.call("GET", w.path("onboardingTemplates", t["id"] ?? "")).status).to.equal(404);
  });

  const prechecks: { name: string; path: string; body: (w: World, pid: string, cid: string) => unknown; status: number }[] = [
    {
      name: "customer precheck of a valid body",
      path: `${C}/validate`,
      body: (_w, pid) => customerBody(pid, { externalId: "new" }),
      status: 200,
    },
    { name: "customer precheck of a taken externalId", path: `${C}/validate`, body: (_w, pid) => customerBody(pid), status: 409 },
    { name: "customer precheck with address only", path: `${C}/validate`, body: () => ({ address: LOCATION.address }), status: 200 },
    {
      name: "subscriber precheck of a free email",
      path: `${S}/validate`,
      body: (_w, _p, cid) => ({ customerId: cid, email: "new@acme.example", packages: ["webex_meetings"] }),
      status: 200,
    },
    { name: "subscriber precheck of a taken email", path: `${S}/validate`, body: () => ({ email: "a@acme.example" }), status: 409 },
  ];
  for (const p of prechecks) {
    it(`${p.name}: ${p.status}, nothing changed`, () => {
      const w = new World();
      const pid = w.template()["provisioningId"] ?? "";
      const cid = w.customer(pid);
      w.subscriber(cid, "a@acme.example");
      w.call("GET", C); // settle before the snapshot
      const before = w.state;
      const r = w.call("POST", p.path, p.body(w, pid, cid), { trackingId: "precheck-1" });
      expect(r.status, JSON.stringify(r.body)).to.equal(p.status);
      if (p.status === 200) expect(r.body).to.deep.include({ message: "success" });
      expect(w.state).to.equal(before);
    });
  }
});

describe("emulator core: purity and determinism", () => {
  it("handle never mutates its input state", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const cid = w.customer(pid);
    // a plain copy (the state's collections are persistent maps, which neither clone nor freeze)
    const frozen = deepFreeze(JSON.parse(JSON.stringify(w.state)) as typeof w.state);
    const copy = JSON.stringify(frozen);
    const req = {
      method: "POST",
      path: S,
      query: new URLSearchParams(),
      authorization: `Bearer ${TOKEN}`,
      baseUrl: BASE,
      body: { customerId: cid, email: "x@acme.example", packages: ["webex_meetings"], provisioningParameters: {} },
    };
    const r = handle(frozen, req, { now: w.now, provisioningDelayMs: 0 });
    expect(r.response.status).to.equal(200);
    expect(JSON.stringify(frozen)).to.equal(copy);
    expect(Object.keys(r.state.subscribers)).to.have.length(1);
  });

  it("same seed and requests give the same ids and tracking ids", () => {
    const run = () => {
      const w = new World({}, 7);
      const t = w.template();
      const r = w.call("POST", C, customerBody(t["provisioningId"] ?? ""));
      return [t["id"], t["provisioningId"], r.headers["Location"], r.headers["TrackingID"]];
    };
    const a = run();
    expect(run()).to.deep.equal(a);
    expect(new World({}, 8).template()["id"]).to.not.equal(a[0]);
  });

  it("reads with a tracking id leave the state object untouched", () => {
    const w = new World();
    w.customer(w.template()["provisioningId"] ?? "");
    w.call("GET", C);
    const before = w.state;
    w.call("GET", C, undefined, { trackingId: "mine-1" });
    expect(w.state).to.equal(before);
  });

  it("a state after a busy session still validates and has no invariant violation", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const cid = w.customer(pid);
    w.subscriber(cid, "a@acme.example", "webex_calling", { extension: "1000", locationId: w.location(cid) });
    w.customer(pid, { externalId: "b", packages: ["webex_meetings"], provisioningParameters: {} });
    expect(StateSchema.safeParse(JSON.parse(JSON.stringify(w.state))).success).to.equal(true);
    expect(checkInvariants(w.state)).to.deep.equal({ ok: true, duplicates: [], orphans: [] });
  });

  it("invariants report a planted duplicate externalId and an orphan subscriber", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const sid = w.subscriber(cid, "a@acme.example");
    const c = w.state.customers[cid];
    const s = w.state.subscribers[sid];
    if (c === undefined || s === undefined) throw new Error("setup failed");
    const planted = {
      ...w.state,
      customers: { ...w.state.customers, twin: { ...c, id: "twin" } },
      subscribers: { ...w.state.subscribers, lost: { ...s, id: "lost", email: "l@x.example", customerId: "gone" } },
    };
    const report = checkInvariants(planted);
    expect(report.ok).to.equal(false);
    expect(report.duplicates).to.deep.include({ kind: "customer.externalId", value: "acme-001", ids: [cid, "twin"] });
    expect(report.orphans).to.deep.include({ kind: "subscriber.customerId", value: "gone", ids: ["lost"] });
  });
});
