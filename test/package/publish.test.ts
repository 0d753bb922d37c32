// What `npm publish` would ship, and proof that the shipped package works on its own: the packed
// tarball installed into a fresh program outside the repository, with none of this repository's
// dev dependencies, loads, and its providers' check and diff answer.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import pkg from "../../package.json";
import { RESOURCES } from "../../provider/resources/registry";
import { orgArgs } from "../provider/resources/check-fixtures";

const ROOT = resolve(__dirname, "..", "..");
/** npm is a script: run it with the Node that runs the tests (with-node.sh puts both on PATH). */
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** The files `npm pack` would put in the tarball (scripts skipped: npm test's pretest built dist/). */
function packedFiles(): string[] {
  const out = execFileSync(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
}

/** What programs import (README, "Public surface"). */
const PUBLIC_SUBPATHS = [".", "./client"];
/**
 * What `__provider` texts stored in users' state require, in every earlier version: the provider
 * instance modules (installed from npm, the text is a `require` of one), the loader (by its short
 * name, or by its built path in symlinked layouts) and the operations module of each resource it loads.
 * Removing one breaks refresh and destroy of existing stacks.
 */
const STORED_LOADER_SUBPATHS = [
  "./resources/common/load",
  "./dist/provider/resources/common/load.js",
  ...RESOURCES.map((r) => r.folder).flatMap((f) => [
    `./resources/${f}/operations`,
    `./resources/${f}/instance`,
    `./dist/provider/resources/${f}/instance.js`,
  ]),
];

describe("the published package", function () {
  this.timeout(240_000);
  let files: string[];
  before(() => {
    if (!existsSync(join(ROOT, "dist", "provider", "index.js")))
      throw new Error("dist/ is missing: run `npm run build` (npm test's pretest does)");
    files = packedFiles();
  });

  it("exports exactly the public surface and the stored loader's subpaths, each shipped with its types", () => {
    const exports = pkg.exports as Record<string, string | { types: string; default: string }>;
    expect(Object.keys(exports).sort()).to.deep.equal([...PUBLIC_SUBPATHS, ...STORED_LOADER_SUBPATHS, "./package.json"].sort());
    for (const [subpath, target] of Object.entries(exports)) {
      if (subpath === "./package.json") continue;
      const shipped = typeof target === "string" ? [target] : [target.default, target.types];
      expect(subpath, "no wildcard: a new module stays internal until it is named here").not.to.include("*");
      expect(files, subpath).to.include.members(shipped.map((p) => p.replace(/^\.\//, "")));
    }
  });

  it("ships README, LICENSE, CHANGELOG and package.json, and nothing but dist/provider beside them", () => {
    expect(files).to.include.members(["README.md", "LICENSE", "CHANGELOG.md", "package.json"]);
    const other = files.filter(
      (f) => !f.startsWith("dist/provider/") && !["README.md", "LICENSE", "CHANGELOG.md", "package.json"].includes(f),
    );
    expect(other, "files outside dist/provider/").to.deep.equal([]);
  });

  it("ships no tests, stand-ins (emulator, engine), sources, source maps of unshipped sources, or .local/", () => {
    const forbidden =
      /^(test|local|\.local|bench|scripts|examples|catalog|provider|dist\/(local|test|bench|scripts|examples|catalog))\/|\.test\.|\.map$|\.ts$(?<!\.d\.ts)/;
    expect(files.filter((f) => forbidden.test(f))).to.deep.equal([]);
  });

  it("installs from the tarball into a fresh program without dev dependencies, loads, and answers check and diff", () => {
    const dir = mkdtempSync(join(tmpdir(), "webex-packed-"));
    try {
      execFileSync(NPM, ["pack", "--ignore-scripts", "--pack-destination", dir, "--silent"], { cwd: ROOT, encoding: "utf8" });
      const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
      const program = join(dir, "program");
      execFileSync("mkdir", [program]);
      writeFileSync(join(program, "package.json"), JSON.stringify({ name: "fresh-program", private: true }));
      // The peer @pulumi/pulumi is installed by npm as a user's program would have it.
      const install = spawnSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", join(dir, tarball)], {
        cwd: program,
        encoding: "utf8",
      });
      expect(install.status, install.stderr).to.equal(0);
      const installed = readdirSync(join(program, "node_modules"));
      expect(installed).to.include.members(["pulumi-webex-wholesale", "@pulumi", "axios", "zod"]);
      for (const dev of Object.keys(pkg.devDependencies).filter((d) => d !== "@pulumi/pulumi" && !d.startsWith("@types/"))) {
        expect(installed, `dev dependency ${dev} installed`).not.to.include(dev);
      }

      const script = `
        const w = require("pulumi-webex-wholesale");
        const { loadOperations } = require("pulumi-webex-wholesale/resources/common/load");
        const resolves = (id) => { try { require.resolve(id); return "ok"; } catch (e) { return e.code; } };
        const pulumi = require("@pulumi/pulumi");
        const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
        (async () => {
          // What \`dynamic.Resource\` stores in each resource's __provider (its serializeProvider), and
          // what the plugin makes of it (require-from-string, no filename, the program's directory).
          const stored = {};
          for (const f of ["onboarding-template", "customer-org", "customer-user"]) {
            const provider = require("pulumi-webex-wholesale/resources/" + f + "/instance");
            const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            stored[f] = { length: text.length < 400, requires: text.includes('require("pulumi-webex-wholesale/resources/' + f + '/instance")'), revived: requireFromString(text).handler() === provider };
          }
          const p = new w.CustomerOrgProvider();
          const args = ${JSON.stringify(orgArgs())};
          const bad = await p.check({}, { ...args, packages: [{ name: "webex_calling", quantity: 0 }] });
          const good = await p.check({}, args);
          const raised = await p.check({}, { ...args, packages: [{ name: "webex_calling", quantity: 150 }, args.packages[1]] });
          const diff = await p.diff("c-1", { ...good.inputs, status: "provisioned" }, raised.inputs);
          console.log(JSON.stringify({
            classes: [typeof w.CustomerOrg, typeof w.CustomerUser, typeof w.OnboardingTemplate],
            ops: ["onboarding-template", "customer-org", "customer-user"].map((f) => typeof loadOperations(f).check),
            client: typeof require("pulumi-webex-wholesale/client").createClient,
            builtLoader: resolves("pulumi-webex-wholesale/dist/provider/resources/common/load.js"),
            internal: ["resources/customer-org/wire", "client/http", "text", "dist/provider/client/http.js"].map((m) => resolves("pulumi-webex-wholesale/" + m)),
            bad: (bad.failures || []).map((f) => f.property),
            good: (good.failures || []).length,
            diff: { changes: diff.changes, replaces: diff.replaces || [] },
            stored,
          }));
        })().catch((e) => { console.error(e); process.exit(1); });`;
      const run = spawnSync(process.execPath, ["-e", script], {
        cwd: program,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "" },
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.equal({
        classes: ["function", "function", "function"],
        ops: ["function", "function", "function"],
        client: "function",
        builtLoader: "ok",
        internal: Array(4).fill("ERR_PACKAGE_PATH_NOT_EXPORTED"),
        bad: ["packages[0].quantity"],
        good: 0,
        diff: { changes: true, replaces: [] },
        stored: Object.fromEntries(
          ["onboarding-template", "customer-org", "customer-user"].map((f) => [f, { length: true, requires: true, revived: true }]),
        ),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
