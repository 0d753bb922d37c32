// The emulator core's Locations, PSTN and numbers API (issue 25), through `handle`: the
// endpoints of locations-and-numbers.md, every number rule both ways, the subscriber's number
// check, the deletion precheck and the disable-calling job.
import { expect } from "chai";
import type { ApiResponse } from "../../../local/emulator/core/catalog";
import { checkInvariants } from "../../../local/emulator/core/invariants";
import { LOCATION_ROUTES } from "../../../local/emulator/core/location-routes";
import { MAX_MOBILE_NUMBERS_PER_REQUEST, NUMBER_RULES } from "../../../local/emulator/core/rules";
import { initialState, type Scope, StateSchema } from "../../../local/emulator/core/state";
import { codes, World } from "./world";

const L = "/v1/locations";
const TC = "/v1/telephony/config";
const JOBS = `${TC}/jobs/locations/deleteCallingLocation`;
const enc = encodeURIComponent;

/** A location body in Cisco's shape. */
function site(name = "Branch Office", over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    timeZone: "America/New_York",
    preferredLanguage: "en_us",
    announcementLanguage: "en_us",
    address: { address1: "2 Side Street", city: "Boston", state: "MA", postalCode: "02101", country: "US" },
    ...over,
  };
}

/** A world with one provisioned calling customer, and helpers speaking for its org. */
class Org {
  readonly w: World;
  readonly customerId: string;
  readonly orgId: string;
  readonly hq: string;

  constructor(w = new World(), externalId = "acme-001") {
    this.w = w;
    const pid = Object.values(w.state.templates)[0]?.provisioningId ?? w.template()["provisioningId"] ?? "";
    this.customerId = w.customer(pid, { externalId, customerInfo: { name: externalId, primaryEmail: `admin@${externalId}.example` } });
    this.orgId = w.state.customers[this.customerId]?.orgId ?? "";
    this.hq = w.location(this.customerId);
  }

  /** One call in this org (`orgId` added to the query). */
  call(method: string, path: string, body?: unknown, query = "", o: { token?: string; scenario?: "error" } = {}): ApiResponse {
    return this.w.call(method, path, body, { query: `orgId=${enc(this.orgId)}${query}`, ...o });
  }

  /** Creates a location (not calling) and returns its id. */
  location(name = "Branch Office"): string {
    return String(this.w.ok(this.call("POST", L, site(name)), 201)["id"]);
  }

  /** Creates a calling location with a PSTN option and returns its id. */
  callingLocation(name = "Branch Office", pstn = "lgw-1"): string {
    const id = this.location(name);
    this.w.ok(this.call("POST", `${TC}/locations`, { id }), 200);
    this.w.ok(this.call("PUT", `/v1/telephony/pstn/locations/${enc(id)}/connection`, { id: pstn }), 204);
    return id;
  }

  numbers(id: string, method: "POST" | "PUT" | "DELETE", phoneNumbers: string[], extra: Record<string, unknown> = {}): ApiResponse {
    return this.call(method, `${TC}/locations/${enc(id)}/numbers`, { phoneNumbers, ...extra });
  }

  /** The org's inventory (first page). */
  inventory(query = ""): Record<string, unknown>[] {
    return this.w.ok(this.call("GET", `${TC}/numbers`, undefined, query), 200)["phoneNumbers"] as Record<string, unknown>[];
  }

  subscriber(email: string, params: Record<string, unknown>): ApiResponse {
    return this.w.call("POST", "/v1/wholesale/subscribers", {
      customerId: this.customerId,
      email,
      packages: ["webex_calling"],
      provisioningParameters: { firstName: "Ann", lastName: "Lee", ...params },
    });
  }
}

/** The descriptions of an error response, joined. */
function said(r: ApiResponse): string {
  const body = r.body as { errors?: { description: string }[] } | undefined;
  return (body?.errors ?? []).map((e) => e.description).join(" | ");
}

