/**
 * Slices of a sharded catalog: the part of the catalog file each stack's program reads, so a shard
 * stack parses and checks its own customers only, not the whole file (`npm run catalog` validated
 * the whole file once, cross-shard rules included, before it writes them). Pure: no I/O.
 *
 * A slice is an ordinary catalog (its `templates`, `customers`, `users`, `remove:`), written as
 * JSON (which YAML reads); beside it, its {@link SliceOrigin} says where each entry comes from in the original file
 * (so a problem the stack's program still finds names the original entry, not the slice's line) and
 * which keys the stack recorded that the catalog now declares in another stack (its deletion guard
 * reads those as moves, as it does when the program reads the whole file). See catalog/README.md
 * "Sharded catalogs".
 */
import type { GuardKeys } from "./deletion-guard";
import { formatPath, parsePath } from "./load";
import { locationKey } from "./locations";
import type { Catalog, CatalogIssue } from "./schema";
import { TEMPLATE_SHARD, shardOf } from "./shards";

/** The stack setting naming a slice's origin file (set by `npm run catalog` with `catalogFile`). */
export const SLICE_ORIGIN_SETTING = "catalogOrigin";

/** Which stack a slice is for: a shard number, or the template stack. */
export type SliceOwner = number | typeof TEMPLATE_SHARD;

/** The keys of each kind, as the deletion guard names them. */
export type SliceKeys = {
  readonly templates: readonly string[];
  readonly customers: readonly string[];
  readonly users: readonly string[];
  readonly locations: readonly string[];
};

/** One slice entry's place in the original catalog: its index in its list, and its key. */
export type SliceEntry = { readonly index: number; readonly key: string };

/** Where a slice comes from: the original file and each entry's place there. */
export type SliceOrigin = {
  /** The original catalog file (absolute). */
  readonly source: string;
  readonly shards: number;
  readonly shard: SliceOwner;
  /** Per list, slice index → the entry in the original file. `remove:` is copied whole (same indexes). */
  readonly entries: {
    readonly templates: readonly SliceEntry[];
    readonly customers: readonly SliceEntry[];
    readonly users: readonly SliceEntry[];
  };
  /** Keys this stack's guard recorded that the catalog declares in another stack now: moves, not deletions. */
  readonly elsewhere: SliceKeys;
};

/** A slice: the catalog document its stack reads, and its origin without `elsewhere` (that needs the stack's record). */
export type CatalogSlice = {
  readonly shard: SliceOwner;
  readonly document: Catalog;
  readonly entries: SliceOrigin["entries"];
};

/**
 * Splits a validated catalog into the template stack's slice (templates only) and one slice per
 * shard (its customers with their users and sites, the templates they name, and `remove:` whole).
 * Entries keep the catalog's order, so the same catalog gives the same slices. Takes a catalog whose
 * `shard:` values fit `shards` (`shardProblems` is empty: `npm run catalog` refuses it otherwise).
 */
export function sliceCatalog(catalog: Catalog, shards: number): { templates: CatalogSlice; shards: CatalogSlice[] } {
  const indexed = <T>(list: readonly T[]) => list.map((entry, index) => ({ entry, index }));
  const templates = indexed(catalog.templates);
  const entry = (index: number, key: string): SliceEntry => ({ index, key });
  const byShard = Array.from({ length: shards }, () => ({
    customers: [] as { entry: Catalog["customers"][number]; index: number }[],
    users: [] as { entry: Catalog["users"][number]; index: number }[],
  }));
  const shardOfCustomer = new Map<string, number>();
  for (const c of indexed(catalog.customers)) {
    const k = shardOf(c.entry, shards);
    shardOfCustomer.set(c.entry.externalId, k);
    byShard[k]!.customers.push(c);
  }
  for (const u of indexed(catalog.users)) byShard[shardOfCustomer.get(u.entry.customer)!]!.users.push(u);
  const sliceOf = (
    shard: SliceOwner,
    ts: typeof templates,
    cs: (typeof byShard)[number]["customers"],
    us: (typeof byShard)[number]["users"],
  ): CatalogSlice => ({
    shard,
    document: {
      templates: ts.map((t) => t.entry),
      customers: cs.map((c) => c.entry),
      users: us.map((u) => u.entry),
      remove: catalog.remove,
    },
    entries: {
      templates: ts.map((t) => entry(t.index, t.entry.name)),
      customers: cs.map((c) => entry(c.index, c.entry.externalId)),
      users: us.map((u) => entry(u.index, u.entry.email)),
    },
  });
  return {
    templates: sliceOf(TEMPLATE_SHARD, templates, [], []),
    shards: byShard.map((s, k) => {
      const used = new Set(s.customers.map((c) => c.entry.template).filter((t) => t !== undefined));
      return sliceOf(
        k,
        templates.filter((t) => used.has(t.entry.name)),
        s.customers,
        s.users,
      );
    }),
  };
}

/**
 * A slice as the file its stack reads: a header comment saying where it comes from and not to edit
 * it, then the catalog as JSON (YAML's subset, read by the same loader), one entry per line. Through
 * the loader, JSON loads about a third faster than block YAML (`scripts/catalog/measure-slices.ts`).
 */
