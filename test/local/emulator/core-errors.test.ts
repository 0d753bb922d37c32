// Every error code of the reference's table, one named case per rule: each case builds its
// situation through the API and checks that the core answers with that code, the status of
// the catalog, the reference's JSON shape and the TrackingID header. A last test fails when a
// code of the reference is produced by no case.
import { expect } from "chai";
import type { ApiResponse } from "../../../local/emulator/core/catalog";
import { ERROR_CATALOG, ErrorBodySchema } from "../../../local/emulator/core/catalog";
import { DEFAULT_ORGS } from "../../../local/emulator/core/state";
import { codes, customerBody, LOCATION, TEMPLATE, World } from "./world";

const C = "/v1/wholesale/customers";
const S = "/v1/wholesale/subscribers";
const T = "/v1/wholesale/onboardingTemplates";
const MIGRATING_ORG = DEFAULT_ORGS.find((o) => o.migratingFromBroadWorks === true)?.orgId ?? "";
const PLAIN_ORG = DEFAULT_ORGS.find((o) => o.migratingFromBroadWorks !== true)?.orgId ?? "";

/** A world with a template and an unlimited calling+meetings customer, provisioned. */
function basic(): { w: World; pid: string; cid: string; tid: string } {
  const w = new World();
  const t = w.template();
  const cid = w.customer(t["provisioningId"] ?? "");
  return { w, pid: t["provisioningId"] ?? "", cid, tid: t["id"] ?? "" };
}

/** A world with a limited customer: webex_calling 2, webex_meetings 3 (subscription maximum 50). */
function limited(): { w: World; pid: string; cid: string } {
  const w = new World({ subscriptions: { "Sub-123": { webex_calling: 50, webex_meetings: 50 } } });
  const pid = w.template()["provisioningId"] ?? "";
  const cid = w.customer(pid, {
    provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 2, webex_meetings: 3 } } },
  });
  return { w, pid, cid };
}

const limitedPut = (w: World, cid: string, limits: Record<string, unknown> | undefined, packages = ["webex_calling", "webex_meetings"]) =>
  w.call("PUT", w.path("customers", cid), {
    packages,
    provisioningParameters: { calling: { location: LOCATION }, ...(limits !== undefined ? { packages: { limits } } : {}) },
  });

interface Case {
  name: string;
  code: number;
  run: () => ApiResponse;
  /** Text the description must contain (the field or the reason). */
  mentions?: string;
}

