// The CLI: flags → options (pure, table-driven), and one real start that prints the URL and
// both tokens, serves, logs requests with --verbose and flushes its state file on SIGTERM.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli } from "../../../local/emulator/cli";

describe("emulator CLI", () => {
  const cases: { name: string; argv: string[]; expect: Record<string, unknown> }[] = [
    {
      name: "no flags: reference rate limit, no latency",
      argv: [],
      expect: { rateLimit: { perSecond: 20, burst: 40 }, latencyMs: { fixed: 0, jitter: 0 } },
    },
    {
      name: "port and state",
      argv: ["--port", "8080", "--state", ".local/state.json"],
      expect: { port: 8080, stateFile: ".local/state.json" },
    },
    {
      name: "delay and latency",
      argv: ["--delay-ms", "50", "--latency-ms", "100", "--jitter-ms", "30"],
      expect: { provisioningDelayMs: 50, latencyMs: { fixed: 100, jitter: 30 } },
    },
    { name: "custom rate", argv: ["--rate", "5", "--burst", "10"], expect: { rateLimit: { perSecond: 5, burst: 10 } } },
    { name: "no rate limit", argv: ["--no-rate-limit"], expect: { rateLimit: false } },
    {
      name: "faults",
      argv: ["--faults", "0.2", "--fault-kinds", "500,hang", "--seed", "1"],
      expect: { faults: { probability: 0.2, kinds: ["500", "hang"], seed: 1 } },
    },
  ];
  for (const c of cases) {
    it(`parses ${c.name}`, () => {
      expect(parseCli(c.argv)).to.deep.include(c.expect);
    });
  }

  const bad: { name: string; argv: string[] }[] = [
    { name: "a non-numeric port", argv: ["--port", "http"] },
    { name: "an unknown fault kind", argv: ["--faults", "0.1", "--fault-kinds", "explode"] },
    { name: "an unknown flag", argv: ["--colour", "blue"] },
  ];
  for (const b of bad) {
    it(`refuses ${b.name}`, () => {
      expect(() => parseCli(b.argv)).to.throw();
    });
  }

  it("starts, prints URL and tokens, logs with --verbose, flushes the state on SIGTERM", async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"));
    const stateFile = join(dir, "state.json");
    const child = spawn(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        join(__dirname, "../../../local/emulator/cli.ts"),
        "--state",
        stateFile,
        "--no-rate-limit",
        "--verbose",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 25_000;
      while (!/admin token.*: \S+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const token = /Bearer \.\.\.\): (\S+)/.exec(out)?.[1];
      expect(url, out).to.be.a("string");
      const res = await fetch(`${url}/v1/wholesale/customers`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(out).to.match(/GET \/v1\/wholesale\/customers → 200/);
      expect(
        out
          .split("\n")
          .filter((l) => l.includes("→"))
          .join("\n"),
      ).to.not.include(token ?? "no-token");
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).to.equal(0);
      expect(existsSync(stateFile)).to.equal(true);
      expect(JSON.parse(readFileSync(stateFile, "utf8"))).to.include({ version: 1 });
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