export function sliceText(slice: CatalogSlice, source: string, shards: number): string {
  const which = slice.shard === TEMPLATE_SHARD ? "the template stack" : `shard ${slice.shard} of ${shards}`;
  const header =
    `# Written by \`npm run catalog\` from ${JSON.stringify(source)} for ${which}, and rewritten on every run:\n` +
    "# do not edit it, edit the catalog. Problems in it are reported against the catalog's own entries.\n";
  const { templates, customers, users, remove } = slice.document;
  const list = (entries: readonly unknown[]) =>
    entries.length === 0 ? "[]" : `[\n${entries.map((e) => JSON.stringify(e)).join(",\n")}\n]`;
  const body = [
    `"templates": ${list(templates)}`,
    `"customers": ${list(customers)}`,
    `"users": ${list(users)}`,
    `"remove": ${JSON.stringify(remove)}`,
  ];
  return `${header}{\n${body.join(",\n")}\n}\n`;
}

/**
 * The keys a stack's guard recorded (`recorded`, from its state) that this slice does not declare
 * but another stack of the catalog does: the guard must read them as moves. Every other key the
 * whole catalog declares elsewhere is left out, as the guard only compares the keys it recorded.
 */
export function movedAway(catalog: Catalog, slice: CatalogSlice, recorded: Partial<GuardKeys> | undefined): SliceKeys {
  if (recorded === undefined) return { templates: [], customers: [], users: [], locations: [] };
  const declaredHere = {
    templates: new Set(slice.document.templates.map((t) => t.name)),
    customers: new Set(slice.document.customers.map((c) => c.externalId)),
  };
  const customersHere = declaredHere.customers;
  // Templates live in the template stack only; customers, users and sites in their customer's shard.
  const templatesElsewhere = slice.shard === TEMPLATE_SHARD ? new Set<string>() : new Set(catalog.templates.map((t) => t.name));
  const customerElsewhere = (customer: string) => !customersHere.has(customer);
  const declaredCustomers = new Set(catalog.customers.map((c) => c.externalId));
  const userOwner = new Map(catalog.users.map((u) => [u.email, u.customer]));
  const siteOwner = new Map(
    catalog.customers.flatMap((c) => (c.locations ?? []).map((l) => [locationKey(c.externalId, l.name), c.externalId] as const)),
  );
  const pick = (keys: Iterable<string>, elsewhere: (key: string) => boolean) => [...keys].filter(elsewhere).sort();
  return {
    templates: pick(recorded.templates ?? [], (t) => templatesElsewhere.has(t) && !declaredHere.templates.has(t)),
    customers: pick(recorded.customers ?? [], (c) => declaredCustomers.has(c) && customerElsewhere(c)),
    users: pick(Object.keys(recorded.users ?? {}), (u) => userOwner.has(u) && customerElsewhere(userOwner.get(u)!)),
    locations: pick(Object.keys(recorded.locations ?? {}), (l) => siteOwner.has(l) && customerElsewhere(siteOwner.get(l)!)),
  };
}

/** A slice's origin file: JSON, keys in a fixed order (the same slice and record give the same bytes). */
export function originText(origin: SliceOrigin): string {
  return `${JSON.stringify(origin, null, 1)}\n`;
}

/**
 * Reads an origin file's text; undefined when it is not one (the program then says to run
 * `npm run catalog` again rather than guess).
 */
export function parseOrigin(text: string): SliceOrigin | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = data as Partial<SliceOrigin> | null;
  const list = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  const entries = (v: unknown) =>
    Array.isArray(v) &&
    v.every(
      (x) =>
        typeof x === "object" && x !== null && typeof (x as SliceEntry).index === "number" && typeof (x as SliceEntry).key === "string",
    );
  const ok =
    typeof o === "object" &&
    o !== null &&
    typeof o.source === "string" &&
    typeof o.shards === "number" &&
    (typeof o.shard === "number" || o.shard === TEMPLATE_SHARD) &&
    entries(o.entries?.templates) &&
    entries(o.entries?.customers) &&
    entries(o.entries?.users) &&
    ["templates", "customers", "users", "locations"].every((k) => list((o.elsewhere as Record<string, unknown> | undefined)?.[k]));
  return ok ? (o as SliceOrigin) : undefined;
}

/** The key field of each list, for messages. */
const KEY_FIELD = { templates: "name", customers: "externalId", users: "email" } as const;

/**
 * A problem found in a slice, told against the original catalog: the path's list index becomes the
 * entry's index in the original file, the message names the entry's key, and the slice's line is
 * dropped (it means nothing in the original). A problem outside an entry (the slice's YAML, which
 * `npm run catalog` wrote) says to run it again.
 */
export function originalIssue(issue: CatalogIssue, origin: SliceOrigin): CatalogIssue {
  const path = parsePath(issue.path);
  const [list, index] = path;
  if ((list === "templates" || list === "customers" || list === "users") && typeof index === "number") {
    const from = origin.entries[list][index];
    if (from !== undefined) {
      return {
        path: formatPath([list, from.index, ...path.slice(2)]),
        message: `(${KEY_FIELD[list]} ${JSON.stringify(from.key)}) ${issue.message}`,
      };
    }
  }
  if (list === "remove") return { path: issue.path, message: issue.message };
  return {
    path: issue.path,
    message: `${issue.message} (in the slice \`npm run catalog\` wrote${issue.line === undefined ? "" : `, line ${issue.line}`}: run it again to rewrite it)`,
  };
}
