// What the API fuzzer (npm run test:api-fuzz) found against Cisco's spec, held here as examples:
// sub-partner scoping, the sub-partners list, consentMove, the billing-report answer, the spec's
// fields and filters, Allow on the prechecks, and Location/Link that never echo the Host header.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { expect } from "chai";
import { type EmulatorHandle, startEmulator } from "../../../local/emulator";
import { checkInvariants } from "../../../local/emulator/core/invariants";
import { DEFAULT_SUB_PARTNERS } from "../../../local/emulator/core/state";
import { api, meetingsCustomer, template } from "./http";
import { codes, customerBody, World } from "./world";

const C = "/v1/wholesale/customers";
const S = "/v1/wholesale/subscribers";
const SUB = DEFAULT_SUB_PARTNERS[0]?.orgId ?? "";
const meetings = { packages: ["webex_meetings"], provisioningParameters: {} };
const CALLING = {
  provisioningParameters: {
    calling: {
      location: {
        name: "HQ",
        address: { addressLine1: "1 Main Street", city: "Springfield", country: "US" },
        timezone: "America/Chicago",
        language: "en_us",
      },
    },
  },
};

function ids(r: { body?: unknown }): string[] {
  return ((r.body as { items: { id: string }[] }).items ?? []).map((i) => i.id);
}

describe("emulator: sub-partner scoping (onBehalfOfSubPartnerOrgId)", () => {
  it("a partner sees its own customers; a sub-partner's only when the parameter names it", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const own = w.customer(pid, { externalId: "own", ...meetings });
    const theirs = w.customer(pid, { externalId: "theirs", ...meetings });
    // the parameter on a create stamps the new customer with the sub-partner
    const sub = w.ok(
      w.call("POST", C, customerBody(pid, { externalId: "sub-001", ...meetings }), {
        query: `onBehalfOfSubPartnerOrgId=${encodeURIComponent(SUB)}`,
      }),
      202,
    ) as { url: string };
    w.settle();
    const subId = decodeURIComponent(sub.url.split("/").pop() ?? "");
    const asPartner = ids(w.call("GET", C));
    const asSub = ids(w.call("GET", C, undefined, { query: `onBehalfOfSubPartnerOrgId=${encodeURIComponent(SUB)}` }));
    expect(asPartner).to.include.members([own, theirs]).and.not.include(subId);
    expect(asSub).to.deep.equal([subId]);
    expect(w.call("GET", w.path("customers", subId)).status).to.equal(404);
    expect(w.call("GET", w.path("customers", own), undefined, { query: `onBehalfOfSubPartnerOrgId=${SUB}` }).status).to.equal(404);
    // the hidden customers survive a write made in another scope
    expect(Object.keys(w.state.customers)).to.include.members([own, theirs, subId]);
  });

  it("subscribers follow their customer's scope; emails stay unique across scopes", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const own = w.customer(pid, { externalId: "own", ...meetings });
    const sid = w.subscriber(own, "ada@acme.example");
    const q = { query: `onBehalfOfSubPartnerOrgId=${SUB}` };
    expect(ids(w.call("GET", S, undefined, q))).to.deep.equal([]);
    expect(w.call("GET", w.path("subscribers", sid), undefined, q).status).to.equal(404);
    expect(ids(w.call("GET", S))).to.deep.equal([sid]);
  });

  it("externalIds are unique across the partner and its sub-partners; the 409 names only a customer the caller sees (found by the fuzzer)", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const q = { query: `onBehalfOfSubPartnerOrgId=${encodeURIComponent(SUB)}` };
    const own = w.customer(pid, { externalId: "shared", ...meetings });
    const again = w.call("POST", C, customerBody(pid, { externalId: "shared", ...meetings }), q);
    expect([again.status, codes(again)]).to.deep.equal([409, [1301]]);
    expect(JSON.stringify(again.body)).to.include("a customer of the partner itself").and.not.include(own);
    // and the other way round, on an update too
    w.ok(w.call("POST", C, customerBody(pid, { externalId: "theirs", ...meetings }), q), 202);
    w.settle();
    const renamed = w.call("PUT", w.path("customers", own), { packages: ["webex_meetings"], externalId: "theirs" });
    expect([renamed.status, codes(renamed)]).to.deep.equal([409, [1301]]);
    expect(JSON.stringify(renamed.body)).to.include("a customer of a sub-partner");
    // the same scope still hears which customer
    const same = w.call("POST", C, customerBody(pid, { externalId: "shared", ...meetings }));
    expect(JSON.stringify(same.body)).to.include(`customer ${own}`);
    expect(checkInvariants(w.state).ok).to.equal(true);
  });

  it("refuses an org that is not one of the partner's sub-partners (403) and an empty value (400), saying what to do", () => {
    const w = new World();
    const wrong = w.call("GET", C, undefined, { query: "onBehalfOfSubPartnerOrgId=not-a-sub-partner" });
    expect([wrong.status, codes(wrong)]).to.deep.equal([403, [1403]]);
    expect(JSON.stringify(wrong.body)).to.include("GET /v1/wholesale/subPartners");
    const empty = w.call("GET", C, undefined, { query: "onBehalfOfSubPartnerOrgId=" });
    expect([empty.status, codes(empty)]).to.deep.equal([400, [1001]]);
  });

  it("a suspended sub-partner can read but not create", () => {
    const w = new World({ subPartners: [{ orgId: "sub-x", subscriptionId: "S", provisioningState: "suspended" }] });
    const q = { query: "onBehalfOfSubPartnerOrgId=sub-x" };
    expect(w.call("GET", C, undefined, q).status).to.equal(200);
    const r = w.call("POST", C, { provisioningId: "p" }, q);
    expect([r.status, codes(r)]).to.deep.equal([403, [1403]]);
  });

  it("GET /v1/wholesale/subPartners lists the seeded sub-partner and filters by provisioningState", () => {
    const w = new World();
    const all = w.ok(w.call("GET", "/v1/wholesale/subPartners"), 200)["items"] as { orgId: string; provisioningState: string }[];
    expect(all.map((p) => [p.orgId, p.provisioningState])).to.deep.equal([[SUB, "active"]]);
    const none = w.ok(w.call("GET", "/v1/wholesale/subPartners", undefined, { query: "provisioningState=suspended" }), 200);
    expect(none["items"]).to.deep.equal([]);
  });
});

