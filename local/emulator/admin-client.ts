/**
 * `EmulatorAdmin`: a typed client of the emulator's `/__admin/*` API, for tests and benchmarks,
 * including processes that did not start the emulator (they need its URL and admin token).
 */
import { z } from "zod";
import { InvariantReportSchema, type InvariantReport } from "./core/invariants";
import { type Fixtures, type FixturesInput, FixturesSchema, type State, StateSchema } from "./core/state";
import { type Counters, CountersSchema, type RequestLogEntry, RequestLogEntrySchema } from "./metrics";
import { type RuntimeConfig, type RuntimeConfigPatch, RuntimeConfigSchema } from "./options";

/** Header carrying the admin token. */
export const ADMIN_HEADER = "X-Emulator-Admin";

/** An admin call that did not succeed: status and the emulator's message (never the token). */
export class EmulatorAdminError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "EmulatorAdminError";
    this.status = status;
  }
}

/** Typed client of `/__admin/*`. */
export class EmulatorAdmin {
  private readonly url: string;
  /** Kept out of enumerable fields so that logging or serialising the client never shows it. */
  private readonly headers: () => Record<string, string>;

  /**
   * @param url the emulator's origin, e.g. `http://127.0.0.1:8080` (no `/v1`)
   * @param adminToken the admin token printed by the CLI or returned by `startEmulator`
   */
  constructor(url: string, adminToken: string) {
    this.url = url.replace(/\/+$/, "");
    this.headers = () => ({ [ADMIN_HEADER]: adminToken, "Content-Type": "application/json" });
  }

  private async call<T>(method: string, path: string, schema: z.ZodType<T> | undefined, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__admin${path}`, {
      method,
      headers: this.headers(),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const parsed = JSON.parse(text) as { errors?: { description?: string }[]; message?: string };
        message = parsed.errors?.[0]?.description ?? parsed.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new EmulatorAdminError(res.status, `emulator admin ${method} ${path}: ${res.status} ${message}`);
    }
    if (schema === undefined) return undefined as T;
    return schema.parse(JSON.parse(text));
  }

  /** Empties templates, customers and subscribers, restores the start fixtures and tokens, clears log and counters. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset", undefined);
  }

  /** Everything stored, including what the API never returns (limits, names, numbers). */
  async state(): Promise<State> {
    return this.call("GET", "/state", StateSchema);
  }

  /** Replaces the whole state (to plant situations the API would refuse, e.g. a duplicate). */
  async replaceState(state: State): Promise<void> {
    await this.call("PUT", "/state", undefined, state);
  }

  /** The request log, oldest first. */
  async requests(): Promise<RequestLogEntry[]> {
    return this.call("GET", "/requests", z.object({ items: z.array(RequestLogEntrySchema) })).then((r) => r.items);
  }

  /** Request counters since the last reset. */
  async counters(): Promise<Counters> {
    return this.call("GET", "/counters", CountersSchema);
  }

  /** Zeroes the counters. */
  async resetCounters(): Promise<void> {
    await this.call("POST", "/counters/reset", undefined);
  }

  /** Duplicates and orphans found in the state; `ok` when none. */
  async invariants(): Promise<InvariantReport> {
    return this.call("GET", "/invariants", InvariantReportSchema);
  }

  /** Changes latency, faults, rate limit or provisioning delay at runtime; returns the configuration in force. */
  async configure(patch: RuntimeConfigPatch): Promise<RuntimeConfig> {
    return this.call("PUT", "/config", RuntimeConfigSchema, patch);
  }

  /** Loads fixtures (each key given replaces that set; tokens are added). Returns the fixtures in force (tokens hashed). */
  async loadFixtures(fixtures: FixturesInput): Promise<Fixtures> {
    return this.call("POST", "/fixtures", FixturesSchema, fixtures);
  }
}
