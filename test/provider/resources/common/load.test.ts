import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOperations } from "../../../../provider/resources/common/load";

describe("loadOperations (what the serialized providers call)", () => {
  const cases = [
    { name: "resolves the operations by package name from a directory where the package is installed", cwd: () => process.cwd(), ok: true },
    {
      name: "elsewhere, fails saying the package must be installed where the program runs",
      cwd: () => mkdtempSync(join(tmpdir(), "r2-load-")),
      ok: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const original = process.cwd();
      const dir = c.cwd();
      process.chdir(dir);
      try {
        if (c.ok) {
          const ops = loadOperations<{ create?: unknown }>("customer-org");
          expect(ops.create).to.be.a("function");
        } else {
          expect(() => loadOperations("customer-org")).to.throw(/install pulumi-webex-wholesale in the Pulumi program's directory/);
        }
      } finally {
        process.chdir(original);
        if (dir !== original) rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("stored loader paths stay resolvable", () => {
  const root = require("node:path").resolve(__dirname, "..", "..", "..", "..");
  const requireFromProgram = require("node:module").createRequire(root + "/");
  const stored = [
    // What the SDK serializes when it names the module by package (npm layout).
    "pulumi-webex-wholesale/resources/common/load",
    // What it emits when it cannot (a symlinked pnpm or workspace layout): the built file's own path.
    "pulumi-webex-wholesale/dist/provider/resources/common/load.js",
  ];
  for (const id of stored) {
    it(`${id} resolves to the built loader`, () => {
      const resolved: string = requireFromProgram.resolve(id);
      // Under the tests' `source` condition the package name resolves to the TypeScript source.
      expect(resolved.replace(/\\/g, "/")).to.match(
        /\/(dist\/provider\/resources\/common\/load\.js|provider\/resources\/common\/load\.ts)$/,
      );
      expect(require("node:fs").existsSync(resolved)).to.equal(true);
    });
  }
});