describe("emulator: consentMove, billing reports, spec fields and filters", () => {
  it("consentMove moves a pending_user_migration subscriber to provisioned; any other is 400 saying why", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const pending = w.subscriber(cid, "free.account@example.com", "webex_meetings", {}, 202);
    const path = `/v1/subscribers/${encodeURIComponent(pending)}/emails/consentMove`;
    expect(w.call("POST", path).status).to.equal(204);
    const after = w.ok(w.call("GET", w.path("subscribers", pending)), 200);
    expect([after["status"], typeof after["personId"]]).to.deep.equal(["provisioned", "string"]);
    const again = w.call("POST", path);
    expect([again.status, codes(again)]).to.deep.equal([400, [1001]]);
    expect(JSON.stringify(again.body)).to.include("pending_user_migration");
  });

  it("billing reports answer 404 saying they are not emulated, not 'No API route'", () => {
    const w = new World();
    for (const [m, p] of [
      ["GET", "/v1/wholesale/billing/reports"],
      ["POST", "/v1/wholesale/billing/reports"],
      ["GET", "/v1/wholesale/billing/reports/abc"],
      ["DELETE", "/v1/wholesale/billing/reports/abc"],
    ] as const) {
      const r = w.call(m, p, m === "POST" ? {} : undefined);
      expect([r.status, codes(r)], `${m} ${p}`).to.deep.equal([404, [1404]]);
      expect(JSON.stringify(r.body)).to.include("not emulated").and.not.include("No API route");
    }
  });

  it("OPTIONS and GET on …/validate list POST only in Allow (not the {id} route's methods)", () => {
    const w = new World();
    for (const p of [`${C}/validate`, `${S}/validate`]) {
      const r = w.call("OPTIONS", p);
      expect([r.status, r.headers["Allow"]]).to.deep.equal([405, "POST"]);
      expect(w.call("GET", p).headers["Allow"]).to.equal("POST");
    }
    expect(w.call("OPTIONS", `${C}/some-id`).headers["Allow"]).to.equal("GET, PUT, DELETE");
  });

  it("accepts the spec's subPartnerAdminEmail on POST customers and provisioningId/customerInfo on the subscriber precheck", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const cid = w.customer(pid, { subPartnerAdminEmail: "admin@sub.example" });
    expect(w.state.customers[cid]?.subPartnerAdminEmail).to.equal("admin@sub.example");
    const ok = w.call("POST", `${S}/validate`, {
      email: "new@acme.example",
      provisioningId: pid,
      customerInfo: { primaryEmail: "a@b.example" },
    });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const bad = w.call("POST", `${S}/validate`, { email: "new@acme.example", provisioningId: "nope" });
    expect([bad.status, codes(bad)]).to.deep.equal([400, [1001]]);
  });

  it("POST subscribers requires provisioningParameters, as the spec does", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const r = w.call("POST", S, { customerId: cid, email: "b@acme.example", packages: ["webex_meetings"] });
    expect([r.status, codes(r)]).to.deep.equal([400, [1001]]);
    expect(JSON.stringify(r.body)).to.include("provisioningParameters");
  });

  it("customers status filter takes repeated values and the comma form", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const a = w.customer(pid, { externalId: "a", ...meetings });
    const b = w.customer(pid, { externalId: "b", ...meetings }, false);
    const one = (q: string): string[] => ids(w.call("GET", C, undefined, { query: q })).sort();
    expect(one("status=provisioning")).to.deep.equal([b]);
    expect(one("status=provisioning,provisioned")).to.deep.equal([a, b].sort());
    expect(one("status=provisioning&status=provisioned")).to.deep.equal([a, b].sort());
    expect(one("status=error")).to.deep.equal([]);
  });

  it("subscribers: personId, after, lastStatusChange, sortBy and sortOrder filter and order", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const first = w.subscriber(cid, "a@acme.example");
    const t1 = w.now;
    w.now += 1000;
    const second = w.subscriber(cid, "b@acme.example");
    const q = (query: string): string[] =>
      (w.ok(w.call("GET", S, undefined, { query }), 200)["items"] as { id: string }[]).map((i) => i.id);
    const person = String(w.state.subscribers[second]?.personId);
    expect(q(`personId=${encodeURIComponent(person)}`)).to.deep.equal([second]);
    expect(q(`after=${t1}`)).to.deep.equal([second]);
    expect(q(`after=${encodeURIComponent(new Date(t1 - 1).toISOString())}`)).to.deep.equal([first, second]);
    expect(q(`lastStatusChange=${t1}`)).to.deep.equal([second]);
    expect(q("sortBy=created&sortOrder=DESC")).to.deep.equal([second, first]);
    expect(q("sortBy=lastStatusChange&sortOrder=asc")).to.deep.equal([first, second]);
    for (const bad of ["sortBy=name", "sortOrder=up", "after=yesterday"]) {
      expect(codes(w.call("GET", S, undefined, { query: bad })), bad).to.deep.equal([1001]);
    }
  });

  it("includePackageLicenseInfo=true adds licenseIds to provisioned packages only", () => {
    const w = new World();
    const cid = w.customer(w.template()["provisioningId"] ?? "");
    const plain = w.ok(w.call("GET", w.path("customers", cid)), 200) as { resourceDetails: { packages: Record<string, unknown>[] } };
    expect(plain.resourceDetails.packages.every((p) => p["licenseIds"] === undefined)).to.equal(true);
    const withIds = w.ok(w.call("GET", w.path("customers", cid), undefined, { query: "includePackageLicenseInfo=true" }), 200) as {
      resourceDetails: { packages: { licenseIds?: string[] }[] };
    };
    expect(withIds.resourceDetails.packages.map((p) => p.licenseIds?.length)).to.deep.equal([1, 1]);
  });
});

