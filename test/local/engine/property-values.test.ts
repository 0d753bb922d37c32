import { expect } from "chai";

import { renderValue } from "../../../local/engine/renderer";
import {
  SECRET_SIG,
  UNKNOWN_SENTINEL,
  SIG_KEY,
  applyIgnoreChanges,
  changedKeys,
  formatChangedKeys,
  makeSecret,
  markSecretKeys,
  parsePropertyPath,
  secretStrings,
  unwrapMap,
} from "../../../local/engine/property-values";
import type { PropertyMap, PropertyValue } from "../../../local/engine/sdk";

describe("local engine: property values", () => {
  describe("parsePropertyPath", () => {
    const cases: Array<{ path: string; segments: Array<string | number> }> = [
      { path: "value", segments: ["value"] },
      { path: "tags.owner", segments: ["tags", "owner"] },
      { path: "packages[1].quantity", segments: ["packages", 1, "quantity"] },
      { path: 'tags["a.b"]', segments: ["tags", "a.b"] },
    ];
    for (const c of cases) {
      it(`parses ${c.path}`, () => expect(parsePropertyPath(c.path)).to.deep.equal(c.segments));
    }
    for (const bad of ["", "a[", "a[x]"]) {
      it(`rejects ${JSON.stringify(bad)}`, () => expect(() => parsePropertyPath(bad)).to.throw(/invalid property path/));
    }
  });

  describe("applyIgnoreChanges", () => {
    const olds: PropertyMap = { value: "old", tags: { owner: "a", env: "dev" }, list: [1, 2] };
    const cases: Array<{ name: string; news: PropertyMap; paths: string[]; expected: PropertyMap }> = [
      {
        name: "top-level key keeps the old value",
        news: { value: "new", tags: { owner: "a", env: "dev" } },
        paths: ["value"],
        expected: { value: "old", tags: { owner: "a", env: "dev" } },
      },
      {
        name: "dotted path keeps the old nested value",
        news: { value: "v", tags: { owner: "b", env: "prod" } },
        paths: ["tags.owner"],
        expected: { value: "v", tags: { owner: "a", env: "prod" } },
      },
      { name: "a key absent in the old inputs is removed", news: { value: "v", extra: 1 }, paths: ["extra"], expected: { value: "v" } },
      { name: "array index", news: { list: [9, 9] }, paths: ["list[1]"], expected: { list: [9, 2] } },
      { name: "missing parent leaves the inputs alone", news: { value: "v" }, paths: ["tags.owner"], expected: { value: "v" } },
    ];
    for (const c of cases) {
      it(c.name, () => expect(applyIgnoreChanges(olds, c.news, c.paths)).to.deep.equal(c.expected));
    }
    it("does not modify its arguments", () => {
      const news: PropertyMap = { tags: { owner: "b" } };
      applyIgnoreChanges(olds, news, ["tags.owner"]);
      expect(news).to.deep.equal({ tags: { owner: "b" } });
    });
  });

  describe("changedKeys", () => {
    const cases: Array<{ name: string; olds: PropertyMap; news: PropertyMap; text: string }> = [
      { name: "changed and added keys", olds: { a: 1, b: 2 }, news: { a: 1, b: 3, c: 4 }, text: "+c~b" },
      { name: "removed key", olds: { a: 1, b: 2 }, news: { a: 1 }, text: "-b" },
      { name: "__provider is ignored", olds: { a: 1, __provider: "x" }, news: { a: 1, __provider: "y" }, text: "" },
      { name: "a secret compares by its value", olds: { s: makeSecret("x") }, news: { s: "x" }, text: "" },
      {
        name: "several changed keys",
        olds: { packages: [1], externalId: "a" },
        news: { packages: [2], externalId: "b" },
        text: "~packages,externalId",
      },
    ];
    for (const c of cases) {
      it(c.name, () => expect(formatChangedKeys(changedKeys(c.olds, c.news))).to.equal(c.text));
    }
  });

  describe("secrets", () => {
    it("unwraps nested envelopes and re-marks named keys", () => {
      const wire: PropertyMap = { token: makeSecret("t0k"), nested: { inner: makeSecret(5) }, plain: "p" };
      expect(unwrapMap(wire)).to.deep.equal({ token: "t0k", nested: { inner: 5 }, plain: "p" });
      const marked = markSecretKeys({ token: "t0k", plain: "p", createdAt: 1 }, ["token", "createdAt", "absent"]);
      expect(marked).to.deep.equal({
        token: { [SIG_KEY]: SECRET_SIG, value: "t0k" },
        plain: "p",
        createdAt: { [SIG_KEY]: SECRET_SIG, value: 1 },
      });
    });
    it("collects the plaintext of every secret for redaction", () => {
      expect([...secretStrings({ a: makeSecret({ x: "deep", n: 42 }), b: "public" })].sort()).to.deep.equal(["42", "deep"]);
    });
  });
});

describe("local engine: rendering", () => {
  const cases: Array<{ name: string; value: PropertyValue; text: string }> = [
    { name: "a plain value as JSON", value: { a: [1, "x"] }, text: '{"a":[1,"x"]}' },
    { name: "a secret", value: makeSecret("hidden"), text: "[secret]" },
    { name: "a nested secret", value: { a: makeSecret("hidden") }, text: '{"a":"[secret]"}' },
    { name: "an unknown (preview)", value: UNKNOWN_SENTINEL, text: "[unknown]" },
  ];
  for (const c of cases) it(`renders ${c.name}`, () => expect(renderValue(c.value)).to.equal(c.text));
});
