// The TypeDoc API reference (`npm run docs` writes it to the git-ignored docs/api/): its validation
// treats warnings as errors, so a broken {@link} or an exported symbol without a doc comment in the
// package's public modules fails here. The second case proves the configuration catches both.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";

const ROOT = resolve(__dirname, "..", "..");
const TYPEDOC = join(ROOT, "node_modules", "typedoc", "bin", "typedoc"); // its exports map hides bin/

/** Runs TypeDoc with an options file (the repository's typedoc.json by default), validating only. */
function typedoc(options = join(ROOT, "typedoc.json")): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TYPEDOC, "--options", options, "--emit", "none", "--logLevel", "Warn"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  // Colour codes off, so messages can be matched.
  return { status: r.status, output: `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, "") };
}

describe("API reference (TypeDoc)", function () {
  this.timeout(180_000);

  it("the package's public modules validate: every {@link} resolves and every export has a doc comment", () => {
    const r = typedoc();
    expect(r.output).not.to.match(/\[warning\]|\[error\]/);
    expect(r.status, r.output).to.equal(0);
  });

  it("fails on a broken {@link} and on an exported symbol without a doc comment", () => {
    const dir = mkdtempSync(join(tmpdir(), "webex-typedoc-"));
    try {
      writeFileSync(
        join(dir, "mod.ts"),
        ["/** Documented, but links to {@link NoSuchThing}. */", "export const linked = 1;", "", "export function undocumented(): number {", "  return 2;", "}", ""].join("\n"),
      );
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, types: [] }, files: ["mod.ts"] }));
      // The repository's options (validation, warnings as errors) with only the input changed.
      const options = { ...JSON.parse(readFileSync(join(ROOT, "typedoc.json"), "utf8")), entryPoints: [join(dir, "mod.ts")], tsconfig: join(dir, "tsconfig.json") };
      writeFileSync(join(dir, "typedoc.json"), JSON.stringify(options));
      const r = typedoc(join(dir, "typedoc.json"));
      expect(r.status).not.to.equal(0);
      expect(r.output).to.match(/Failed to resolve link to "NoSuchThing"/);
      expect(r.output).to.match(/undocumented .*does not have any documentation/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
