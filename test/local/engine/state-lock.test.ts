// The stack lock: like the Pulumi CLI's diy backend, any existing lock refuses a run, also one left by a dead
// process, until `cancel` removes it.
import * as fs from "node:fs";
import * as os from "node:os";
import { spawnSync } from "node:child_process";
import { expect } from "chai";

import { StackLock, StackLockedError, lockFileFor } from "../../../local/engine/state-lock";
import { StateStore } from "../../../local/engine/state-store";
import { useStateDir } from "./state-fixtures";

describe("local engine: stack lock", () => {
  const paths = useStateDir("engine-lock-");

  it("refuses a second holder, names the owner and the cancel command, and frees the stack on release", () => {
    const first = StackLock.acquire(paths.file, "the-cancel-command");
    const owner = JSON.parse(fs.readFileSync(lockFileFor(paths.file), "utf8")) as { pid: number; host: string };
    expect(owner).to.include({ pid: process.pid, host: os.hostname() });
    expect(() => StackLock.acquire(paths.file, "the-cancel-command")).to.throw(
      StackLockedError,
      new RegExp(`currently locked by 1 lock\\(s\\)[^]*\`the-cancel-command\`[^]*\\(pid ${process.pid}\\)`),
    );
    first.release();
    first.release(); // idempotent
    expect(fs.existsSync(lockFileFor(paths.file))).to.equal(false);
    StackLock.acquire(paths.file, "c").release();
  });

  it("does not take over a lock left by a dead process: only cancel removes it (diy backend)", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    fs.writeFileSync(lockFileFor(paths.file), JSON.stringify({ pid: Number(dead), user: "u", host: os.hostname(), startedAt: "then" }));
    expect(() => StackLock.acquire(paths.file, "the-cancel-command")).to.throw(
      StackLockedError,
      /delete the lock file with `the-cancel-command`[^]*created by u@.* \(pid \d+\) at then \(that process is no longer running\)/,
    );
    expect(StackLock.cancel(paths.file)).to.equal(true);
    expect(StackLock.cancel(paths.file), "nothing left to cancel").to.equal(false);
    StackLock.acquire(paths.file, "c").release();
  });

  it("reports a torn lock file (a crash between create and write) as a lock, without details", () => {
    fs.writeFileSync(lockFileFor(paths.file), "{");
    expect(() => StackLock.acquire(paths.file, "c")).to.throw(StackLockedError, /created by \?@\? \(pid \?\) at \?$/);
  });

  it("a store opened on a locked stack is refused, and a refused open leaves the other run's lock alone", () => {
    const first = StateStore.open(paths.file, "proj", "dev", undefined);
    expect(() => StateStore.open(paths.file, "proj", "dev", undefined)).to.throw(StackLockedError);
    expect(fs.existsSync(lockFileFor(paths.file)), "still held by the first run").to.equal(true);
    first.release();
    expect(fs.existsSync(lockFileFor(paths.file))).to.equal(false);
  });
});
