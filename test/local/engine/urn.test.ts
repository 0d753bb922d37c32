import { expect } from "chai";

import { replaceOnChangesMatches } from "../../../local/engine/planner";
import { computeAliasUrns, makeUrn, parseUrn, type AliasContext, type AliasInput } from "../../../local/engine/urn";

const STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
const GROUP_URN = "urn:pulumi:dev::proj::my:index:Group::team";
const T = "pulumi-nodejs:dynamic/x:Rec";

describe("local engine: URNs and aliases", () => {
  describe("makeUrn", () => {
    const cases: Array<{ name: string; parent: string; expected: string }> = [
      { name: "no parent", parent: "", expected: `urn:pulumi:dev::proj::${T}::r` },
      { name: "under the root stack the type is not qualified", parent: STACK_URN, expected: `urn:pulumi:dev::proj::${T}::r` },
      { name: "under a component the type is qualified", parent: GROUP_URN, expected: `urn:pulumi:dev::proj::my:index:Group$${T}::r` },
    ];
    for (const c of cases) it(c.name, () => expect(makeUrn("dev", "proj", T, "r", c.parent)).to.equal(c.expected));
    it("parses back what it builds, names with :: included", () => {
      expect(parseUrn(makeUrn("dev", "proj", T, "a::b", GROUP_URN))).to.deep.equal({
        stack: "dev",
        project: "proj",
        qualifiedType: `my:index:Group$${T}`,
        type: T,
        name: "a::b",
      });
    });
  });

  describe("computeAliasUrns", () => {
    const ctx: AliasContext = { stack: "dev", project: "proj", type: T, name: "new", parentUrn: STACK_URN, parentAliases: [] };
    const cases: Array<{ name: string; ctx?: Partial<AliasContext>; aliases: AliasInput[]; expected: string[] }> = [
      { name: "old name", aliases: [{ name: "old" }], expected: [`urn:pulumi:dev::proj::${T}::old`] },
      { name: "full URN", aliases: [{ urn: "urn:pulumi:dev::proj::t::x" }], expected: ["urn:pulumi:dev::proj::t::x"] },
      { name: "old parent", aliases: [{ parentUrn: GROUP_URN }], expected: [`urn:pulumi:dev::proj::my:index:Group$${T}::new`] },
      { name: "no parent", ctx: { parentUrn: GROUP_URN }, aliases: [{ noParent: true }], expected: [`urn:pulumi:dev::proj::${T}::new`] },
      {
        // URNs carry the parent's type, not its name: only a parent whose type changed moves its children.
        name: "a child follows its parent's type change",
        ctx: { parentUrn: GROUP_URN, parentAliases: ["urn:pulumi:dev::proj::old:index:Team::team"] },
        aliases: [],
        expected: [`urn:pulumi:dev::proj::old:index:Team$${T}::new`],
      },
      { name: "an alias equal to the own URN is dropped", aliases: [{ name: "new" }], expected: [] },
    ];
    for (const c of cases) {
      it(c.name, () => expect(computeAliasUrns({ ...ctx, ...c.ctx }, c.aliases)).to.deep.equal(c.expected));
    }
  });
});

describe("local engine: replaceOnChanges", () => {
  const cases: Array<{ name: string; paths: string[]; changed: string[]; expected: string[] }> = [
    { name: "no option", paths: [], changed: ["a"], expected: [] },
    { name: "a listed changed key", paths: ["a", "c"], changed: ["a", "b"], expected: ["a"] },
    { name: "a nested path selects its top-level key", paths: ["tags.owner"], changed: ["tags"], expected: ["tags"] },
    { name: "* selects every changed key", paths: ["*"], changed: ["a", "b"], expected: ["a", "b"] },
  ];
  for (const c of cases) it(c.name, () => expect(replaceOnChangesMatches(c.paths, c.changed)).to.deep.equal(c.expected));
});
