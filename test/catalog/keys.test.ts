// Keys that print like other keys (issue 23): what two keys fold to, and the escaped form messages
// show. What the loader refuses because of them is in lookalikes.test.ts.
import { expect } from "chai";
import { foldKey, lookalikeReason, oddCharacters, showKey } from "../../catalog/keys";

describe("catalog keys: folding and showing", () => {
  const same: [string, string, string][] = [
    ["case", "ACME-001", "acme-001"],
    ["a Cyrillic a", "\u0430cme-001", "acme-001"],
    ["a Greek omicron", "acme-\u03bf01", "acme-o01"],
    ["a zero-width space", "acme\u200b-001", "acme-001"],
    ["a soft hyphen", "ac\u00adme-001", "acme-001"],
    ["fullwidth digits", "acme-\uff10\uff10\uff11", "acme-001"],
    ["surrounding spaces", " acme-001 ", "acme-001"],
    ["precomposed against combining accent", "caf\u00e9", "cafe\u0301"],
  ];
  for (const [name, a, b] of same) it(`${name} folds to the same key`, () => expect(foldKey(a)).to.equal(foldKey(b)));

  it("distinct keys stay distinct", () => expect(foldKey("acme-001")).not.to.equal(foldKey("acme-002")));

  it("shows the odd characters escaped and names them", () => {
    expect(showKey("us\u0435rs")).to.equal("us\\u0435rs");
    expect(showKey("a\u001b[2J\u0007\u202eb")).to.equal("a\\u001b[2J\\u0007\\u202eb");
    expect(oddCharacters("acme-\uff11\u200b").map((o) => o.code)).to.deep.equal(["U+FF11", "U+200B"]);
    expect(lookalikeReason("us\u0435rs")).to.include('"us\\u0435rs" (U+0435: Cyrillic, looks like "e")').and.include('reads as "users"');
  });

  it("plain keys, accented Latin and a key wholly in another script are not look-alikes", () => {
    for (const key of ["acme-001", "ada@acme.example", "caf\u00e9-lyon", "\u0437\u0430\u043a\u0430\u0437"])
      expect(lookalikeReason(key), key).to.equal(undefined);
  });
});
