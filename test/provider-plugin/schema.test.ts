/**
 * The provider plugin's package schema: the committed `provider/plugin/schema.json` is what the
 * generator writes now (run `npm run plugin:schema` when this fails), and what it says follows the
 * zod schemas, the change rules and the configuration table.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { CONFIG_TABLE } from "../../provider/config";
import { PLUGIN_RESOURCES } from "../../provider/plugin/catalog";
import { packageSchema, schemaText } from "../../provider/plugin/package-schema";
import { packageVersion, SCHEMA_FILE } from "../../scripts/plugin-schema";

type Spec = { properties: Record<string, { replaceOnChanges?: boolean; secret?: boolean; description?: string }>; required?: string[] };
type ResourceSpec = Spec & { inputProperties: Spec["properties"]; requiredInputs: string[] };

describe("provider plugin schema", () => {
  const schema = packageSchema(packageVersion()) as {
    resources: Record<string, ResourceSpec>;
    config: { variables: Spec["properties"] };
    version: string;
  };

  it("schema.json is up to date (else run npm run plugin:schema)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).to.equal(schemaText(packageVersion()));
  });

  it("carries the package's version", () => {
    expect(schema.version).to.equal(packageVersion());
  });

  for (const r of PLUGIN_RESOURCES) {
    describe(r.token, () => {
      const spec = () => schema.resources[r.token]!;

      it("has every argument as an input and every state field as an output", () => {
        expect(Object.keys(spec().inputProperties)).to.deep.equal(Object.keys(r.args.shape));
        expect(Object.keys(spec().properties)).to.deep.equal(Object.keys(r.state.shape));
      });

      it("requires exactly the arguments without a default that are not optional", () => {
        const required = Object.entries(r.args.shape)
          .filter(([, f]) => !(f as { isOptional(): boolean }).isOptional())
          .map(([k]) => k);
        expect(spec().requiredInputs).to.deep.equal(required);
      });

      it("marks replaceOnChanges exactly where the change rules replace, and says what each change does", () => {
        for (const [key, rule] of Object.entries(r.rules.fields)) {
          const input = spec().inputProperties[key]!;
          expect(input.replaceOnChanges === true, key).to.equal(rule.kind === "replace");
          expect(input.description, key).to.include(rule.description.slice(1));
        }
      });
    });
  }

  it("CustomerUser replaces on customerId and email, CustomerLocation on customerId; no other input replaces", () => {
    const replacing = Object.entries(schema.resources).flatMap(([t, s]) =>
      Object.entries(s.inputProperties)
        .filter(([, p]) => p.replaceOnChanges)
        .map(([k]) => `${t.split(":")[2]}.${k}`),
    );
    expect(replacing).to.have.members(["CustomerUser.customerId", "CustomerUser.email", "CustomerLocation.customerId"]);
  });

  it("configuration: every setting of the table, the token (only) secret", () => {
    expect(Object.keys(schema.config.variables)).to.deep.equal(Object.keys(CONFIG_TABLE));
    const secret = Object.entries(schema.config.variables)
      .filter(([, v]) => v.secret)
      .map(([k]) => k);
    expect(secret).to.deep.equal(["accessToken"]);
  });
});
