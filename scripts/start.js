#!/usr/bin/env node
// `npm start` entry point: builds the package (the Pulumi program and its dynamic-provider plugin
// load the built `dist/`, as users' programs do), then runs scripts/start.ts. A plain JS shim so
// `npm start` needs nothing but an `npm ci`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

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
    require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    const start = require("./start.ts");
    const argv = process.argv.slice(2);
    try {
        // Bad arguments are reported before a build that can take a while.
        start.parseArgs(argv);
    } catch (e) {
        console.error(`npm start: ${e.message}`);
        process.exit(2);
    }

    const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
    // Incremental, with its build info in the git-ignored .local/: a second `npm start` skips an
    // unchanged build. Without dist/ (e.g. after a clean), the build info would wrongly say "up to
    // date", so it is dropped first.
    const buildInfo = path.join(root, ".local", "build.tsbuildinfo");
    if (!fs.existsSync(path.join(root, "dist", "provider", "index.js"))) fs.rmSync(buildInfo, { force: true });
    const build = spawnSync(
        process.execPath,
        [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", buildInfo],
        { cwd: root, stdio: "inherit" },
    );
    if (build.status !== 0) {
        console.error("npm start: the build failed (see above); nothing was run.");
        process.exit(build.status ?? 1);
    }
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
