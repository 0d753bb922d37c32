// The deletion guard's rules, table-driven: which vanished keys are deletions nobody asked for,
// which aliases are renames, and which new keys are an old one spelled differently (issue 23).
import { expect } from "chai";
import {
  deletionRefusal,
  judgeChange,
  readRecord,
  unintendedDeletions,
  type GuardInputs,
  type GuardKeys,
} from "../../catalog/deletion-guard";

const recorded: GuardKeys = {
  templates: ["t1", "t2"],
  customers: ["a", "b"],
  users: { "u1@a": "a", "u2@a": "a", "u3@b": "b" },
  formerKeys: { customers: {}, templates: {} },
};
const run = (over: Partial<GuardInputs>): GuardInputs => ({
  templates: ["t1", "t2"],
  customers: ["a", "b"],
  users: { "u1@a": "a", "u2@a": "a", "u3@b": "b" },
  locations: {},
  aliases: { customers: {}, templates: {} },
  remove: { templates: [], customers: [], users: [], locations: [] },
  allowDeletes: false,
  maxUserDeletes: 0,
  ...over,
});
const none = { templates: [], customers: [], users: [], locations: [] };

describe("catalog deletion guard: deletions", () => {
  const cases: { name: string; olds: Partial<GuardKeys> | undefined; news: GuardInputs; expected: Record<string, string[]> }[] = [
    { name: "nothing vanished", olds: recorded, news: run({}), expected: none },
    { name: "first run (nothing recorded)", olds: undefined, news: run({ customers: [], users: {} }), expected: none },
    {
      name: "a user vanished",
      olds: recorded,
      news: run({ users: { "u1@a": "a", "u3@b": "b" } }),
      expected: { ...none, users: ["u2@a"] },
    },
    {
      name: "every user vanished (file cut before users:)",
      olds: recorded,
      news: run({ users: {} }),
      expected: { ...none, users: ["u1@a", "u2@a", "u3@b"] },
    },
    {
      name: "a user vanished, listed under remove:",
      olds: recorded,
      news: run({ users: { "u1@a": "a", "u3@b": "b" }, remove: { templates: [], customers: [], users: ["u2@a"], locations: [] } }),
      expected: none,
    },
    {
      name: "a user vanished, within maxUserDeletes",
      olds: recorded,
      news: run({ users: { "u1@a": "a", "u3@b": "b" }, maxUserDeletes: 1 }),
      expected: none,
    },
    {
      name: "two users vanished, above maxUserDeletes",
      olds: recorded,
      news: run({ users: { "u3@b": "b" }, maxUserDeletes: 1 }),
      expected: { ...none, users: ["u1@a", "u2@a"] },
    },
    {
      name: "a customer vanished with its users",
      olds: recorded,
      news: run({ customers: ["a"], users: { "u1@a": "a", "u2@a": "a" } }),
      expected: { ...none, customers: ["b"], users: ["u3@b"] },
    },
    {
      name: "a customer listed under remove: takes its users along",
      olds: recorded,
      news: run({
        customers: ["a"],
        users: { "u1@a": "a", "u2@a": "a" },
        remove: { templates: [], customers: ["b"], users: [], locations: [] },
      }),
      expected: none,
    },
    {
      name: "a customer renamed with aliases",
      olds: recorded,
      news: run({
        customers: ["a", "b2"],
        users: { "u1@a": "a", "u2@a": "a", "u3@b": "b2" },
        aliases: { customers: { b2: ["b"] }, templates: {} },
      }),
      expected: none,
    },
    { name: "the run allows deletes", olds: recorded, news: run({ customers: [], users: {}, allowDeletes: true }), expected: none },
    // Issue 23: removing a template entry deleted it silently.
    { name: "a template vanished", olds: recorded, news: run({ templates: ["t1"] }), expected: { ...none, templates: ["t2"] } },
    {
      name: "a template vanished, listed under remove:",
      olds: recorded,
      news: run({ templates: ["t1"], remove: { templates: ["t2"], customers: [], users: [], locations: [] } }),
      expected: none,
    },
    {
      name: "a template renamed with aliases",
      olds: recorded,
      news: run({ templates: ["t1", "t2-new"], aliases: { customers: {}, templates: { "t2-new": ["t2"] } } }),
      expected: none,
    },
    {
      name: "a record from before templates were guarded compares no templates",
      olds: { customers: ["a", "b"], users: recorded.users },
      news: run({ templates: [] }),
      expected: none,
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(unintendedDeletions(c.olds, c.news)).to.deep.equal(c.expected));
  }

  it("the refusal says what would go, why, and the exact lines to add; it names no property", () => {
    const { refusals } = judgeChange(recorded, run({ templates: ["t1"], customers: ["a"], users: { "u1@a": "a", "u2@a": "a" } }));
    expect(refusals).to.have.length(1);
    const text = refusals[0]!;
    expect(text).to.match(/^this change would delete 1 template and 1 customer and 1 user that the catalog no longer declares:/);
    expect(text).to.include('templates: "t2"').and.include('customers: "b" (with its 1 user: "u3@b")');
    expect(text).to.include("a truncated file or a bad merge looks the same");
    // A removed customer takes its users along: its users need no line of their own.
    expect(text).to.include("      remove:\n        templates: [t2]\n        customers: [b]\n    or allow");
    expect(text).to.include("--allow-deletes").and.include("WEBEX_CATALOG_ALLOW_DELETES=true pulumi up");
    // No Go-style dump of every key: the message quotes only what would go.
    expect(text).not.to.include("u1@a");
    expect(deletionRefusal(none)).to.deep.equal([]);
    const [users] = deletionRefusal({ ...none, users: ["u1@a"] }, recorded.users);
    expect(users).to.include('      users: "u1@a"\n').and.include("        users: [u1@a]\n");
  });

  it("keys the last run added are marked: their create may have failed, and confirming sends nothing", () => {
    const added = judgeChange(recorded, run({ customers: ["a", "b", "c"] })).record;
    expect(added.added).to.deep.equal(["c"]);
    const [text] = judgeChange(added, run({ customers: ["a", "b"] })).refusals;
    expect(text).to.include('customers: "c"*').and.include("* added by the last run: if its create failed it was never created");
    // A key recorded by earlier runs is not marked.
    expect(judgeChange(recorded, run({ customers: ["a"], users: { "u1@a": "a", "u2@a": "a" } })).refusals[0]).not.to.include("*");
  });

  it("keys needing quotes are quoted in the YAML to add, control characters escaped", () => {
    const [text] = deletionRefusal({ templates: [], customers: ["acme 1", "x: y", "rlo\u202e\u001b"], users: [], locations: [] });
    expect(text)
      .to.include('customers: ["acme 1", "x: y", "rlo\\u202e\\u001b"]')
      .and.not.match(/[\u202e\u001b]/);
  });
});

