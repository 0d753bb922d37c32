import { expect } from "chai";
import { checkCustomerLocation } from "../../../../provider/resources/customer-location/check";
import type { CustomerLocationInputs } from "../../../../provider/resources/customer-location/schema";
import {
  addressOf,
  importedInputs,
  locationDifferences,
  parseImportId,
  planNumbers,
  precheckReasons,
  toCreateBody,
} from "../../../../provider/resources/customer-location/wire";
import { locationArgs } from "./fixtures";

const inputs = (extra: Record<string, unknown> = {}) =>
  checkCustomerLocation({ ...locationArgs(), ...extra }).inputs as unknown as CustomerLocationInputs;
const n = (phoneNumber: string, state = "ACTIVE") => ({ phoneNumber, state });

describe("CustomerLocation wire", () => {
  it("create body: the Locations API's names, languages lower case, optional fields only when given", () => {
    expect(toCreateBody(inputs({ notes: "n" }))).to.deep.equal({
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_us",
      announcementLanguage: "en_us",
      address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
      notes: "n",
    });
  });

  it("addressOf reads both the Locations shape and the wholesale shape", () => {
    expect(
      addressOf({
        id: "l",
        address: { addressLine1: "1 Main St", zipOrPostalCode: "80202", stateOrProvince: "CO", city: "Denver", country: "US" },
      }),
    ).to.deep.include({
      address1: "1 Main St",
      postalCode: "80202",
      state: "CO",
    });
  });

  it("locationDifferences: none when agreeing (language case folded), each field otherwise; absent fields agree", () => {
    const address = { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" };
    expect(
      locationDifferences(inputs(), { id: "l", name: "Denver", timeZone: "America/Denver", preferredLanguage: "en_us", address }),
    ).to.deep.equal([]);
    expect(locationDifferences(inputs(), { id: "l", name: "HQ", address: { ...address, city: "Aurora" } })).to.deep.equal([
      'name is "HQ", not "Denver"',
      'address.city is "Aurora", not "Denver"',
    ]);
  });

  describe("planNumbers", () => {
    const desired = [
      { number: "+1", state: "ACTIVE" as const },
      { number: "+2", state: "INACTIVE" as const },
      { number: "+3", state: "ACTIVE" as const },
    ];
    it("adds what is missing, by state; activates what is inactive; removes only previously declared numbers", () => {
      expect(planNumbers(desired, ["+1", "+4", "+9"], [n("+3", "INACTIVE"), n("+4"), n("+5")])).to.deep.equal({
        add: { ACTIVE: ["+1"], INACTIVE: ["+2"] },
        activate: ["+3"],
        remove: ["+4"],
      });
    });
    it("on create (nothing declared before) removes nothing, and a wanted-INACTIVE active number stays", () => {
      expect(planNumbers(desired, undefined, [n("+2"), n("+7")])).to.deep.equal({
        add: { ACTIVE: ["+1", "+3"], INACTIVE: [] },
        activate: [],
        remove: [],
      });
    });
  });

  it("precheckReasons: counters above zero and flags set, in words; unknown keys by name", () => {
    expect(
      precheckReasons({ lastLocation: true, usersInUseCount: 2, workspacesInUseCount: 0, trunksInUseCount: 1, somethingNew: 3 }),
    ).to.deep.equal(["it is the org's last calling location", "2 users still placed there", "1 trunk still using it", "3 somethingNew"]);
    expect(precheckReasons(undefined)).to.deep.equal([]);
  });
  it("parseImportId: <customerId>:<locationId>; anything else is not an import id", () => {
    expect(parseImportId("Y3VzdC0x:Y2lzY29zcGFyaw==")).to.deep.equal({ customerId: "Y3VzdC0x", locationId: "Y2lzY29zcGFyaw==" });
    for (const id of ["Y2lzY29zcGFyaw==", ":loc", "cust:", "a:b:c"]) expect(parseImportId(id), id).to.equal(undefined);
  });

  it("importedInputs: the fields the answer shows, as the program writes them; absent ones left out", () => {
    expect(
      importedInputs({
        id: "loc-1",
        name: "Denver",
        timeZone: "America/Denver",
        preferredLanguage: "en_us",
        address: { addressLine1: "1 Main St", city: "Denver", stateOrProvince: "CO", zipOrPostalCode: "80202", country: "US" },
        notes: "n",
      }),
    ).to.deep.equal({
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_us",
      address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
      notes: "n",
    });
    expect(importedInputs({ id: "loc-1" })).to.deep.equal({});
  });
});
