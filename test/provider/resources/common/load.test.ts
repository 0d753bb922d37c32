import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOperations } from "../../../../provider/resources/common/load";

describe("loadOperations (what the serialized providers call)", () => {
  const cases = [
    { name: "resolves the operations by package name from a directory where the package is installed", cwd: () => process.cwd(), ok: true },
    { name: "elsewhere, fails saying the package must be installed where the program runs", cwd: () => mkdtempSync(join(tmpdir(), "r2-load-")), ok: false },
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
