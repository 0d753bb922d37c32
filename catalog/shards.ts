/**
 * Sharding a catalog over several Pulumi stacks of the same program: which stack declares which
 * customer. Pure: no I/O, no Pulumi; the program (`program.ts`) and the `catalog` command
 * (`scripts/catalog.ts`) both call it, so they can never disagree on where a customer lives.
 *
 * - A customer's shard is its explicit `shard:` when the catalog gives one, else a stable hash of
 *   its normalized `externalId` (jump consistent hash: growing from N to N+1 shards moves about
 *   1/(N+1) of the customers, where `hash mod N` would move most of them).
 * - A customer's users always go with it (they reference its id).
 * - Templates live in one shared stack of their own (`shard: templates`); each shard receives the
 *   templates' provisioning ids as stack config (`templateIds`), see catalog/README.md "Sharded catalogs".
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { locationKey } from "./locations";
import type { Catalog, CatalogCustomer } from "./schema";

/** The stack setting value that selects the shared template stack. */
export const TEMPLATE_SHARD = "templates";

/** Stack setting names (project namespace). */
export const SHARD_SETTINGS = { shards: "shards", shard: "shard", templateIds: "templateIds" } as const;

/** Which part of a sharded catalog a stack declares; `undefined` settings = the whole catalog. */
export type ShardSelection =
  | { readonly kind: "all" }
  | { readonly kind: "templates"; readonly shards: number }
  | { readonly kind: "shard"; readonly shards: number; readonly shard: number; readonly templateIds: Readonly<Record<string, string>> };

const count = z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(10_000, "must be at most 10000");

/**
 * Reads the shard settings of a stack (raw strings, as stack config holds them). Never throws:
 * returns the selection or the problems, each naming the setting and what to set instead.
 */
