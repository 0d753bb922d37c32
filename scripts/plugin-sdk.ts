/**
 * `npm run plugin:sdk [-- <out dir>]`: generates the provider plugin's Python and Node.js SDKs from
 * provider/plugin/schema.json into `.local/sdk/{python,nodejs}` (git-ignored: generated code stays out
 * of git; regenerate after the schema changes). Needs `pulumi-gen-sdk`, built by `npm run pulumi:install`.
 */
import { findCli, generateSdks, SDK_DIR } from "./pulumi-cli";

const cli = findCli();
if (!cli.found || !cli.genSdk) {
  console.error(
    `plugin:sdk: the SDK generator is not built (${cli.found ? "stale or missing pulumi-gen-sdk" : cli.reason}); run \`npm run pulumi:install\``,
  );
  process.exit(1);
}
const out = process.argv[2] ?? SDK_DIR;
const r = generateSdks(cli.genSdk, out);
console.log(`${r.output}\n(${r.seconds} s)`);
