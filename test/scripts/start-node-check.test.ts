import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect } from "chai";
import pkg from "../../package.json";

const ROOT = resolve(__dirname, "..", "..");

describe("npm start on a Node below the supported range", function () {
  // One child process, but spawnSync blocks mocha's clock: a loaded runner took over 20 s.
  this.timeout(120_000);
  // The check runs before the arguments are parsed, so a bad argument shows it without building or
  // starting anything. CI runs this on supported Nodes (the line must be absent); a developer on the
  // machine's older Node sees the other branch (the line must be present, and start goes on).
  it("says so in one line when the running Node is below engines.node, and nothing otherwise", () => {
    const lowest = Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]);
    const run = spawnSync(process.execPath, ["scripts/start.js", "--no-such-option"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(2); // went on to parse the arguments
    const lines = run.stderr.split("\n").filter((l) => l.includes("below the supported range"));
    if (Number(process.versions.node.split(".")[0]) < lowest) {
      expect(lines).to.deep.equal([
        `npm start: Node ${process.versions.node} is below the supported range (Node ${lowest} or newer); going on.`,
      ]);
    } else {
      expect(lines).to.deep.equal([]);
    }
  });
});
