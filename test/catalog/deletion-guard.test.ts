// The deletion guard's rule, table-driven: which vanished keys are deletions nobody asked for.
import { expect } from "chai";
import { deletionRefusal, unintendedDeletions, type GuardInputs, type GuardKeys } from "../../catalog/deletion-guard";

const recorded: GuardKeys = { customers: ["a", "b"], users: { "u1@a": "a", "u2@a": "a", "u3@b": "b" } };
const run = (over: Partial<GuardInputs>): GuardInputs => ({
  customers: ["a", "b"],
  users: { "u1@a": "a", "u2@a": "a", "u3@b": "b" },
  remove: { customers: [], users: [] },
  renamed: [],
  allowDeletes: false,
  maxUserDeletes: 0,
  ...over,
});

describe("catalog deletion guard", () => {
  const cases: { name: string; olds: GuardKeys | undefined; news: GuardInputs; expected: { customers: string[]; users: string[] } }[] = [
    { name: "nothing vanished", olds: recorded, news: run({}), expected: { customers: [], users: [] } },
    {
      name: "first run (nothing recorded)",
      olds: undefined,
      news: run({ customers: [], users: {} }),
      expected: { customers: [], users: [] },
    },
    {
      name: "a user vanished",
      olds: recorded,
      news: run({ users: { "u1@a": "a", "u3@b": "b" } }),
      expected: { customers: [], users: ["u2@a"] },
    },
    {
      name: "every user vanished (file cut before users:)",
      olds: recorded,
      news: run({ users: {} }),
      expected: { customers: [], users: ["u1@a", "u2@a", "u3@b"] },
    },
    {
      name: "a user vanished, listed under remove:",
      olds: recorded,
      news: run({ users: { "u1@a": "a", "u3@b": "b" }, remove: { customers: [], users: ["u2@a"] } }),
      expected: { customers: [], users: [] },
    },
    {
      name: "a user vanished, within maxUserDeletes",
      olds: recorded,
      news: run({ users: { "u1@a": "a", "u3@b": "b" }, maxUserDeletes: 1 }),
      expected: { customers: [], users: [] },
    },
    {
      name: "two users vanished, above maxUserDeletes",
      olds: recorded,
      news: run({ users: { "u3@b": "b" }, maxUserDeletes: 1 }),
      expected: { customers: [], users: ["u1@a", "u2@a"] },
    },
    {
      name: "a customer vanished with its users",
      olds: recorded,
      news: run({ customers: ["a"], users: { "u1@a": "a", "u2@a": "a" } }),
      expected: { customers: ["b"], users: ["u3@b"] },
    },
    {
      name: "a customer listed under remove: takes its users along",
      olds: recorded,
      news: run({ customers: ["a"], users: { "u1@a": "a", "u2@a": "a" }, remove: { customers: ["b"], users: [] } }),
      expected: { customers: [], users: [] },
    },
    {
      name: "a customer renamed with aliases",
      olds: recorded,
      news: run({ customers: ["a", "b2"], users: { "u1@a": "a", "u2@a": "a", "u3@b": "b2" }, renamed: ["b"] }),
      expected: { customers: [], users: [] },
    },
    {
      name: "the run allows deletes",
      olds: recorded,
      news: run({ customers: [], users: {}, allowDeletes: true }),
      expected: { customers: [], users: [] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(unintendedDeletions(c.olds, c.news)).to.deep.equal(c.expected));
  }

  it("the refusal lists what would go and both ways to go ahead", () => {
    const [failure] = deletionRefusal({ customers: ["b"], users: ["u3@b"] });
    expect(failure!.property).to.equal("customers");
    expect(failure!.reason).to.include('1 customer(s) ["b"] and 1 user(s) ["u3@b"]').and.include("remove:").and.include("--allow-deletes");
    expect(deletionRefusal({ customers: [], users: [] })).to.deep.equal([]);
  });
});
