/**
 * The program's side of sharding: reads this stack's shard settings and returns the part of the
 * catalog it declares (`shards.ts` decides; this file only reads config and reports problems).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "./schema";
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
