// The build step of `npm start`: compile `dist/` only when a source changed since the last build
// (plain JS, run before ts-node is loaded). See start.js.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

/** Where `npm start` records its last successful build (git-ignored). */
const stampFile = (root) => path.join(root, ".local", "build.stamp");

/**
 * Builds `dist/` with `tsc`, incrementally; exits the process when the build fails. Records the
 * build's time in {@link stampFile} so the next start can skip the compiler.
 */
function build(root) {
  const started = Date.now();
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  // Incremental, with its build info in the git-ignored .local/: a build after a small change
  // recompiles little. Without dist/ (e.g. after a clean), the build info would wrongly say "up to
  // date", so it is dropped first.
  const buildInfo = path.join(root, ".local", "build.tsbuildinfo");
  if (!fs.existsSync(path.join(root, "dist", "provider", "index.js"))) fs.rmSync(buildInfo, { force: true });
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", buildInfo], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error("npm start: the build failed (see above); nothing was run.");
    process.exit(result.status ?? 1);
  }
  // The build's start time, not its end: a source saved during the build makes the next start build again.
  fs.mkdirSync(path.dirname(stampFile(root)), { recursive: true });
  fs.writeFileSync(stampFile(root), "");
  fs.utimesSync(stampFile(root), new Date(started), new Date(started));
}

/**
 * Folders whose `.ts` files the build compiles: the package (`provider/`) and what `npm start` and
 * `npm run engine` run from `dist/` when it is current (`scripts/start.ts`, `local/engine/cli.ts`
 * and what they import). A folder that does not exist is skipped.
 */
const SOURCE_DIRS = ["provider", "local", "catalog", "scripts"];

/**
 * Whether `dist/` is newer than every source of the build: the last build recorded by `npm start`
 * started after every `.ts` under {@link SOURCE_DIRS} and the build's configuration files were last
 * written, and its output is there. Timestamps only (a few hundred `stat`s), so an unchanged tree
 * starts without the compiler (an up-to-date `tsc --incremental` check alone took ~2.4 s); any
 * doubt (no record, a missing output, an unreadable file) answers "build".
 */
function builtIsCurrent(root) {
  try {
    const built = fs.statSync(stampFile(root)).mtimeMs;
    if (!fs.existsSync(path.join(root, "dist", "provider", "index.js"))) return false;
    const walk = (dir) =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const inputs = [
      ...["tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"].map((f) => path.join(root, f)),
      ...SOURCE_DIRS.map((d) => path.join(root, d))
        .filter((d) => fs.existsSync(d))
        .flatMap(walk)
        .filter((f) => f.endsWith(".ts")),
    ];
    return inputs.every((f) => fs.statSync(f).mtimeMs < built);
  } catch {
    return false;
  }
}

/**
 * The built copy of a TypeScript entry point (`scripts/start.ts` → `dist/scripts/start.js`) when
 * `dist/` is current and holds it, else undefined (the caller runs the source under ts-node).
 * Precompiled, the engine starts in ~0.2 s instead of ~1.2 s under ts-node.
 */
function builtEntry(root, source) {
  const built = path.join(root, "dist", source.replace(/\.ts$/, ".js"));
  return fs.existsSync(built) && builtIsCurrent(root) ? built : undefined;
}

module.exports = { build, builtEntry, builtIsCurrent, stampFile };

// `node scripts/build-if-stale.js` (what `npm run bench` runs first): build only when a source
// changed, and record the build, so the engine the bench starts runs from dist/ as `npm start`'s does.
if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  if (!builtIsCurrent(root)) build(root);
}
