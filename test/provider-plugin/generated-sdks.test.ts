/**
 * The provider plugin's generated SDKs (`npm run plugin:sdk`: pkg/v3's Python and Node.js code
 * generators run by our `pulumi-gen-sdk` on provider/plugin/schema.json). They are generated, not
 * kept in git, so this checks what generation gives from the current schema: every resource and the
 * getCustomerOrg lookup are there, the TypeScript SDK typechecks against this repository's
 * @pulumi/pulumi, and every Python module byte-compiles.
 * Without the built generator this suite says so in one line; CI (PULUMI_CLI_REQUIRED=1) fails instead.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CLI_REQUIRED_ENV, findCli, generateSdks } from "../../scripts/pulumi-cli";
import { REPO_ROOT } from "../dynamic-provider/plugin-harness";

const cli = findCli();
const genSdk = cli.found ? cli.genSdk : undefined;

/** Every file under `dir`, relative to it. */
function files(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

if (!genSdk) {
  const reason = cli.found ? "pulumi-gen-sdk is not built (npm run pulumi:install)" : cli.reason;
  if (process.env[CLI_REQUIRED_ENV] === "1") {
    describe("generated SDKs", () => {
      it("needs the SDK generator", () => expect.fail(reason));
    });
  } else {
    console.log(`generated-SDK suite not run: ${reason}`);
  }
} else {
  describe("generated SDKs of the provider plugin (Python and TypeScript)", function () {
    this.timeout(240_000);
    let out: string;

    before(() => {
      // Inside the repository (git-ignored .local/), so the TypeScript SDK resolves @pulumi/pulumi
      // and @types/node from this repository's node_modules, as it would in a program's.
      mkdirSync(join(REPO_ROOT, ".local"), { recursive: true });
      out = mkdtempSync(join(REPO_ROOT, ".local", "sdk-test-"));
      generateSdks(genSdk, out);
    });

    after(() => {
      if (out) rmSync(out, { recursive: true, force: true });
    });

    it("the Python SDK has the three resources, the provider and getCustomerOrg, and byte-compiles", () => {
      const dir = join(out, "python");
      const all = files(dir);
      for (const f of ["onboarding_template.py", "customer_org.py", "customer_user.py", "get_customer_org.py", "provider.py"]) {
        expect(all).to.include(join("pulumi_webex_wholesale", f));
      }
      const init = readFileSync(join(dir, "pulumi_webex_wholesale", "__init__.py"), "utf8");
      expect(init).to.match(/from \.get_customer_org import \*/);
      expect(readFileSync(join(dir, "pulumi_webex_wholesale", "customer_org.py"), "utf8")).to.include(
        '"webex-wholesale:index:CustomerOrg"',
      );
      const py = all.filter((f) => f.endsWith(".py"));
      expect(py.length).to.be.greaterThan(8);
      const r = spawnSync(process.env.PULUMI_PYTHON_CMD || "python3", ["-m", "py_compile", ...py], { cwd: dir, encoding: "utf8" });
      expect(r.status, r.stderr || r.error?.message).to.equal(0);
    });

    it("the TypeScript SDK has the three resources, the provider and getCustomerOrg, and typechecks", () => {
      const dir = join(out, "nodejs");
      const index = readFileSync(join(dir, "index.ts"), "utf8");
      for (const name of ["OnboardingTemplate", "CustomerOrg", "CustomerUser", "Provider", "getCustomerOrg"]) {
        expect(index).to.match(new RegExp(`export const ${name}\\b`));
      }
      expect(readFileSync(join(dir, "customerUser.ts"), "utf8")).to.include("'webex-wholesale:index:CustomerUser'");
      const tsc = require.resolve("typescript/bin/tsc");
      const r = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--noEmit"], { encoding: "utf8" });
      expect(r.status, r.stdout + r.stderr).to.equal(0);
    });
  });
}
