/**
 * Measures the emulator's cost per request as its store grows:
 * `npx ts-node --transpile-only local/emulator/bench-scale.ts [--sizes 1000,10000,100000] [--pairs 2000] [--concurrency 8] [--sites]`.
 *
 * For each size, a child emulator (the CLI, rate limit and latency off) is given a state with
 * that many subscribers (20 per customer, as the sharded bench's catalog has) through
 * a state file (`--state`; an admin `PUT` is capped at 1 MB): the state is built here through the pure core (one customer created by
 * the API, then copied), not by thousands of HTTP calls. Then it runs the provider's create path
 * for a user, `GET /v1/wholesale/subscribers?customerId=&email=` followed by
 * `POST /v1/wholesale/subscribers`, `--pairs` times, and prints the emulator's CPU time per
 * request (Linux `/proc`; unlike a rate, it does not depend on what else the machine runs).
 * Flat means the same figure at every size. With `--sites`, every customer is a calling customer
 * with one more site (PSTN by local gateway, 20 numbers in its inventory), and each pair also
 * lists its org's locations and adds a number to its site (the uniqueness check across every
 * org's inventories included).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Agent } from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { call, cpuMs } from "./bench-throughput";
import { handle } from "./core/handle";
import { type CustomerRecord, initialState, type LocationRecord, type State, type SubscriberRecord } from "./core/state";
import { putRecord } from "./core/table";

/** One size's figures. */
export interface ScaleResult {
  readonly subscribers: number;
  readonly customers: number;
  /** Requests measured (two per pair). */
  readonly requests: number;
  readonly errors: number;
  /** Server CPU ms per request; undefined off Linux. */
  readonly serverCpuMsPerRequest: number | undefined;
  /** Wall-clock ms per request at the given concurrency (depends on the machine's load). */
  readonly wallMsPerRequest: number;
}

/** Users per customer in the seeded state (the sharded bench's catalog: 5,000 × 20). */
export const USERS_PER_CUSTOMER = 20;

/**
 * A state with `subscribers` users over `subscribers / 20` customers, built through the core:
 * a template and one customer by the API (so they pass every rule), then copies of that customer
 * and its users under new ids, externalIds, org ids and emails.
 */
