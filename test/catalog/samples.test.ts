// The committed catalogs are valid under the real rules: the package's PACKAGES and each
// resource's own check, exactly as `npm start` and the examples load them.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { validateCatalog } from "../../catalog/load";
import { packageRules } from "../../catalog/package-rules";

const ROOT = join(__dirname, "..", "..");

const samples: { name: string; file: string; counts: { templates: number; customers: number; users: number } }[] = [
  { name: "the main job's catalog", file: "catalog/customers.yaml", counts: { templates: 2, customers: 4, users: 10 } },
  { name: "examples/catalog", file: "examples/catalog/customers.yaml", counts: { templates: 1, customers: 2, users: 4 } },
];

describe("sample catalogs", () => {
  for (const s of samples) {
    it(`${s.name} (${s.file}) validates with the package's rules`, async () => {
      const text = readFileSync(join(ROOT, s.file), "utf8");
      const result = await validateCatalog(text, packageRules());
      expect(result.issues).to.deep.equal([]);
      if (!result.ok) return;
      const c = result.catalog;
      expect({ templates: c.templates.length, customers: c.customers.length, users: c.users.length }).to.deep.equal(s.counts);
      // Every customer has exactly one declared full administrator: its adminEmail.
      for (const customer of c.customers) {
        const admins = c.users.filter((u) => u.customer === customer.externalId && u.administrator);
        expect(
          admins.map((u) => u.email),
          customer.externalId,
        ).to.deep.equal([customer.adminEmail]);
      }
    });
  }

  it("the main job's catalog covers a limited, an unlimited and a calling customer", () => {
    const raw = parse(readFileSync(join(ROOT, "catalog/customers.yaml"), "utf8")) as {
      customers: { packages: { quantity?: number }[]; headquarters?: unknown }[];
    };
    const limited = raw.customers.filter((c) => c.packages.some((p) => p.quantity !== undefined));
    expect(limited.length).to.be.greaterThan(0);
    expect(limited.length).to.be.lessThan(raw.customers.length);
    expect(raw.customers.some((c) => c.headquarters !== undefined)).to.equal(true);
  });

  it("the package's rules catch what the fakes in load.test.ts stand for", async () => {
    const text = readFileSync(join(ROOT, "catalog/customers.yaml"), "utf8").replace("quantity: 10", "quantity: 0");
    const result = await validateCatalog(text, packageRules());
    expect(result.issues.map((i) => i.path)).to.deep.equal(["customers[0].packages[0].quantity"]);
  });
});
