import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect } from "chai";
import pkg from "../../package.json";

const ROOT = resolve(__dirname, "..", "..");

/** The long-running commands people stop with Ctrl-C, SIGTERM or a CI cancel. */
const LONG_RUNNING = ["start", "engine", "catalog"] as const;

describe("npm scripts that run long leave no shell between npm and node", function () {
  this.timeout(60_000);

  // npm runs a script through `sh -c`. Without `exec`, the shell stays as npm's child: a SIGINT npm forwards
  // reaches the shell, not node, and the shell outlives npm when npm is killed. `exec` replaces the shell.
  for (const name of LONG_RUNNING) {
    it(`\`${name}\` ends with an exec of its process`, () => {
      const script: string = (pkg.scripts as Record<string, string>)[name]!;
      const last = script.split("&&").pop()!.trim();
      expect(last, script).to.match(/^exec (node|ts-node) /);
    });
  }

  it("npm's child under `npm run engine` becomes node itself, not a shell", async () => {
    // With `exec`, npm's child starts as `sh` and turns into `node` (same pid); without it the child stays `sh`
    // and node is its child. An unknown operation keeps node alive long enough (its start-up) to be seen.
    const npm = spawn("npm", ["run", "--silent", "engine", "--", "no-such-operation"], { cwd: ROOT, stdio: "ignore" });
    const exited = new Promise((r) => npm.once("exit", r));
    const names = new Set<string>();
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      try {
        const child = readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, "utf8").trim().split(" ")[0];
        if (child) names.add(readFileSync(`/proc/${child}/comm`, "utf8").trim());
      } catch {
        // not started yet, or already gone
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    expect([...names], "what npm's child was seen as").to.include("node");
  });
});