describe("catalog deletion guard: aliases", () => {
  it("refuses an alias naming another live customer: the aliases attack deletes nothing", () => {
    // b vanished and a claims it: before issue 23 the guard took it for a rename and b was deleted.
    const v = judgeChange(
      recorded,
      run({
        customers: ["a"],
        users: { "u1@a": "a" },
        aliases: { customers: { a: ["b"] }, templates: {} },
        remove: { templates: [], customers: [], users: ["u2@a", "u3@b"], locations: [] },
      }),
    );
    expect(v.refusals.join("\n")).to.include('customer "a" lists "b" under `aliases`, but both exist in this stack');
    expect(v.refusals.join("\n")).to.include('Remove "b" from the aliases of "a"');
    // And b still counts as a deletion nobody asked for.
    expect(v.unintended.customers).to.deep.equal(["b"]);
  });

  it("refuses an alias naming a key this entry never had", () => {
    const v = judgeChange(recorded, run({ aliases: { customers: { a: ["zed"] }, templates: {} } }));
    expect(v.refusals).to.have.length(1);
    expect(v.refusals[0]).to.include('customer "a" lists "zed" under `aliases`, but "zed" is not a key this customer had');
  });

  it("refuses them even when the run allows deletions", () => {
    const v = judgeChange(
      recorded,
      run({ customers: ["a"], users: {}, allowDeletes: true, aliases: { customers: { a: ["b"] }, templates: {} } }),
    );
    expect(v.refusals.join("\n")).to.include("both exist in this stack");
  });

  it("records a rename, and accepts the same alias on later runs", () => {
    const renamed = run({
      customers: ["a", "b2"],
      users: { "u1@a": "a", "u2@a": "a", "u3@b": "b2" },
      aliases: { customers: { b2: ["b"] }, templates: {} },
    });
    const first = judgeChange(recorded, renamed);
    expect(first.refusals).to.deep.equal([]);
    expect(first.record.formerKeys?.customers).to.deep.equal({ b2: ["b"] });
    expect(first.record.customers).to.deep.equal(["a", "b2"]);
    const again = judgeChange(first.record, renamed);
    expect(again.refusals).to.deep.equal([]);
    expect(again.record.formerKeys?.customers).to.deep.equal({ b2: ["b"] });
    // The history stays with the entry even once the catalog drops the alias.
    const dropped = judgeChange(again.record, run({ ...renamed, aliases: { customers: {}, templates: {} } }));
    expect(dropped.record.formerKeys?.customers).to.deep.equal({ b2: ["b"] });
  });

  it("a second rename keeps the first one's history", () => {
    const olds: GuardKeys = { ...recorded, customers: ["a", "b2"], users: {}, formerKeys: { customers: { b2: ["b"] }, templates: {} } };
    const v = judgeChange(olds, run({ customers: ["a", "b3"], users: {}, aliases: { customers: { b3: ["b2", "b"] }, templates: {} } }));
    expect(v.refusals).to.deep.equal([]);
    expect(v.record.formerKeys?.customers).to.deep.equal({ b3: ["b", "b2"] });
  });

  it("a record from before aliases were checked accepts an alias naming nothing recorded, once, as history", () => {
    const legacy = { customers: ["a", "b"], users: recorded.users };
    const v = judgeChange(legacy, run({ aliases: { customers: { a: ["old-a"] }, templates: {} } }));
    expect(v.refusals).to.deep.equal([]);
    expect(v.record.formerKeys?.customers).to.deep.equal({ a: ["old-a"] });
  });
});

