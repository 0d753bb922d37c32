import { expect } from "chai";
import { checkCustomerUser } from "../../../../provider/resources/customer-user/check";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { SUBSCRIBER_PACKAGE_NAMES, isCallingPackage } from "../../../../provider/packages";
import { setPath, userArgs } from "../check-fixtures";

const change = (key: string, v: unknown) => setPath(userArgs(), [key], v);
const meetingsUser = () => ({ ...change("package", "webex_meetings"), phoneNumber: undefined, extension: undefined });

const failing: { name: string; input: Record<string, unknown>; properties: string[]; reason: RegExp }[] = [
  { name: "customerId missing", input: change("customerId", undefined), properties: ["customerId"], reason: /required.*CustomerOrg/ },
  { name: "email missing", input: change("email", undefined), properties: ["email"], reason: /required/ },
  { name: "email malformed", input: change("email", "ada.acme.example"), properties: ["email"], reason: /not an email address/ },
  { name: "firstName empty", input: change("firstName", ""), properties: ["firstName"], reason: /empty/ },
  { name: "lastName longer than 64", input: change("lastName", "L".repeat(65)), properties: ["lastName"], reason: /at most 64/ },
  { name: "package missing", input: change("package", undefined), properties: ["package"], reason: /required/ },
  {
    name: "unknown package name",
    input: change("package", "webex_teams"),
    properties: ["package"],
    reason: /not a Webex Wholesale package; use one of .*webex_meetings/,
  },
  {
    name: "customer-only package (cisco_calling_plan)",
    input: change("package", "cisco_calling_plan"),
    properties: ["package"],
    reason: /customer package that cannot be assigned to a user/,
  },
  {
    name: "workspace package (common_area_calling)",
    input: change("package", "common_area_calling"),
    properties: ["package"],
    reason: /cannot be assigned to a user/,
  },
  { name: "administrator not a boolean", input: change("administrator", "yes"), properties: ["administrator"], reason: /true or false/ },
  {
    name: "calling package without phoneNumber or extension",
    input: { ...userArgs(), phoneNumber: undefined, extension: undefined },
    properties: ["phoneNumber"],
    reason: /calling package: give `phoneNumber`.*or `extension`/,
  },
  {
    name: "non-calling package with phoneNumber",
    input: { ...meetingsUser(), phoneNumber: "+14155550100" },
    properties: ["phoneNumber"],
    reason: /webex_meetings has no calling.*remove `phoneNumber`/,
  },
  {
    name: "non-calling package with extension",
    input: { ...meetingsUser(), extension: "0100" },
    properties: ["extension"],
    reason: /remove `extension`/,
  },
  {
    name: "non-calling package with locationId",
    input: { ...meetingsUser(), locationId: "loc-1" },
    properties: ["locationId"],
    reason: /calling location/,
  },
  { name: "phoneNumber not E.164 (no +)", input: change("phoneNumber", "4155550100"), properties: ["phoneNumber"], reason: /E\.164/ },
  { name: "phoneNumber with spaces", input: change("phoneNumber", "+1 415 555 0100"), properties: ["phoneNumber"], reason: /E\.164/ },
  {
    name: "phoneNumber longer than 15 digits",
    input: change("phoneNumber", "+1234567890123456"),
    properties: ["phoneNumber"],
    reason: /E\.164/,
  },
  { name: "extension of 1 digit", input: change("extension", "1"), properties: ["extension"], reason: /2 to 10 digits/ },
  { name: "extension of 11 digits", input: change("extension", "12345678901"), properties: ["extension"], reason: /2 to 10 digits/ },
  { name: "extension with letters", input: change("extension", "12a"), properties: ["extension"], reason: /2 to 10 digits/ },
  { name: "extension as a number", input: change("extension", 100), properties: ["extension"], reason: /as a string/ },
  { name: "locationId empty", input: change("locationId", ""), properties: ["locationId"], reason: /empty/ },
  {
    name: "phoneNumber its location does not declare (locationNumbers)",
    input: change("locationNumbers", ["+14155550101", "+14155550102"]),
    properties: ["phoneNumber"],
    reason: /\+14155550100 is not one of the numbers the user's location declares \(\+14155550101, \+14155550102\).*calling\.numbers/,
  },
  {
    name: "locationNumbers not E.164",
    input: change("locationNumbers", ["4155550100"]),
    // Both true: the entry is malformed, and the user's number is not among the location's.
    properties: ["locationNumbers[0]", "phoneNumber"],
    reason: /E\.164/,
  },
];

