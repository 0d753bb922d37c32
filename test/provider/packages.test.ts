import { expect } from "chai";
import {
  PACKAGES,
  PACKAGE_NAMES,
  SUBSCRIBER_PACKAGE_NAMES,
  adminPackageOf,
  isCallingPackage,
  isPackageName,
  missingDependencies,
  type PackageName,
} from "../../provider/packages";

describe("package catalogue", () => {
  // The reference's Packages table, row by row: [name, customer, subscriber, limitable, calling, adminRank].
  const table: [PackageName, boolean, boolean, boolean, boolean, number | undefined][] = [
    ["webex_voice", true, true, true, true, 1],
    ["webex_calling_standard", true, true, true, true, 2],
    ["webex_meetings", true, true, true, false, 3],
    ["webex_calling", true, true, true, true, 4],
    ["cx_essentials", true, true, true, true, 5],
    ["webex_suite", true, true, true, true, 6],
    ["common_area_calling", true, false, true, true, undefined],
    ["attendant_console", true, true, true, false, undefined],
    ["cisco_calling_plan", true, false, false, false, undefined],
    ["cx_premium_agent", true, true, false, false, undefined],
    ["cx_standard_agent", true, true, false, false, undefined],
    ["cx_voice_ports", true, false, false, false, undefined],
    ["cx_ai_assistant", true, false, false, false, undefined],
    ["webex_ai_agent", true, false, false, false, undefined],
  ];
  for (const [name, customer, subscriber, limitable, calling, adminRank] of table) {
    it(`${name} matches the reference`, () => {
      expect(PACKAGES[name]).to.deep.equal({ customer, subscriber, limitable, calling, ...(adminRank ? { adminRank } : {}) });
    });
  }
  it("lists exactly the reference's packages", () => {
    expect([...PACKAGE_NAMES].sort()).to.deep.equal(table.map(([n]) => n).sort());
  });
  it("is frozen", () => {
    expect(Object.isFrozen(PACKAGES)).to.equal(true);
  });

  describe("helpers", () => {
    const cases: { name: string; run: () => unknown; expected: unknown }[] = [
      { name: "isPackageName refuses a prototype key", run: () => isPackageName("toString"), expected: false },
      { name: "isPackageName refuses a non-string", run: () => isPackageName(4), expected: false },
      { name: "isCallingPackage of webex_calling", run: () => isCallingPackage("webex_calling"), expected: true },
      { name: "isCallingPackage of webex_meetings", run: () => isCallingPackage("webex_meetings"), expected: false },
      { name: "isCallingPackage of an unknown name", run: () => isCallingPackage("nope"), expected: false },
      {
        name: "subscriber packages exclude customer-only add-ons",
        run: () => SUBSCRIBER_PACKAGE_NAMES.includes("cisco_calling_plan"),
        expected: false,
      },
      {
        name: "adminPackageOf picks the highest rank",
        run: () => adminPackageOf(["webex_meetings", "webex_suite", "webex_calling"]),
        expected: "webex_suite",
      },
      {
        name: "adminPackageOf ignores unranked and unknown names",
        run: () => adminPackageOf(["cisco_calling_plan", "attendant_console", "x", "webex_voice"]),
        expected: "webex_voice",
      },
      { name: "adminPackageOf of no ranked package", run: () => adminPackageOf(["cx_premium_agent"]), expected: undefined },
      {
        name: "cisco_calling_plan alone misses a calling package",
        run: () => missingDependencies(["cisco_calling_plan"]).map((d) => d.dependent),
        expected: ["cisco_calling_plan"],
      },
      {
        name: "cisco_calling_plan with webex_voice is satisfied",
        run: () => missingDependencies(["cisco_calling_plan", "webex_voice"]),
        expected: [],
      },
      {
        name: "attendant_console with webex_voice misses its base",
        run: () => missingDependencies(["attendant_console", "webex_voice"]).map((d) => d.dependent),
        expected: ["attendant_console"],
      },
      {
        name: "attendant_console with cx_essentials is satisfied",
        run: () => missingDependencies(["attendant_console", "cx_essentials"]),
        expected: [],
      },
    ];
    for (const c of cases) it(c.name, () => expect(c.run()).to.deep.equal(c.expected));
  });
});
