import { EventEmitter } from "node:events";
import { expect } from "chai";

import { CANCEL_SIGNALS, UsageError, cancelOnSignals, parseCommandLine } from "../../../local/engine/cli";
import { Semaphore } from "../../../local/engine/semaphore";

describe("local engine: command line", () => {
  it("parses every option", () => {
    const o = parseCommandLine(
      [
        "up",
        "--stack",
        "dev",
        "--cwd",
        "/p",
        "--parallel=4",
        "--config",
        "webex:baseUrl=http://127.0.0.1:9/x=y",
        "--secret-config",
        "webex:accessToken=env:TOK",
        "--state",
        "/s.json",
        "--verbose",
      ],
      { TOK: "t0k" },
    );
    expect(o).to.deep.include({ operation: "up", stack: "dev", cwd: "/p", parallel: 4, stateFile: "/s.json", verbose: true });
    expect(o.config).to.deep.equal({ "webex:baseUrl": "http://127.0.0.1:9/x=y" });
    expect(o.secretConfig).to.deep.equal({ "webex:accessToken": "t0k" });
  });

  it("resolves relative paths from where npm was started (INIT_CWD)", () => {
    const o = parseCommandLine(["preview", "--stack", "dev", "--cwd", "prog", "--state", "s/dev.json"], { INIT_CWD: "/home/me/work" });
    expect(o).to.deep.include({ cwd: "/home/me/work/prog", stateFile: "/home/me/work/s/dev.json" });
  });

  const errors: Array<{ argv: string[]; error: RegExp }> = [
    { argv: ["deploy", "--stack", "dev"], error: /expected an operation/ },
    { argv: ["up"], error: /--stack is required/ },
    { argv: ["up", "--stack", "dev", "--parallel", "0"], error: /positive integer/ },
    { argv: ["up", "--stack", "dev", "--config", "novalue"], error: /key=value/ },
    { argv: ["up", "--stack", "dev", "--bogus"], error: /unknown argument/ },
    { argv: ["up", "--stack"], error: /--stack needs a value/ },
  ];
  for (const c of errors) {
    it(`refuses ${c.argv.join(" ")}`, () => expect(() => parseCommandLine(c.argv, {})).to.throw(UsageError, c.error));
  }
  it("refuses a literal secret on the command line", () => {
    expect(() => parseCommandLine(["up", "--stack", "dev", "--secret-config", "k=literal"], {})).to.throw(/env:VARIABLE or file:PATH/);
  });
});

describe("local engine: semaphore", () => {
  for (const limit of [1, 3]) {
    it(`never lets more than ${limit} run at once`, async () => {
      const s = new Semaphore(limit);
      let running = 0;
      let max = 0;
      await Promise.all(
        Array.from({ length: 10 }, () =>
          s.run(async () => {
            running++;
            max = Math.max(max, running);
            await new Promise((r) => setTimeout(r, 2));
            running--;
          }),
        ),
      );
      expect(max).to.equal(limit);
      expect(s.peak).to.equal(limit);
    });
  }
  it("releases the slot when the task fails", async () => {
    const s = new Semaphore(1);
    await expect(s.run(async () => Promise.reject(new Error("boom")))).to.be.rejectedWith("boom");
    expect(await s.run(async () => "next")).to.equal("next");
  });
});

describe("local engine: signals (issue 12: SIGTERM and SIGHUP act as Ctrl-C)", () => {
  for (const first of CANCEL_SIGNALS) {
    it(`${first} cancels the run; a second signal quits with 128 + its number`, () => {
      const proc = new EventEmitter();
      const controller = new AbortController();
      const exits: number[] = [];
      const stderr = process.stderr.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        const stop = cancelOnSignals(controller, (code) => exits.push(code), proc);
        proc.emit(first, first);
        expect(controller.signal.aborted).to.equal(true);
        expect(exits).to.deep.equal([]);
        proc.emit("SIGHUP", "SIGHUP");
        expect(exits).to.deep.equal([129]);
        stop();
        expect(CANCEL_SIGNALS.map((s) => proc.listenerCount(s))).to.deep.equal([0, 0, 0]);
      } finally {
        process.stderr.write = stderr;
      }
    });
  }

  it("--clear-pending-creates goes with refresh only", () => {
    expect(parseCommandLine(["refresh", "--stack", "dev", "--clear-pending-creates"], {})).to.deep.include({ clearPendingCreates: true });
    expect(() => parseCommandLine(["up", "--stack", "dev", "--clear-pending-creates"], {})).to.throw(UsageError, /goes with refresh/);
  });
});
