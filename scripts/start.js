#!/usr/bin/env node
// `npm start` entry point: builds the package (the Pulumi program and its dynamic-provider plugin
// load the built `dist/`, as users' programs do), then runs scripts/start.ts. A plain JS shim so
// `npm start` needs nothing but an `npm ci`.
"use strict";
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) {
    console.error("npm start: the build failed (see above); nothing was run.");
    process.exit(build.status ?? 1);
}
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
require("./start.ts")
    .main(process.argv.slice(2))
    .then((code) => {
        process.exitCode = code;
    })
    .catch((e) => {
        console.error(`npm start: ${e && e.message ? e.message : e}`);
        process.exitCode = 1;
    });