describe("catalog deletion guard: one Webex object under two keys", () => {
  const users = { "omar@n": "a", "u3@b": "b" };
  const before: GuardKeys = { ...recorded, users };

  it("a case-only email change is a rename: refused without asking for remove:", () => {
    const v = judgeChange(before, run({ users: { "Omar@n": "a", "u3@b": "b" } }));
    expect(v.unintended).to.deep.equal(none);
    expect(v.refusals).to.have.length(1);
    expect(v.refusals[0])
      .to.include('user "Omar@n" is "omar@n" spelled differently: Webex compares emails without case')
      .and.include("This is a rename, not a deletion, and needs no `remove:`")
      .and.include("`email: omar@n`");
  });

  it("the omar@ → Omar@ plus remove: attack is refused at preview, allow-deletes or not", () => {
    for (const allowDeletes of [false, true]) {
      const v = judgeChange(
        before,
        run({
          users: { "Omar@n": "a", "u3@b": "b" },
          remove: { templates: [], customers: [], users: ["omar@n"], locations: [] },
          allowDeletes,
        }),
      );
      expect(v.refusals, String(allowDeletes)).to.have.length(1);
      expect(v.refusals[0]).to.include('listing "omar@n" there would delete the very user "Omar@n" adopts');
    }
  });

  it("the same email moved to another customer with a case change is refused too", () => {
    const v = judgeChange(before, run({ users: { "OMAR@n": "b", "u3@b": "b" } }));
    expect(v.refusals.join("\n")).to.include('user "OMAR@n" is "omar@n" spelled differently');
  });

  const lookalikes: { name: string; now: string; shown: string }[] = [
    { name: "case", now: "B", shown: "B" },
    { name: "a Cyrillic letter", now: "\u0430cme", shown: "\\u0430cme" },
    { name: "a zero-width space", now: "acme\u200b", shown: "acme\\u200b" },
    { name: "a soft hyphen", now: "ac\u00adme", shown: "ac\\u00adme" },
    { name: "fullwidth digits", now: "acme-\uff10\uff11", shown: "acme-\\uff10\\uff11" },
  ];
  for (const l of lookalikes) {
    it(`a customer key changed by ${l.name} is refused, shown escaped`, () => {
      const old = l.name === "case" ? "b" : l.name === "fullwidth digits" ? "acme-01" : "acme";
      const olds: GuardKeys = { ...recorded, customers: ["a", old], users: {} };
      const v = judgeChange(olds, run({ customers: ["a", l.now], users: {} }));
      expect(v.unintended).to.deep.equal(none);
      expect(v.refusals).to.have.length(1);
      expect(v.refusals[0]).to.include(`customer "${l.shown}" is "${old}" spelled differently`).and.include(`aliases: [${old}]`);
    });
  }

  it("a key renamed with its look-alike listed in aliases is a rename", () => {
    const olds: GuardKeys = { ...recorded, customers: ["a", "b"], users: {} };
    expect(
      judgeChange(olds, run({ customers: ["a", "B"], users: {}, aliases: { customers: { B: ["b"] }, templates: {} } })).refusals,
    ).to.deep.equal([]);
  });
});

