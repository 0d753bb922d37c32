import { expect } from "chai";
import { checkCustomerOrg } from "../../../../provider/resources/customer-org/check";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { PACKAGE_NAMES } from "../../../../provider/packages";
import { orgArgs, setPath, unlimitedOrgArgs } from "../check-fixtures";

type Path = (string | number)[];

/** A case that must fail: the failures' properties, in order, and what the first reason says. */
interface FailingCase {
  name: string;
  input: Record<string, unknown>;
  properties: string[];
  reason: RegExp;
}

const change = (path: Path, v: unknown) => setPath(orgArgs(), path, v);

const failing: FailingCase[] = [
  {
    name: "provisioningId missing",
    input: change(["provisioningId"], undefined),
    properties: ["provisioningId"],
    reason: /required.*template/,
  },
  { name: "provisioningId empty", input: change(["provisioningId"], ""), properties: ["provisioningId"], reason: /empty/ },
  { name: "externalId longer than 64", input: change(["externalId"], "x".repeat(65)), properties: ["externalId"], reason: /at most 64/ },
  {
    name: "externalId not a string",
    input: change(["externalId"], 42),
    properties: ["externalId"],
    reason: /must be a string, not number 42/,
  },
  { name: "existingOrgId empty", input: change(["existingOrgId"], ""), properties: ["existingOrgId"], reason: /empty/ },
  { name: "companyName with %", input: change(["companyName"], "100% Acme"), properties: ["companyName"], reason: /%/ },
  {
    name: "companyName longer than 120",
    input: change(["companyName"], "a".repeat(121)),
    properties: ["companyName"],
    reason: /at most 120/,
  },
  {
    name: "companyName missing without existingOrgId",
    input: change(["companyName"], undefined),
    properties: ["companyName"],
    reason: /existingOrgId/,
  },
  {
    name: "adminEmail missing without existingOrgId",
    input: change(["adminEmail"], undefined),
    properties: ["adminEmail"],
    reason: /administrator/,
  },
  { name: "adminEmail not an email", input: change(["adminEmail"], "admin-at-acme"), properties: ["adminEmail"], reason: /not an email/ },
  { name: "language not a locale", input: change(["language"], "english"), properties: ["language"], reason: /en_US/ },
  {
    name: "supportedLocationConfirmed false",
    input: change(["supportedLocationConfirmed"], false),
    properties: ["supportedLocationConfirmed"],
    reason: /must be true/,
  },
  {
    name: "supportedLocationConfirmed missing",
    input: change(["supportedLocationConfirmed"], undefined),
    properties: ["supportedLocationConfirmed"],
    reason: /required.*true/,
  },
  { name: "address missing", input: change(["address"], undefined), properties: ["address"], reason: /required/ },
  { name: "address not an object", input: change(["address"], "1 Main St"), properties: ["address"], reason: /must be an address object/ },
  {
    name: "address.line1 longer than 50",
    input: change(["address", "line1"], "l".repeat(51)),
    properties: ["address.line1"],
    reason: /51 characters.*50/,
  },
  {
    name: "address.line2 longer than 50",
    input: change(["address", "line2"], "l".repeat(51)),
    properties: ["address.line2"],
    reason: /at most 50/,
  },
  { name: "address.city missing", input: change(["address", "city"], undefined), properties: ["address.city"], reason: /required/ },
  {
    name: "address.country not ISO alpha-2",
    input: change(["address", "country"], "USA"),
    properties: ["address.country"],
    reason: /ISO 3166-1 alpha-2/,
  },
  { name: "address.country unassigned code", input: change(["address", "country"], "XX"), properties: ["address.country"], reason: /ISO/ },
  {
    name: "US address without stateOrProvince",
    input: change(["address", "stateOrProvince"], undefined),
    properties: ["address.stateOrProvince"],
    reason: /required for an address in US/,
  },
  {
    name: "US address without postalCode",
    input: change(["address", "postalCode"], undefined),
    properties: ["address.postalCode"],
    reason: /postal code/,
  },
  {
    name: "CA address (lower-case country) without postalCode",
    input: setPath(change(["address", "country"], "ca"), ["address", "postalCode"], undefined),
    properties: ["address.postalCode"],
    reason: /in CA/,
  },
  {
    name: "headquarters address in US without stateOrProvince",
    input: change(["headquarters", "address"], { line1: "2 Elm", city: "Austin", postalCode: "73301", country: "US" }),
    properties: ["headquarters.address.stateOrProvince"],
    reason: /required for an address in US/,
  },
  { name: "packages empty", input: change(["packages"], []), properties: ["packages"], reason: /at least one package/ },
  {
    name: "packages not a list",
    input: change(["packages"], { name: "webex_calling" }),
    properties: ["packages"],
    reason: /list of packages/,
  },
  {
    name: "package entry not an object",
    input: change(["packages", 1], "webex_meetings"),
    properties: ["packages[1]"],
    reason: /package object/,
  },
  {
    name: "unknown package name",
    input: change(["packages", 1, "name"], "webex_teams"),
    properties: ["packages[1].name"],
    reason: /"webex_teams" is not a Webex Wholesale package; use one of .*webex_calling/,
  },
  {
    name: "duplicate package",
    input: change(["packages", 1], { name: "webex_calling", quantity: 5 }),
    properties: ["packages[1].name"],
    reason: /already listed at packages\[0\]/,
  },
  { name: "quantity zero", input: change(["packages", 0, "quantity"], 0), properties: ["packages[0].quantity"], reason: /at least 1/ },
  { name: "quantity negative", input: change(["packages", 0, "quantity"], -3), properties: ["packages[0].quantity"], reason: /at least 1/ },
  {
    name: "quantity fractional",
    input: change(["packages", 0, "quantity"], 2.5),
    properties: ["packages[0].quantity"],
    reason: /whole number/,
  },
  {
    name: "quantity as text",
    input: change(["packages", 0, "quantity"], "10"),
    properties: ["packages[0].quantity"],
    reason: /whole number/,
  },
  {
    name: "quantity missing for one limitable package (no mixing)",
    input: change(["packages", 1, "quantity"], undefined),
    properties: ["packages[1].quantity"],
    reason: /limited because packages\[0\] \(webex_calling\).*cannot mix/,
  },
  {
    name: "quantity on cisco_calling_plan",
    input: change(["packages", 2], { name: "cisco_calling_plan", quantity: 10 }),
    properties: ["packages[2].quantity"],
    reason: /cisco_calling_plan cannot carry a quantity/,
  },
  {
    name: "quantity on a contact-centre package (unlimited customer)",
    input: setPath(unlimitedOrgArgs(), ["packages", 1], { name: "cx_premium_agent", quantity: 3 }),
    properties: ["packages[1].quantity"],
    reason: /cx_premium_agent cannot carry a quantity/,
  },
  {
    name: "cisco_calling_plan without a calling package",
    input: setPath(unlimitedOrgArgs(), ["packages", 1], { name: "cisco_calling_plan" }),
    properties: ["packages[1].name"],
    reason: /cisco_calling_plan needs one of .*webex_calling/,
  },
  {
    name: "attendant_console without webex_calling, webex_suite or cx_essentials",
    input: setPath(change(["packages"], [{ name: "webex_voice", quantity: 5 }]), ["packages", 1], {
      name: "attendant_console",
      quantity: 1,
    }),
    properties: ["packages[1].name"],
    reason: /attendant_console needs one of webex_calling, webex_suite, cx_essentials/,
  },
  {
    name: "calling package without headquarters",
    input: change(["headquarters"], undefined),
    properties: ["headquarters"],
    reason: /required with the calling package webex_calling/,
  },
  {
    name: "headquarters without timeZone",
    input: change(["headquarters"], { name: "HQ" }),
    properties: ["headquarters.timeZone"],
    reason: /required/,
  },
  {
    name: "headquarters.timeZone not IANA",
    input: change(["headquarters", "timeZone"], "Pacific Time"),
    properties: ["headquarters.timeZone"],
    reason: /IANA/,
  },
  {
    name: "headquarters.language not a locale",
    input: change(["headquarters", "language"], "EN"),
    properties: ["headquarters.language"],
    reason: /locale/,
  },
  {
    name: "meetingsTimeZone not IANA",
    input: change(["meetingsTimeZone"], "Mars/Olympus"),
    properties: ["meetingsTimeZone"],
    reason: /IANA/,
  },
];

