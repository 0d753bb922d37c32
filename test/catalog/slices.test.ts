// Slices of a sharded catalog (catalog/slices.ts): each customer in exactly one slice with its
// users and sites, the templates each slice names, the same bytes for the same catalog, each slice
// a valid catalog that selects what the whole file selects, moves seen by the guard, and problems
// told against the original file.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { catalogDocument } from "../../bench/shards";
import { readRecord, unintendedDeletions, type GuardInputs } from "../../catalog/deletion-guard";
import { CatalogError, validateCatalog } from "../../catalog/load";
import { packageRules } from "../../catalog/package-rules";
import type { Catalog } from "../../catalog/schema";
import { TEMPLATE_SHARD, selectShard, shardOf } from "../../catalog/shards";
import { readSliceOrigin, sliceError } from "../../catalog/shard-program";
import { movedAway, originText, originalIssue, parseOrigin, sliceCatalog, sliceText, type SliceOrigin } from "../../catalog/slices";

const ROOT = join(__dirname, "..", "..");

async function valid(text: string): Promise<Catalog> {
  const result = await validateCatalog(text, packageRules());
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.catalog;
}

/** The sample catalog plus generated customers, a second template used by some of them, and explicit shards. */
async function sampleCatalog(): Promise<Catalog> {
  const sample = parse(readFileSync(join(ROOT, "catalog", "customers.yaml"), "utf8")) as Record<string, unknown[]>;
  const generated = catalogDocument(30, 3) as Record<string, Record<string, unknown>[]>;
  const second = { ...generated.templates![0]!, name: "second", templateName: "Second" };
  const customers = generated.customers!.map((c, i) => ({
    ...c,
    ...(i % 4 === 0 ? { template: "second" } : {}),
    ...(i === 5 ? { shard: 2 } : {}),
  }));
  return valid(
    JSON.stringify({
      ...sample,
      templates: [...sample.templates!, ...generated.templates!, second],
      customers: [...sample.customers!, ...customers],
      users: [...(sample.users ?? []), ...generated.users!],
    }),
  );
}

const guardInputs = (c: Catalog, elsewhere?: GuardInputs["elsewhere"]): GuardInputs => ({
  templates: c.templates.map((t) => t.name),
  customers: c.customers.map((x) => x.externalId),
  users: Object.fromEntries(c.users.map((u) => [u.email, u.customer])),
  locations: Object.fromEntries(c.customers.flatMap((x) => (x.locations ?? []).map((l) => [`${x.externalId}/${l.name}`, x.externalId]))),
  aliases: { customers: {}, templates: {} },
  remove: { templates: [], customers: [], users: [], locations: [] },
  allowDeletes: false,
  maxUserDeletes: 0,
  elsewhere,
});

const NO_KEYS = { templates: [], customers: [], users: [], locations: [] };

/** The origin of shard `shard`'s slice among 3. */
const originOf = (catalog: Catalog, shard: number, over: Partial<SliceOrigin> = {}): SliceOrigin => ({
  source: "/c.yaml",
  shards: 3,
  shard,
  entries: sliceCatalog(catalog, 3).shards[shard]!.entries,
  elsewhere: NO_KEYS,
  ...over,
});

