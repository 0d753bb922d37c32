/**
 * `npm run plugin:schema`: writes `provider/plugin/schema.json`, the provider plugin's package schema
 * generated from the zod schemas, the change rules and the configuration table (see
 * `provider/plugin/package-schema.ts`). `test/provider-plugin/schema.test.ts` fails when the file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { schemaText } from "../provider/plugin/package-schema";

/** Where the committed schema lives. */
export const SCHEMA_FILE = join(__dirname, "..", "provider", "plugin", "schema.json");

/** The npm package's version, which the plugin reports and the schema carries. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, schemaText(packageVersion()));
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
