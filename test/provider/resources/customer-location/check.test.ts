import { expect } from "chai";
import { checkCustomerLocation, customerLocationCheckRules } from "../../../../provider/resources/customer-location/check";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { setPath } from "../check-fixtures";
import { locationArgs, withCalling } from "./fixtures";

const change = (path: (string | number)[], v: unknown) => setPath(locationArgs(), path, v);
const numbers = (...n: string[]) => n.map((number) => ({ number, state: "ACTIVE" }));

const failing: { name: string; input: Record<string, unknown>; properties: string[]; reason: RegExp }[] = [
  { name: "customerId missing", input: change(["customerId"], undefined), properties: ["customerId"], reason: /required/ },
  { name: "name empty", input: change(["name"], ""), properties: ["name"], reason: /empty/ },
  { name: "timeZone not IANA", input: change(["timeZone"], "Mountain"), properties: ["timeZone"], reason: /IANA/ },
  {
    name: "preferredLanguage malformed",
    input: change(["preferredLanguage"], "english"),
    properties: ["preferredLanguage"],
    reason: /en_US/,
  },
  {
    name: "announcementLanguage missing",
    input: change(["announcementLanguage"], undefined),
    properties: ["announcementLanguage"],
    reason: /required/,
  },
  {
    name: "address.state missing (the API requires it)",
    input: change(["address", "state"], undefined),
    properties: ["address.state"],
    reason: /required/,
  },
  { name: "address.country not ISO", input: change(["address", "country"], "USA"), properties: ["address.country"], reason: /ISO 3166/ },
  {
    name: "a number not E.164",
    input: withCalling({ numbers: [{ number: "303-555-0100" }] }),
    properties: ["calling.numbers[0].number"],
    reason: /not an E\.164 number.*\+14155550100/,
  },
  {
    name: "a number state neither ACTIVE nor INACTIVE",
    input: withCalling({ numbers: [{ number: "+13035550100", state: "ON" }] }),
    properties: ["calling.numbers[0].state"],
    reason: /ACTIVE or INACTIVE/,
  },
  {
    name: "mainNumber not E.164",
    input: withCalling({ mainNumber: "3035550100" }),
    properties: ["calling.mainNumber"],
    reason: /E\.164/,
  },
  {
    name: "mainNumber not one of the numbers",
    input: withCalling({ numbers: numbers("+13035550100"), mainNumber: "+13035550199" }),
    properties: ["calling.mainNumber"],
    reason: /\+13035550199 is not one of calling\.numbers \(\+13035550100\).*add it to calling\.numbers, or choose one of them/,
  },
  {
    name: "mainNumber declared INACTIVE",
    input: withCalling({ numbers: [{ number: "+13035550100", state: "INACTIVE" }], mainNumber: "+13035550100" }),
    properties: ["calling.mainNumber"],
    reason: /declared INACTIVE.*set its state to ACTIVE/,
  },
  {
    name: "a number listed twice",
    input: withCalling({ numbers: numbers("+13035550100", "+13035550101", "+13035550100") }),
    properties: ["calling.numbers[2].number"],
    reason: /listed twice \(first at calling\.numbers\[0\]\).*remove this entry/,
  },
  {
    name: "numbers on a declared integrated PSTN (INTEGRATED_CCP)",
    input: withCalling({ pstnConnectionType: "INTEGRATED_CCP", numbers: numbers("+13035550100") }),
    properties: ["calling.numbers"],
    reason: /INTEGRATED_CCP.*PSTN provider.*remove calling\.numbers.*LOCAL_GATEWAY, NON_INTEGRATED_CCP/,
  },
  {
    name: "numbers on a declared integrated PSTN (CISCO_PSTN)",
    input: withCalling({ pstnConnectionType: "CISCO_PSTN", numbers: [] }),
    properties: ["calling.numbers"],
    reason: /CISCO_PSTN/,
  },
  {
    name: "an unknown PSTN connection type",
    input: withCalling({ pstnConnectionType: "SIP" }),
    properties: ["calling.pstnConnectionType"],
    reason: /not a PSTN connection type; write one of LOCAL_GATEWAY/,
  },
  {
    name: "forceDisable not a boolean",
    input: withCalling({ forceDisable: "yes" }),
    properties: ["calling.forceDisable"],
    reason: /true or false/,
  },
  { name: "an unknown top-level key", input: { ...locationArgs(), site: "x" }, properties: ["site"], reason: /.+/ },
];

const passing: { name: string; input: Record<string, unknown> }[] = [
  { name: "the fixture", input: locationArgs() },
  { name: "no calling block (a plain location)", input: withCalling(undefined) },
  {
    name: "languages written as Webex does (en_us)",
    input: { ...locationArgs(), preferredLanguage: "en_us", announcementLanguage: "fr_fr" },
  },
  {
    name: "main number with no declared numbers (integrated PSTN: numbers from the provider)",
    input: withCalling({ pstnConnectionType: "INTEGRATED_CCP", mainNumber: "+13035550100" }),
  },
  {
    name: "numbers on a declared non-integrated PSTN",
    input: withCalling({ pstnConnectionType: "LOCAL_GATEWAY", numbers: numbers("+13035550100") }),
  },
  { name: "an unknown numbers list during preview", input: withCalling({ numbers: UNKNOWN, mainNumber: "+13035550100" }) },
  { name: "an unknown main number during preview", input: withCalling({ numbers: numbers("+13035550100"), mainNumber: UNKNOWN }) },
  {
    name: "latitude, longitude and notes",
    input: { ...locationArgs(), latitude: "39.7392", longitude: "-104.9903", notes: "second site" },
  },
];

describe("CustomerLocation check", () => {
  for (const c of failing) {
    it(`refuses: ${c.name}`, () => {
      const { failures } = checkCustomerLocation(c.input);
      expect(failures.map((f) => f.property)).to.deep.equal(c.properties);
      for (const f of failures) expect(f.reason).to.match(c.reason);
    });
  }
  for (const c of passing) {
    it(`accepts: ${c.name}`, () => {
      expect(checkCustomerLocation(c.input).failures).to.deep.equal([]);
    });
  }

  it("applies defaults and normalises: number state ACTIVE, forceDisable false, country upper case; a language kept as written", () => {
    const { inputs, failures } = checkCustomerLocation({
      ...withCalling({ numbers: [{ number: "+13035550100" }] }),
      preferredLanguage: "fr_fr",
      address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "us" },
    });
    expect(failures).to.deep.equal([]);
    expect(inputs.calling).to.deep.equal({ numbers: [{ number: "+13035550100", state: "ACTIVE" }], forceDisable: false });
    expect(inputs.preferredLanguage).to.equal("fr_fr");
    expect((inputs.address as Record<string, unknown>).country).to.equal("US");
  });

  it("never throws on input that is not an object", () => {
    for (const bad of [null, 42, "x", []]) expect(() => checkCustomerLocation(bad as never)).to.not.throw();
  });

  it("every cross-field rule describes itself", () => {
    for (const rule of customerLocationCheckRules) expect(rule.description).to.match(/`calling\./);
  });
});
