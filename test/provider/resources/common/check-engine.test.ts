import { expect } from "chai";
import { z } from "zod";
import { checkWithSchema, formatPath, MAX_FAILURES, parseSkippingUnknowns } from "../../../../provider/resources/common/check-engine";
import { UNKNOWN, containsUnknown, isUnknown } from "../../../../provider/resources/common/unknown";

describe("check helpers", () => {
  describe("formatPath", () => {
    const cases: { name: string; path: PropertyKey[]; expected: string }[] = [
      { name: "top-level field", path: ["companyName"], expected: "companyName" },
      { name: "list element field", path: ["packages", 1, "quantity"], expected: "packages[1].quantity" },
      { name: "nested object", path: ["address", "country"], expected: "address.country" },
      { name: "key that is not an identifier", path: ["labels", "a b"], expected: 'labels["a b"]' },
      { name: "numeric string key", path: ["packages", "2"], expected: "packages[2]" },
      { name: "empty path", path: [], expected: "" },
      { name: "ESC in a key is shown escaped", path: ["labels", "a\u001b[2Jb"], expected: 'labels["a\\u001b[2Jb"]' },
      { name: "a bidi override in a key is shown escaped", path: ["x\u202ey"], expected: '["x\\u202ey"]' },
    ];
    for (const c of cases) it(c.name, () => expect(formatPath(c.path)).to.equal(c.expected));
  });

  describe("unknown sentinel", () => {
    const cases: { name: string; value: unknown; is: boolean; contains: boolean }[] = [
      { name: "the sentinel", value: UNKNOWN, is: true, contains: true },
      { name: "a plain string", value: "x", is: false, contains: false },
      { name: "inside a list", value: [1, UNKNOWN], is: false, contains: true },
      { name: "deep inside an object", value: { a: { b: [{ c: UNKNOWN }] } }, is: false, contains: true },
      { name: "null", value: null, is: false, contains: false },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(isUnknown(c.value)).to.equal(c.is);
        expect(containsUnknown(c.value)).to.equal(c.contains);
      });
    }
  });

  describe("parseSkippingUnknowns", () => {
    const schema = z.object({
      name: z.string().toUpperCase(),
      size: z.number().int().default(1),
      tags: z.array(z.object({ k: z.string(), v: z.number().optional() })).min(1),
      mode: z.discriminatedUnion("t", [z.object({ t: z.literal("a") }), z.object({ t: z.literal("b"), n: z.number() })]).optional(),
    });
    const cases: { name: string; value: unknown; expected: unknown; failures: string[] }[] = [
      {
        name: "applies defaults and transforms",
        value: { name: "x", tags: [{ k: "a" }] },
        expected: { name: "X", size: 1, tags: [{ k: "a" }] },
        failures: [],
      },
      {
        name: "keeps unknown leaves untransformed",
        value: { name: UNKNOWN, tags: [{ k: "a", v: UNKNOWN }] },
        expected: { name: UNKNOWN, size: 1, tags: [{ k: "a", v: UNKNOWN }] },
        failures: [],
      },
      {
        name: "keeps an unknown list element",
        value: { name: "x", tags: [UNKNOWN, { k: 3 }] },
        expected: { name: "X", size: 1, tags: [UNKNOWN, { k: 3 }] },
        failures: ["tags[1].k"],
      },
      {
        name: "list-level rule (not empty)",
        value: { name: "x", tags: [] },
        expected: { name: "X", size: 1, tags: [] },
        failures: ["tags"],
      },
      {
        name: "union with unknown discriminator passes",
        value: { name: "x", tags: [{ k: "a" }], mode: { t: UNKNOWN, n: "?" } },
        expected: { name: "X", size: 1, tags: [{ k: "a" }], mode: { t: UNKNOWN, n: "?" } },
        failures: [],
      },
      {
        name: "union option chosen by discriminator",
        value: { name: "x", tags: [{ k: "a" }], mode: { t: "b" } },
        expected: { name: "X", size: 1, tags: [{ k: "a" }], mode: { t: "b" } },
        failures: ["mode.n"],
      },
      {
        name: "extra keys kept as given, and failures unless allowed at the top",
        value: { name: "x", tags: [{ k: "a", extra: 1 }], __provider: "p" },
        expected: { name: "X", size: 1, tags: [{ k: "a", extra: 1 }], __provider: "p" },
        failures: ["tags[0].extra"],
      },
      {
        name: "wrong types reported where they are",
        value: { name: 1, size: "2", tags: "a" },
        expected: { name: 1, size: "2", tags: "a" },
        failures: ["name", "size", "tags"],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = parseSkippingUnknowns(schema, c.value, [], ["__provider"]);
        expect(r.value).to.deep.equal(c.expected);
        expect(r.failures.map((f) => f.property)).to.deep.equal(c.failures);
      });
    }
  });

  describe("checkWithSchema", () => {
    const schema = z.object({ a: z.string() });
    it("turns a throwing rule into one failure instead of crashing the provider", () => {
      const r = checkWithSchema(schema, { a: "x" }, [
        {
          id: "boom",
          description: "throws",
          failures: () => {
            throw new Error("secret-looking detail");
          },
        },
      ]);
      expect(r.failures).to.have.length(1);
      expect(r.failures[0]!.reason)
        .to.match(/could not be checked/)
        .and.not.include("secret-looking detail");
    });
    it("refuses a list over its .max() with the schema's message alone: its entries unread, the rules across fields not run", () => {
      const listed = z.object({ tags: z.array(z.string()).max(3, { error: "lists more than 3 tags: list each once" }) });
      let judged = 0;
      const rule = { id: "count", description: "reads every entry", failures: () => (judged++, []) };
      const r = checkWithSchema(listed, { tags: Array.from({ length: 100_000 }, () => 7) }, [rule]);
      expect(r.failures).to.deep.equal([{ property: "tags", reason: "lists more than 3 tags: list each once" }]);
      expect(judged).to.equal(0);
      expect(checkWithSchema(listed, { tags: ["a", 7] }, [rule]).failures.map((f) => f.property)).to.deep.equal(["tags[1]"]);
      expect(judged).to.equal(1);
    });
    it(`reports at most ${MAX_FAILURES} failures, then one counting the rest`, () => {
      const many = {
        id: "many",
        description: "one failure per entry",
        failures: () => Array.from({ length: 10_000 }, (_, i) => ({ property: `a[${i}]`, reason: "r" })),
      };
      const r = checkWithSchema(schema, { a: "x" }, [many]);
      expect(r.failures).to.have.length(MAX_FAILURES + 1);
      expect(r.failures[MAX_FAILURES - 1]!.property).to.equal(`a[${MAX_FAILURES - 1}]`);
      expect(r.failures[MAX_FAILURES]!.reason).to.equal(`and ${10_000 - MAX_FAILURES} more failures: fix the ones above, then check again`);
    });
    it("drops duplicate failures", () => {
      const rule = {
        id: "twice",
        description: "same failure twice",
        failures: () => [
          { property: "a", reason: "r" },
          { property: "a", reason: "r" },
        ],
      };
      expect(checkWithSchema(schema, { a: "x" }, [rule]).failures).to.deep.equal([{ property: "a", reason: "r" }]);
    });
  });
});
