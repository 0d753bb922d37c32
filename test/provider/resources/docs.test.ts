import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BEGIN_MARKER, END_MARKER, REFERENCE_PATH, renderResourcesSection, replaceGeneratedSection } from "../../../scripts/docs";
import { customerOrgRules } from "../../../provider/resources/customer-org/rules";
import { customerUserRules } from "../../../provider/resources/customer-user/rules";
import { onboardingTemplateRules } from "../../../provider/resources/onboarding-template/rules";
import { CustomerOrgArgsSchema } from "../../../provider/resources/customer-org/schema";
import { CustomerUserArgsSchema } from "../../../provider/resources/customer-user/schema";
import { OnboardingTemplateArgsSchema } from "../../../provider/resources/onboarding-template/schema";

// The README of this repository (tests may read the repo; they never read /work/shared).
const README = path.join(__dirname, "..", "..", "..", "README.md");

describe("generated resource reference (docs/resources.md)", () => {
  it("is up to date (run `npm run docs` and commit docs/resources.md when this fails)", () => {
    const reference = readFileSync(REFERENCE_PATH, "utf8");
    expect(replaceGeneratedSection(reference, renderResourcesSection())).to.equal(reference);
  });

  it("stays out of the README, which links to it (the README is the front door)", () => {
    const readme = readFileSync(README, "utf8");
    expect(readme).to.not.include(BEGIN_MARKER);
    expect(readme).to.include("(docs/resources.md)");
  });

  it("rewrites only the text between the markers", () => {
    const readme = `# Title\nbefore\n${BEGIN_MARKER}\nold text\n${END_MARKER}\nafter\n`;
    const out = replaceGeneratedSection(readme, "NEW");
    expect(out).to.equal(`# Title\nbefore\n${BEGIN_MARKER}\nNEW\n${END_MARKER}\nafter\n`);
  });

  it("refuses a README without the markers", () => {
    expect(() => replaceGeneratedSection("# no markers", "x")).to.throw(/BEGIN GENERATED/);
  });

  // Every input of every schema has a change rule and a described row in the tables.
  const resources = [
    { name: "OnboardingTemplate", schema: OnboardingTemplateArgsSchema, rules: onboardingTemplateRules },
    { name: "CustomerOrg", schema: CustomerOrgArgsSchema, rules: customerOrgRules },
    { name: "CustomerUser", schema: CustomerUserArgsSchema, rules: customerUserRules },
  ];
  for (const r of resources) {
    it(`${r.name}: every input has a change rule, a description and a row`, () => {
      const section = renderResourcesSection();
      const inputs = Object.keys(r.schema.shape);
      expect(Object.keys(r.rules.fields)).to.have.members(inputs);
      for (const key of inputs) {
        const field = (r.schema.shape as Record<string, { description?: string }>)[key]!;
        expect(field.description, `${r.name}.${key} description`).to.be.a("string").and.not.equal("");
        expect(section).to.include(`| \`${key}\` |`);
      }
      for (const rule of Object.values(r.rules.fields)) expect(section).to.include(rule.description);
    });
  }
});