export function seededState(subscribers: number, token: string, sites = false): State {
  const now = Date.now() - 60_000;
  let state = initialState({ tokens: [{ token }] }, 7);
  const send = (method: string, path: string, body: unknown, at = now): Record<string, unknown> => {
    const r = handle(
      state,
      { method, path, query: new URLSearchParams(), authorization: `Bearer ${token}`, body, baseUrl: "http://127.0.0.1" },
      { now: at, provisioningDelayMs: 0 },
    );
    if (r.response.status >= 300) throw new Error(`seeding ${method} ${path}: ${r.response.status} ${JSON.stringify(r.response.body)}`);
    state = r.state;
    return (r.response.body ?? {}) as Record<string, unknown>;
  };
  const template = send("POST", "/v1/wholesale/onboardingTemplates", {
    name: "bench",
    serviceProviderAdmin: "ops@partner.example",
    country: "US",
    defaultEmailLanguage: "en_US",
    wholesaleSubscriptionId: "Sub-bench",
  });
  const address = { addressLine1: "1 Main St", city: "Springfield", country: "US" };
  const created = send("POST", "/v1/wholesale/customers", {
    provisioningId: template["provisioningId"],
    externalId: "bench-0",
    packages: sites ? ["webex_calling", "webex_meetings"] : ["webex_meetings"],
    address,
    customerInfo: { name: "Bench", primaryEmail: "admin@bench-0.example" },
    ...(sites
      ? {
          provisioningParameters: {
            calling: { location: { name: "Headquarters", address, timezone: "America/Chicago", language: "en_us" } },
          },
        }
      : {}),
  });
  const firstId = decodeURIComponent(String(created["url"]).split("/").pop() ?? "");
  send("GET", `/v1/wholesale/customers/${encodeURIComponent(firstId)}`, undefined, now + 1);
  const first = state.customers[firstId];
  if (first === undefined) throw new Error("seeding: the first customer is missing");
  const customers = Math.max(1, Math.ceil(subscribers / USERS_PER_CUSTOMER));
  let customerTable = state.customers;
  let subscriberTable = state.subscribers;
  let locationTable = state.locations;
  for (let c = 0; c < customers; c++) {
    const id = c === 0 ? firstId : `${firstId.slice(0, -4)}-${c}=`;
    if (c > 0) {
      customerTable = putRecord<CustomerRecord>(customerTable, id, {
        ...first,
        id,
        externalId: `bench-${c}`,
        orgId: `bench-org-${c}=`,
        customerInfo: { name: `Bench ${c}`, primaryEmail: `admin@bench-${c}.example`, language: "en_US" },
        ...(first.headquarters !== undefined ? { headquarters: { ...first.headquarters, id: `${first.headquarters.id}-${c}` } } : {}),
      });
    }
    if (sites) {
      const site = siteId(c);
      locationTable = putRecord<LocationRecord>(locationTable, site, {
        id: site,
        customerId: id,
        orgId: c === 0 ? first.orgId : `bench-org-${c}=`,
        name: "Branch",
        timeZone: "America/Chicago",
        preferredLanguage: "en_us",
        address: { address1: "2 Side St", city: "Springfield", state: "IL", postalCode: "62701", country: "US" },
        calling: true,
        pstn: { id: "lgw-1", type: "LOCAL_GATEWAY" },
        numbers: Array.from({ length: USERS_PER_CUSTOMER }, (_, u) => ({
          phoneNumber: `+1${2_000_000_000 + c * 100 + u}`,
          state: "ACTIVE" as const,
          numberType: "DID" as const,
          numberUsageType: "NONE" as const,
          fromProvider: false,
        })),
        features: 0,
        created: now,
      });
    }
    for (let u = 0; u < USERS_PER_CUSTOMER && c * USERS_PER_CUSTOMER + u < subscribers; u++) {
      const sid = `bench-subscriber-${c}-${u}=`;
      subscriberTable = putRecord<SubscriberRecord>(subscriberTable, sid, {
        id: sid,
        customerId: id,
        email: `user${u}@bench-${c}.example`,
        packages: ["webex_meetings"],
        status: "provisioned",
        personId: `bench-person-${c}-${u}=`,
        errors: [],
        created: now,
        lastStatusChange: now,
      });
    }
  }
  return { ...state, customers: customerTable, subscribers: subscriberTable, locations: locationTable };
}

/** The id of customer number `c`'s seeded site. */
function siteId(c: number): string {
  return `bench-site-${c}=`;
}