const cases: Case[] = [
  // 1001 validation
  {
    name: "an address line over 50 characters",
    code: 1001,
    mentions: "address.addressLine1",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", address: { addressLine1: "x".repeat(51), city: "A", country: "US" } }));
    },
  },
  {
    name: "a country that is not ISO alpha-2",
    code: 1001,
    mentions: "address.country",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", address: { addressLine1: "1", city: "A", country: "USA" } }));
    },
  },
  {
    name: "a customer name with %",
    code: 1001,
    mentions: "customerInfo.name",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", customerInfo: { name: "100% Acme", primaryEmail: "a@b.example" } }));
    },
  },
  {
    name: "an unknown body field",
    code: 1001,
    mentions: "colour",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", colour: "blue" }));
    },
  },
  {
    name: "an unknown provisioningId",
    code: 1001,
    mentions: "provisioningId",
    run: () => basic().w.call("POST", C, customerBody("no-such-template", { externalId: "x" })),
  },
  {
    name: "customerInfo missing without orgId",
    code: 1001,
    mentions: "customerInfo",
    run: () => {
      const { w, pid } = basic();
      const body = customerBody(pid, { externalId: "x" });
      delete body["customerInfo"];
      return w.call("POST", C, body);
    },
  },
  {
    name: "a calling package without calling.location",
    code: 1001,
    mentions: "provisioningParameters.calling.location",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", provisioningParameters: {} }));
    },
  },
  {
    name: "an orgId that is no existing org",
    code: 1001,
    mentions: "orgId",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", orgId: "bm8tc3VjaC1vcmc=" }));
    },
  },
  {
    name: "a limit for a package the customer does not order",
    code: 1001,
    mentions: "limits.webex_suite",
    run: () => {
      const { w, pid } = basic();
      return w.call(
        "POST",
        C,
        customerBody(pid, {
          externalId: "x",
          provisioningParameters: {
            calling: { location: LOCATION },
            packages: { limits: { webex_calling: 1, webex_meetings: 1, webex_suite: 1 } },
          },
        }),
      );
    },
  },
  {
    name: "changing provisioningId on PUT",
    code: 1001,
    mentions: "provisioningId",
    run: () => {
      const { w, cid } = basic();
      return w.call("PUT", w.path("customers", cid), {
        packages: ["webex_calling", "webex_meetings"],
        provisioningId: "other",
        provisioningParameters: { calling: { location: LOCATION } },
      });
    },
  },
  {
    name: "a subscriber with both packages and package",
    code: 1001,
    mentions: "packages",
    run: () => {
      const { w, cid } = basic();
      return w.call("POST", S, {
        customerId: cid,
        email: "b@acme.example",
        packages: ["webex_meetings"],
        package: "webex_meetings",
        provisioningParameters: {},
      });
    },
  },
  {
    name: "a calling subscriber whose locationId is not the customer's",
    code: 1001,
    mentions: "locationId",
    run: () => {
      const { w, cid } = basic();
      return w.call("POST", S, {
        customerId: cid,
        email: "b@acme.example",
        packages: ["webex_calling"],
        provisioningParameters: { extension: "1234", locationId: "elsewhere" },
      });
    },
  },
  {
    name: "a subscriber list asking for more than 100",
    code: 1001,
    mentions: "max",
    run: () => basic().w.call("GET", S, undefined, { query: "max=101" }),
  },
  {
    name: "a partner_saml template without idpEntityId",
    code: 1001,
    mentions: "authentication.idpEntityId",
    run: () => new World().call("POST", T, { ...TEMPLATE, authentication: { type: "partner_saml" } }),
  },
  // 1002 packages
  {
    name: "an unknown customer package",
    code: 1002,
    mentions: "webex_fax",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", packages: ["webex_meetings", "webex_fax"] }));
    },
  },
  {
    name: "a subscriber package that cannot be assigned to a user",
    code: 1002,
    mentions: "common_area_calling",
    run: () => {
      const { w, cid } = basic();
      return w.call("POST", S, { customerId: cid, email: "b@acme.example", packages: ["common_area_calling"], provisioningParameters: {} });
    },
  },
  // 1003 dependencies
  {
    name: "cisco_calling_plan without a calling package",
    code: 1003,
    mentions: "cisco_calling_plan",
    run: () => {
      const { w, pid } = basic();
      return w.call(
        "POST",
        C,
        customerBody(pid, { externalId: "x", packages: ["webex_meetings", "cisco_calling_plan"], provisioningParameters: {} }),
      );
    },
  },
  {
    name: "attendant_console with webex_voice only",
    code: 1003,
    mentions: "attendant_console",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid, { externalId: "x", packages: ["webex_voice", "attendant_console"] }));
    },
  },
  // limits 1101-1108
  {
    name: "a limit of zero",
    code: 1101,
    mentions: "webex_meetings",
    run: () => {
      const { w, pid } = basic();
      return w.call(
        "POST",
        C,
        customerBody(pid, {
          externalId: "x",
          provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 1, webex_meetings: 0 } } },
        }),
      );
    },
  },
  {
    name: "a fractional limit",
    code: 1101,
    mentions: "1.5",
    run: () => {
      const { w, pid } = basic();
      return w.call(
        "POST",
        C,
        customerBody(pid, {
          externalId: "x",
          provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 1.5, webex_meetings: 1 } } },
        }),
      );
    },
  },
  {
    name: "lowering a limit",
    code: 1102,
    mentions: "lower",
    run: () => {
      const { w, cid } = limited();
      return limitedPut(w, cid, { webex_calling: 1, webex_meetings: 3 });
    },
  },
  {
    name: "a limit above the subscription maximum",
    code: 1103,
    mentions: "50",
    run: () => {
      const { w, cid } = limited();
      return limitedPut(w, cid, { webex_calling: 51, webex_meetings: 3 });
    },
  },
  {
    name: "limits added to a customer created without",
    code: 1104,
    mentions: "without limits",
    run: () => {
      const { w, cid } = basic();
      return limitedPut(w, cid, { webex_calling: 5, webex_meetings: 5 });
    },
  },
  {
    name: "limits dropped from a customer created with",
    code: 1105,
    mentions: "with limits",
    run: () => {
      const { w, cid } = limited();
      return limitedPut(w, cid, undefined);
    },
  },
  {
    name: "limits for some limitable packages and not others",
    code: 1106,
    mentions: "webex_meetings",
    run: () => {
      const { w, pid } = basic();
      return w.call(
        "POST",
        C,
        customerBody(pid, {
          externalId: "x",
          provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 5 } } },
        }),
      );
    },
  },
  {
    name: "a limit on cisco_calling_plan",
    code: 1107,
    mentions: "cisco_calling_plan",
    run: () => {
      const { w, pid } = basic();
      return w.call(
        "POST",
        C,
        customerBody(pid, {
          externalId: "x",
          packages: ["webex_calling", "cisco_calling_plan"],
          provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 5, cisco_calling_plan: 5 } } },
        }),
      );
    },
  },
  {
    name: "limits on an org migrating from Webex for BroadWorks",
    code: 1108,
    mentions: "BroadWorks",
    run: () => {
      const { w, pid } = basic();
      const body = customerBody(pid, {
        externalId: "x",
        orgId: MIGRATING_ORG,
        provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 5, webex_meetings: 5 } } },
      });
      delete body["customerInfo"];
      return w.call("POST", C, body);
    },
  },
  {
    name: "removing a package still assigned to subscribers",
    code: 1109,
    mentions: "webex_meetings",
    run: () => {
      const { w, cid } = basic();
      w.subscriber(cid, "user@acme.example");
      return w.call("PUT", w.path("customers", cid), {
        packages: ["webex_calling"],
        provisioningParameters: { calling: { location: LOCATION } },
      });
    },
  },
  // subscribers 1201-1203
  {
    name: "a subscriber beyond the package's limit",
    code: 1201,
    mentions: "licences",
    run: () => {
      const { w, cid } = limited();
      for (const n of [1, 2, 3]) w.subscriber(cid, `m${n}@acme.example`);
      return w.call("POST", S, { customerId: cid, email: "m4@acme.example", packages: ["webex_meetings"], provisioningParameters: {} });
    },
  },
  {
    name: "a subscriber package the customer does not have",
    code: 1201,
    mentions: "webex_suite",
    run: () => {
      const { w, cid } = basic();
      return w.call("POST", S, { customerId: cid, email: "b@acme.example", packages: ["webex_suite"], provisioningParameters: {} });
    },
  },
  {
    name: "the administrator with a package below the admin package",
    code: 1202,
    mentions: "webex_calling",
    run: () => {
      const { w, cid } = basic();
      return w.call("POST", S, { customerId: cid, email: "ADMIN@acme.example", packages: ["webex_meetings"], provisioningParameters: {} });
    },
  },
  {
    name: "the administrator moved to a lower package",
    code: 1202,
    mentions: "administrator",
    run: () => {
      const { w, cid } = basic();
      const id = w.subscriber(cid, "admin@acme.example", "webex_calling", { extension: "1000", locationId: w.location(cid) });
      return w.call("PUT", w.path("subscribers", id), { packages: ["webex_meetings"] });
    },
  },
  {
    name: "a calling subscriber without number or extension",
    code: 1203,
    mentions: "primaryPhoneNumber or extension",
    run: () => {
      const { w, cid } = basic();
      return w.call("POST", S, {
        customerId: cid,
        email: "b@acme.example",
        packages: ["webex_calling"],
        provisioningParameters: { locationId: w.location(cid) },
      });
    },
  },
  // conflicts
  {
    name: "a second customer with the same externalId",
    code: 1301,
    mentions: "acme-001",
    run: () => {
      const { w, pid } = basic();
      return w.call("POST", C, customerBody(pid));
    },
  },
  {
    name: "a customer PUT taking another customer's externalId",
    code: 1301,
    mentions: "acme-001",
    run: () => {
      const { w, pid } = basic();
      const other = w.customer(pid, { externalId: "other-002", packages: ["webex_meetings"], provisioningParameters: {} });
      return w.call("PUT", w.path("customers", other), { packages: ["webex_meetings"], externalId: "acme-001" });
    },
  },
  {
    name: "an email already used in another customer",
    code: 10022,
    mentions: "already associated",
    run: () => {
      const { w, pid, cid } = basic();
      w.subscriber(cid, "ada@acme.example");
      const other = w.customer(pid, { externalId: "other-002", packages: ["webex_meetings"], provisioningParameters: {} });
      return w.call("POST", S, { customerId: other, email: "Ada@Acme.example", packages: ["webex_meetings"], provisioningParameters: {} });
    },
  },
  {
    name: "a phone number already used in the customer",
    code: 1303,
    mentions: "+14155550100",
    run: () => {
      const { w, cid } = basic();
      const loc = w.location(cid);
      w.subscriber(cid, "a@acme.example", "webex_calling", { primaryPhoneNumber: "+14155550100", locationId: loc });
      return w.call("POST", S, {
        customerId: cid,
        email: "b@acme.example",
        packages: ["webex_calling"],
        provisioningParameters: { primaryPhoneNumber: "+14155550100", locationId: loc },
      });
    },
  },
  {
    name: "an extension already used in the customer",
    code: 1303,
    mentions: "extension",
    run: () => {
      const { w, cid } = basic();
      const loc = w.location(cid);
      w.subscriber(cid, "a@acme.example", "webex_calling", { extension: "0100", locationId: loc });
      return w.call("POST", S, {
        customerId: cid,
        email: "b@acme.example",
        packages: ["webex_calling"],
        provisioningParameters: { extension: "0100", locationId: loc },
      });
    },
  },
  {
    name: "deleting a template still used by a customer",
    code: 1304,
    mentions: "used by 1 customer",
    run: () => {
      const { w, tid } = basic();
      return w.call("DELETE", w.path("onboardingTemplates", tid));
    },
  },
  {
    name: "a second template with the same name (case-insensitive)",
    code: 1305,
    mentions: "SMB US",
    run: () => {
      const w = new World();
      w.template();
      return w.call("POST", T, { ...TEMPLATE, name: "smb us" });
    },
  },
  {
    name: "renaming a template to a taken name",
    code: 1305,
    mentions: "SMB US",
    run: () => {
      const w = new World();
      w.template();
      const other = w.template({ name: "Other" });
      return w.call("PUT", w.path("onboardingTemplates", other["id"] ?? ""), { ...TEMPLATE });
    },
  },
  // 404
  {
    name: "an unknown customer id",
    code: 1404,
    mentions: "customer",
    run: () => basic().w.call("GET", `${C}/${encodeURIComponent("nope==")}`),
  },
  { name: "an unknown subscriber id", code: 1404, mentions: "subscriber", run: () => basic().w.call("DELETE", `${S}/nope`) },
  { name: "an unknown template id", code: 1404, mentions: "template", run: () => basic().w.call("PUT", `${T}/nope`, TEMPLATE) },
  {
    name: "a subscriber for an unknown customer",
    code: 1404,
    mentions: "customer",
    run: () =>
      basic().w.call("POST", S, { customerId: "nope", email: "b@acme.example", packages: ["webex_meetings"], provisioningParameters: {} }),
  },
  {
    name: "an unknown API path",
    code: 1404,
    mentions: "/v1/wholesale/partners",
    run: () => basic().w.call("GET", "/v1/wholesale/partners"),
  },
  { name: "a method the path does not take", code: 1405, mentions: "PATCH", run: () => basic().w.call("PATCH", C) },
  // 423
  {
    name: "updating a customer while it is provisioning",
    code: 1423,
    mentions: "provisioning",
    run: () => {
      const { w, pid } = basic();
      const id = w.customer(pid, { externalId: "new-002", packages: ["webex_meetings"], provisioningParameters: {} }, false);
      return w.call("PUT", w.path("customers", id), { packages: ["webex_meetings"] });
    },
  },
  {
    name: "deleting a customer while it is deleting",
    code: 1423,
    mentions: "deleting",
    run: () => {
      const { w, cid } = basic();
      w.ok(w.call("DELETE", w.path("customers", cid)), 202);
      return w.call("DELETE", w.path("customers", cid));
    },
  },
  {
    name: "adding a subscriber to a customer that is updating",
    code: 1423,
    mentions: "updating",
    run: () => {
      const { w, cid } = basic();
      w.ok(w.call("PUT", w.path("customers", cid), { packages: ["webex_calling", "webex_meetings"], provisioningParameters: {} }), 202);
      return w.call("POST", S, { customerId: cid, email: "b@acme.example", packages: ["webex_meetings"], provisioningParameters: {} });
    },
  },
  // auth
  { name: "no Authorization header", code: 1401, mentions: "Bearer", run: () => basic().w.call("GET", C, undefined, { token: null }) },
  {
    name: "an unknown token",
    code: 1401,
    mentions: "not valid",
    run: () => basic().w.call("GET", C, undefined, { token: "who-knows-this-token" }),
  },
  {
    name: "a token without the write scope",
    code: 1403,
    mentions: "spark-admin:wholesale_customers_write",
    run: () => {
      const w = new World({ tokens: [{ token: "read-only-token", scopes: ["spark-admin:wholesale_customers_read"] }] });
      return w.call("POST", T, TEMPLATE, { token: "read-only-token" });
    },
  },
  {
    name: "a token without the locations scope",
    code: 1403,
    mentions: "spark-admin:locations_read",
    run: () => {
      const w = new World({ tokens: [{ token: "no-locations-token", scopes: ["spark-admin:wholesale_customers_read"] }] });
      return w.call("GET", "/v1/locations", undefined, { token: "no-locations-token" });
    },
  },
];