describe("catalog slices", () => {
  let catalog: Catalog;
  before(async () => {
    catalog = await sampleCatalog();
  });

  it("each customer is in exactly one shard's slice, with its users and sites; the template stack's slice has the templates only", () => {
    const { templates, shards } = sliceCatalog(catalog, 3);
    const customers = shards.flatMap((s) => s.document.customers.map((c) => c.externalId));
    expect([...customers].sort()).to.deep.equal(catalog.customers.map((c) => c.externalId).sort());
    expect(shards.reduce((n, s) => n + s.document.users.length, 0)).to.equal(catalog.users.length);
    shards.forEach((s, k) => {
      expect(s.document.customers.every((c) => shardOf(c, 3) === k)).to.equal(true);
      const mine = new Set(s.document.customers.map((c) => c.externalId));
      expect(s.document.users.every((u) => mine.has(u.customer))).to.equal(true);
      // Sites go with their customer, unchanged.
      for (const c of s.document.customers) expect(c).to.equal(catalog.customers.find((x) => x.externalId === c.externalId));
      expect(s.document.remove).to.deep.equal(catalog.remove);
    });
    expect(shards.flatMap((s) => s.document.customers).some((c) => (c.locations ?? []).length > 0)).to.equal(true);
    expect(templates.document.templates).to.deep.equal(catalog.templates);
    expect([templates.document.customers.length, templates.document.users.length]).to.deep.equal([0, 0]);
  });

  it("a shard's slice holds exactly the templates its customers name", () => {
    for (const s of sliceCatalog(catalog, 3).shards) {
      const named = new Set(s.document.customers.map((c) => c.template).filter((t) => t !== undefined));
      expect(s.document.templates.map((t) => t.name).sort()).to.deep.equal([...named].sort());
    }
    const used = sliceCatalog(catalog, 3).shards.map((s) => s.document.templates.map((t) => t.name));
    expect(used.some((names) => names.includes("second"))).to.equal(true);
  });

  it("is deterministic: the same catalog gives the same bytes, whatever was sliced before", async () => {
    const again = await sampleCatalog();
    const texts = (c: Catalog) => {
      const { templates, shards } = sliceCatalog(c, 3);
      return [templates, ...shards].map((s) => sliceText(s, "/x/customers.yaml", 3));
    };
    expect(texts(again)).to.deep.equal(texts(catalog));
    expect(new Set(texts(catalog)).size).to.equal(4);
  });

  it("each slice is a valid catalog, and selects for its stack what the whole catalog selects", async () => {
    const { templates, shards } = sliceCatalog(catalog, 3);
    const ids = Object.fromEntries(catalog.templates.map((t) => [t.name, `pid-${t.name}`]));
    for (const [k, s] of shards.entries()) {
      const read = await valid(sliceText(s, "/x/customers.yaml", 3));
      const selection = { kind: "shard", shards: 3, shard: k, templateIds: ids } as const;
      expect(selectShard(read, selection).catalog).to.deep.equal(selectShard(catalog, selection).catalog);
    }
    const read = await valid(sliceText(templates, "/x/customers.yaml", 3));
    const selection = { kind: "templates", shards: 3 } as const;
    expect(selectShard(read, selection).catalog).to.deep.equal(selectShard(catalog, selection).catalog);
  });

  it("the guard sees a key its stack recorded and another shard now declares as a move; a key gone from the catalog stays a deletion", () => {
    const before = sliceCatalog(catalog, 3).shards[0]!;
    const recorded = readRecord(guardInputs(before.document) as unknown as Record<string, unknown>)!;
    const dropped = before.document.customers.find((c) => !(c.locations ?? []).length && c.shard === undefined)!;
    const smaller = {
      ...catalog,
      customers: catalog.customers.filter((c) => c !== dropped),
      users: catalog.users.filter((u) => u.customer !== dropped.externalId),
    };
    const after = sliceCatalog(smaller, 4).shards[0]!;
    const moved = movedAway(smaller, after, recorded);
    const left = before.document.customers
      .map((c) => c.externalId)
      .filter((k) => k !== dropped.externalId && !after.document.customers.some((c) => c.externalId === k));
    expect(left.length).to.be.greaterThan(0);
    expect(moved.customers).to.deep.equal([...left].sort());
    expect(moved.users).to.deep.equal(
      smaller.users
        .filter((u) => left.includes(u.customer))
        .map((u) => u.email)
        .sort(),
    );
    const gone = unintendedDeletions(recorded, guardInputs(after.document, moved));
    expect(gone.customers).to.deep.equal([dropped.externalId]);
    expect(unintendedDeletions(recorded, guardInputs(after.document)).customers.length).to.equal(left.length + 1);
    expect(movedAway(smaller, after, undefined)).to.deep.equal({ templates: [], customers: [], users: [], locations: [] });
  });

  it("a problem found in a slice names the original file and entry, not the slice's line", async () => {
    const { shards } = sliceCatalog(catalog, 3);
    const k = shards.findIndex((s) => s.document.users.length > 2);
    const slice = shards[k]!;
    const origin = originOf(catalog, k, { source: "/repo/catalog/customers.yaml" });
    const broken = {
      ...slice,
      document: { ...slice.document, users: slice.document.users.map((u, i) => (i === 2 ? { ...u, package: "no_such_package" } : u)) },
    };
    const result = await validateCatalog(sliceText(broken, origin.source, 3), packageRules());
    expect(result.ok).to.equal(false);
    const user = slice.document.users[2]!;
    const original = catalog.users.indexOf(catalog.users.find((u) => u.email === user.email)!);
    expect(original).to.not.equal(2);
    const told = result.issues.map((i) => originalIssue(i, origin));
    expect(told.map((i) => i.path)).to.include(`users[${original}].package`);
    expect(told.every((i) => i.line === undefined)).to.equal(true);
    const error = sliceError(new CatalogError("/state/slices/catalog-shard-1.yaml", result.issues), origin);
    expect(error.message).to.match(/^catalog \/repo\/catalog\/customers\.yaml: /);
    expect(error.message).to.include(`users[${original}].package: (email ${JSON.stringify(user.email)})`);
    expect(error.message).to.not.match(/line \d+/);
  });

  it("an origin file reads back as written; anything else is refused", () => {
    const origin = originOf(catalog, 1, { elsewhere: { ...NO_KEYS, templates: ["t"] } });
    expect(parseOrigin(originText(origin))).to.deep.equal(origin);
    expect(parseOrigin(originText({ ...origin, shard: TEMPLATE_SHARD }))?.shard).to.equal(TEMPLATE_SHARD);
    for (const bad of ["", "{", "[]", JSON.stringify({ ...origin, elsewhere: {} }), JSON.stringify({ ...origin, shard: "3" })])
      expect(parseOrigin(bad), bad).to.equal(undefined);
  });

  it("the program reads a slice's origin named by its setting; none set: a whole catalog; an unreadable one stops the run and says what to do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slice-origin-"));
    try {
      const origin = originOf(catalog, 0);
      writeFileSync(join(dir, "s.origin.json"), originText(origin));
      writeFileSync(join(dir, "bad.origin.json"), "{}");
      expect(await readSliceOrigin("s.origin.json", dir)).to.deep.equal(origin);
      expect(await readSliceOrigin(undefined, dir)).to.equal(undefined);
      for (const bad of ["bad.origin.json", "missing.origin.json"]) {
        const error = await readSliceOrigin(bad, dir).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.message, bad).to.match(/is not a slice origin `npm run catalog` wrote: run `npm run catalog` again/);
        expect(error?.stack, bad).to.equal(undefined);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
