import { expect } from "chai";
import { checkCustomerLocation } from "../../../../provider/resources/customer-location/check";
import { diffCustomerLocation } from "../../../../provider/resources/customer-location/diff";
import * as ops from "../../../../provider/resources/customer-location/operations";
import { customerLocationRules } from "../../../../provider/resources/customer-location/rules";
import { CUSTOMER_LOCATION_SCHEMA_VERSION } from "../../../../provider/resources/customer-location/schema";
import { refusalFailures } from "../../../../provider/resources/common/change-rules";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { stateOf } from "../check-fixtures";
import { runDiffCases, type DiffCase } from "../diff-cases";
import { locationArgs, withCalling } from "./fixtures";

function checked(args: Record<string, unknown>): Record<string, unknown> {
  const { inputs, failures } = checkCustomerLocation(args);
  expect(failures, "fixture must be valid").to.deep.equal([]);
  return inputs;
}

const computed = (extra: Record<string, unknown> = {}) => ({
  locationId: "loc-1",
  orgId: "org-1",
  pstnConnectionType: "LOCAL_GATEWAY",
  inventory: [
    { number: "+13035550100", state: "ACTIVE" },
    { number: "+13035550101", state: "ACTIVE" },
  ],
  mainNumber: "+13035550100",
  schemaVersion: CUSTOMER_LOCATION_SCHEMA_VERSION,
  ...extra,
});
const state = (args: Record<string, unknown> = locationArgs(), extra: Record<string, unknown> = {}) =>
  stateOf(checked(args), computed(extra));
const calling = (c: Record<string, unknown>) => checked(withCalling({ ...(locationArgs().calling as object), ...c }));
const numbers = (...n: string[]) => n.map((number) => ({ number, state: "ACTIVE" }));
const update = (...changedKeys: string[]) => ({ changes: true, changedKeys });
const none = { changes: false, changedKeys: [] };
const integrated = {
  pstnConnectionType: "INTEGRATED_CCP",
  inventory: [{ number: "+13035550900", state: "ACTIVE" }],
  mainNumber: undefined,
};