describe("catalog deletion guard: the stored record", () => {
  it("keeps what has the expected shape and drops the rest, so check never throws on it", () => {
    expect(readRecord({})).to.equal(undefined);
    expect(readRecord({ customers: "a" })).to.equal(undefined);
    const read = readRecord({
      customers: ["a"],
      users: { "u@a": "a", bad: 3 },
      templates: "t",
      locations: { "a/HQ": "a", "a/x": 1 },
      formerKeys: { customers: { a: ["old"], b: "x" }, templates: 7 },
      added: [1],
    });
    expect(read).to.deep.equal({
      customers: ["a"],
      users: { "u@a": "a" },
      templates: undefined,
      locations: { "a/HQ": "a" },
      formerKeys: { customers: { a: ["old"] }, templates: {} },
      added: undefined,
    });
    expect(() => judgeChange(read, run({}))).not.to.throw();
    // A record from before locations were guarded compares none: they are all new, not vanished.
    expect(readRecord({ customers: ["a"] })?.locations).to.equal(undefined);
  });
});

describe("catalog deletion guard: locations", () => {
  const sites = { "a/HQ": "a", "a/Denver": "a", "b/Paris": "b" };
  const withSites: GuardKeys = { ...recorded, locations: sites };
  const noRemovals = { templates: [], customers: [], users: [], locations: [] };

  it("a vanished location is refused, saying what removal does and the line that confirms it", () => {
    const v = judgeChange(withSites, run({ locations: { "a/HQ": "a", "b/Paris": "b" } }));
    expect(v.unintended.locations).to.deep.equal(["a/Denver"]);
    expect(v.refusals).to.have.length(1);
    expect(v.refusals[0])
      .to.include('      locations: "a/Denver"\n')
      .and.include("disables Webex Calling there")
      .and.include("record itself stays in Webex")
      .and.include("        locations: [a/Denver]\n");
  });

  it("listed under remove:, or allowed for the run, it goes; the record drops it", () => {
    const news = { locations: { "a/HQ": "a", "b/Paris": "b" } };
    const listed = judgeChange(withSites, run({ ...news, remove: { ...noRemovals, locations: ["a/Denver"] } }));
    expect(listed.refusals).to.deep.equal([]);
    expect(listed.record.locations).to.deep.equal(news.locations);
    expect(judgeChange(withSites, run({ ...news, allowDeletes: true })).refusals).to.deep.equal([]);
  });

  it("maxUserDeletes does not cover locations", () => {
    const v = judgeChange(withSites, run({ locations: { "a/HQ": "a", "b/Paris": "b" }, maxUserDeletes: 5 }));
    expect(v.unintended.locations).to.deep.equal(["a/Denver"]);
  });

  it("a removed customer takes its locations along, named with it", () => {
    const gone = run({ customers: ["a"], users: { "u1@a": "a", "u2@a": "a" }, locations: { "a/HQ": "a", "a/Denver": "a" } });
    const refused = judgeChange(withSites, gone);
    expect(refused.refusals[0]).to.include('"b" (with its 1 user: "u3@b"; 1 location: "b/Paris")');
    expect(refused.refusals[0]).to.include("        customers: [b]\n").and.not.include("locations: [b/Paris]");
    expect(judgeChange(withSites, { ...gone, remove: { ...noRemovals, customers: ["b"] } }).refusals).to.deep.equal([]);
  });

  it("a location name respelled (case) is refused as one object, remove: or not", () => {
    for (const remove of [[], ["a/Denver"]]) {
      const v = judgeChange(
        withSites,
        run({ locations: { "a/HQ": "a", "a/DENVER": "a", "b/Paris": "b" }, remove: { ...noRemovals, locations: remove } }),
      );
      expect(v.refusals.join("\n"), String(remove)).to.include('location "a/DENVER" is "a/Denver" spelled differently');
      expect(v.refusals.join("\n")).to.include("a location is adopted by its exact name");
    }
  });

  it("a record from before locations were guarded compares none, and records them for the next run", () => {
    const v = judgeChange(recorded, run({ locations: { "a/Denver": "a" } }));
    expect(v.refusals).to.deep.equal([]);
    expect(v.record.locations).to.deep.equal({ "a/Denver": "a" });
    expect(v.record.added).to.include("a/Denver");
  });
});
