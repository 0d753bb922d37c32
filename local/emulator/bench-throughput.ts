/**
 * Measures the emulator's throughput on loopback with latency and rate limit off:
 * `npx ts-node --transpile-only local/emulator/bench-throughput.ts [--seconds 5] [--concurrency 32]`.
 *
 * The emulator runs in a child process (the CLI) so client and server do not share one event
 * loop; the client keeps connections alive, as the provider's HTTP client does. It seeds one
 * template and customer, then hammers `GET /v1/wholesale/customers/{id}` (a "simple request")
 * and prints requests per second, latency percentiles and the emulator's CPU time per request
 * (which, unlike the rate, does not depend on what else the machine is running).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** Result of one run. */
export interface ThroughputResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Server CPU time per request (Linux `/proc`), ms; undefined elsewhere. */
  readonly serverCpuMsPerRequest: number | undefined;
}

/** User + system CPU time of a process in ms, from `/proc/<pid>/stat` (Linux); undefined elsewhere. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // fields after the command: utime and stime are the 12th and 13th (clock ticks, 100 Hz on Linux)
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

function startChild(): Promise<{ url: string; token: string; pid: number | undefined; stop: () => void }> {
  const cli = join(__dirname, "cli.ts");
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", cli, "--no-rate-limit", "--delay-ms", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const token = /Bearer \.\.\.\): (\S+)/.exec(out)?.[1];
      if (url !== undefined && token !== undefined) resolve({ url, token, pid: child.pid, stop: () => child.kill("SIGTERM") });
    });
    child.once("exit", (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
}

/** One HTTP request on a keep-alive agent; `token` "" sends no `Authorization`. */
export function call(
  agent: Agent,
  url: string,
  method: string,
  token: string,
  body?: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(token !== "" ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined ? { "Content-Type": "application/json" } : {}),
          ...extraHeaders,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Runs the measurement against a fresh child emulator. */
export async function measureThroughput(seconds: number, concurrency: number): Promise<ThroughputResult> {
  const emu = await startChild();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const t = await call(agent, `${emu.url}/v1/wholesale/onboardingTemplates`, "POST", emu.token, {
      name: "bench",
      serviceProviderAdmin: "ops@partner.example",
      country: "US",
      defaultEmailLanguage: "en_US",
      wholesaleSubscriptionId: "Sub-bench",
    });
    const provisioningId = (JSON.parse(t.text) as { provisioningId: string }).provisioningId;
    const c = await call(agent, `${emu.url}/v1/wholesale/customers`, "POST", emu.token, {
      provisioningId,
      externalId: "bench-001",
      packages: ["webex_meetings"],
      address: { addressLine1: "1 Main St", city: "Springfield", country: "US" },
      customerInfo: { name: "Bench", primaryEmail: "admin@bench.example" },
    });
    const target = (JSON.parse(c.text) as { url: string }).url;
    const latencies: number[] = [];
    let errors = 0;
    const end = Date.now() + seconds * 1000;
    const started = Date.now();
    const cpuBefore = cpuMs(emu.pid);
    const worker = async (): Promise<void> => {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        const r = await call(agent, target, "GET", emu.token);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (r.status !== 200) errors++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const cpuAfter = cpuMs(emu.pid);
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
    const serverCpuMsPerRequest =
      cpuBefore !== undefined && cpuAfter !== undefined && latencies.length > 0 ? (cpuAfter - cpuBefore) / latencies.length : undefined;
    return {
      requests: latencies.length,
      seconds: elapsed,
      perSecond: latencies.length / elapsed,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      errors,
      serverCpuMsPerRequest,
    };
  } finally {
    agent.destroy();
    emu.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: "string" }, concurrency: { type: "string" } } });
  const r = await measureThroughput(Number(values.seconds ?? 5), Number(values.concurrency ?? 32));
  console.log(
    `${r.requests} GET /v1/wholesale/customers/{id} in ${r.seconds.toFixed(1)} s: ${Math.round(r.perSecond)} req/s ` +
      `(p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.errors} non-200)`,
  );
  if (r.serverCpuMsPerRequest !== undefined) {
    // what one core could serve if the emulator had it to itself: independent of other load on the machine
    console.log(
      `emulator CPU: ${(r.serverCpuMsPerRequest * 1000).toFixed(0)} µs per request → ${Math.round(1000 / r.serverCpuMsPerRequest)} req/s per core`,
    );
  }
}

if (require.main === module) void main();
