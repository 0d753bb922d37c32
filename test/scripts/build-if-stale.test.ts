// npm start's build decision: the compiler runs only when a source or build setting changed since
// the last build it recorded, or when the output is missing.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const { builtEntry, builtIsCurrent, stampFile } = require("../../scripts/build-if-stale.js") as {
  builtEntry: (root: string, source: string) => string | undefined;
  builtIsCurrent: (root: string) => boolean;
  stampFile: (root: string) => string;
};

describe("npm start: build only when dist/ is older than a source", () => {
  let root: string;
  const at = (file: string, seconds: number) => utimesSync(join(root, file), seconds, seconds);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "build-if-stale-"));
    for (const d of ["provider/resources", "dist/provider", ".local"]) mkdirSync(join(root, d), { recursive: true });
    for (const f of [
      "tsconfig.json",
      "tsconfig.build.json",
      "package.json",
      "package-lock.json",
      "provider/index.ts",
      "provider/resources/a.ts",
      "dist/provider/index.js",
    ]) {
      writeFileSync(join(root, f), "");
      at(f, 1_000);
    }
    writeFileSync(stampFile(root), "");
    at(".local/build.stamp", 2_000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cases: { name: string; change: () => void; current: boolean }[] = [
    { name: "nothing changed since the last build", change: () => undefined, current: true },
    { name: "a source saved after the build", change: () => at("provider/resources/a.ts", 3_000), current: false },
    { name: "a new source file", change: () => writeFileSync(join(root, "provider/new.ts"), ""), current: false },
    { name: "tsconfig.json changed", change: () => at("tsconfig.json", 3_000), current: false },
    { name: "dependencies changed (package-lock.json)", change: () => at("package-lock.json", 3_000), current: false },
    { name: "dist/ removed", change: () => rmSync(join(root, "dist"), { recursive: true }), current: false },
    { name: "no build recorded", change: () => rmSync(stampFile(root)), current: false },
    {
      name: "a local engine source saved after the build (npm start runs the engine from dist/)",
      change: () => {
        mkdirSync(join(root, "local/engine"), { recursive: true });
        writeFileSync(join(root, "local/engine/cli.ts"), "");
        at("local/engine/cli.ts", 3_000);
      },
      current: false,
    },
    {
      name: "a start script source older than the build",
      change: () => {
        mkdirSync(join(root, "scripts"), { recursive: true });
        writeFileSync(join(root, "scripts/start.ts"), "");
        at("scripts/start.ts", 1_500);
      },
      current: true,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.current ? "skips" : "runs"} the compiler`, () => {
      c.change();
      expect(builtIsCurrent(root)).to.equal(c.current);
    });
  }

  it("runs an entry point from dist/ only when dist/ is current and holds it", () => {
    expect(builtEntry(root, "scripts/start.ts"), "not built").to.equal(undefined);
    mkdirSync(join(root, "dist/scripts"), { recursive: true });
    writeFileSync(join(root, "dist/scripts/start.js"), "");
    expect(builtEntry(root, "scripts/start.ts")).to.equal(join(root, "dist/scripts/start.js"));
    mkdirSync(join(root, "scripts"), { recursive: true });
    writeFileSync(join(root, "scripts/start.ts"), "");
    at("scripts/start.ts", 3_000);
    expect(builtEntry(root, "scripts/start.ts"), "a source newer than the build").to.equal(undefined);
  });
});