describe("emulator: package statuses through an update and a delete (found by the fuzzer's sequences)", () => {
  // Cisco's enum for resourceDetails.packages[].status, read from the vendored spec
  const spec = JSON.parse(readFileSync(join(__dirname, "../../api-fuzz/specs/webex-wholesale.json"), "utf8")) as {
    components: { schemas: { Package: { properties: { status: { enum: string[] } } } } };
  };
  const allowed = spec.components.schemas.Package.properties.status.enum;
  const packages = (w: World, id: string): Record<string, string> =>
    Object.fromEntries(
      (
        w.ok(w.call("GET", w.path("customers", id)), 200) as { resourceDetails: { packages: { name: string; status: string }[] } }
      ).resourceDetails.packages.map((p) => [p.name, p.status]),
    );

  it("an update shows kept packages provisioned and added ones provisioning, never the customer's 'updating'", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const id = w.customer(pid, { externalId: "pkg-1", ...meetings });
    w.ok(w.call("PUT", w.path("customers", id), { packages: ["webex_meetings", "webex_calling"], ...CALLING }), 202);
    const during = packages(w, id);
    expect(during).to.deep.equal({ webex_meetings: "provisioned", webex_calling: "provisioning" });
    expect(Object.values(during).every((s) => allowed.includes(s))).to.equal(true);
    w.settle();
    expect(packages(w, id)).to.deep.equal({ webex_meetings: "provisioned", webex_calling: "provisioned" });
  });

  it("a delete shows every package deleting until the customer is gone", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const id = w.customer(pid, { externalId: "pkg-2", ...meetings });
    w.ok(w.call("DELETE", w.path("customers", id)), 202);
    expect(packages(w, id)).to.deep.equal({ webex_meetings: "deleting" });
    expect(allowed).to.include("deleting");
    w.settle();
    expect(w.call("GET", w.path("customers", id)).status).to.equal(404);
  });
});

