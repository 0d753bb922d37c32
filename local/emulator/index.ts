/**
 * The provisioning-API emulator: what this project is tested and demonstrated against, the way
 * LocalStack stands in for AWS. `startEmulator()` runs it in-process on loopback.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
 * const res = await fetch(`${emu.url}/v1/wholesale/customers`, { headers: { Authorization: `Bearer ${emu.token}` } });
 * console.log((await emu.admin.counters()).total);
 * await emu.close();
 * ```
 */
import { randomBytes, randomInt } from "node:crypto";
import { EmulatorAdmin } from "./admin-client";
import { type FixturesInput, initialState, mergeFixtures, SCOPES } from "./core/state";
import { type EmulatorOptions, EmulatorOptionsSchema } from "./options";
import { loadStateFile } from "./persistence";
import { EmulatorServer } from "./server";

export { ADMIN_HEADER, EmulatorAdmin, EmulatorAdminError } from "./admin-client";
export { ERROR_CATALOG, type ErrorBody, type ErrorCode } from "./core/catalog";
export type { InvariantReport } from "./core/invariants";
export { PACKAGES } from "./core/packages";
export { DEFAULT_ORGS, DEFAULT_FREE_ACCOUNT_EMAILS, SCOPES, type Fixtures, type FixturesInput, type Scope, type State } from "./core/state";
export type { Counters, RequestLogEntry } from "./metrics";
export {
  DEFAULT_RATE_LIMIT,
  type EmulatorOptions,
  type FaultKind,
  type RuntimeConfig,
  type RuntimeConfigPatch,
  type Scenario,
} from "./options";

/** A running emulator. */
export interface EmulatorHandle {
  /** Origin, e.g. `http://127.0.0.1:PORT`: no trailing slash, no `/v1`. */
  readonly url: string;
  /** The partner token (every scope unless fixtures say otherwise). */
  readonly token: string;
  /** The admin token for `/__admin/*` (header `X-Emulator-Admin`). */
  readonly adminToken: string;
  /** Typed client of `/__admin/*`. */
  readonly admin: EmulatorAdmin;
  /** Stops listening, drops open connections (hung requests too) and flushes the state file. */
  close(): Promise<void>;
}

/** A random token that is obviously an emulator's. */
function generateToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString("base64url")}`;
}

/**
 * Starts an emulator. Every option is optional: loopback, a free port, a generated partner
 * token with every scope, 200 ms provisioning, no latency, the reference's rate limit
 * (20/s, burst 40; pass `rateLimit: false` in tests that need speed), no faults.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const o = EmulatorOptionsSchema.parse(options);
  const token = o.token ?? generateToken("emu");
  const adminToken = o.adminToken ?? generateToken("emuadmin");
  const seed = o.seed ?? randomInt(0, 2 ** 31);
  const resetFixtures: FixturesInput = {
    ...o.fixtures,
    tokens: [{ token, scopes: [...SCOPES], label: "partner" }, ...(o.fixtures?.tokens ?? [])],
  };
  const loaded = o.stateFile === undefined ? undefined : loadStateFile(o.stateFile);
  const state =
    loaded === undefined ? initialState(resetFixtures, seed) : { ...loaded, fixtures: mergeFixtures(loaded.fixtures, resetFixtures) };
  const server = new EmulatorServer({
    host: o.host,
    publicUrl: o.publicUrl,
    port: o.port,
    adminToken,
    state,
    resetFixtures,
    resetSeed: seed,
    config: {
      latencyMs: o.latencyMs,
      rateLimit: o.rateLimit,
      faults: o.faults ?? false,
      provisioningDelayMs: o.provisioningDelayMs,
    },
    stateFile: o.stateFile,
    log: o.log,
  });
  const url = await server.listen();
  const admin = new EmulatorAdmin(url, adminToken);
  let closing: Promise<void> | undefined;
  return {
    url,
    token,
    adminToken,
    admin,
    close: () => (closing ??= server.close()),
  };
}
