/**
 * Strict inputs: a key no schema declares, at the top or nested, fails `check` with its dotted path
 * and, when a declared key is close, the name meant. `__provider` and the computed outputs (which
 * the resource classes seed as undefined) still pass. Check stays pure and never throws.
 */
import { expect } from "chai";
import { check as checkOrg } from "../../../provider/resources/customer-org/operations";
import { check as checkUser } from "../../../provider/resources/customer-user/operations";
import { check as checkTemplate } from "../../../provider/resources/onboarding-template/operations";
import { CUSTOMER_ORG_COMPUTED } from "../../../provider/resources/customer-org/schema";
import { orgArgs, templateArgs, userArgs } from "./check-fixtures";

const ORG = orgArgs();
const USER = userArgs();
const TEMPLATE = templateArgs();

const cases: {
  name: string;
  check: (news: Record<string, unknown>) => { failures?: { property: string; reason: string }[] };
  news: Record<string, unknown>;
  property: string;
  meant?: string;
}[] = [
  {
    name: "a top-level typo",
    check: (n) => checkOrg({}, {}, n),
    news: { ...ORG, meetingTimeZone: "Europe/Paris" },
    property: "meetingTimeZone",
    meant: "meetingsTimeZone",
  },
  {
    name: "a nested typo",
    check: (n) => checkOrg({}, {}, n),
    news: { ...ORG, address: { ...(ORG.address as object), postcode: "75001" } },
    property: "address.postcode",
    meant: "postalCode",
  },
  {
    name: "a key in a list element",
    check: (n) => checkOrg({}, {}, n),
    news: {
      ...ORG,
      packages: [
        { name: "webex_calling", quantity: 1 },
        { name: "webex_meetings", quantity: 50, quantty: 5 },
      ],
    },
    property: "packages[1].quantty",
    meant: "quantity",
  },
  { name: "a case slip", check: (n) => checkUser({}, {}, n), news: { ...USER, FirstName: "X" }, property: "FirstName", meant: "firstName" },
  { name: "a key nothing resembles", check: (n) => checkTemplate({}, {}, n), news: { ...TEMPLATE, colour: "blue" }, property: "colour" },
];

describe("check: unknown input keys (strict inputs)", () => {
  for (const c of cases) {
    it(`${c.name} fails with the dotted path${c.meant ? ` and "did you mean \`${c.meant}\`?"` : " and the keys known there"}`, () => {
      const failures = c.check(c.news).failures ?? [];
      expect(failures.map((f) => f.property)).to.deep.equal([c.property]);
      if (c.meant) expect(failures[0]!.reason).to.include(`did you mean \`${c.meant}\`?`);
      else expect(failures[0]!.reason).to.match(/remove it, or use one of .*`templateName`/);
    });
  }

  it("lets `__provider`, the computed outputs and undefined values through", () => {
    const computed = Object.fromEntries(CUSTOMER_ORG_COMPUTED.map((k) => [k, undefined]));
    expect(
      checkOrg(
        {},
        {},
        { ...ORG, ...computed, customerId: "c1", status: "provisioned", __provider: "exports.handler = 1", stray: undefined },
      ).failures,
    ).to.deep.equal([]);
  });

  it("the computed outputs are the state schema's keys beyond the arguments", () => {
    expect([...CUSTOMER_ORG_COMPUTED].sort()).to.deep.equal([
      "adminPackage",
      "customerId",
      "headquartersLocationId",
      "limited",
      "orgId",
      "schemaVersion",
      "status",
    ]);
  });
});