describe("CustomerUser check", () => {
  describe("refuses, on the path the user wrote, with what to do", () => {
    for (const c of failing) {
      it(c.name, () => {
        const { failures } = checkCustomerUser(c.input);
        expect(failures.map((f) => f.property)).to.deep.equal(c.properties);
        expect(failures[0]!.reason).to.match(c.reason);
      });
    }
  });

  describe("accepts", () => {
    const cases: { name: string; input: Record<string, unknown>; expect: (i: Record<string, unknown>) => void }[] = [
      {
        name: "calling user with number and extension; administrator defaults to false",
        input: userArgs(),
        expect: (i) => expect(i.administrator).to.equal(false),
      },
      {
        name: "calling user with an extension only",
        input: change("phoneNumber", undefined),
        expect: (i) => expect(i.extension).to.equal("0100"),
      },
      {
        name: "calling user with a number only",
        input: change("extension", undefined),
        expect: (i) => expect(i.phoneNumber).to.equal("+14155550100"),
      },
      { name: "meetings user without a number", input: meetingsUser(), expect: (i) => expect(i.package).to.equal("webex_meetings") },
      { name: "declared administrator", input: change("administrator", true), expect: (i) => expect(i.administrator).to.equal(true) },
      { name: "explicit locationId", input: change("locationId", "loc-hq"), expect: (i) => expect(i.locationId).to.equal("loc-hq") },
      {
        name: "phoneNumber one of the location's declared numbers",
        input: change("locationNumbers", ["+14155550101", "+14155550100"]),
        expect: (i) => expect(i.locationNumbers).to.deep.equal(["+14155550101", "+14155550100"]),
      },
      {
        name: "locationNumbers with no phoneNumber (an extension-only user)",
        input: { ...change("phoneNumber", undefined), locationNumbers: ["+14155550101"] },
        expect: (i) => expect(i.phoneNumber).to.equal(undefined),
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { inputs, failures } = checkCustomerUser(c.input);
        expect(failures).to.deep.equal([]);
        c.expect(inputs);
      });
    }
    for (const name of SUBSCRIBER_PACKAGE_NAMES) {
      it(`subscriber package ${name}`, () => {
        const input = isCallingPackage(name) ? change("package", name) : { ...meetingsUser(), package: name };
        expect(checkCustomerUser(input).failures).to.deep.equal([]);
      });
    }
  });

  // The previous inputs decide who explains a number missing from its location: a number this user
  // already held that the location drops is the change rule's (location-drops-held-number).
  describe("a phoneNumber its location no longer declares", () => {
    const held = { ...userArgs(), locationNumbers: ["+14155550100", "+14155550101"] };
    const dropped = { ...userArgs(), locationNumbers: ["+14155550101"] };
    it("held before and dropped by the location: left to the change rule", () => {
      expect(checkCustomerUser(dropped, held).failures).to.deep.equal([]);
    });
    it("a new user (no previous inputs): refused here", () => {
      expect(checkCustomerUser(dropped).failures.map((f) => f.property)).to.deep.equal(["phoneNumber"]);
    });
    it("the location never declared it before: refused here", () => {
      const undeclared = { ...userArgs(), locationNumbers: ["+14155550101"] };
      expect(checkCustomerUser(dropped, undeclared).failures.map((f) => f.property)).to.deep.equal(["phoneNumber"]);
    });
    it("the user held another number before: refused here", () => {
      const other = { ...held, phoneNumber: "+14155550101" };
      expect(checkCustomerUser(dropped, other).failures.map((f) => f.property)).to.deep.equal(["phoneNumber"]);
    });
  });

  describe("skips unknown values during preview", () => {
    const cases: { name: string; input: Record<string, unknown>; key: string }[] = [
      { name: "package unknown next to a number", input: change("package", UNKNOWN), key: "package" },
      {
        name: "phoneNumber unknown on a calling package",
        input: { ...change("phoneNumber", UNKNOWN), extension: undefined },
        key: "phoneNumber",
      },
      { name: "customerId unknown (customer being created)", input: change("customerId", UNKNOWN), key: "customerId" },
      { name: "email unknown", input: change("email", UNKNOWN), key: "email" },
      { name: "administrator unknown", input: change("administrator", UNKNOWN), key: "administrator" },
      { name: "locationNumbers unknown (location numbers computed)", input: change("locationNumbers", UNKNOWN), key: "locationNumbers" },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { inputs, failures } = checkCustomerUser(c.input);
        expect(failures).to.deep.equal([]);
        expect(inputs[c.key]).to.equal(UNKNOWN);
      });
    }
  });

  describe("never throws on garbage", () => {
    for (const [name, input] of [
      ["null", null],
      ["an array", []],
      ["a boolean", true],
    ] as const) {
      it(name, () => {
        const { failures } = checkCustomerUser(input as unknown as Record<string, unknown>);
        expect(failures.map((f) => f.property)).to.deep.equal(["customerId", "email", "firstName", "lastName", "package"]);
      });
    }
  });
});
