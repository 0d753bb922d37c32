// Shard assignment, table-driven: stable, balanced, explicit overrides win, users follow their
// customer, and the moves a changed N implies.
import { expect } from "chai";
import { unintendedDeletions } from "../../catalog/deletion-guard";
import type { Catalog, CatalogCustomer } from "../../catalog/schema";
import { assignShards, hashShard, parseShardSettings, planMoves, selectShard, shardProblems } from "../../catalog/shards";

const customer = (externalId: string, over: Partial<CatalogCustomer> = {}): CatalogCustomer =>
  ({
    externalId,
    template: "t",
    supportedLocationConfirmed: true,
    address: { line1: "1", city: "c", country: "US" },
    packages: [{ name: "p" }],
    ...over,
  }) as CatalogCustomer;
const keys = (n: number) => Array.from({ length: n }, (_, i) => `customer-${String(i).padStart(5, "0")}`);
const catalogOf = (customers: CatalogCustomer[]): Catalog => ({
  templates: [{ name: "t" } as Catalog["templates"][number]],
  customers,
  users: customers.flatMap((c) =>
    [0, 1].map((i) => ({ email: `u${i}@${c.externalId}`, customer: c.externalId }) as Catalog["users"][number]),
  ),
  remove: { templates: [], customers: [], users: [], locations: [] },
});

