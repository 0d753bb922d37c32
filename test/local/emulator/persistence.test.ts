// The state file's faults: a truncated file is refused with its name and what to do; a failed write
// and a process killed during a write leave no temporary file behind.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStateFile, StatePersister } from "../../../local/emulator/persistence";
import { startEmulator } from "../../../local/emulator";

describe("emulator state file faults", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "emulator-persistence-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a truncated state file is refused naming the file and saying what to do", async () => {
    const stateFile = join(dir, "emulator-state.json");
    const emu = await startEmulator({ stateFile, rateLimit: false });
    await emu.close();
    const whole = JSON.stringify(loadStateFile(stateFile));
    writeFileSync(stateFile, whole.slice(0, Math.floor(whole.length / 2)));
    expect(() => loadStateFile(stateFile)).to.throw(
      /emulator state file .*emulator-state\.json is not valid JSON .*move it away .*refresh/,
    );
  });

  it("a write that fails leaves no temporary file and reports the error on flush", async () => {
    // The target is a directory: the temporary is written, the rename over it fails (EISDIR).
    const stateFile = join(dir, "state.json");
    mkdirSync(stateFile);
    const persister = new StatePersister(stateFile, 0);
    persister.schedule(JSON.parse("{}"));
    await expect(persister.flush()).to.be.rejected;
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).to.deep.equal([]);
  });

  it("a temporary left by a killed process is removed by the next persister of the file", () => {
    const stateFile = join(dir, "state.json");
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const dead = join(dir, `state.json.${gone.stdout}.tmp`);
    const unrelated = join(dir, "other.json.1.tmp");
    writeFileSync(dead, "{");
    writeFileSync(unrelated, "{");
    new StatePersister(stateFile);
    expect(readdirSync(dir).sort()).to.deep.equal(["other.json.1.tmp"]);
  });
});
