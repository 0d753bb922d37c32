import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";

import { resolveConfig, resolveSecretReference } from "../../../local/engine/project-config";
import { programConfigEnv } from "../../../local/engine/program-launcher";

describe("local engine: project configuration", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-config-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const stackFile = (text: string) => fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), text);

  it("namespaces keys, stringifies structured values, and lets overrides and secrets win", () => {
    stackFile("config:\n  region: eu\n  webex:baseUrl: http://127.0.0.1:1\n  count: 3\n  tags:\n    a: b\n");
    const c = resolveConfig(dir, "dev", { region: "us" }, { "webex:accessToken": "tok" });
    expect(c.project).to.equal("shop");
    expect(c.values).to.deep.equal({
      "shop:region": "us",
      "webex:baseUrl": "http://127.0.0.1:1",
      "shop:count": "3",
      "shop:tags": '{"a":"b"}',
      "webex:accessToken": "tok",
    });
    expect(c.secretKeys).to.deep.equal(["webex:accessToken"]);
    expect(programConfigEnv(c)).to.deep.equal({
      PULUMI_CONFIG: JSON.stringify({
        "shop:config:region": "us",
        "webex:config:baseUrl": "http://127.0.0.1:1",
        "shop:config:count": "3",
        "shop:config:tags": '{"a":"b"}',
        "webex:config:accessToken": "tok",
      }),
      PULUMI_CONFIG_SECRET_KEYS: '["webex:accessToken"]',
    });
  });

  it("refuses a secure: value with a message saying how to pass it, unless a secret value replaces it", () => {
    stackFile("config:\n  webex:accessToken:\n    secure: AAABAJ==\n");
    expect(() => resolveConfig(dir, "dev", {}, {})).to.throw(
      /webex:accessToken is a "secure:" value .* --secret-config webex:accessToken=env:/,
    );
    expect(resolveConfig(dir, "dev", {}, { "webex:accessToken": "tok" }).values["webex:accessToken"]).to.equal("tok");
  });

  const invalid: Array<{ name: string; project: string; error: RegExp }> = [
    { name: "another runtime", project: "name: x\nruntime: python\n", error: /runtime python is not supported/ },
    { name: "no name", project: "runtime: nodejs\n", error: /Pulumi.yaml is not valid: name/ },
  ];
  for (const c of invalid) {
    it(`refuses a project file with ${c.name}`, () => {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), c.project);
      expect(() => resolveConfig(dir, "dev", {}, {})).to.throw(c.error);
    });
  }

  describe("secret references", () => {
    const cases: Array<{ name: string; ref: string; env: Record<string, string>; result?: string; error?: RegExp }> = [
      { name: "env: reads the variable", ref: "env:TOKEN", env: { TOKEN: "t" }, result: "t" },
      { name: "env: of an unset variable fails", ref: "env:NOPE", env: {}, error: /NOPE is not set/ },
      { name: "a literal is refused", ref: "s3cret", env: {}, error: /not a literal value/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        if (c.error) expect(() => resolveSecretReference("k", c.ref, c.env)).to.throw(c.error);
        else expect(resolveSecretReference("k", c.ref, c.env)).to.equal(c.result);
      });
    }
    it("the failure message never contains a value", () => {
      expect(() => resolveSecretReference("k", "s3cret-literal", {}))
        .to.throw()
        .with.property("message")
        .that.does.not.include("s3cret-literal");
    });
    it("file: reads the file without its final newline", () => {
      const f = path.join(dir, "token.txt");
      fs.writeFileSync(f, "from-file\n");
      expect(resolveSecretReference("k", `file:${f}`, {})).to.equal("from-file");
    });
  });
});
