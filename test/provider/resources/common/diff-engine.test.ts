import { expect } from "chai";
import {
  RefusedChangeError,
  deepEqual,
  diffByRules,
  renderValue,
  type ResourceRules,
} from "../../../../provider/resources/common/change-rules";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";

// A small synthetic table exercising every feature of the engine.
const rules: ResourceRules<"name" | "box" | "tag" | "home" | "gate"> = {
  resource: "Thing",
  schemaVersion: 2,
  optionalInputs: ["tag", "home"],
  fields: {
    name: { kind: "replace", deleteBeforeReplace: true, description: "changing `name` replaces" },
    box: {
      kind: "update",
      description: "changing `box` updates, but not box.lid",
      fields: { lid: { kind: "refused", description: "lid refused", reason: "lids are glued", instead: "buy a new box" } },
    },
    tag: { kind: "refused", description: "tag refused", reason: "tags are engraved", instead: "keep it", fromSeed: true },
    home: { kind: "refused", addOrRemoveAllowed: true, description: "home refused once set", reason: "homes stay", instead: "keep it" },
    gate: {
      kind: "refused",
      description: "gate only with tag open",
      reason: "the gate is locked",
      instead: "open it",
      allowedWhen: ({ news }) => (news.tag === UNKNOWN ? "unknown" : news.tag === "open"),
    },
  },
  checks: [],
};

const base = { name: "n", box: { lid: "red", size: 1 }, tag: "t", home: "h", gate: "g", schemaVersion: 2 };
const strict = { clientRules: "strict" as const };

describe("change-rule engine", () => {
  const cases: {
    name: string;
    olds: Record<string, unknown>;
    news: Record<string, unknown>;
    changedKeys?: string[];
    replaces?: string[];
    refused?: string;
    notRefused?: string;
  }[] = [
    { name: "replace field", olds: base, news: { ...base, name: "m" }, changedKeys: ["name"], replaces: ["name"] },
    {
      name: "nested field without rule follows the object's rule",
      olds: base,
      news: { ...base, box: { lid: "red", size: 2 } },
      changedKeys: ["box"],
    },
    { name: "nested refused field", olds: base, news: { ...base, box: { lid: "blue", size: 1 } }, refused: "box.lid" },
    {
      name: "nested unknown is a change, not a refusal",
      olds: base,
      news: { ...base, box: { lid: UNKNOWN, size: 1 } },
      changedKeys: ["box"],
    },
    { name: "seed rule refused", olds: base, news: { ...base, tag: "u" }, refused: "tag" },
    { name: "optional input set in current state is judged", olds: { ...base, tag: undefined }, news: base, refused: "tag" },
    {
      name: "optional input absent in older state counts as unchanged",
      olds: { ...base, tag: undefined, schemaVersion: 1 },
      news: base,
      changedKeys: [],
    },
    { name: "add allowed by addOrRemoveAllowed", olds: { ...base, home: undefined }, news: base, changedKeys: ["home"] },
    { name: "remove allowed by addOrRemoveAllowed", olds: base, news: { ...base, home: undefined }, changedKeys: ["home"] },
    { name: "change refused despite addOrRemoveAllowed", olds: base, news: { ...base, home: "i" }, refused: "home" },
    { name: "allowedWhen true", olds: base, news: { ...base, gate: "h", tag: "open" }, refused: "tag", notRefused: "gate" },
    { name: "allowedWhen unknown: not refused", olds: base, news: { ...base, gate: "h", tag: UNKNOWN }, changedKeys: ["tag", "gate"] },
    { name: "allowedWhen false", olds: base, news: { ...base, gate: "h" }, refused: "gate" },
    {
      name: "garbage olds and news do not throw",
      olds: null as unknown as Record<string, unknown>,
      news: 3 as unknown as Record<string, unknown>,
      changedKeys: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.refused) {
        expect(() => diffByRules(rules, c.olds, c.news, strict))
          .to.throw(RefusedChangeError)
          .with.property("property", c.refused);
        if (c.notRefused) {
          expect(() => diffByRules(rules, c.olds, c.news, strict))
            .to.throw(RefusedChangeError)
            .with.property("message")
            .that.does.not.include(`property ${c.notRefused}`);
        }
        return;
      }
      const out = diffByRules(rules, c.olds, c.news, strict);
      expect(out.changedKeys).to.deep.equal(c.changedKeys);
      expect(out.replaces).to.deep.equal(c.replaces ?? []);
      expect(out.deleteBeforeReplace).to.equal((c.replaces ?? []).length > 0);
    });
  }

  it("a seed rule's message points at the clientRules escape hatch; a missing-API rule's does not", () => {
    expect(() => diffByRules(rules, base, { ...base, tag: "u" }, strict)).to.throw(/webex:clientRules/);
    expect(() => diffByRules(rules, base, { ...base, home: "i" }, strict))
      .to.throw(RefusedChangeError)
      .with.property("message")
      .that.does.not.include("clientRules");
  });

  it("a RefusedChangeError carries only the property, values, reason and advice", () => {
    let err: RefusedChangeError | undefined;
    try {
      diffByRules(rules, base, { ...base, tag: "u" }, strict);
    } catch (e) {
      err = e as RefusedChangeError;
    }
    expect(Object.keys(err!).sort()).to.deep.equal(["instead", "name", "newValue", "oldValue", "property", "reason"].sort());
    expect(err!.name).to.equal("RefusedChangeError");
  });

  describe("helpers", () => {
    const cases: { name: string; run: () => unknown; expected: unknown }[] = [
      { name: "deepEqual treats an undefined key as absent", run: () => deepEqual({ a: 1, b: undefined }, { a: 1 }), expected: true },
      { name: "deepEqual compares lists in order", run: () => deepEqual([1, 2], [2, 1]), expected: false },
      { name: "renderValue of undefined", run: () => renderValue(undefined), expected: "(not set)" },
      { name: "renderValue shortens long values", run: () => renderValue("x".repeat(500)).length, expected: 120 },
    ];
    for (const c of cases) it(c.name, () => expect(c.run()).to.deep.equal(c.expected));
  });
});
