#!/usr/bin/env node
/**
 * `pulumi-resource-webex-wholesale`: the Pulumi provider plugin of this package. The Pulumi CLI
 * starts it (found on PATH, or through a `plugins.providers` path in Pulumi.yaml) with the engine's
 * address, and reads the port it prints. Everything it serves is described in `./provider.ts`.
 * It ends by itself once the engine is gone (a killed CLI): see `../resources/common/engine-gone.ts`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exitWhenEngineGone } from "../resources/common/engine-gone";
import { serve } from "./host";
import { WholesaleProvider } from "./provider";

/** The plugin's version: the npm package's (dist/provider/plugin → the package root). */
function packageVersion(): string {
  for (const up of [join(__dirname, "..", "..", ".."), join(__dirname, "..", "..")]) {
    try {
      const pkg = JSON.parse(readFileSync(join(up, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-webex-wholesale" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not this folder
    }
  }
  throw new Error("pulumi-resource-webex-wholesale: cannot find the package.json of pulumi-webex-wholesale to read its version");
}

const args = process.argv.slice(2);
// The engine's address is the last argument that is not a flag (`-v=9`, `--logtostderr` may precede it).
exitWhenEngineGone({ engineAddress: args.filter((a) => !a.startsWith("-")).pop() });

serve(new WholesaleProvider(packageVersion()), args).catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-webex-wholesale: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
