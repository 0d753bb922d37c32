/**
 * The one declared list of resources (`provider/resources/registry.ts`) against the places that
 * cannot read it: every resource folder is listed, the package entry exports each listed resource
 * (checked at compile time too, below), and `package.json`'s `exports` names exactly the subpaths
 * each listed folder's stored providers require. A resource added to the list and forgotten in one
 * of them fails here, with the entry to add.
 */
import { expect } from "chai";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../../../package.json";
import * as entry from "../../../provider/index";
import { RESOURCES, type ResourceName } from "../../../provider/resources/registry";

const RESOURCES_DIR = resolve(__dirname, "..", "..", "..", "provider", "resources");

/**
 * Compile-time half: fails `tsc` when the package entry lacks the class or the provider of a
 * listed resource (the `exports` map, JSON, is checked at run time below).
 */
const exportedByEntry: Record<ResourceName | `${ResourceName}Provider`, unknown> = entry;

/** A subpath entry of the `exports` map for a module built from `provider/<module>.ts`. */
function moduleExport(module: string): { source: string; types: string; default: string } {
  return { source: `./provider/${module}.ts`, types: `./dist/provider/${module}.d.ts`, default: `./dist/provider/${module}.js` };
}

/** The `exports` entries a listed folder needs: what its stored providers require, in every form. */
function exportsOf(folder: string): Record<string, unknown> {
  return {
    [`./resources/${folder}/operations`]: moduleExport(`resources/${folder}/operations`),
    [`./dist/provider/resources/${folder}/instance.js`]: `./dist/provider/resources/${folder}/instance.js`,
    [`./resources/${folder}/instance`]: moduleExport(`resources/${folder}/instance`),
  };
}

describe("the list of resources", () => {
  it("lists every resource folder once, by a unique name", () => {
    const folders = readdirSync(RESOURCES_DIR).filter((f) => f !== "common" && statSync(join(RESOURCES_DIR, f)).isDirectory());
    expect(
      RESOURCES.map((r) => r.folder),
      "each folder under provider/resources/ (but common/) needs its entry in registry.ts",
    ).to.have.members(folders);
    expect(new Set(RESOURCES.map((r) => r.name)).size).to.equal(RESOURCES.length);
  });

  it("pairs each entry with its own folder's operations module", () => {
    for (const r of RESOURCES) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(require(join(RESOURCES_DIR, r.folder, "operations")), r.folder).to.equal(r.operations);
    }
  });

  it("is what the package entry exports: each resource's class and provider, and the provider instance its folder's", () => {
    for (const r of RESOURCES) {
      const provider = exportedByEntry[`${r.name}Provider`];
      expect(exportedByEntry[r.name], r.name).to.be.a("function");
      expect(provider, `${r.name}Provider`).to.be.a("function");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(require(join(RESOURCES_DIR, r.folder, "instance")), `${r.folder}/instance`).to.be.instanceOf(provider as new () => object);
    }
  });

  it("is what package.json exports under resources/: each folder's operations and instance subpaths, nothing else", () => {
    const exports = pkg.exports as Record<string, unknown>;
    const expected: Record<string, unknown> = {
      "./dist/provider/resources/common/load.js": "./dist/provider/resources/common/load.js",
      "./resources/common/load": moduleExport("resources/common/load"),
      ...Object.assign({}, ...RESOURCES.map((r) => exportsOf(r.folder))),
    };
    const actual = Object.fromEntries(Object.entries(exports).filter(([k]) => /^\.\/(dist\/provider\/)?resources\//.test(k)));
    const missing = Object.fromEntries(Object.entries(expected).filter(([k]) => !(k in actual)));
    expect(missing, "add these entries to package.json's exports").to.deep.equal({});
    expect(actual).to.deep.equal(expected);
  });
});