describe("emulator core: locations", () => {
  it("POST creates a location in the org named by orgId; GET shows it in Cisco's shape", () => {
    const o = new Org();
    const id = o.location();
    expect(Buffer.from(id, "base64").toString()).to.match(/^ciscospark:\/\/us\/LOCATION\//);
    const got = o.w.ok(o.call("GET", `${L}/${enc(id)}`), 200);
    expect(got).to.deep.equal({
      id,
      name: "Branch Office",
      orgId: o.orgId,
      address: { address1: "2 Side Street", city: "Boston", state: "MA", postalCode: "02101", country: "US" },
      timeZone: "America/New_York",
      preferredLanguage: "en_us",
    });
  });

  it("lists the headquarters first, then the others; name filters by contains, case-insensitively; id filters", () => {
    const o = new Org();
    const branch = o.location("Branch Office");
    const depot = o.location("Depot");
    const names = (query: string) => (o.w.ok(o.call("GET", L, undefined, query), 200)["items"] as { name: string }[]).map((l) => l.name);
    expect(names("")).to.deep.equal(["Headquarters", "Branch Office", "Depot"]);
    expect(names("&name=OFFI")).to.deep.equal(["Branch Office"]);
    expect(names(`&id=${enc(depot)}`)).to.deep.equal(["Depot"]);
    expect(names("&name=nowhere")).to.deep.equal([]);
    const page = o.call("GET", L, undefined, "&max=2");
    expect((page.body as { items: unknown[] }).items).to.have.length(2);
    expect(page.headers["Link"]).to.include("offset=2").and.include('rel="next"');
    expect(branch).to.not.equal(depot);
  });

  it("another org's locations are not listed, and its ids are 404 with that org", () => {
    const w = new World();
    const a = new Org(w, "acme-001");
    const b = new Org(w, "beta-002");
    const id = a.location("Only A");
    expect((w.ok(b.call("GET", L), 200)["items"] as { name: string }[]).map((l) => l.name)).to.deep.equal(["Headquarters"]);
    expect(codes(b.call("GET", `${L}/${enc(id)}`))).to.deep.equal([1404]);
    expect(w.call("GET", `${L}/${enc(id)}`).status, "without orgId the id alone finds it").to.equal(200);
  });

  const refusals: { name: string; body: Record<string, unknown>; code: number; mentions: string }[] = [
    {
      name: "a required field missing",
      body: site("X", { announcementLanguage: undefined }),
      code: 1001,
      mentions: "announcementLanguage",
    },
    { name: "an unknown time zone", body: site("X", { timeZone: "Mars/Olympus" }), code: 1001, mentions: "timeZone" },
    {
      name: "an address without postalCode",
      body: site("X", { address: { address1: "a", city: "b", state: "c", country: "US" } }),
      code: 1001,
      mentions: "address.postalCode",
    },
    { name: "an unknown field", body: site("X", { region: "east" }), code: 1001, mentions: "region" },
    { name: "the name of another location, in another case", body: site("headQUARTERS"), code: 1601, mentions: "Headquarters" },
  ];
  for (const c of refusals) {
    it(`POST refuses ${c.name} (${c.code}), and the org is unchanged`, () => {
      const o = new Org();
      const r = o.call("POST", L, c.body);
      expect(codes(r)).to.deep.equal([c.code]);
      expect(said(r)).to.include(c.mentions);
      expect(o.w.state.locations).to.deep.equal({});
    });
  }

  it("POST needs an orgId of a provisioned customer", () => {
    const o = new Org();
    expect(said(o.w.call("POST", L, site()))).to.include("orgId: is required");
    expect(codes(o.w.call("POST", L, site(), { query: "orgId=nope" }))).to.deep.equal([1404]);
  });

  it("PUT changes the given fields only; a taken name is 1601; fields Cisco's PUT lacks are refused by name", () => {
    const o = new Org();
    const id = o.location();
    o.w.ok(o.call("PUT", `${L}/${enc(id)}`, { name: "Annex", timeZone: "Europe/Paris" }), 204);
    const got = o.w.ok(o.call("GET", `${L}/${enc(id)}`), 200);
    expect([got["name"], got["timeZone"], got["preferredLanguage"]]).to.deep.equal(["Annex", "Europe/Paris", "en_us"]);
    expect(codes(o.call("PUT", `${L}/${enc(id)}`, { name: "Headquarters" }))).to.deep.equal([1601]);
    expect(said(o.call("PUT", `${L}/${enc(id)}`, { notes: "x" }))).to.include("notes");
    o.w.ok(o.call("PUT", `${L}/${enc(id)}`, { name: "annex" }), 204); // its own name in another case is fine
    o.w.ok(o.call("PUT", `${L}/${enc(id)}`, { address: { address1: "3 New Street" } }), 204);
    expect(o.w.ok(o.call("GET", `${L}/${enc(id)}`), 200)["address"], "the address fields sent, the others kept").to.deep.equal({
      address1: "3 New Street",
      city: "Boston",
      state: "MA",
      postalCode: "02101",
      country: "US",
    });
  });

  it("the headquarters can be renamed; it stays one location", () => {
    const o = new Org();
    o.w.ok(o.call("PUT", `${L}/${enc(o.hq)}`, { name: "Main Office" }), 204);
    const items = o.w.ok(o.call("GET", L), 200)["items"] as { id: string; name: string }[];
    expect(items.map((l) => [l.id, l.name])).to.deep.equal([[o.hq, "Main Office"]]);
  });

  it("a deleted customer's locations are gone with it", () => {
    const o = new Org();
    o.location();
    o.w.ok(o.w.call("DELETE", o.w.path("customers", o.customerId)), 202);
    o.w.settle();
    expect(o.w.ok(o.w.call("GET", L), 200)["items"]).to.deep.equal([]);
    expect(o.w.state.locations, "removed from state, not just hidden").to.deep.equal({});
  });

  it("a token without locations_write cannot create (403); reading needs locations_read", () => {
    const w = new World({ tokens: [{ token: "read-locations-only", scopes: ["spark-admin:locations_read"] }] });
    const o = new Org(w);
    expect(codes(o.call("POST", L, site(), "", { token: "read-locations-only" }))).to.deep.equal([1403]);
    expect(o.call("GET", L, undefined, "", { token: "read-locations-only" }).status).to.equal(200);
    expect(codes(o.call("GET", `${TC}/numbers`, undefined, "", { token: "read-locations-only" }))).to.deep.equal([1403]);
  });
});

describe("emulator core: calling and PSTN", () => {
  it("a new location has no calling until enabled; enabling twice answers the same", () => {
    const o = new Org();
    const id = o.location();
    const options = `/v1/telephony/pstn/locations/${enc(id)}/connectionOptions`;
    expect(codes(o.call("GET", options))).to.deep.equal([1602]);
    expect(o.w.ok(o.call("POST", `${TC}/locations`, { id }), 200)).to.deep.equal({ id });
    expect(o.w.ok(o.call("POST", `${TC}/locations`, { id, name: "Branch Office" }), 200)).to.deep.equal({ id });
    const items = o.w.ok(o.call("GET", options), 200)["items"] as { id: string; pstnConnectionType: string }[];
    expect(items.map((i) => [i.id, i.pstnConnectionType])).to.deep.equal([
      ["lgw-1", "LOCAL_GATEWAY"],
      ["ccp-partner", "NON_INTEGRATED_CCP"],
      ["ccp-integrated", "INTEGRATED_CCP"],
    ]);
  });

  it("enabling refuses fields that differ from the location, and a customer without calling", () => {
    const o = new Org();
    const id = o.location();
    expect(said(o.call("POST", `${TC}/locations`, { id, name: "Elsewhere" }))).to.include("PUT /v1/locations/{id}");
    const moved = { ...(site()["address"] as Record<string, string>), city: "Salem" };
    expect(said(o.call("POST", `${TC}/locations`, { id, address: moved }))).to.include("address");
    // the full body a client sends (the location's own details again) is accepted
    expect(o.w.ok(o.call("POST", `${TC}/locations`, { id, ...site() }), 200)).to.deep.equal({ id });
    const pid = Object.values(o.w.state.templates)[0]?.provisioningId ?? "";
    const m = o.w.customer(pid, {
      externalId: "meet-1",
      packages: ["webex_meetings"],
      provisioningParameters: undefined,
    });
    const mOrg = o.w.state.customers[m]?.orgId ?? "";
    const mLoc = String(o.w.ok(o.w.call("POST", L, site("Meet"), { query: `orgId=${enc(mOrg)}` }), 201)["id"]);
    expect(said(o.w.call("POST", `${TC}/locations`, { id: mLoc }, { query: `orgId=${enc(mOrg)}` }))).to.include("no calling package");
  });

  it("the connection is 404/1612 until set; an unknown option is refused; the chosen one reads back", () => {
    const o = new Org();
    const conn = `/v1/telephony/pstn/locations/${enc(o.hq)}/connection`;
    expect(codes(o.call("GET", conn))).to.deep.equal([1612]);
    expect(said(o.call("PUT", conn, { id: "nope" }))).to.include("lgw-1, ccp-partner, ccp-integrated");
    o.w.ok(o.call("PUT", conn, { id: "ccp-partner" }), 204);
    expect(o.w.ok(o.call("GET", conn), 200)).to.include({ id: "ccp-partner", pstnConnectionType: "NON_INTEGRATED_CCP" });
  });

  it("an integrated connection brings the provider's ACTIVE numbers; the numbers API is then refused", () => {
    const o = new Org();
    const id = o.callingLocation("Integrated", "ccp-integrated");
    const inv = o.inventory(`&locationId=${enc(id)}`);
    expect(inv).to.have.length(5);
    for (const n of inv)
      expect(n)
        .to.include({ state: "ACTIVE", mainNumber: false })
        .and.have.property("phoneNumber")
        .match(/^\+1212555\d{4}$/);
    const first = String(inv[0]?.["phoneNumber"]);
    expect(codes(o.numbers(id, "DELETE", [first]))).to.deep.equal([1604]);
    expect(codes(o.numbers(id, "POST", ["+14155550199"]))).to.deep.equal([1604]);
    expect(
      o.numbers(id, "POST", ["+447700900001"], { numberType: "MOBILE" }).status,
      "mobile numbers may be added anywhere with PSTN",
    ).to.equal(200);
  });

  it("the connection changes only while the location holds no numbers", () => {
    const o = new Org();
    const id = o.callingLocation();
    const conn = `/v1/telephony/pstn/locations/${enc(id)}/connection`;
    o.w.ok(o.call("PUT", conn, { id: "lgw-1" }), 204); // the same option again changes nothing
    o.w.ok(o.numbers(id, "POST", ["+14155550101"]), 200);
    expect(codes(o.call("PUT", conn, { id: "ccp-partner" }))).to.deep.equal([1611]);
    o.w.ok(o.numbers(id, "DELETE", ["+14155550101"]), 204);
    o.w.ok(o.call("PUT", conn, { id: "ccp-partner" }), 204);
  });
});

describe("emulator core: number rules (each both ways)", () => {
  // every rule of the table has a case that breaks it and one that keeps it
  const cases: {
    rule: number;
    /** The rule's summary in NUMBER_RULES (E.164 is the body schema's, not the table's). */
    name: string;
    refused: (o: Org, id: string) => ApiResponse;
    allowed: (o: Org, id: string) => ApiResponse;
  }[] = [
    {
      rule: 1602,
      name: "numbers only at a location enabled for Webex Calling (and not being disabled)",
      refused: (o) => o.numbers(o.location("No calling"), "POST", ["+14155550101"]),
      allowed: (o, id) => o.numbers(id, "POST", ["+14155550101"]),
    },
    {
      rule: 1603,
      name: "numbers only at a location with a PSTN connection",
      refused: (o) => {
        const id = o.location("No PSTN");
        o.call("POST", `${TC}/locations`, { id });
        return o.numbers(id, "POST", ["+14155550101"]);
      },
      allowed: (o, id) => o.numbers(id, "POST", ["+14155550101"]),
    },
    {
      rule: 1604,
      name: "the numbers API is only for non-integrated PSTN (LOCAL_GATEWAY, NON_INTEGRATED_CCP); mobile numbers may be added anywhere",
      refused: (o) => o.numbers(o.callingLocation("Integrated", "ccp-integrated"), "POST", ["+14155550101"]),
      allowed: (o) => o.numbers(o.callingLocation("Partner CCP", "ccp-partner"), "POST", ["+14155550101"]),
    },
    {
      rule: 1001,
      name: "E.164 numbers (body schema)",
      refused: (o, id) => o.numbers(id, "POST", ["4155550101"]),
      allowed: (o, id) => o.numbers(id, "POST", ["+4930123456"]),
    },
    {
      rule: 1608,
      name: "at most 20 mobile numbers per request",
      refused: (o, id) => o.numbers(id, "POST", mobiles(MAX_MOBILE_NUMBERS_PER_REQUEST + 1), { numberType: "MOBILE" }),
      allowed: (o, id) => o.numbers(id, "POST", mobiles(MAX_MOBILE_NUMBERS_PER_REQUEST), { numberType: "MOBILE" }),
    },
    {
      rule: 1605,
      name: "a number is in one inventory only",
      refused: (o, id) => {
        o.numbers(o.callingLocation("Other"), "POST", ["+14155550101"]);
        return o.numbers(id, "POST", ["+14155550101"]);
      },
      allowed: (o, id) => o.numbers(id, "POST", ["+14155550102"]),
    },
    {
      rule: 1609,
      name: "activate and remove only numbers of this location",
      refused: (o, id) => o.numbers(id, "PUT", ["+14155550109"]),
      allowed: (o, id) => {
        o.numbers(id, "POST", ["+14155550109"]);
        return o.numbers(id, "PUT", ["+14155550109"]);
      },
    },
    {
      rule: 1606,
      name: "a location's main number cannot be removed",
      refused: (o, id) => {
        o.numbers(id, "POST", ["+14155550101", "+14155550102"], { state: "ACTIVE" });
        o.call("PUT", `${TC}/locations/${enc(id)}`, { callingLineId: { phoneNumber: "+14155550101" } });
        return o.numbers(id, "DELETE", ["+14155550101"]);
      },
      allowed: (o, id) => {
        o.numbers(id, "POST", ["+14155550101", "+14155550102"], { state: "ACTIVE" });
        o.call("PUT", `${TC}/locations/${enc(id)}`, { callingLineId: { phoneNumber: "+14155550101" } });
        return o.numbers(id, "DELETE", ["+14155550102"]);
      },
    },
    {
      rule: 1607,
      name: "a number assigned to a person cannot be removed while assigned",
      refused: (o, id) => {
        o.numbers(id, "POST", ["+14155550101"], { state: "ACTIVE" });
        o.w.ok(o.subscriber("ann@acme.example", { primaryPhoneNumber: "+14155550101", locationId: id }), 200);
        return o.numbers(id, "DELETE", ["+14155550101"]);
      },
      allowed: (o, id) => {
        o.numbers(id, "POST", ["+14155550101"], { state: "ACTIVE" });
        const sid = String(o.w.ok(o.subscriber("ann@acme.example", { primaryPhoneNumber: "+14155550101", locationId: id }), 200)["id"]);
        o.w.ok(o.w.call("DELETE", o.w.path("subscribers", sid)), 204);
        return o.numbers(id, "DELETE", ["+14155550101"]);
      },
    },
    {
      rule: 1001,
      name: "a number is listed once per request",
      refused: (o, id) => o.numbers(id, "POST", ["+14155550101", "+14155550101"]),
      allowed: (o, id) => o.numbers(id, "POST", ["+14155550101", "+14155550102"]),
    },
    {
      rule: 1001,
      name: "mobile numbers are activated by assigning them to a user, not by this API",
      refused: (o, id) => {
        o.numbers(id, "POST", ["+447700900001"], { numberType: "MOBILE" });
        return o.numbers(id, "PUT", ["+447700900001"]);
      },
      allowed: (o, id) => {
        o.numbers(id, "POST", ["+14155550101"]);
        return o.numbers(id, "PUT", ["+14155550101"]);
      },
    },
  ];
  for (const c of cases) {
    it(`${c.rule}: ${c.name}`, () => {
      const refusedOrg = new Org();
      const r = c.refused(refusedOrg, refusedOrg.callingLocation());
      expect(codes(r), said(r)).to.include(c.rule);
      const allowedOrg = new Org();
      const ok = c.allowed(allowedOrg, allowedOrg.callingLocation());
      expect(ok.status, said(ok)).to.be.oneOf([200, 204]);
    });
  }

  it("every rule of the table has a case here", () => {
    const covered = new Set(cases.map((c) => `${c.rule}: ${c.name}`));
    for (const rule of NUMBER_RULES) expect(covered).to.include(`${rule.code}: ${rule.summary}`);
  });

  it("the refusals name what to do: the owner of an assigned number, the location that holds a number", () => {
    const o = new Org();
    const a = o.callingLocation("Site A");
    const b = o.callingLocation("Site B");
    o.w.ok(o.numbers(a, "POST", ["+14155550101"], { state: "ACTIVE" }), 200);
    o.w.ok(o.subscriber("ann@acme.example", { primaryPhoneNumber: "+14155550101", locationId: a }), 200);
    expect(said(o.numbers(a, "DELETE", ["+14155550101"])))
      .to.include("Ann Lee")
      .and.include("ann@acme.example");
    expect(said(o.numbers(b, "POST", ["+14155550101"]))).to.include("location Site A");
    const other = new Org(o.w, "beta-002");
    const c = other.callingLocation("Beta site");
    expect(said(other.numbers(c, "POST", ["+14155550101"])))
      .to.include("another organization")
      .and.not.include("Site A");
  });

  it("numbers start INACTIVE unless sent ACTIVE; PUT activates; a mobile number is not activated by PUT", () => {
    const o = new Org();
    const id = o.callingLocation();
    o.w.ok(o.numbers(id, "POST", ["+14155550101"]), 200);
    o.w.ok(o.numbers(id, "POST", ["+14155550102"], { state: "ACTIVE" }), 200);
    o.w.ok(o.numbers(id, "POST", ["+447700900001"], { numberType: "MOBILE", state: "ACTIVE" }), 200);
    const states = () => o.inventory().map((n) => `${String(n["phoneNumber"])}=${String(n["state"])}`);
    expect(states()).to.deep.equal(["+14155550101=INACTIVE", "+14155550102=ACTIVE", "+447700900001=INACTIVE"]);
    o.w.ok(o.numbers(id, "PUT", ["+14155550101"]), 204);
    expect(states()[0]).to.equal("+14155550101=ACTIVE");
    expect(said(o.numbers(id, "PUT", ["+447700900001"]))).to.include("mobile");
  });

  it("DELETE takes at most 5 numbers (Cisco's limit); a refused request removes none", () => {
    const o = new Org();
    const id = o.callingLocation();
    const six = ["+14155550101", "+14155550102", "+14155550103", "+14155550104", "+14155550105", "+14155550106"];
    o.w.ok(o.numbers(id, "POST", six), 200);
    expect(said(o.numbers(id, "DELETE", six))).to.include("at most 5");
    expect(codes(o.numbers(id, "DELETE", ["+14155550101", "+14155550199"]))).to.deep.equal([1609]);
    expect(o.inventory()).to.have.length(6);
  });
});

/** `count` E.164 mobile numbers. */
function mobiles(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+4477009${String(i).padStart(5, "0")}`);
}

describe("emulator core: main number and inventory", () => {
  it("the main number must be an ACTIVE number of the location; the inventory shows it", () => {
    const o = new Org();
    const id = o.callingLocation();
    const put = (phoneNumber: string) => o.call("PUT", `${TC}/locations/${enc(id)}`, { callingLineId: { phoneNumber } });
    expect(codes(put("+14155550101"))).to.deep.equal([1609]);
    o.w.ok(o.numbers(id, "POST", ["+14155550101"]), 200);
    expect(codes(put("+14155550101"))).to.deep.equal([1610]);
    o.w.ok(o.numbers(id, "PUT", ["+14155550101"]), 204);
    o.w.ok(put("+14155550101"), 204);
    expect(o.inventory()[0]).to.include({ phoneNumber: "+14155550101", mainNumber: true });
    expect(said(o.call("PUT", `${TC}/locations/${enc(id)}`, { outsideDialDigit: "9" }))).to.include("outsideDialDigit");
  });

  it("filters: locationId, phoneNumber, available, state, ownerId, ownerName; details adds count; start/max page", () => {
    const o = new Org();
    const a = o.callingLocation("Site A");
    const b = o.callingLocation("Site B");
    o.w.ok(o.numbers(a, "POST", ["+14155550101", "+14155550102"], { state: "ACTIVE" }), 200);
    o.w.ok(o.numbers(b, "POST", ["+14155550201"]), 200);
    const sub = o.w.ok(o.subscriber("ann@acme.example", { primaryPhoneNumber: "+14155550102", locationId: a, extension: "102" }), 200);
    const personId = String(sub["personId"]);
    const numbers = (q: string) => o.inventory(q).map((n) => n["phoneNumber"]);
    expect(numbers(`&locationId=${enc(b)}`)).to.deep.equal(["+14155550201"]);
    expect(numbers("&phoneNumber=%2B14155550101")).to.deep.equal(["+14155550101"]);
    expect(numbers("&available=true")).to.deep.equal(["+14155550101", "+14155550201"]);
    expect(numbers("&state=INACTIVE")).to.deep.equal(["+14155550201"]);
    expect(numbers(`&ownerId=${enc(personId)}`)).to.deep.equal(["+14155550102"]);
    expect(numbers("&ownerName=lee")).to.deep.equal(["+14155550102"]);
    const owned = o.inventory("&available=false")[0];
    expect(owned).to.deep.include({
      extension: "102",
      location: { id: a, name: "Site A" },
      owner: { id: personId, type: "PEOPLE", firstName: "Ann", lastName: "Lee" },
    });
    const detailed = o.w.ok(o.call("GET", `${TC}/numbers`, undefined, "&details=true"), 200);
    expect(detailed["count"]).to.include({ total: 3, assigned: 1, unAssigned: 2, inActive: 1 });
    const page = o.call("GET", `${TC}/numbers`, undefined, "&max=2");
    expect((page.body as { phoneNumbers: unknown[] }).phoneNumbers).to.have.length(2);
    expect(page.headers["Link"]).to.include("start=2");
    expect(codes(o.call("GET", `${TC}/numbers`, undefined, "&state=ON"))).to.deep.equal([1001]);
  });

  it("validateNumbers: Available, Duplicate, Invalid, Unavailable; OK only when all are available; nothing changes", () => {
    const o = new Org();
    const id = o.callingLocation();
    o.w.ok(o.numbers(id, "POST", ["+14155550101"]), 200);
    const path = `${TC}/actions/validateNumbers/invoke`;
    const ok = o.w.ok(o.call("POST", path, { phoneNumbers: ["+14155550102"] }), 200);
    expect(ok).to.deep.equal({ status: "OK", numbers: [{ number: "+14155550102", state: "Available", tollFreeNumber: false }] });
    const before = o.w.state;
    const bad = o.w.ok(o.call("POST", path, { phoneNumbers: ["+18005550100", "+18005550100", "555", "+14155550101"] }), 200);
    expect(bad["status"]).to.equal("ERRORS");
    expect((bad["numbers"] as { state: string }[]).map((n) => n.state)).to.deep.equal(["Available", "Duplicate", "Invalid", "Unavailable"]);
    expect((bad["numbers"] as { tollFreeNumber: boolean }[])[0]?.tollFreeNumber).to.equal(true);
    expect(o.w.state.locations).to.equal(before.locations);
  });
});

describe("emulator core: a calling subscriber's location and number", () => {
  it("takes an ACTIVE number of its location's inventory, and only that", () => {
    const o = new Org();
    const id = o.callingLocation();
    o.w.ok(o.numbers(id, "POST", ["+14155550101"]), 200);
    expect(codes(o.subscriber("a@acme.example", { primaryPhoneNumber: "+14155550199", locationId: id }))).to.deep.equal([1609]);
    expect(codes(o.subscriber("a@acme.example", { primaryPhoneNumber: "+14155550101", locationId: id }))).to.deep.equal([1610]);
    o.w.ok(o.numbers(id, "PUT", ["+14155550101"]), 204);
    o.w.ok(o.subscriber("a@acme.example", { primaryPhoneNumber: "+14155550101", locationId: id }), 200);
    expect(codes(o.subscriber("b@acme.example", { primaryPhoneNumber: "+14155550101", locationId: id })), "taken").to.deep.equal([1303]);
  });

  it("a mobile number is taken while INACTIVE and shows ACTIVE once assigned", () => {
    const o = new Org();
    const id = o.callingLocation();
    o.w.ok(o.numbers(id, "POST", ["+447700900001"], { numberType: "MOBILE" }), 200);
    o.w.ok(o.subscriber("a@acme.example", { primaryPhoneNumber: "+447700900001", locationId: id }), 200);
    expect(o.inventory()[0]).to.include({ state: "ACTIVE", includedTelephonyTypes: "MOBILE_NUMBER" });
  });

  it("the location must be a calling location of the same customer", () => {
    const w = new World();
    const a = new Org(w, "acme-001");
    const b = new Org(w, "beta-002");
    const theirs = b.callingLocation();
    expect(said(a.subscriber("a@acme.example", { extension: "100", locationId: theirs }))).to.include("is not a location of customer");
    const noCalling = a.location("Meeting rooms");
    expect(codes(a.subscriber("a@acme.example", { extension: "100", locationId: noCalling }))).to.deep.equal([1602]);
    const mine = a.location("New site");
    a.w.ok(a.call("POST", `${TC}/locations`, { id: mine }), 200);
    expect(
      codes(a.subscriber("a@acme.example", { primaryPhoneNumber: "+14155550101", locationId: mine })),
      "no PSTN, no numbers",
    ).to.deep.equal([1603]);
    a.w.ok(a.subscriber("a@acme.example", { extension: "100", locationId: mine }), 200);
  });

  it("[project] a headquarters without PSTN keeps the earlier rule: any E.164 number, unique in the customer", () => {
    const o = new Org();
    o.w.ok(o.subscriber("a@acme.example", { primaryPhoneNumber: "+14155550100", locationId: o.hq }), 200);
    expect(codes(o.subscriber("b@acme.example", { primaryPhoneNumber: "+14155550100", locationId: o.hq }))).to.deep.equal([1303]);
    // once the headquarters has PSTN, its inventory rules
    o.w.ok(o.call("PUT", `/v1/telephony/pstn/locations/${enc(o.hq)}/connection`, { id: "lgw-1" }), 204);
    expect(codes(o.subscriber("c@acme.example", { primaryPhoneNumber: "+14155550177", locationId: o.hq }))).to.deep.equal([1609]);
  });

  it("the subscriber precheck judges the number the same way", () => {
    const o = new Org();
    const id = o.callingLocation();
    const r = o.w.call("POST", "/v1/wholesale/subscribers/validate", {
      customerId: o.customerId,
      email: "a@acme.example",
      packages: ["webex_calling"],
      provisioningParameters: { primaryPhoneNumber: "+14155550101", locationId: id },
    });
    expect(codes(r)).to.deep.equal([1609]);
  });
});

describe("emulator core: deletion precheck and the disable-calling job", () => {
  const precheck = (o: Org, id: string) =>
    o.w.ok(o.call("POST", `${TC}/locations/${enc(id)}/actions/precheckForDeletion/invoke`), 200) as {
      locationDeleteStatus: string;
      blocking: Record<string, unknown>;
      blockingUnlessForced: Record<string, unknown>;
      nonBlocking: Record<string, unknown>;
    };

  it("BLOCKED for the last calling location and while users remain; each reason is named when disabling", () => {
    const o = new Org();
    expect(precheck(o, o.hq)).to.deep.include({ locationDeleteStatus: "BLOCKED" }).and.nested.include({ "blocking.lastLocation": true });
    const id = o.callingLocation();
    o.w.ok(o.subscriber("a@acme.example", { extension: "100", locationId: id }), 200);
    o.w.ok(o.subscriber("b@acme.example", { extension: "101", locationId: id }), 200);
    const p = precheck(o, id);
    expect(p.locationDeleteStatus).to.equal("BLOCKED");
    expect(p.blocking).to.deep.equal({
      lastLocation: false,
      usersInUseCount: 2,
      workspacesInUseCount: 0,
      trunksInUseCount: 0,
      virtualLineInUseCount: 0,
      numbersOrderPending: false,
    });
    const r = o.call("POST", JOBS, { locationId: id });
    expect(r.status).to.equal(409);
    expect(said(r)).to.include("usersInUseCount: 2 user(s)");
    expect(precheck(o, o.hq).blocking["lastLocation"], "the headquarters is no longer the last").to.equal(false);
  });

  it("FORCE_REQUIRED needs forceDelete: true", () => {
    const o = new Org();
    const id = o.callingLocation();
    const stored = o.w.state.locations[id];
    if (stored === undefined) throw new Error("location not stored");
    o.w.state = { ...o.w.state, locations: { ...o.w.state.locations, [id]: { ...stored, features: 2 } } };
    expect(precheck(o, id)).to.deep.include({ locationDeleteStatus: "FORCE_REQUIRED", blockingUnlessForced: { featuresInUseCount: 2 } });
    expect(said(o.call("POST", JOBS, { locationId: id }))).to.include("forceDelete: true");
    expect(o.w.ok(o.call("POST", JOBS, { locationId: id, forceDelete: true }), 202)["latestExecutionStatus"]).to.equal("STARTED");
  });

  it("UNBLOCKED: 202 job, STARTED until the delay passes, then COMPLETED; the location stays, without calling or numbers", () => {
    const o = new Org();
    const id = o.callingLocation();
    o.w.ok(o.numbers(id, "POST", ["+14155550101"]), 200);
    expect(precheck(o, id)).to.deep.include({ locationDeleteStatus: "UNBLOCKED", nonBlocking: { numbersPresent: true } });
    const job = o.w.ok(o.call("POST", JOBS, { locationId: id, locationName: "Branch Office" }), 202);
    const jobPath = `${JOBS}/${enc(String(job["id"]))}`;
    expect(o.w.ok(o.call("POST", JOBS, { locationId: id }), 202)["id"], "a second request answers the running job").to.equal(job["id"]);
    expect(codes(o.subscriber("a@acme.example", { extension: "100", locationId: id })), "no users while being disabled").to.deep.equal([
      1602,
    ]);
    expect(o.w.ok(o.call("GET", jobPath), 200)["latestExecutionStatus"]).to.equal("STARTED");
    o.w.settle();
    expect(o.w.ok(o.call("GET", jobPath), 200)).to.include({ latestExecutionStatus: "COMPLETED", locationId: id });
    expect(o.w.ok(o.call("GET", `${L}/${enc(id)}`), 200)["name"]).to.equal("Branch Office");
    expect(o.inventory()).to.deep.equal([]);
    expect(codes(o.call("GET", `/v1/telephony/pstn/locations/${enc(id)}/connectionOptions`))).to.deep.equal([1602]);
    expect(codes(o.call("POST", JOBS, { locationId: id }))).to.deep.equal([1602]);
    // enabled again, it starts with no PSTN and no numbers; the number is free for another location
    o.w.ok(o.call("POST", `${TC}/locations`, { id }), 200);
    expect(codes(o.call("GET", `/v1/telephony/pstn/locations/${enc(id)}/connection`))).to.deep.equal([1612]);
    o.w.ok(o.numbers(o.callingLocation("Other"), "POST", ["+14155550101"]), 200);
  });

  it("X-Emulator-Scenario: error makes the job FAILED and calling stays", () => {
    const o = new Org();
    const id = o.callingLocation();
    const job = o.w.ok(o.call("POST", JOBS, { locationId: id }, "", { scenario: "error" }), 202);
    o.w.settle();
    const got = o.w.ok(o.call("GET", `${JOBS}/${enc(String(job["id"]))}`), 200);
    expect(got["latestExecutionStatus"]).to.equal("FAILED");
    expect(o.call("GET", `/v1/telephony/pstn/locations/${enc(id)}/connection`).status).to.equal(200);
  });

  it("a wrong locationName is refused; a job id of another org is 404", () => {
    const o = new Org();
    const id = o.callingLocation();
    expect(said(o.call("POST", JOBS, { locationId: id, locationName: "Wrong" }))).to.include("locationName");
    const job = o.w.ok(o.call("POST", JOBS, { locationId: id }), 202);
    expect(codes(o.w.call("GET", `${JOBS}/${enc(String(job["id"]))}`, undefined, { query: "orgId=other" }))).to.deep.equal([1404]);
  });
});

describe("emulator core: locations in saved state", () => {
  it("a state saved before locations existed loads with no locations and no jobs", () => {
    const { locations: _locations, jobs: _jobs, ...before } = initialState();
    const loaded = StateSchema.parse(JSON.parse(JSON.stringify(before)));
    expect([loaded.locations, loaded.jobs]).to.deep.equal([{}, {}]);
  });

  it("locations, numbers and jobs survive a JSON round trip of the state", () => {
    const o = new Org();
    const id = o.callingLocation();
    o.w.ok(o.numbers(id, "POST", ["+14155550101"], { state: "ACTIVE" }), 200);
    o.w.ok(o.call("POST", JOBS, { locationId: id }), 202);
    const reloaded = StateSchema.parse(JSON.parse(JSON.stringify(o.w.state)));
    expect(reloaded).to.deep.equal(o.w.state);
  });
});

describe("emulator core: invariants cover locations", () => {
  it("a planted duplicate name or number, or a location without customer, is reported", () => {
    const o = new Org();
    const a = o.callingLocation("Site A");
    o.w.ok(o.numbers(a, "POST", ["+14155550101"]), 200);
    expect(checkInvariants(o.w.state).ok, "the API keeps them consistent").to.equal(true);
    const site = o.w.state.locations[a];
    if (site === undefined) throw new Error("location not stored");
    const planted = { ...site, id: "planted", name: "site a" };
    const orphan = { ...site, id: "orphan", name: "Elsewhere", numbers: [], customerId: "gone" };
    const report = checkInvariants({ ...o.w.state, locations: { ...o.w.state.locations, planted, orphan } });
    expect(report.duplicates.map((d) => [d.kind, d.ids])).to.deep.include.members([
      ["location.name", [a, "planted"]],
      ["location.phoneNumber", [a, "planted"]],
    ]);
    expect(report.orphans).to.deep.include({ kind: "location.customerId", value: "gone", ids: ["orphan"] });
  });
});

describe("emulator core: every location route asks for its scope", () => {
  const expected: Record<string, Scope> = {
    "POST /v1/locations": "spark-admin:locations_write",
    "GET /v1/locations/{id}": "spark-admin:locations_read",
    "PUT /v1/locations/{id}": "spark-admin:locations_write",
    "POST /v1/telephony/config/locations": "spark-admin:telephony_config_write",
    "PUT /v1/telephony/config/locations/{id}": "spark-admin:telephony_config_write",
    "GET /v1/telephony/pstn/locations/{id}/connectionOptions": "spark-admin:telephony_pstn_read",
    "GET /v1/telephony/pstn/locations/{id}/connection": "spark-admin:telephony_pstn_read",
    "PUT /v1/telephony/pstn/locations/{id}/connection": "spark-admin:telephony_pstn_write",
    "POST /v1/telephony/config/locations/{id}/numbers": "spark-admin:telephony_config_write",
    "PUT /v1/telephony/config/locations/{id}/numbers": "spark-admin:telephony_config_write",
    "DELETE /v1/telephony/config/locations/{id}/numbers": "spark-admin:telephony_config_write",
    "GET /v1/telephony/config/numbers": "spark-admin:telephony_config_read",
    "POST /v1/telephony/config/actions/validateNumbers/invoke": "spark-admin:telephony_config_write",
    "POST /v1/telephony/config/locations/{id}/actions/precheckForDeletion/invoke": "spark-admin:telephony_config_write",
    "POST /v1/telephony/config/jobs/locations/deleteCallingLocation": "spark-admin:telephony_config_write",
    "GET /v1/telephony/config/jobs/locations/deleteCallingLocation/{jobId}": "spark-admin:telephony_config_read",
  };

  it("the table holds exactly the routes of the reference, each with the scope Cisco's spec names", () => {
    expect(Object.fromEntries(LOCATION_ROUTES.map((r) => [`${r.method} ${r.template}`, r.scope]))).to.deep.equal(expected);
  });

  for (const route of LOCATION_ROUTES) {
    it(`${route.method} ${route.template}: 403 without ${route.scope}, past authorization with it alone`, () => {
      const others = Object.values(expected).filter((x) => x !== route.scope);
      const w = new World({
        tokens: [
          { token: "without-the-scope", scopes: [...new Set(others)] },
          { token: "only-the-scope", scopes: [route.scope] },
        ],
      });
      const path = route.template.replace("{id}", "bm9wZQ==").replace("{jobId}", "bm9wZQ==");
      expect(codes(w.call(route.method, path, {}, { token: "without-the-scope", query: "orgId=x" }))).to.deep.equal([1403]);
      expect(codes(w.call(route.method, path, {}, { token: "only-the-scope", query: "orgId=x" }))).to.not.include(1403);
    });
  }
});