describe("emulator: the number inventory carries every field Cisco's spec requires (found by the fuzzer's sequences)", () => {
  const spec = JSON.parse(readFileSync(join(__dirname, "../../api-fuzz/specs/webex-calling-locations.json"), "utf8")) as {
    components: { schemas: Record<string, { required: string[] }> };
  };
  const required =
    spec.components.schemas["Get_Phone_Numbers_for_an_Organization_with_Given_Criterias_200_response_phoneNumbers_inner"]!.required;

  it("a number no one holds lists phoneNumberType too, as a held one does", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const id = w.customer(pid, { externalId: "numbers" });
    const org = { query: `orgId=${encodeURIComponent(w.state.customers[id]?.orgId ?? "")}` };
    const hq = encodeURIComponent(w.location(id));
    w.ok(w.call("PUT", `/v1/telephony/pstn/locations/${hq}/connection`, { id: "lgw-1" }, org), 204);
    w.ok(w.call("POST", `/v1/telephony/config/locations/${hq}/numbers`, { phoneNumbers: ["+12145550101"], state: "ACTIVE" }, org), 200);
    w.subscriber(id, "ada@numbers.example", "webex_calling", { primaryPhoneNumber: "+12145550101", locationId: w.location(id) });
    w.ok(w.call("POST", `/v1/telephony/config/locations/${hq}/numbers`, { phoneNumbers: ["+12145550102"] }, org), 200);
    const items = w.ok(w.call("GET", "/v1/telephony/config/numbers", undefined, org), 200)["phoneNumbers"] as Record<string, unknown>[];
    expect(items.map((n) => [n["phoneNumber"], n["owner"] !== undefined])).to.deep.equal([
      ["+12145550101", true],
      ["+12145550102", false],
    ]);
    for (const n of items) expect(Object.keys(n), String(n["phoneNumber"])).to.include.members(required);
    expect(items.map((n) => n["phoneNumberType"])).to.deep.equal(["PRIMARY", "PRIMARY"]);
  });
});

