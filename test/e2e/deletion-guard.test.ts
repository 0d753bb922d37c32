// The main job's deletion guard, end to end on the root program (local engine, emulator): a catalog
// that lost entries (truncated before `users:`, cut at an entry boundary) fails preview and up with
// the keys that would go, and deletes nothing; `remove:` or the allow-deletes switch goes ahead.
// Issue 23: an alias naming another live customer, an email case change (with or without
// `remove:`) and a removed template are refused too, and the message is a person's, not a dump.
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, failureText, stepCounts, useScenario } from "./harness";

describe("e2e: the main job's deletion guard", function () {
  this.timeout(180_000);
  const s = useScenario("deletion-guard", undefined, ".");
  const original = readFileSync(join(ROOT, "catalog/customers.yaml"), "utf8");
  let catalog: string;
  const write = (text: string) => writeFileSync(catalog, text);
  const users = async () =>
    Object.values((await s.state()).subscribers)
      .map((u) => u.email)
      .sort();

  before(async () => {
    catalog = s.workFile("customers.yaml");
    write(original);
    s.config = { "webex-wholesale-onboarding:catalogFile": catalog };
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
  });
  afterEach(() => delete process.env.WEBEX_CATALOG_ALLOW_DELETES);

  it("a file cut just before `users:` fails preview and up, listing the users, and deletes nothing", async () => {
    write(original.slice(0, original.indexOf("\nusers:") + 1));
    for (const op of ["preview", "up"] as const) {
      const r = await s.run(op);
      expect(r.ok, op).to.equal(false);
      const text = failureText(r);
      expect(text).to.include("this change would delete 10 users that the catalog no longer declares:");
      expect(text).to.match(/users: "ada@acme\.example", .*"paul\.dupont@boulangerie-dupont\.example"/);
      expect(text).to.include("remove:").and.include("--allow-deletes");
      // The lines to add, and no Go-style dump of the guard's inputs (`property customers value {[...]}`).
      expect(text).to.match(/remove:\n\s+users: \[ada@acme\.example, alan@acme\.example, /);
      expect(text).not.to.match(/property \w+ value/);
      expect(stepCounts(r).delete, op).to.equal(0);
    }
    expect(await users()).to.have.length(10);
  });

  it("a file cut at an entry boundary fails up and deletes nothing", async () => {
    write(original.slice(0, original.indexOf("  - email: grace@acme.example")));
    const r = await s.run("up");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.include(
      'would delete 6 users that the catalog no longer declares:\n      users: "alan@acme.example", "barbara@acme.example", "grace@acme.example", "linus@acme.example", "nina@northwind.example", "omar@northwind.example"',
    );
    expect(await users()).to.have.length(10);
  });

  it("users listed under `remove:` are deleted, and only they", async () => {
    const cut = original.replace(/  - email: nina@northwind\.example\n(    .*\n)+/, "");
    write(`${cut}\nremove:\n  users: [nina@northwind.example]\n`);
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).delete).to.equal(1);
    expect(await users()).not.to.include("nina@northwind.example");
    expect(await users()).to.have.length(9);
  });

  /** The catalog after the test above: nina removed on purpose. */
  const withoutNina = () =>
    `${original.replace(/  - email: nina@northwind\.example\n(    .*\n)+/, "")}\nremove:\n  users: [nina@northwind.example]\n`;
  const customers = async () =>
    Object.values((await s.state()).customers)
      .map((c) => c.externalId)
      .sort();

  it("an alias naming another live customer is refused at preview and up, with both names; nothing is deleted", async () => {
    // The aliases attack: cabinet-martin-002's entry goes, and boulangerie claims its key.
    const text = withoutNina()
      .replace(/  - externalId: cabinet-martin-002\n(    .*\n)+/, "")
      .replace(/  - email: luc\.martin@cabinet-martin\.example\n(    .*\n)+/, "")
      .replace("  - externalId: boulangerie-dupont-001\n", "  - externalId: boulangerie-dupont-001\n    aliases: [cabinet-martin-002]\n")
      .replace("users: [nina@northwind.example]", "users: [nina@northwind.example, luc.martin@cabinet-martin.example]");
    write(text);
    for (const op of ["preview", "up"] as const) {
      const r = await s.run(op);
      expect(r.ok, op).to.equal(false);
      expect(failureText(r)).to.include('customer "boulangerie-dupont-001" lists "cabinet-martin-002" under `aliases`, but both exist');
      expect(stepCounts(r).delete, op).to.equal(0);
    }
    expect(await customers()).to.include("cabinet-martin-002");
    expect(await users()).to.include("luc.martin@cabinet-martin.example");
  });

  it("an email case change is a rename: refused without remove:, and with remove: too; the user stays", async () => {
    const renamed = withoutNina().replace("  - email: omar@northwind.example\n", "  - email: Omar@northwind.example\n");
    write(renamed);
    const plain = await s.run("preview");
    expect(plain.ok).to.equal(false);
    expect(failureText(plain))
      .to.include('user "Omar@northwind.example" is "omar@northwind.example" spelled differently')
      .and.include("needs no `remove:`");
    // The guard's own earlier advice, which deleted the live user (+1 created, -1 deleted, exit 0).
    write(renamed.replace("users: [nina@northwind.example]", "users: [nina@northwind.example, omar@northwind.example]"));
    for (const op of ["preview", "up"] as const) {
      const r = await s.run(op);
      expect(r.ok, op).to.equal(false);
      expect(failureText(r)).to.include("Webex compares emails without case");
      expect([stepCounts(r).create, stepCounts(r).delete], op).to.deep.equal([0, 0]);
    }
    expect(await users()).to.include("omar@northwind.example");
  });

  it("a template removed from the catalog is refused; listed under remove: it goes", async () => {
    const spare = [
      "templates:",
      "  - name: spare-emea",
      "    serviceProviderAdmin: ops@partner.example",
      "    countryCode: FR",
      "    wholesaleSubscriptionId: Sub-EMEA-0001",
      "    emailBrandName: Partner Voice",
      "",
    ].join("\n");
    write(withoutNina().replace("templates:\n", spare));
    const added = await s.run("up");
    expect(added.ok, failureText(added)).to.equal(true);
    const templates = async () => Object.values((await s.state()).templates).length;
    expect(await templates()).to.equal(3);
    write(withoutNina());
    const refused = await s.run("up");
    expect(refused.ok).to.equal(false);
    expect(failureText(refused)).to.include('would delete 1 template that the catalog no longer declares:\n      templates: "spare-emea"');
    expect(failureText(refused)).to.match(/remove:\n\s+templates: \[spare-emea\]/);
    expect(await templates()).to.equal(3);
    write(withoutNina().replace("remove:\n", "remove:\n  templates: [spare-emea]\n"));
    const removed = await s.run("up");
    expect(removed.ok, failureText(removed)).to.equal(true);
    expect(stepCounts(removed).delete).to.equal(1);
    expect(await templates()).to.equal(2);
  });

  it("a customer removed without intent is refused; the allow-deletes switch of the run lets it go", async () => {
    const text = original
      .replace(/  - externalId: northwind-004\n(    .*\n|      .*\n)+/, "")
      .replace(/  - email: (nina|omar)@northwind\.example\n(    .*\n)+/g, "");
    write(text);
    const refused = await s.run("preview");
    expect(refused.ok).to.equal(false);
    expect(failureText(refused)).to.include(
      'would delete 1 customer and 1 user that the catalog no longer declares:\n      customers: "northwind-004" (with its 1 user: "omar@northwind.example")',
    );
    // A removed customer takes its users along: the lines to add name the customer only.
    expect(failureText(refused)).to.match(/remove:\n\s+customers: \[northwind-004\]\n\s+or allow/);
    process.env.WEBEX_CATALOG_ALLOW_DELETES = "true";
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(Object.values((await s.state()).customers).map((c) => c.externalId)).not.to.include("northwind-004");
  });
});
