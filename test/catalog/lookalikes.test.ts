// What the loader refuses because keys print like other keys (issue 23): look-alike keys and field
// names (shown escaped), aliases naming another entry, a `remove:` naming a declared key spelled
// differently, and the catalog's file name echoed raw.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { CatalogError, loadCatalog, validateCatalog, type CatalogRules } from "../../catalog/load";
import type { CatalogInput } from "../../catalog/schema";

const rules: CatalogRules = {
  checkTemplate: async () => [],
  checkCustomer: async () => [],
  checkUser: async () => [],
  checkLocation: async () => [],
};

const customer = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  provisioningId: "P1",
  supportedLocationConfirmed: true as const,
  address: { line1: "1 rue", city: "Lyon", country: "FR" },
  packages: [{ name: "webex_meetings" }],
  ...extra,
});
const user = (email: string, customerId = "acme-001") => ({
  email,
  customer: customerId,
  firstName: "A",
  lastName: "B",
  package: "webex_meetings",
});
const issuesOf = async (c: CatalogInput | string) => (await validateCatalog(typeof c === "string" ? c : stringify(c), rules)).issues;

describe("catalog: keys that print like others, aliases and remove:", () => {
  const odd: [string, string, string][] = [
    ["a Cyrillic letter", "\u0430cme-002", "\\u0430cme-002"],
    ["a zero-width space", "acme-002\u200b", "acme-002\\u200b"],
    ["a soft hyphen", "ac\u00adme-002", "ac\\u00adme-002"],
    ["fullwidth digits", "acme-\uff10\uff10\uff12", "acme-\\uff10\\uff10\\uff12"],
  ];
  for (const [name, key, shown] of odd) {
    it(`an externalId with ${name} is refused, shown escaped`, async () => {
      const issues = await issuesOf({ customers: [customer("acme-001"), customer(key)] });
      const issue = issues.find((i) => i.path === "customers[1].externalId");
      expect(issue, JSON.stringify(issues)).not.to.equal(undefined);
      expect(issue!.message).to.include(`"${shown}"`).and.include("--allow-lookalikes");
    });
  }

  it("a look-alike field name (Cyrillic usеrs) says what differs, not 'check its spelling'", async () => {
    const text = stringify({ customers: [customer("acme-001")] }) + "us\u0435rs: []\n";
    const issues = await issuesOf(text);
    expect(issues).to.have.length(1);
    expect(issues[0]!.message)
      .to.include('unknown field: its name contains characters that print like others: "us\\u0435rs"')
      .and.include("U+0435: Cyrillic")
      .and.not.include("check its spelling");
    const dir = mkdtempSync(join(tmpdir(), "catalog-keys-"));
    try {
      const file = join(dir, "c.yaml");
      writeFileSync(file, text);
      const err = (await loadCatalog(file, rules).catch((e: unknown) => e)) as CatalogError;
      expect(err).to.be.instanceOf(CatalogError);
      // The path shows it escaped too, so the line a reader scans does not read "users".
      expect(err.message).to.include("  - us\\u0435rs (line").and.not.include("\u0435");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an alias naming another customer of the catalog is refused with both names", async () => {
    const issues = await issuesOf({ customers: [customer("acme-001", { aliases: ["acme-002"] }), customer("acme-002")] });
    expect(issues.map((i) => i.path)).to.deep.equal(["customers[0].aliases[0]"]);
    expect(issues[0]!.message).to.include('"acme-002" is the externalId of customers[1] ("acme-002")').and.include('aliases of "acme-001"');
  });

  it("an alias claimed by two entries, or naming the entry itself, is refused", async () => {
    const two = await issuesOf({ customers: [customer("a-1", { aliases: ["old"] }), customer("a-2", { aliases: ["old"] })] });
    expect(two.map((i) => i.path)).to.deep.equal(["customers[1].aliases[0]"]);
    expect(two[0]!.message).to.include('"old" is also an alias of customers[0] ("a-1")');
    const own = await issuesOf({ customers: [customer("a-1", { aliases: ["a-1"] })] });
    expect(own[0]!.message).to.include("this customer's own externalId");
  });

  it("a remove: naming a declared user's email in another case is refused: the case-change attack", async () => {
    const issues = await issuesOf({
      customers: [customer("acme-001")],
      users: [user("Omar@acme.example")],
      remove: { users: ["omar@acme.example"] },
    });
    expect(issues.map((i) => i.path)).to.deep.equal(["remove.users[0]"]);
    expect(issues[0]!.message)
      .to.include('"omar@acme.example" is the same user as users[0] ("Omar@acme.example"): Webex compares emails without case')
      .and.include("needs no `remove:`");
  });

  it("a remove: naming a look-alike of a declared customer, or an entry's alias, is refused", async () => {
    const lookalike = await issuesOf({ customers: [customer("acme-001")], remove: { customers: ["\u0430cme-001"] } });
    expect(lookalike.map((i) => i.path)).to.include("remove.customers[0]");
    const alias = await issuesOf({ customers: [customer("acme-002", { aliases: ["acme-001"] })], remove: { customers: ["acme-001"] } });
    expect(alias.map((i) => i.message).join("\n")).to.include('"acme-001" is an alias of customers[0] ("acme-002")');
  });

  it("templates can be listed under remove:", async () => {
    expect(await issuesOf({ customers: [], remove: { templates: ["old-template"] } })).to.deep.equal([]);
  });

  it("the catalog file name is shown escaped in the error (ESC, BEL, RLO never reach a terminal)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-name-"));
    try {
      const file = join(dir, "c\u001b[2J\u0007\u202e.yaml");
      writeFileSync(file, "customers: [\n");
      const err = (await loadCatalog(file, rules).catch((e: unknown) => e)) as CatalogError;
      expect(err.message)
        .to.include("c\\x1b[2J\\x07\\u202e.yaml")
        .and.not.match(/[\u001b\u0007\u202e]/);
      const missing = (await loadCatalog(join(dir, "gone\u001b.yaml"), rules).catch((e: unknown) => e)) as CatalogError;
      expect(missing.message).to.include("gone\\x1b.yaml").and.not.include("\u001b");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