describe("CustomerOrg check", () => {
  describe("refuses, on the path the user wrote, with what to do", () => {
    for (const c of failing) {
      it(c.name, () => {
        const { failures } = checkCustomerOrg(c.input);
        expect(failures.map((f) => f.property)).to.deep.equal(c.properties);
        expect(failures[0]!.reason).to.match(c.reason);
      });
    }
  });

  describe("accepts and normalises", () => {
    const cases: { name: string; input: Record<string, unknown>; expect: (inputs: Record<string, unknown>) => void }[] = [
      {
        name: "limited customer with calling: defaults applied",
        input: orgArgs(),
        expect: (i) => {
          expect(i.language).to.equal("en_US");
          expect(i.headquarters).to.deep.equal({ name: "Headquarters", timeZone: "America/Los_Angeles" });
        },
      },
      {
        name: "country codes upper-cased",
        input: setPath(change(["address", "country"], "us"), ["headquarters", "address"], { line1: "9 Rue", city: "Paris", country: "fr" }),
        expect: (i) => {
          expect((i.address as Record<string, unknown>).country).to.equal("US");
          expect(((i.headquarters as Record<string, unknown>).address as Record<string, unknown>).country).to.equal("FR");
        },
      },
      {
        name: "unlimited customer without calling needs no headquarters",
        input: unlimitedOrgArgs(),
        expect: (i) => expect(i.headquarters).to.equal(undefined),
      },
      {
        name: "non-limitable package without quantity on a limited customer is not mixing",
        input: change(["packages", 2], { name: "cisco_calling_plan" }),
        expect: (i) => expect((i.packages as unknown[]).length).to.equal(3),
      },
      {
        name: "existingOrgId without companyName and adminEmail",
        input: { ...change(["companyName"], undefined), adminEmail: undefined, existingOrgId: "org-9" },
        expect: (i) => expect(i.existingOrgId).to.equal("org-9"),
      },
      {
        name: "attendant_console with webex_suite",
        input: change(
          ["packages"],
          [
            { name: "webex_suite", quantity: 3 },
            { name: "attendant_console", quantity: 1 },
          ],
        ),
        expect: (i) => expect(i.packages).to.have.length(2),
      },
      {
        name: "address outside US and CA without state or postal code",
        input: change(["address"], { line1: "9 Rue de Rivoli", city: "Paris", country: "FR" }),
        expect: (i) => expect((i.address as Record<string, unknown>).postalCode).to.equal(undefined),
      },
      {
        name: "serialized provider kept as given (unknown keys fail: strict-inputs.test.ts)",
        input: { ...orgArgs(), __provider: "serialized" },
        expect: (i) => expect(i.__provider).to.equal("serialized"),
      },
      {
        name: "every package name of the catalogue is accepted as a customer package",
        input: change(
          ["packages"],
          PACKAGE_NAMES.map((name) => ({ name })),
        ),
        expect: (i) => expect(i.packages).to.have.length(PACKAGE_NAMES.length),
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { inputs, failures } = checkCustomerOrg(c.input);
        expect(failures).to.deep.equal([]);
        c.expect(inputs);
      });
    }
  });

  describe("skips unknown values during preview and passes them through", () => {
    const cases: { name: string; input: Record<string, unknown>; path: Path }[] = [
      { name: "whole address unknown", input: change(["address"], UNKNOWN), path: ["address"] },
      {
        name: "address.country unknown (not upper-cased, no US rule)",
        input: setPath(change(["address", "country"], UNKNOWN), ["address", "stateOrProvince"], undefined),
        path: ["address", "country"],
      },
      { name: "companyName unknown", input: change(["companyName"], UNKNOWN), path: ["companyName"] },
      {
        name: "existingOrgId unknown: companyName not required",
        input: { ...change(["companyName"], undefined), existingOrgId: UNKNOWN },
        path: ["existingOrgId"],
      },
      { name: "whole packages list unknown", input: change(["packages"], UNKNOWN), path: ["packages"] },
      {
        name: "packages[0].quantity unknown, packages[1] without (mixing cannot be judged)",
        input: setPath(change(["packages", 0, "quantity"], UNKNOWN), ["packages", 1, "quantity"], undefined),
        path: ["packages", 0, "quantity"],
      },
      {
        name: "packages[1].name unknown next to cisco_calling_plan (dependency cannot be judged)",
        input: setPath(unlimitedOrgArgs(), ["packages"], [{ name: "cisco_calling_plan" }, { name: UNKNOWN }]),
        path: ["packages", 1, "name"],
      },
      { name: "a package entry unknown", input: change(["packages", 1], UNKNOWN), path: ["packages", 1] },
      { name: "headquarters unknown with a calling package", input: change(["headquarters"], UNKNOWN), path: ["headquarters"] },
      { name: "headquarters.timeZone unknown", input: change(["headquarters", "timeZone"], UNKNOWN), path: ["headquarters", "timeZone"] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { inputs, failures } = checkCustomerOrg(c.input);
        expect(failures).to.deep.equal([]);
        let at: unknown = inputs;
        for (const key of c.path) at = (at as Record<string | number, unknown>)[key];
        expect(at).to.equal(UNKNOWN);
      });
    }
    it("a known field next to an unknown one is still validated", () => {
      const { failures } = checkCustomerOrg(setPath(change(["address", "line1"], UNKNOWN), ["address", "line2"], "l".repeat(51)));
      expect(failures.map((f) => f.property)).to.deep.equal(["address.line2"]);
    });
  });

  describe("never throws on garbage", () => {
    const garbage: { name: string; input: unknown }[] = [
      { name: "null", input: null },
      { name: "undefined", input: undefined },
      { name: "an array", input: [orgArgs()] },
      { name: "a number", input: 42 },
      { name: "a string", input: "acme" },
      { name: "an empty object", input: {} },
    ];
    for (const g of garbage) {
      it(g.name, () => {
        const { failures } = checkCustomerOrg(g.input as Record<string, unknown>);
        expect(failures.map((f) => f.property)).to.include.members([
          "provisioningId",
          "externalId",
          "address",
          "packages",
          "companyName",
          "adminEmail",
        ]);
        for (const f of failures) expect(f.reason).to.be.a("string").and.not.equal("");
      });
    }
  });
});