export function parseShardSettings(raw: { readonly shards?: string; readonly shard?: string; readonly templateIds?: string }): {
  selection: ShardSelection;
  problems: string[];
} {
  const all = { selection: { kind: "all" } as const, problems: [] };
  if (raw.shards === undefined && raw.shard === undefined) return all;
  const problems: string[] = [];
  const shards = count.safeParse(raw.shards);
  if (!shards.success)
    problems.push(`stack setting \`${SHARD_SETTINGS.shards}\` ${shards.error.issues[0]!.message}: set it to the number of shard stacks`);
  if (raw.shard === undefined)
    problems.push(`stack setting \`${SHARD_SETTINGS.shard}\` is missing: set it to 0..N-1, or "${TEMPLATE_SHARD}" for the template stack`);
  if (problems.length > 0 || !shards.success || raw.shard === undefined) return { selection: all.selection, problems };
  if (raw.shard === TEMPLATE_SHARD) return { selection: { kind: "templates", shards: shards.data }, problems };
  const shard = Number(raw.shard);
  if (!/^\d+$/.test(raw.shard) || shard >= shards.data) {
    problems.push(
      `stack setting \`${SHARD_SETTINGS.shard}\` is "${raw.shard}": set it to a number from 0 to ${shards.data - 1}, or "${TEMPLATE_SHARD}"`,
    );
    return { selection: all.selection, problems };
  }
  let templateIds: Record<string, string> = {};
  if (raw.templateIds !== undefined) {
    const parsed = z.record(z.string(), z.string()).safeParse(safeJson(raw.templateIds));
    if (parsed.success) templateIds = parsed.data;
    else
      problems.push(
        `stack setting \`${SHARD_SETTINGS.templateIds}\` must be a JSON object of template name to provisioning id (the template stack's \`provisioningIds\` output)`,
      );
  }
  return { selection: { kind: "shard", shards: shards.data, shard, templateIds }, problems };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The key a customer is hashed by: `externalId`, trimmed, Unicode-normalized and lower-cased. */
export function normalizeKey(externalId: string): string {
  return externalId.trim().normalize("NFKC").toLowerCase();
}

/**
 * Jump consistent hash (Lamping & Veach 2014) of a 64-bit key into `buckets` buckets: stable for a
 * key and N, and only ~1/N of the keys change bucket when N grows by one.
 */
function jumpHash(key: bigint, buckets: number): number {
  let b = -1n;
  let j = 0n;
  const mask = (1n << 64n) - 1n;
  while (j < BigInt(buckets)) {
    b = j;
    key = (key * 2862933555777941757n + 1n) & mask;
    j = BigInt(Math.floor(((Number(b) + 1) * 2 ** 31) / Number((key >> 33n) + 1n)));
  }
  return Number(b);
}

/** The shard a key hashes to among `shards`: the first 8 bytes of its SHA-256, jump-hashed. */
export function hashShard(externalId: string, shards: number): number {
  const digest = createHash("sha256").update(normalizeKey(externalId)).digest();
  return jumpHash(digest.readBigUInt64BE(0), shards);
}

/** A customer's shard: its explicit `shard:`, else {@link hashShard} of its `externalId`. */
export function shardOf(customer: Pick<CatalogCustomer, "externalId" | "shard">, shards: number): number {
  return customer.shard ?? hashShard(customer.externalId, shards);
}

/**
 * Problems of explicit `shard:` values against N, as catalog paths and what to do. An explicit
 * shard beyond N would silently vanish from every stack, so it is refused.
 */
export function shardProblems(catalog: Pick<Catalog, "customers">, shards: number): { path: string; message: string }[] {
  return catalog.customers.flatMap((c, i) =>
    c.shard !== undefined && c.shard >= shards
      ? [
          {
            path: `customers[${i}].shard`,
            message: `is ${c.shard}, but there are ${shards} shards (0..${shards - 1}): lower it, or raise \`shards\``,
          },
        ]
      : [],
  );
}

/** Customer `externalId` → shard, for every customer of the catalog. */
export function assignShards(catalog: Pick<Catalog, "customers">, shards: number): Map<string, number> {
  return new Map(catalog.customers.map((c) => [c.externalId, shardOf(c, shards)]));
}

/** What one stack of a sharded catalog declares, and the keys other stacks declare. */
export type ShardPart = {
  /** The catalog this stack declares (templates referenced by `provisioningId` in a shard). */
  readonly catalog: Catalog;
  /** Keys the catalog declares in other stacks: a key moving there is a move, not a deletion. */
  readonly elsewhere: {
    readonly templates: readonly string[];
    readonly customers: readonly string[];
    readonly users: readonly string[];
    readonly locations: readonly string[];
  };
  /** Templates this shard needs whose id the template stack has not given yet. */
  readonly missingTemplateIds: readonly string[];
};

/**
 * The part of a validated catalog that one stack declares.
 * - `all`: the whole catalog.
 * - `templates`: the templates only.
 * - `shard`: its customers (a `template:` turned into that template's `provisioningId`) and their users.
 */
export function selectShard(catalog: Catalog, selection: ShardSelection): ShardPart {
  const none = { templates: [], customers: [], users: [], locations: [] };
  const sitesOf = (customers: Catalog["customers"]) =>
    customers.flatMap((c) => (c.locations ?? []).map((l) => locationKey(c.externalId, l.name)));
  if (selection.kind === "all") return { catalog, elsewhere: none, missingTemplateIds: [] };
  const everyone = {
    templates: [],
    customers: catalog.customers.map((c) => c.externalId),
    users: catalog.users.map((u) => u.email),
    locations: sitesOf(catalog.customers),
  };
  if (selection.kind === "templates") {
    return { catalog: { ...catalog, customers: [], users: [] }, elsewhere: everyone, missingTemplateIds: [] };
  }
  const mine = new Set(catalog.customers.filter((c) => shardOf(c, selection.shards) === selection.shard).map((c) => c.externalId));
  const missing = new Set<string>();
  const customers = catalog.customers
    .filter((c) => mine.has(c.externalId))
    .map(({ template, ...c }) => {
      if (template === undefined) return c;
      const id = selection.templateIds[template];
      if (id === undefined) missing.add(template);
      return { ...c, provisioningId: id ?? "" };
    });
  return {
    catalog: { ...catalog, templates: [], customers, users: catalog.users.filter((u) => mine.has(u.customer)) },
    elsewhere: {
      templates: catalog.templates.map((t) => t.name),
      customers: everyone.customers.filter((k) => !mine.has(k)),
      users: catalog.users.filter((u) => !mine.has(u.customer)).map((u) => u.email),
      locations: sitesOf(catalog.customers.filter((c) => !mine.has(c.externalId))),
    },
    missingTemplateIds: [...missing].sort(),
  };
}

/** One customer (and its users) to move between shard stacks. */
export type ShardMove = { readonly customer: string; readonly users: readonly string[]; readonly from: number; readonly to: number };

/**
 * The moves that bring the stacks' contents in line with the assignment: `located` says in which
 * shard stack each customer's resource is now (from the stacks' state); customers found nowhere
 * are new (the next `up` creates them) and are not moves. Sorted by source, target, key.
 */
export function planMoves(
  catalog: Pick<Catalog, "customers" | "users">,
  shards: number,
  located: ReadonlyMap<string, number>,
): ShardMove[] {
  const target = assignShards(catalog, shards);
  const moves: ShardMove[] = [];
  for (const [customer, from] of located) {
    const to = target.get(customer);
    if (to === undefined || to === from) continue;
    moves.push({ customer, from, to, users: catalog.users.filter((u) => u.customer === customer).map((u) => u.email) });
  }
  return moves.sort((a, b) => a.from - b.from || a.to - b.to || a.customer.localeCompare(b.customer));
}