describe("emulator: a malformed write on a busy customer (found by the fuzzer's sequences)", () => {
  it("is 400 for its body, not 423, on a customer as on its subscribers; a well-formed one is 423", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const id = w.customer(pid, { externalId: "busy", ...meetings }, false);
    const bad = w.call("PUT", w.path("customers", id), { packages: ["webex_meetings"], externalId: null });
    expect([bad.status, codes(bad)]).to.deep.equal([400, [1001]]);
    const badUser = w.call("POST", S, { customerId: id, email: "not-an-email", provisioningParameters: {} });
    expect(badUser.status).to.equal(400);
    const fine = w.call("PUT", w.path("customers", id), { packages: ["webex_meetings"] });
    expect([fine.status, codes(fine)]).to.deep.equal([423, [1423]]);
  });
});

describe("emulator: a write sent without a body (found by the fuzzer's sequences)", () => {
  it("is told a JSON body is required, on the wholesale and the Calling API alike", () => {
    const w = new World();
    const pid = w.template()["provisioningId"] ?? "";
    const id = w.customer(pid, { externalId: "nobody", ...meetings });
    const orgId = String(w.ok(w.call("GET", w.path("customers", id)), 200)["orgId"]);
    for (const [method, path, query] of [
      ["POST", C, ""],
      ["PUT", w.path("customers", id), ""],
      ["POST", S, ""],
      ["POST", "/v1/locations", `orgId=${encodeURIComponent(orgId)}`],
    ] as const) {
      const r = w.call(method, path, undefined, { query });
      expect(r.status, `${method} ${path}`).to.equal(400);
      const errors = (r.body as { errors: { errorCode: number; description: string }[] }).errors;
      expect(errors, `${method} ${path}`).to.deep.equal([
        {
          errorCode: 1001,
          description: "(body): a JSON body is required; send one with Content-Type: application/json and this operation's fields",
        },
      ]);
    }
  });

  it("an empty object still gets each missing field named, not the missing-body message", () => {
    const w = new World();
    const r = w.call("POST", C, {});
    expect(codes(r)).to.include(1001);
    const text = JSON.stringify(r.body);
    expect(text).to.include("provisioningId").and.not.include("JSON body is required");
  });
});

describe("emulator server: Location and Link do not echo the Host header", () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0 });
  });
  after(() => emu.close());

  function withHost(path: string, method: string, body?: unknown): Promise<Record<string, string | string[] | undefined>> {
    return new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${emu.url}${path}`,
        {
          method,
          headers: {
            Host: "evil.example:666",
            Authorization: `Bearer ${emu.token}`,
            ...(text !== undefined ? { "Content-Type": "application/json" } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.headers));
        },
      );
      req.on("error", reject);
      req.end(text);
    });
  }

  it("Location of a create and Link of a list use the emulator's own origin", async () => {
    const pid = await template(emu);
    const created = await withHost(C, "POST", meetingsCustomer(pid, "host-1"));
    expect(created["location"])
      .to.be.a("string")
      .and.match(new RegExp(`^${emu.url}/`));
    await api(emu, "POST", C, meetingsCustomer(pid, "host-2"));
    const listed = await withHost(`${C}?max=1`, "GET");
    expect(String(listed["link"])).to.include(emu.url).and.not.include("evil.example");
  });

  it("publicUrl replaces the origin when clients reach the emulator through another address", async () => {
    const other = await startEmulator({ rateLimit: false, provisioningDelayMs: 0, publicUrl: "https://emu.example:8443/" });
    try {
      const pid = await template(other);
      const r = await api(other, "POST", C, meetingsCustomer(pid, "pub-1"));
      expect(r.headers.get("location")).to.match(/^https:\/\/emu\.example:8443\/v1\/wholesale\/customers\//);
    } finally {
      await other.close();
    }
  });
});
