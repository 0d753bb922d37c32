/**
 * The program's side of sharding: reads this stack's shard settings and returns the part of the
 * catalog it declares (`shards.ts` decides; this file only reads config and reports problems), and
 * reads the origin of the slice `npm run catalog` gave the stack (`slices.ts`).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { escapeControl } from "pulumi-webex-wholesale";
import { CatalogError } from "./load";
import type { Catalog } from "./schema";
import { SLICE_ORIGIN_SETTING, originalIssue, parseOrigin, type SliceOrigin } from "./slices";
import { SHARD_SETTINGS, TEMPLATE_SHARD, parseShardSettings, selectShard, shardProblems, type ShardPart } from "./shards";

/**
 * The part of `catalog` this stack declares, from its settings `shards`, `shard` and `templateIds`
 * (none set: the whole catalog). Throws a `RunError` (no stack trace, as for catalog problems)
 * listing every problem and what to set, before any resource is declared.
 */
export function selectStackShard(catalog: Catalog, config: pulumi.Config): ShardPart {
  const { selection, problems } = parseShardSettings({
    shards: config.get(SHARD_SETTINGS.shards),
    shard: config.get(SHARD_SETTINGS.shard),
    templateIds: config.get(SHARD_SETTINGS.templateIds),
  });
  if (selection.kind !== "all") {
    for (const p of shardProblems(catalog, selection.shards)) problems.push(`catalog ${p.path} ${p.message}`);
  }
  const part = selectShard(catalog, selection);
  if (part.missingTemplateIds.length > 0) {
    problems.push(
      `no provisioning id for template(s) ${part.missingTemplateIds.map((t) => JSON.stringify(t)).join(", ")}: run the template stack ` +
        `(\`${SHARD_SETTINGS.shard}: ${TEMPLATE_SHARD}\`) first and set \`${SHARD_SETTINGS.templateIds}\` to its \`provisioningIds\` output ` +
        "(`npm run catalog` does both)",
    );
  }
  if (problems.length === 0) return part;
  const error = new pulumi.RunError(`The stack's shard settings cannot be used:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  error.stack = undefined;
  throw error;
}

/**
 * The origin of this stack's slice, from the stack setting `catalogOrigin` (`setting`, relative to
 * `programDir`); undefined when it is unset and the stack reads a whole catalog. An unreadable
 * origin stops the run before the catalog is read: without it, a problem could not be told against
 * the original file, and a customer moved to another stack would look deleted to the guard.
 */
export async function readSliceOrigin(setting: string | undefined, programDir: string): Promise<SliceOrigin | undefined> {
  if (setting === undefined) return undefined;
  const file = path.resolve(programDir, setting);
  const origin = await readFile(file, "utf8").then(parseOrigin, () => undefined);
  if (origin !== undefined) return origin;
  const error = new pulumi.RunError(
    `The stack setting \`${SLICE_ORIGIN_SETTING}\` names ${escapeControl(file)}, which is not a slice origin \`npm run catalog\` wrote: ` +
      `run \`npm run catalog\` again (it rewrites every slice), or unset \`${SLICE_ORIGIN_SETTING}\` and set \`catalogFile\` to the whole catalog`,
  );
  error.stack = undefined;
  throw error;
}

/** A slice's {@link CatalogError}, told against the original catalog file and its entries (`slices.ts`). */
export function sliceError(error: CatalogError, origin: SliceOrigin): CatalogError {
  return new CatalogError(
    origin.source,
    error.issues.map((i) => originalIssue(i, origin)),
  );
}