function startChild(token: string, stateFile: string): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const cli = join(__dirname, "cli.ts");
  const args = ["-r", "ts-node/register/transpile-only", cli, "--no-rate-limit", "--delay-ms", "0", "--token", token];
  const child = spawn(process.execPath, [...args, "--state", stateFile], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      const stop = async (): Promise<void> => {
        child.kill("SIGTERM");
        await exited; // it flushes its state file on the way out: remove the folder only after
      };
      if (url !== undefined) resolve({ url, pid: child.pid, stop });
    });
    child.once("exit", (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
}

/** Seeds a child emulator with `subscribers` users and measures `pairs` lookup+create pairs. */
export async function measureAtSize(subscribers: number, pairs: number, concurrency: number, sites = false): Promise<ScaleResult> {
  const token = `bench_${randomBytes(12).toString("hex")}`;
  const state = seededState(subscribers, token, sites);
  const customerIds = Object.keys(state.customers);
  const orgOf = (i: number): string => state.customers[customerIds[i] ?? ""]?.orgId ?? "";
  const dir = mkdtempSync(join(tmpdir(), "emulator-scale-"));
  const stateFile = join(dir, "state.json");
  writeFileSync(stateFile, JSON.stringify(state));
  const emu = await startChild(token, stateFile);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    // one pair first: the indexes are built on first use, which is not a per-request cost
    const onePair = async (i: number, email: string): Promise<number> => {
      const c = i % customerIds.length;
      const errors = await pair(agent, emu.url, token, customerIds[c] ?? "", email);
      return errors + (sites ? await sitePair(agent, emu.url, token, orgOf(c), siteId(c), `+1${3_000_000_000 + i}`) : 0);
    };
    await onePair(pairs, "warmup@bench.example");
    let next = 0;
    let errors = 0;
    const started = process.hrtime.bigint();
    const cpuBefore = cpuMs(emu.pid);
    const worker = async (): Promise<void> => {
      for (let i = next++; i < pairs; i = next++) {
        errors += await onePair(i, `new${i}@bench.example`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const cpuAfter = cpuMs(emu.pid);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const requests = pairs * (sites ? 4 : 2);
    return {
      subscribers,
      customers: customerIds.length,
      requests,
      errors,
      serverCpuMsPerRequest: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / requests : undefined,
      wallMsPerRequest: (wallMs * concurrency) / requests,
    };
  } finally {
    agent.destroy();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The provider's create path for one user: look it up by email in its customer, then create it. Returns the errors (0–2). */
async function pair(agent: Agent, url: string, token: string, customerId: string, email: string): Promise<number> {
  const query = new URLSearchParams({ customerId, email }).toString();
  const found = await call(agent, `${url}/v1/wholesale/subscribers?${query}`, "GET", token);
  const created = await call(agent, `${url}/v1/wholesale/subscribers`, "POST", token, {
    customerId,
    email,
    packages: ["webex_meetings"],
    provisioningParameters: { firstName: "Bench", lastName: "User" },
  });
  const listed = found.status === 200 && (JSON.parse(found.text) as { items: unknown[] }).items.length === 0;
  return (listed ? 0 : 1) + (created.status === 200 ? 0 : 1);
}

/** A site's share of the provider's work: list the org's locations, add a number to the site. Returns the errors (0–2). */
async function sitePair(agent: Agent, url: string, token: string, orgId: string, site: string, phoneNumber: string): Promise<number> {
  const org = new URLSearchParams({ orgId }).toString();
  const listed = await call(agent, `${url}/v1/locations?${org}`, "GET", token);
  const added = await call(agent, `${url}/v1/telephony/config/locations/${encodeURIComponent(site)}/numbers?${org}`, "POST", token, {
    phoneNumbers: [phoneNumber],
  });
  const two = listed.status === 200 && (JSON.parse(listed.text) as { items: unknown[] }).items.length === 2;
  return (two ? 0 : 1) + (added.status === 200 ? 0 : 1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: "string" }, pairs: { type: "string" }, concurrency: { type: "string" }, sites: { type: "boolean" } },
  });
  const sites = values.sites === true;
  const sizes = (values.sizes ?? "1000,10000,100000").split(",").map((s) => Number(s.trim()));
  const pairs = Number(values.pairs ?? 2000);
  const concurrency = Number(values.concurrency ?? 8);
  const what = sites ? "lookup by email + create, list the org's sites + add a number" : "lookup by email + create";
  console.log(`${what}: ${pairs} pairs per size, concurrency ${concurrency}, ${USERS_PER_CUSTOMER} users per customer`);
  console.log("subscribers  customers  requests  errors  emulator CPU ms/request  wall ms/request");
  for (const size of sizes) {
    const r = await measureAtSize(size, pairs, concurrency, sites);
    const cpu = r.serverCpuMsPerRequest !== undefined ? r.serverCpuMsPerRequest.toFixed(3) : "n/a (not Linux)";
    console.log(
      `${String(r.subscribers).padStart(11)}  ${String(r.customers).padStart(9)}  ${String(r.requests).padStart(8)}  ` +
        `${String(r.errors).padStart(6)}  ${cpu.padStart(23)}  ${r.wallMsPerRequest.toFixed(3).padStart(15)}`,
    );
  }
}

if (require.main === module) void main();
