#!/usr/bin/env node
// `npm start` entry point: builds the package (the Pulumi program and its dynamic-provider plugin
// load the built `dist/`, as users' programs do), then runs scripts/start.ts: its built copy in
// dist/ when dist/ is current (no compiler, no ts-node), else the source under ts-node after the
// build. A plain JS shim so `npm start` needs nothing but an `npm ci`.
"use strict";
const path = require("node:path");
const { builtEntry, build } = require("./build-if-stale.js");

if (require.main !== module) {
  // Imported (e.g. `import ... from "scripts/start"` in a test, which Node resolves to this
  // file): expose start.ts's API without running anything.
  module.exports = require("./start.ts");
} else {
  run();
}

function run() {
  const root = path.resolve(__dirname, "..");
  // The README's commands must keep working on an older Node (npm start runs on the emulator and
  // the local engine), but a user should know their Node is below what the package is tested on.
  const lowest = Number(/>=\s*(\d+)/.exec(require("../package.json").engines.node)[1]);
  if (Number(process.versions.node.split(".")[0]) < lowest) {
    console.error(`npm start: Node ${process.versions.node} is below the supported range (Node ${lowest} or newer); going on.`);
  }
  const given = process.argv.slice(2);
  // `npm start -- [up|preview|destroy|reshard] --shards N`: every shard stack of the catalog, as
  // `npm run catalog` (scripts/catalog.ts, run from source: it is not part of the build).
  const sharded = given.some((a) => a === "--shards" || a.startsWith("--shards="));
  const argv = sharded && !given.some((a) => ["up", "preview", "destroy", "reshard"].includes(a)) ? ["up", ...given] : given;
  const built = sharded ? undefined : builtEntry(root, "scripts/start.ts");
  if (!built) require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  const start = require(built ?? (sharded ? "./catalog.ts" : "./start.ts"));
  try {
    // Bad arguments are reported before a build that can take a while.
    (sharded ? start.parseCatalogArgs : start.parseArgs)(argv);
  } catch (e) {
    console.error(`npm start: ${e.message}`);
    process.exit(2);
  }

  if (!built) build(root);
  start
    .main(argv)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e) => {
      console.error(`npm start: ${e && e.message ? e.message : e}`);
      process.exitCode = 1;
    });
}
