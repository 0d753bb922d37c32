// Tests import the product one way: by relative path (`../../provider/...`). The package name
// (`pulumi-webex-wholesale`, `pulumi-webex-wholesale/<subpath>`) is kept for the tests whose point
// is the published surface: a packed and installed copy, the exports map, the stored loader's
// subpaths. Those name the package inside the program text they run or in `createRequire(...)`
// strings, never in a static import of their own, and the few that `require` it at run time are
// listed below. This test reads test/ and fails on a file that imports the product the other way.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const TESTS = join(ROOT, "test");

/** Files whose point is the published surface: they `require` the installed package by name. */
const PUBLISHED_SURFACE_TESTS = new Set(["test/package/publish.test.ts"]);

/** A static `import`/`export ... from` by package name, at the start of a line (program text in template strings is indented inside backticks and starts otherwise). */
const STATIC_BY_NAME = /^\s*(?:import|export)\b[^`'"]*?\bfrom\s*["']pulumi-webex-wholesale(?:\/[^"']*)?["']/m;
/** `require("pulumi-webex-wholesale...")` or `import("pulumi-webex-wholesale...")` anywhere. */
const DYNAMIC_BY_NAME = /\b(?:require|import)\(\s*["']pulumi-webex-wholesale(?:\/[^"']*)?["']\s*\)/;

/** Every .ts file under `dir`, fixtures excluded (saved texts, not test code). */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "fixtures" ? [] : tsFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** The files of `files` that import the product by package name outside the published-surface tests. */
function offenders(files: readonly { name: string; text: string }[]): string[] {
  return files
    .filter((f) => !PUBLISHED_SURFACE_TESTS.has(f.name))
    .filter((f) => STATIC_BY_NAME.test(f.text) || DYNAMIC_BY_NAME.test(f.text))
    .map((f) => f.name);
}

describe("tests import the product by relative path", () => {
  it("no test file imports it by package name, except the published-surface tests", () => {
    const files = tsFiles(TESTS).map((path) => ({ name: relative(ROOT, path).replace(/\\/g, "/"), text: readFileSync(path, "utf8") }));
    expect(files.length, "test files found").to.be.greaterThan(50);
    expect(offenders(files)).to.deep.equal([]);
  });

  it("catches both styles of package-name import, and leaves program text and relative imports alone", () => {
    const cases = [
      { name: "a.ts", text: 'import { UNKNOWN } from "pulumi-webex-wholesale/resources/common/unknown";\n' },
      { name: "b.ts", text: 'import type { CheckFailure } from "pulumi-webex-wholesale";\n' },
      { name: "c.ts", text: 'import {\n  a,\n  b,\n} from "pulumi-webex-wholesale/packages";\n' },
      // Spelt with a template so this file does not match its own rule.
      { name: "d.ts", text: `const { createClient } = require("${"pulumi-webex-wholesale"}/client");\n` },
      { name: "e.ts", text: 'import { UNKNOWN } from "../provider/resources/common/unknown";\n' },
      { name: "f.ts", text: 'const program = [\n  `import { CustomerOrg } from "pulumi-webex-wholesale";`,\n];\n' },
      { name: "test/package/publish.test.ts", text: `const w = require("${"pulumi-webex-wholesale"}");\n` },
    ];
    expect(offenders(cases)).to.deep.equal(["a.ts", "b.ts", "c.ts", "d.ts"]);
  });
});
