// Measures what the local engine's state costs during an `up` of the bench program (100 customers × 10 users by
// default) against the emulator with the bench's settings: state writes, bytes written, the engine's own CPU and
// peak memory. Not part of `npm test`.
//
// Usage: scripts/with-node.sh 22 npx ts-node --transpile-only test/local/engine/measure-state-writes.ts [customers=100] [users=10]
//
// The emulator runs in a child process and the engine in this one, so this process's CPU time is the engine's
// (the program and the provider plugin are child processes of their own).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { runEngine } from "../../../local/engine";
import { nodeStateIo, type StateIo } from "../../../local/engine/state-io";

const REPO = path.resolve(__dirname, "..", "..", "..");
const TOKEN = "measure-state-writes-token";

/** Starts the emulator CLI with the bench's defaults and resolves its URL. */
function startEmulator(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      path.join(REPO, "local", "emulator", "cli.ts"),
      "--port",
      "0",
      "--token",
      TOKEN,
      "--latency-ms",
      "100",
      "--jitter-ms",
      "40",
      "--delay-ms",
      "5000",
      "--rate",
      "20",
      "--burst",
      "40",
    ],
    { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited with ${code}: ${out}`)));
  });
}

async function main(): Promise<void> {
  const customers = Number(process.argv[2] ?? 100);
  const users = Number(process.argv[3] ?? 10);
  const emulator = await startEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-state-writes-"));
  const counted = { full: 0, appends: 0, bytes: 0 };
  // Counts through the engine's own seam, so the figure covers every way the store writes.
  const io: StateIo = {
    ...nodeStateIo,
    async writeDurable(file, text) {
      counted.full++;
      counted.bytes += Buffer.byteLength(text);
      await nodeStateIo.writeDurable(file, text);
    },
  };
  const ioWithAppend = io as StateIo & { appendDurable?: (file: string, text: string) => Promise<void> };
  const realAppend = (nodeStateIo as typeof ioWithAppend).appendDurable;
  if (realAppend) {
    ioWithAppend.appendDurable = async (file, text) => {
      counted.appends++;
      counted.bytes += Buffer.byteLength(text);
      await realAppend(file, text);
    };
  }
  try {
    const cpu = process.cpuUsage();
    const r = await runEngine({
      operation: "up",
      cwd: path.join(REPO, "bench", "program"),
      stack: "bench",
      stateFile: path.join(dir, "state.json"),
      parallel: 1000,
      config: {
        "webex:baseUrl": emulator.url,
        "webex-bench:customers": String(customers),
        "webex-bench:usersPerCustomer": String(users),
        "webex-bench:yieldEvery": "10",
      },
      secretConfig: { "webex:accessToken": TOKEN },
      stateIo: io,
      output: () => undefined,
    });
    const used = process.cpuUsage(cpu);
    if (!r.ok) throw new Error(`up failed: ${r.errors.join("; ")}`);
    const size = fs.statSync(r.stateFile).size;
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(`| resources | wall | state writes (full + appends) | bytes written | final state | engine CPU | engine peak RSS |`);
    console.log(`|---|---|---|---|---|---|---|`);
    console.log(
      `| ${r.summary.create} | ${(r.durationMs / 1000).toFixed(1)} s | ${r.stateWrites} (${counted.full} + ${counted.appends}) | ` +
        `${mb(counted.bytes)} | ${(size / 1024).toFixed(0)} KB | ${((used.user + used.system) / 1e6).toFixed(2)} s | ` +
        `${mb(r.peakRssBytes?.engine ?? 0)} |`,
    );
  } finally {
    emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
