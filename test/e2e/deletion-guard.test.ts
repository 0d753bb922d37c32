// The main job's deletion guard, end to end on the root program (local engine, emulator): a catalog
// that lost entries (truncated before `users:`, cut at an entry boundary) fails preview and up with
// the keys that would go, and deletes nothing; `remove:` or the allow-deletes switch goes ahead.
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
      expect(text).to.match(/would delete 8 user\(s\) \["ada@acme\.example", .*"paul\.dupont@boulangerie-dupont\.example"\]/);
      expect(text).to.include("remove:").and.include("--allow-deletes");
      expect(stepCounts(r).delete, op).to.equal(0);
    }
    expect(await users()).to.have.length(8);
  });

  it("a file cut at an entry boundary fails up and deletes nothing", async () => {
    write(original.slice(0, original.indexOf("  - email: grace@acme.example")));
    const r = await s.run("up");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.match(
      /would delete 4 user\(s\) \["alan@acme\.example", "grace@acme\.example", "nina@northwind\.example", "omar@northwind\.example"\]/,
    );
    expect(await users()).to.have.length(8);
  });

  it("users listed under `remove:` are deleted, and only they", async () => {
    const cut = original.replace(/  - email: nina@northwind\.example\n(    .*\n)+/, "");
    write(`${cut}\nremove:\n  users: [nina@northwind.example]\n`);
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).delete).to.equal(1);
    expect(await users()).not.to.include("nina@northwind.example");
    expect(await users()).to.have.length(7);
  });

  it("a customer removed without intent is refused; the allow-deletes switch of the run lets it go", async () => {
    const text = original
      .replace(/  - externalId: northwind-004\n(    .*\n|      .*\n)+/, "")
      .replace(/  - email: (nina|omar)@northwind\.example\n(    .*\n)+/g, "");
    write(text);
    const refused = await s.run("preview");
    expect(refused.ok).to.equal(false);
    expect(failureText(refused)).to.match(/would delete 1 customer\(s\) \["northwind-004"\]/);
    process.env.WEBEX_CATALOG_ALLOW_DELETES = "true";
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(Object.values((await s.state()).customers).map((c) => c.externalId)).not.to.include("northwind-004");
  });
});