describe("emulator core: error codes", () => {
  const seen = new Set<number>();

  for (const c of cases) {
    it(`${c.code} — ${c.name}`, () => {
      const r = c.run();
      const body = ErrorBodySchema.parse(r.body);
      expect(codes(r), JSON.stringify(body)).to.include(c.code);
      const catalogStatus = ERROR_CATALOG[c.code as keyof typeof ERROR_CATALOG].status;
      expect(r.status).to.equal(catalogStatus);
      expect(r.headers["TrackingID"])
        .to.equal(body.trackingId)
        .and.match(/^ROUTER_/);
      if (c.mentions !== undefined) expect(body.errors.map((e) => e.description).join(" ")).to.include(c.mentions);
      if (c.code === 1423) expect(Number(r.headers["Retry-After"])).to.be.at.least(1);
      seen.add(c.code);
    });
  }

  it("every code of the reference's table (and 401/403) is produced by some case above", () => {
    // 1429 comes from the server's rate limiter, not the core (see server-transport.test.ts)
    const reference = [
      1001, 1002, 1003, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109, 1201, 1202, 1203, 1404, 1301, 10022, 1303, 1304, 1305, 1423,
      1401, 1403,
    ];
    const produced = new Set(cases.map((c) => c.code));
    expect(reference.filter((code) => !produced.has(code))).to.deep.equal([]);
    expect(
      reference.filter((code) => !seen.has(code)),
      "codes whose case did not pass",
    ).to.deep.equal([]);
  });

  it("an attach to a plain existing org with limits is accepted (1108 only for migrating orgs)", () => {
    const { w, pid } = basic();
    const body = customerBody(pid, {
      externalId: "attached",
      orgId: PLAIN_ORG,
      provisioningParameters: { calling: { location: LOCATION }, packages: { limits: { webex_calling: 5, webex_meetings: 5 } } },
    });
    delete body["customerInfo"];
    w.ok(w.call("POST", C, body), 202);
  });

  it("a 423 announces the remaining provisioning time, rounded up to whole seconds", () => {
    const { w, pid } = basic();
    w.delayMs = 2500;
    const id = w.customer(pid, { externalId: "slow", packages: ["webex_meetings"], provisioningParameters: {} }, false);
    w.now += 200;
    const r = w.call("DELETE", w.path("customers", id));
    expect([r.status, r.headers["Retry-After"]]).to.deep.equal([423, "3"]);
  });
});
