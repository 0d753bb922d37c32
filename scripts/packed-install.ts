/**
 * The package as a user installs it: this checkout packed by `npm pack` (its dist/ is what ships)
 * and installed into a program from the tarball, with the checkout's own versions of the SDK and
 * the compiler. The real-CLI suites (`test/cli/support.ts`) and the bench (`--install packed`,
 * `bench/cli-runner.ts`) both install this way, because only an installed package makes the SDK
 * store the short `require` form of `__provider` that users get.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Runs `command args` in `cwd` to completion.
 * @returns its standard output.
 * @throws Error with the command, its exit code and its output when it fails.
 */
export function runOrThrow(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Flags of every install from the tarball, with npm or pnpm: quiet, and no lifecycle scripts. */
export const QUIET_INSTALL = ["--ignore-scripts", "--loglevel=error"] as const;

/** `npm install` as both callers run it: offline-friendly, no audit or funding notices, quiet. */
export const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", ...QUIET_INSTALL] as const;

/**
 * Packs the checkout at `checkout` (built: its dist/ is what ships) into `packDir`.
 * @returns the tarball's absolute path, for a `file:` dependency.
 * @throws Error with npm's output when packing fails.
 */
export function packTarball(checkout: string, packDir: string): string {
  const name = runOrThrow("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], checkout)
    .trim()
    .split("\n")
    .pop()!;
  return join(packDir, name);
}

/**
 * The versions of `packages` installed in the checkout at `root`, as `dependencies` entries: a
 * program gets the SDK and compiler the checkout was tested with.
 */
export function checkoutVersions(root: string, packages: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    packages.map((pkg) => [
      pkg,
      (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version,
    ]),
  );
}