const cases: DiffCase[] = [
  { name: "no change", olds: state(), news: checked(locationArgs()), expect: none },
  {
    name: "computed outputs are never compared",
    olds: state(locationArgs(), { mainNumber: "+13035550101" }),
    news: checked(locationArgs()),
    expect: none,
  },
  {
    name: "languages rewritten in the API's case (en_us): no change",
    olds: state(),
    news: checked({ ...locationArgs(), preferredLanguage: "en_us", announcementLanguage: "en_us" }),
    expect: none,
  },
  { name: "name changed: update (PUT)", olds: state(), news: checked({ ...locationArgs(), name: "Denver HQ" }), expect: update("name") },
  {
    name: "timeZone changed: update",
    olds: state(),
    news: checked({ ...locationArgs(), timeZone: "America/Chicago" }),
    expect: update("timeZone"),
  },
  {
    name: "address.city changed: update",
    olds: state(),
    news: checked({ ...locationArgs(), address: { ...(locationArgs().address as object), city: "Aurora" } }),
    expect: update("address"),
  },
  {
    name: "address.country changed: refused",
    olds: state(),
    news: checked({ ...locationArgs(), address: { ...(locationArgs().address as object), country: "CA" } }),
    expect: {
      refused: { property: "address.country", oldValue: "US", newValue: "CA", says: /belong to its country.*new CustomerLocation/ },
    },
  },
  {
    name: "announcementLanguage changed: refused (no API)",
    olds: state(),
    news: checked({ ...locationArgs(), announcementLanguage: "fr_FR" }),
    expect: { refused: { property: "announcementLanguage", oldValue: "en_US", newValue: "fr_FR", says: /cannot change.*Control Hub/ } },
  },
  {
    name: "notes set after creation: refused",
    olds: state(),
    news: checked({ ...locationArgs(), notes: "x" }),
    expect: { refused: { property: "notes", oldValue: undefined, newValue: "x", says: /notes/ } },
  },
  {
    name: "customerId changed: replace (no delete first: names are unique per org only)",
    olds: state(),
    news: checked({ ...locationArgs(), customerId: "cust-2" }),
    expect: { changes: true, changedKeys: ["customerId"], replaces: ["customerId"] },
  },
  {
    name: "calling added to a plain location: update",
    olds: state(withCalling(undefined)),
    news: checked(locationArgs()),
    expect: update("calling"),
  },
  {
    name: "calling removed: refused (destroy disables calling)",
    olds: state(),
    news: checked(withCalling(undefined)),
    expect: {
      refused: {
        property: "calling",
        oldValue: "calling enabled",
        newValue: undefined,
        says: /destroy the CustomerLocation/,
      },
    },
  },
  {
    name: "a number added: update",
    olds: state(),
    news: calling({ numbers: numbers("+13035550100", "+13035550101", "+13035550102") }),
    expect: update("calling"),
  },
  { name: "a number removed: update", olds: state(), news: calling({ numbers: numbers("+13035550100") }), expect: update("calling") },
  {
    name: "main number changed to another number: update",
    olds: state(),
    news: calling({ mainNumber: "+13035550101" }),
    expect: update("calling"),
  },
  {
    name: "main number removed while calling.mainNumber names another: update (main changes first)",
    olds: state(),
    news: calling({ numbers: numbers("+13035550101"), mainNumber: "+13035550101" }),
    expect: update("calling"),
  },
  {
    name: "main number removed with no new main number: refused",
    olds: state(),
    news: calling({ numbers: numbers("+13035550101"), mainNumber: undefined }),
    expect: {
      refused: {
        property: "calling.numbers",
        oldValue: ["+13035550100", "+13035550101"],
        newValue: ["+13035550101"],
        says: /\+13035550100 is the location's main number.*cannot be removed.*set calling\.mainNumber to another/,
      },
    },
  },
  {
    name: "main number removed, new main number unknown during preview: a change, not refused",
    olds: state(),
    news: calling({ numbers: numbers("+13035550101"), mainNumber: UNKNOWN }),
    expect: update("calling"),
  },
  {
    name: "numbers on a location whose state says INTEGRATED_CCP: refused",
    olds: state(withCalling({ pstnConnectionId: "ccp-integrated" }), integrated),
    news: checked(withCalling({ pstnConnectionId: "ccp-integrated", numbers: numbers("+13035550100") })),
    expect: {
      refused: {
        property: "calling.numbers",
        oldValue: undefined,
        newValue: numbers("+13035550100"),
        says: /INTEGRATED_CCP.*should never be used/,
      },
    },
  },
  {
    name: "numbers unchanged on a state that says INTEGRATED_CCP: not refused again (rules judge changes; update asks the API)",
    olds: state(withCalling({ pstnConnectionId: "ccp-integrated", numbers: numbers("+13035550100") }), integrated),
    news: checked(withCalling({ pstnConnectionId: "ccp-integrated", numbers: numbers("+13035550100") })),
    expect: none,
  },
  {
    name: "numbers together with a move to another connection: an update, judged against the API",
    olds: state(withCalling({ pstnConnectionId: "ccp-integrated" }), integrated),
    news: checked(withCalling({ pstnConnectionId: "lgw-1", numbers: numbers("+13035550100") })),
    expect: update("calling"),
  },
  {
    name: "no numbers on an integrated PSTN, main number set: update",
    olds: state(withCalling({ pstnConnectionId: "ccp-integrated" }), integrated),
    news: checked(withCalling({ pstnConnectionId: "ccp-integrated", mainNumber: "+13035550900" })),
    expect: update("calling"),
  },
  { name: "forceDisable set: update (state only)", olds: state(), news: calling({ forceDisable: true }), expect: update("calling") },
  {
    name: "server mode lets a refused change through",
    olds: state(),
    news: checked({ ...locationArgs(), announcementLanguage: "fr_FR" }),
    clientRules: "server",
    expect: update("announcementLanguage"),
  },
];

describe("CustomerLocation diff", () => {
  runDiffCases(diffCustomerLocation, cases);

  describe("refusals reach check (preview) with the property path, from the previous inputs", () => {
    const strict = { clientRules: "strict" as const };
    it("removing the main number", () => {
      const failures = refusalFailures(
        customerLocationRules,
        checked(locationArgs()),
        calling({ numbers: numbers("+13035550101"), mainNumber: undefined }),
        strict,
      );
      expect(failures.map((f) => f.property)).to.deep.equal(["calling.numbers"]);
      expect(failures[0]!.reason).to.match(/main number.*Instead, keep \+13035550100/);
    });
    it("removing the calling block", () => {
      expect(
        refusalFailures(customerLocationRules, checked(locationArgs()), checked(withCalling(undefined)), strict).map((f) => f.property),
      ).to.deep.equal(["calling"]);
    });
    it("nothing on create (no previous inputs)", () => {
      expect(refusalFailures(customerLocationRules, {}, checked(locationArgs()), strict)).to.deep.equal([]);
    });
  });

  it("every rule describes itself for the docs", () => {
    for (const [key, rule] of Object.entries(customerLocationRules.fields)) expect(rule.description, key).to.include(`\`${key}\``);
    for (const check of customerLocationRules.checks) expect(check.description).to.match(/\*\*refused\*\*/);
  });
});

describe("CustomerLocation diff: calling lost outside the program", () => {
  it("a refreshed state with no PSTN connection under a declared one is a change, so up enables calling again; with it, none", () => {
    const owner = {};
    const args = checked(locationArgs());
    expect(ops.diff(owner, "loc-1", state(locationArgs()), args).changes).to.equal(false);
    expect(ops.diff(owner, "loc-1", state(locationArgs(), { pstnConnectionType: undefined }), args).changes).to.equal(true);
  });
});
