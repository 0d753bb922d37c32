/**
 * Writes each stack's slice of the catalog (`catalog/slices.ts`) under the run's state dir, so a
 * shard stack's program reads and checks its own customers, not the whole file. Rewritten on every
 * run, each file atomically (a temporary file renamed over it): a stale or torn slice is never read.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecord, type GuardKeys } from "../../catalog/deletion-guard";
import type { Catalog } from "../../catalog/schema";
import { movedAway, originText, sliceCatalog, sliceText, type CatalogSlice, type SliceOrigin, type SliceOwner } from "../../catalog/slices";
import { nameOf, type StateResource } from "./runners";

/** The deletion guard's logical name in every stack (`catalog/program.ts`). */
const GUARD = "catalog-deletion-guard";

/** The two files of one stack's slice. */
export type SliceFiles = { readonly catalog: string; readonly origin: string };

/** Where a stack's slice is kept: `<stateDir>/slices/<stack>.yaml` and `.origin.json`. */
export function sliceFiles(stateDir: string, stack: string): SliceFiles {
  const dir = join(stateDir, "slices");
  return { catalog: join(dir, `${stack}.yaml`), origin: join(dir, `${stack}.origin.json`) };
}

/** The keys a stack's deletion guard recorded, from the stack's state resources; undefined before its first run. */
export function guardRecord(resources: readonly StateResource[]): Partial<GuardKeys> | undefined {
  const guard = resources.find((r) => nameOf(r.urn) === GUARD) as (StateResource & { inputs?: Record<string, unknown> }) | undefined;
  return guard?.inputs === undefined ? undefined : readRecord(guard.inputs);
}

/**
 * Writes the template stack's slice and every shard's, with their origins.
 * @param stackOf the stack name of a slice's owner.
 * @param recorded the resources each existing stack's state records (for its guard's keys).
 */
export function writeSlices(options: {
  readonly stateDir: string;
  readonly source: string;
  readonly catalog: Catalog;
  readonly shards: number;
  readonly stackOf: (owner: SliceOwner) => string;
  readonly recorded: (stack: string) => readonly StateResource[];
}): void {
  mkdirSync(join(options.stateDir, "slices"), { recursive: true });
  const { templates, shards } = sliceCatalog(options.catalog, options.shards);
  for (const slice of [templates, ...shards]) write(slice);

  function write(slice: CatalogSlice) {
    const stack = options.stackOf(slice.shard);
    const files = sliceFiles(options.stateDir, stack);
    const origin: SliceOrigin = {
      source: options.source,
      shards: options.shards,
      shard: slice.shard,
      entries: slice.entries,
      elsewhere: movedAway(options.catalog, slice, guardRecord(options.recorded(stack))),
    };
    atomically(files.catalog, sliceText(slice, options.source, options.shards));
    atomically(files.origin, originText(origin));
  }
}

function atomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
