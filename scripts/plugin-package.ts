/**
 * `npm run plugin:package`: the provider plugin as the per-platform archive Pulumi installs,
 * `pulumi-resource-webex-wholesale-v<version>-<os>-<arch>.tar.gz` in `dist/plugin/` (or `--out <dir>`).
 *
 * What is inside, and why (docs/decisions.md, "The installable plugin"):
 * - `pulumi-resource-webex-wholesale`, a launcher (`exec node …/main.js "$@"`), the executable the
 *   CLI looks for in an installed plugin's folder;
 * - `node_modules/`: the package installed from its own `npm pack` tarball with production
 *   dependencies only (axios, zod, and `@pulumi/pulumi` at the checkout's version), i.e. exactly what
 *   `npm install pulumi-webex-wholesale` puts in a program.
 * Not a Node single-executable application: SEA needs the whole plugin as one script, which needs a
 * bundler this project does not have (and would ship a ~100 MB binary per platform); the launcher
 * needs Node >= 22 on PATH, which the TypeScript package already requires. The JS is platform-neutral;
 * the archive is named for the platform it is made on, since that is what the CLI asks for, and
 * `--os`/`--arch` name it for another (the same files serve every Unix).
 *
 * `pulumi plugin install resource webex-wholesale <version> --file <archive>` installs it; the
 * schema's `pluginDownloadURL` says where releases are published for the CLI to fetch by itself.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkoutVersions, NPM_INSTALL, packTarball, runOrThrow } from "./packed-install";
import { REPO_ROOT } from "./repo-root";

/** The plugin's name, as the CLI spells its kind and name: `pulumi-resource-<name>`. */
export const PLUGIN_NAME = "webex-wholesale";

/** Go's names for Node's platforms and architectures (what Pulumi's archive names use). */
const GO_OS: Record<string, string> = { linux: "linux", darwin: "darwin", win32: "windows" };
const GO_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

/** The archive's file name for a version and platform (Pulumi's convention for plugin downloads). */
export function archiveName(version: string, os: string, arch: string): string {
  return `pulumi-resource-${PLUGIN_NAME}-v${version}-${os}-${arch}.tar.gz`;
}

/** The launcher: the plugin's main module, run by the `node` on PATH, with the CLI's arguments. */
const LAUNCHER = `#!/bin/sh
# pulumi-resource-${PLUGIN_NAME}: the Pulumi provider plugin of pulumi-webex-wholesale (needs Node.js >= 22 on PATH).
# Written by scripts/plugin-package.ts.
dir=$(cd "$(dirname "$0")" && pwd)
exec node "$dir/node_modules/pulumi-webex-wholesale/dist/provider/plugin/main.js" "$@"
`;

/** What {@link packagePlugin} made. */
export type PluginArchive = { path: string; version: string; os: string; arch: string; bytes: number };

/**
 * Builds the archive from the checkout at `root` (built: `npm run build` wrote its dist/).
 * @throws Error with npm's or tar's output when a step fails, or for an unknown platform.
 */
export function packagePlugin(options: { root?: string; outDir?: string; os?: string; arch?: string } = {}): PluginArchive {
  const root = options.root ?? REPO_ROOT;
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const os = options.os ?? GO_OS[process.platform];
  const arch = options.arch ?? GO_ARCH[process.arch];
  if (!os || !arch)
    throw new Error(`no Pulumi platform name for ${process.platform}/${process.arch}: pass --os and --arch (e.g. --os linux --arch amd64)`);
  const outDir = resolve(options.outDir ?? join(root, "dist", "plugin"));
  const stage = mkdtempSync(join(tmpdir(), "plugin-package-"));
  try {
    const tarball = packTarball(root, stage);
    const plugin = join(stage, "plugin");
    mkdirSync(plugin);
    const dependencies = { "pulumi-webex-wholesale": `file:${tarball}`, ...checkoutVersions(root, ["@pulumi/pulumi"]) };
    writeFileSync(join(plugin, "package.json"), `${JSON.stringify({ name: "plugin-bundle", private: true, dependencies }, null, 2)}\n`);
    runOrThrow("npm", [...NPM_INSTALL, "--omit=dev", "--install-links"], plugin);
    // The staging manifest and lockfile name a temporary tarball: not part of what ships.
    for (const f of ["package.json", "package-lock.json"]) rmSync(join(plugin, f), { force: true });
    writeFileSync(join(plugin, `pulumi-resource-${PLUGIN_NAME}`), LAUNCHER);
    chmodSync(join(plugin, `pulumi-resource-${PLUGIN_NAME}`), 0o755);
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, archiveName(version, os, arch));
    runOrThrow("tar", ["-czf", path, "-C", plugin, "."], stage);
    const bytes = Number(runOrThrow("wc", ["-c", path], stage).trim().split(/\s+/)[0]);
    return { path, version, os, arch, bytes };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const flag = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  try {
    const made = packagePlugin({ outDir: flag("out"), os: flag("os"), arch: flag("arch") });
    console.log(`${made.path} (${(made.bytes / 1024 / 1024).toFixed(1)} MB)`);
    console.log(`Install it with: pulumi plugin install resource ${PLUGIN_NAME} ${made.version} --file ${made.path}`);
  } catch (e) {
    console.error(`plugin:package: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
