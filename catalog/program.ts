/**
 * The catalog program, shared by the root program and `examples/catalog`: read the `catalogFile`
 * setting, validate the whole file, then declare its resources.
 *
 * Written as an async program (Pulumi awaits a function exported by the entry module): the
 * catalog is fully judged before the first resource is registered, so a bad catalog throws with
 * every problem listed and nothing reaches the API.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { catalogOutputs, declareCatalog } from "./declare";
import { ALLOW_DELETES_ENV, DeletionGuard, GUARD_SETTINGS, type GuardInputs } from "./deletion-guard";
import { ALLOW_LOOKALIKES_ENV, CatalogError, loadCatalog } from "./load";
import { locationKey } from "./locations";
import { packageRules } from "./package-rules";
import { readSliceOrigin, selectStackShard, sliceError } from "./shard-program";
import { SLICE_ORIGIN_SETTING } from "./slices";
import type { Catalog } from "./schema";

/**
 * Runs the catalog program for the project in `programDir`.
 * @param programDir the program's directory; a relative `catalogFile` is read from there.
 * @param defaultFile the catalog used when the stack does not set `catalogFile`.
 * @returns the stack outputs (see {@link catalogOutputs}).
 * @example
 * // index.ts
 * export = () => catalogProgram(__dirname, "catalog/customers.yaml");
 */
export async function catalogProgram(programDir: string, defaultFile: string) {
  const config = new pulumi.Config();
  const file = path.resolve(programDir, config.get("catalogFile") ?? defaultFile);
  // Set by `npm run catalog`, whose `catalogFile` is then this stack's slice of the catalog (`slices.ts`).
  const origin = await readSliceOrigin(config.get(SLICE_ORIGIN_SETTING), programDir);
  let catalog: Catalog;
  try {
    catalog = await loadCatalog(file, packageRules(), {
      allowLookalikes: process.env[ALLOW_LOOKALIKES_ENV] === "true" || config.getBoolean(LOOKALIKES_SETTING) === true,
      warn: (text) => void pulumi.log.warn(text),
    });
  } catch (e) {
    if (e instanceof CatalogError) {
      const told = origin === undefined ? e : sliceError(e, origin);
      // Reported by its message alone: the list of problems is what the person needs, not a
      // stack trace. Without a stack, the SDK also skips its util.inspect of the error, which
      // (measured here with @pulumi/pulumi 3.270) grows the program to ~3 GB and stalls the
      // run for 30-80 s before it exits; local-engine.md calls this gotcha G1.
      const reported = new pulumi.RunError(told.message);
      reported.stack = undefined;
      throw reported;
    }
    throw e;
  }
  // A sharded stack declares its part only (`shards.ts`); the catalog (or the slice, whose whole
  // catalog `npm run catalog` validated) was validated above.
  const part = selectStackShard(catalog, config);
  // A slice does not hold the other stacks' keys: its origin lists those this stack recorded.
  const elsewhere = origin === undefined ? part.elsewhere : mergeKeys(part.elsewhere, origin.elsewhere);
  // First, so its check runs before any other step: an unintended deletion stops the run here.
  new DeletionGuard("catalog-deletion-guard", { ...guardInputs(part.catalog, config), elsewhere });
  return catalogOutputs(await declareCatalog(part.catalog));
}

/** Both key lists of each kind, once each. */
function mergeKeys<K extends string>(a: Record<K, readonly string[]>, b: Record<K, readonly string[]>): Record<K, string[]> {
  const kinds = Object.keys(a) as K[];
  return Object.fromEntries(kinds.map((k) => [k, [...new Set([...a[k], ...(b[k] ?? [])])]])) as Record<K, string[]>;
}

/** The stack setting that accepts lookalike keys (as {@link ALLOW_LOOKALIKES_ENV} does for one run). */
const LOOKALIKES_SETTING = "allowLookalikes";

/** The deletion guard's inputs: the catalog's keys and this run's intent (see `deletion-guard.ts`). */
function guardInputs(catalog: Catalog, config: pulumi.Config): GuardInputs {
  const aliasesOf = (entries: readonly { key: string; aliases?: string[] }[]) =>
    Object.fromEntries(entries.filter((e) => (e.aliases ?? []).length > 0).map((e) => [e.key, e.aliases!]));
  return {
    templates: catalog.templates.map((t) => t.name),
    customers: catalog.customers.map((c) => c.externalId),
    users: Object.fromEntries(catalog.users.map((u) => [u.email, u.customer])),
    locations: Object.fromEntries(
      catalog.customers.flatMap((c) => (c.locations ?? []).map((l) => [locationKey(c.externalId, l.name), c.externalId])),
    ),
    aliases: {
      templates: aliasesOf(catalog.templates.map((t) => ({ key: t.name, aliases: t.aliases }))),
      customers: aliasesOf(catalog.customers.map((c) => ({ key: c.externalId, aliases: c.aliases }))),
    },
    remove: catalog.remove,
    allowDeletes: process.env[ALLOW_DELETES_ENV] === "true" || config.getBoolean(GUARD_SETTINGS.allowDeletes) === true,
    maxUserDeletes: config.getNumber(GUARD_SETTINGS.maxUserDeletes, { min: 0 }) ?? 0,
  };
}