describe("catalog shards", () => {
  describe("hash assignment", () => {
    it("is stable: pinned values, so a change to the hash (which would move customers between stacks) fails here", () => {
      const keysOf = ["acme-001", "globex-002", "initech-003", "northwind-004"];
      expect(keysOf.map((k) => [hashShard(k, 4), hashShard(k, 16)])).to.deep.equal([
        [3, 9],
        [3, 4],
        [0, 15],
        [3, 14],
      ]);
      expect(keysOf.map((k) => hashShard(` ${k.toUpperCase()} `, 4))).to.deep.equal([3, 3, 0, 3]);
    });

    for (const { name, shards, total } of [
      { name: "4 shards × 4,000 customers", shards: 4, total: 4000 },
      { name: "16 shards × 8,000 customers", shards: 16, total: 8000 },
      { name: "7 shards × 3,500 customers", shards: 7, total: 3500 },
    ]) {
      it(`is balanced within 10% of the mean: ${name}`, () => {
        const sizes = new Array<number>(shards).fill(0);
        for (const k of keys(total)) sizes[hashShard(k, shards)]!++;
        const mean = total / shards;
        for (const s of sizes) expect(Math.abs(s - mean) / mean).to.be.below(0.1);
      });
    }

    it("moves about 1/(N+1) of the customers when N grows by one (not most of them)", () => {
      const all = keys(5000);
      const moved = all.filter((k) => hashShard(k, 4) !== hashShard(k, 5));
      expect(moved.length / all.length).to.be.within(0.15, 0.25);
      // ...and every moved customer goes to the new shard.
      expect(new Set(moved.map((k) => hashShard(k, 5)))).to.deep.equal(new Set([4]));
    });

    it("normalizes the key: case, surrounding spaces and Unicode forms do not change the shard", () => {
      expect(hashShard("Café-01", 8)).to.equal(hashShard(" cafe\u0301-01 ".normalize("NFD"), 8));
    });
  });

  describe("explicit shard", () => {
    it("wins over the hash, and is refused when beyond N", () => {
      const c = catalogOf([customer("a", { shard: 2 }), customer("b"), customer("c", { shard: 5 })]);
      const assigned = assignShards(c, 3);
      expect(assigned.get("a")).to.equal(2);
      expect(assigned.get("b")).to.equal(hashShard("b", 3));
      expect(shardProblems(c, 3)).to.deep.equal([
        { path: "customers[2].shard", message: "is 5, but there are 3 shards (0..2): lower it, or raise `shards`" },
      ]);
      expect(shardProblems(c, 6)).to.deep.equal([]);
    });
  });

  describe("settings", () => {
    const cases: { name: string; raw: Record<string, string>; kind: string; problem?: RegExp }[] = [
      { name: "none: the whole catalog", raw: {}, kind: "all" },
      { name: "the template stack", raw: { shards: "4", shard: "templates" }, kind: "templates" },
      { name: "a shard with template ids", raw: { shards: "4", shard: "3", templateIds: '{"t":"pid"}' }, kind: "shard" },
      { name: "shard beyond N", raw: { shards: "4", shard: "4" }, kind: "all", problem: /from 0 to 3/ },
      { name: "N not a number", raw: { shards: "four", shard: "1" }, kind: "all", problem: /`shards`/ },
      { name: "N zero", raw: { shards: "0", shard: "0" }, kind: "all", problem: /at least 1/ },
      { name: "shard missing", raw: { shards: "2" }, kind: "all", problem: /`shard` is missing/ },
      { name: "bad template ids", raw: { shards: "2", shard: "0", templateIds: "[1]" }, kind: "shard", problem: /JSON object/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { selection, problems } = parseShardSettings(c.raw);
        expect(selection.kind).to.equal(c.kind);
        if (c.problem) expect(problems.join("\n")).to.match(c.problem);
        else expect(problems).to.deep.equal([]);
      });
    }
  });

  describe("selecting a stack's part", () => {
    const c = catalogOf(keys(40).map((k) => customer(k)));
    it("every customer and user is declared by exactly one shard, users with their customer", () => {
      const parts = [0, 1, 2].map((shard) => selectShard(c, { kind: "shard", shards: 3, shard, templateIds: { t: "pid-t" } }));
      const customers = parts.flatMap((p) => p.catalog.customers.map((x) => x.externalId));
      expect(customers.sort()).to.deep.equal(keys(40));
      expect(parts.flatMap((p) => p.catalog.users).length).to.equal(c.users.length);
      for (const p of parts) {
        const mine = new Set(p.catalog.customers.map((x) => x.externalId));
        expect(p.catalog.users.every((u) => mine.has(u.customer))).to.equal(true);
        expect(p.catalog.templates).to.deep.equal([]);
        expect(p.catalog.customers.every((x) => x.provisioningId === "pid-t" && x.template === undefined)).to.equal(true);
        expect(p.elsewhere.customers.length + mine.size).to.equal(40);
      }
    });
    it("the template stack declares the templates only", () => {
      const p = selectShard(c, { kind: "templates", shards: 3 });
      expect([p.catalog.templates.length, p.catalog.customers.length, p.catalog.users.length]).to.deep.equal([1, 0, 0]);
    });
    it("names the templates whose id is missing", () => {
      expect(selectShard(c, { kind: "shard", shards: 1, shard: 0, templateIds: {} }).missingTemplateIds).to.deep.equal(["t"]);
    });
    it("the deletion guard sees a customer that left for another shard as a move, and a vanished one as a deletion", () => {
      const before = selectShard(c, { kind: "shard", shards: 2, shard: 0, templateIds: { t: "x" } }).catalog;
      const olds = {
        customers: before.customers.map((x) => x.externalId),
        users: Object.fromEntries(before.users.map((u) => [u.email, u.customer])),
      };
      const after = selectShard(c, { kind: "shard", shards: 3, shard: 0, templateIds: { t: "x" } });
      const news = {
        templates: [],
        customers: after.catalog.customers.map((x) => x.externalId),
        users: Object.fromEntries(after.catalog.users.map((u) => [u.email, u.customer])),
        locations: {},
        aliases: { customers: {}, templates: {} },
        remove: { templates: [], customers: [], users: [], locations: [] },
        allowDeletes: false,
        maxUserDeletes: 0,
      };
      expect(olds.customers.length).to.be.greaterThan(news.customers.length);
      expect(unintendedDeletions(olds, { ...news, elsewhere: after.elsewhere })).to.deep.equal({
        templates: [],
        customers: [],
        users: [],
        locations: [],
      });
      expect(unintendedDeletions(olds, news).customers.length).to.be.greaterThan(0);
    });
    it("a customer's sites are declared elsewhere with it: its location keys follow its shard", () => {
      const sited = catalogOf(keys(40).map((k) => ({ ...customer(k), locations: [{ name: "Denver" }] }) as CatalogCustomer));
      const part = selectShard(sited, { kind: "shard", shards: 2, shard: 0, templateIds: { t: "x" } });
      const others = sited.customers.filter((x) => !part.catalog.customers.includes(x) && hashShard(x.externalId, 2) !== 0);
      expect(others.length).to.be.greaterThan(0);
      expect(part.elsewhere.locations).to.have.members(others.map((x) => `${x.externalId}/Denver`));
    });
  });

  describe("planMoves", () => {
    it("moves only customers whose shard changed, with their users; new customers are not moves", () => {
      const c = catalogOf(keys(200).map((k) => customer(k)));
      const located = new Map(keys(150).map((k) => [k, hashShard(k, 4)]));
      const moves = planMoves(c, 5, located);
      expect(moves.length).to.equal(keys(150).filter((k) => hashShard(k, 5) !== hashShard(k, 4)).length);
      for (const m of moves) {
        expect(m.to).to.equal(4);
        expect(m.users).to.deep.equal([`u0@${m.customer}`, `u1@${m.customer}`]);
      }
      // Idempotent: once the stacks hold what the plan says, nothing is left to move.
      const after = new Map(located);
      for (const m of moves) after.set(m.customer, m.to);
      expect(planMoves(c, 5, after)).to.deep.equal([]);
    });
  });
});
