/**
 * The HTTP shell around the pure core: parse → auth → rate limit → faults → latency → core →
 * write. Everything that is transport (sockets, timers, files, counters) lives here; every
 * rule of the API lives in `core/`.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiResponse, errorResponse, RuleFailure, violation, type Violation } from "./core/catalog";
import type { AsyncScenario } from "./core/context";
import { authorize, handle } from "./core/handle";
import { checkInvariants } from "./core/invariants";
import { settle } from "./core/lifecycle";
import { matchRoute } from "./core/routes";
import { FixturesInputSchema, type FixturesInput, hashToken, initialState, mergeFixtures, type State, StateSchema } from "./core/state";
import { FaultInjector } from "./faults";
import { Metrics, type RequestLogEntry } from "./metrics";
import { type FaultKind, type RuntimeConfig, RuntimeConfigPatchSchema, type Scenario, ScenarioSchema } from "./options";
import { StatePersister } from "./persistence";
import { TokenBuckets } from "./rate-limit";

/** What the server needs, already resolved by `startEmulator`. */
export interface ServerSettings {
  /** Interface to listen on. */
  readonly host: string;
  /** TCP port (0: any free one). */
  readonly port: number;
  /** Origin for `Location`/`Link`; the listening origin when absent. */
  readonly publicUrl?: string | undefined;
  /** Secret of `/__admin/*`. */
  readonly adminToken: string;
  /** The state to start from (loaded or fresh). */
  readonly state: State;
  /** What `POST /__admin/reset` goes back to: fixtures (incl. tokens) and seed. */
  readonly resetFixtures: FixturesInput;
  readonly resetSeed: number;
  /** Latency, rate limit, faults, provisioning delay in force at start. */
  readonly config: RuntimeConfig;
  /** File to persist the state to. */
  readonly stateFile?: string | undefined;
  /** One line per API request. */
  readonly log?: ((line: string) => void) | undefined;
}

const MAX_BODY_BYTES = 1024 * 1024;
const ADMIN_PREFIX = "/__admin";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(res: ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(response.body);
  headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = String(Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve({ text: Buffer.concat(chunks).toString("utf8"), tooLarge }));
    req.on("error", reject);
  });
}

/** Parses a JSON body; a violation when it is not JSON or not declared as JSON. */
function parseJson(req: IncomingMessage, text: string, tooLarge: boolean): { body: unknown } | { error: Violation } {
  if (tooLarge) return { error: violation(1001, `(body): larger than ${MAX_BODY_BYTES} bytes`) };
  if (text.trim() === "") return { body: undefined };
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    return { error: violation(1415, `Content-Type must be application/json, got "${type || "(none)"}"`) };
  }
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { error: violation(1001, "(body): is not valid JSON") };
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The emulator's HTTP server. Create with `new`, then `listen()`; `close()` ends everything. */
export class EmulatorServer {
  /** The current state (read it for in-process assertions; the admin API is the public way). */
  state: State;
  private config: RuntimeConfig;
  private readonly settings: ServerSettings;
  private readonly server: Server;
  private readonly buckets: TokenBuckets;
  private readonly faults: FaultInjector;
  private readonly metrics = new Metrics();
  private readonly persister: StatePersister | undefined;
  private readonly hung = new Set<ServerResponse>();
  private latencyDraw = 0x9e3779b9;
  private origin = "";

  /** Builds the server; nothing listens until {@link listen}. */
  constructor(settings: ServerSettings) {
    this.settings = settings;
    this.state = settings.state;
    this.config = settings.config;
    this.buckets = new TokenBuckets(settings.config.rateLimit);
    this.faults = new FaultInjector(settings.config.faults);
    this.persister = settings.stateFile === undefined ? undefined : new StatePersister(settings.stateFile);
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((e: unknown) => {
        // a bug in the emulator: answer 500 from the catalog rather than hanging the client
        this.settings.log?.(`emulator error: ${e instanceof Error ? e.message : String(e)}`);
        if (!res.headersSent) send(res, errorResponse([violation(1500, "Unexpected emulator error.")], `ROUTER_${randomUUID()}`));
        else res.destroy();
      });
    });
    // longer than clients' idle keep-alive, so the server is not the side that closes a socket a client is reusing
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 35_000;
  }

  /** Starts listening; resolves with the origin (`http://127.0.0.1:PORT`). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.settings.port, this.settings.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    this.origin = `http://${host}:${addr.port}`;
    if (this.persister !== undefined) this.persister.schedule(this.state);
    return this.origin;
  }

  /** Stops accepting, drops every open connection (hung requests included) and flushes the state file. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.server.closeAllConnections();
    await closed;
    await this.persister?.flush();
  }

  private setState(next: State): void {
    if (next === this.state) return;
    this.state = next;
    this.persister?.schedule(next);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : rawUrl.slice(q + 1));
    if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
      const { text, tooLarge } = await readBody(req);
      send(res, this.onAdmin(req, path, text, tooLarge));
      return;
    }
    await this.onApi(req, res, path, query, started);
  }

  private async onApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, started: number): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const trackingId = headerValue(req, "trackingid") ?? `ROUTER_${randomUUID()}`;
    const match = matchRoute(method, path);
    const route = match.kind === "route" ? match.route : undefined;
    const entry: RequestLogEntry = {
      time: new Date(started).toISOString(),
      method,
      route: route?.template ?? path,
      path,
      status: null,
      durationMs: 0,
      trackingId,
    };
    const finish = (status: number | null): void => {
      entry.status = status;
      entry.durationMs = Date.now() - started;
      this.metrics.record(entry, route?.write);
      this.settings.log?.(
        `${method} ${path} → ${status ?? "no answer"} ${entry.durationMs}ms${entry.fault !== undefined ? ` [${entry.fault}]` : ""}`,
      );
    };
    const answer = (response: ApiResponse): void => {
      send(res, response);
      finish(response.status);
    };
    const fail = (v: Violation, headers: Record<string, string> = {}): void => answer(errorResponse([v], trackingId, headers));

    const { text, tooLarge } = await readBody(req);

    // scenario header: one forced outcome for this request
    let scenario: Scenario | undefined;
    const rawScenario = headerValue(req, "x-emulator-scenario");
    if (rawScenario !== undefined && rawScenario !== "") {
      const parsed = ScenarioSchema.safeParse(rawScenario.trim());
      if (!parsed.success) {
        fail(violation(1001, `X-Emulator-Scenario: unknown scenario "${rawScenario}"; use one of ${ScenarioSchema.options.join(", ")}`));
        return;
      }
      scenario = parsed.data;
      entry.scenario = scenario;
    }

    // authentication before the rate limit: an unknown token does not drain anyone's bucket
    const authorization = headerValue(req, "authorization");
    if (route !== undefined) {
      try {
        authorize(this.state, authorization, route);
      } catch (e) {
        if (!(e instanceof RuleFailure)) throw e;
        answer(errorResponse(e.violations, trackingId, e.headers));
        return;
      }
      const verdict = this.buckets.take(hashToken(authorization ?? ""), Date.now());
      if (!verdict.ok) {
        fail(violation(1429, `Rate limit exceeded; retry in ${verdict.retryAfterSeconds} s.`), {
          "Retry-After": String(verdict.retryAfterSeconds),
        });
        return;
      }
    }

    // faults: forced by the header, else drawn by the injector
    let fault: FaultKind | "429" | "423" | undefined;
    // only API routes get faults; an unknown path is answered 404 as it is
    if (route === undefined) fault = undefined;
    else if (scenario === "429" || scenario === "423") fault = scenario;
    else if (scenario !== undefined && scenario !== "provisioned_with_errors" && scenario !== "error") fault = scenario;
    else if (route !== undefined) fault = this.faults.roll();
    if (fault !== undefined) entry.fault = fault;
    switch (fault) {
      case "429":
        fail(violation(1429, "Rate limit exceeded (forced by X-Emulator-Scenario); retry in 1 s."), { "Retry-After": "1" });
        return;
      case "423":
        fail(violation(1423, "The customer is busy (forced by X-Emulator-Scenario); retry in 1 s."), { "Retry-After": "1" });
        return;
      case "500":
        fail(violation(1500, "Internal server error (injected fault)."));
        return;
      case "503":
        fail(violation(1503, "Service unavailable (injected fault); retry later."), { "Retry-After": "1" });
        return;
      case "hang":
        // never answered: the client's timeout ends it, or close() destroys it
        this.hung.add(res);
        res.on("close", () => this.hung.delete(res));
        finish(null);
        return;
      case "reset":
        req.socket.destroy();
        finish(null);
        return;
      default:
        break;
    }

    await this.delay();

    const parsed = route?.body === true ? parseJson(req, text, tooLarge) : { body: undefined };
    if ("error" in parsed) {
      fail(parsed.error);
      return;
    }
    const asyncScenario: AsyncScenario | undefined =
      (scenario === "provisioned_with_errors" || scenario === "error") &&
      (route?.template.startsWith("/v1/wholesale/customers") === true || route?.asyncScenario === true)
        ? scenario
        : undefined;
    const result = handle(
      this.state,
      {
        method,
        path,
        query,
        authorization,
        trackingId,
        scenario: asyncScenario,
        body: parsed.body,
        baseUrl: this.settings.publicUrl ?? this.origin,
      },
      { now: Date.now(), provisioningDelayMs: this.config.provisioningDelayMs },
    );
    this.setState(result.state);

    if (fault === "commit-then-500") {
      fail(violation(1500, "Internal server error after the change was applied (injected fault)."));
      return;
    }
    if (fault === "commit-then-drop") {
      req.socket.destroy();
      finish(null);
      return;
    }
    answer(result.response);
  }

  private async delay(): Promise<void> {
    const l = this.config.latencyMs;
    const fixed = typeof l === "number" ? l : l.fixed;
    const jitter = typeof l === "number" ? 0 : l.jitter;
    if (fixed <= 0 && jitter <= 0) return;
    // a cheap LCG: jitter needs spread, not quality, and must not disturb the state's PRNG
    this.latencyDraw = (Math.imul(this.latencyDraw, 1664525) + 1013904223) >>> 0;
    const u = this.latencyDraw / 4294967296;
    await sleep(Math.max(0, fixed - jitter + u * 2 * jitter));
  }

  private onAdmin(req: IncomingMessage, path: string, text: string, tooLarge: boolean): ApiResponse {
    const trackingId = headerValue(req, "trackingid") ?? `ADMIN_${randomUUID()}`;
    const given = headerValue(req, "x-emulator-admin");
    if (given === undefined || !safeEqual(given, this.settings.adminToken)) {
      return errorResponse(
        [violation(1401, "The admin API needs the header X-Emulator-Admin: <admin token> (a partner token is not accepted).")],
        trackingId,
      );
    }
    const method = (req.method ?? "GET").toUpperCase();
    const ok = (body?: unknown, status = 200): ApiResponse => ({
      status,
      headers: { TrackingID: trackingId },
      ...(body !== undefined ? { body } : {}),
    });
    const bad = (description: string): ApiResponse => errorResponse([violation(1001, description)], trackingId);
    const json = (): { value: unknown } | { error: ApiResponse } => {
      if (tooLarge) return { error: bad("(body): too large") };
      try {
        return { value: text.trim() === "" ? {} : (JSON.parse(text) as unknown) };
      } catch {
        return { error: bad("(body): is not valid JSON") };
      }
    };
    const key = `${method} ${path.replace(/\/$/, "")}`;
    switch (key) {
      case "POST /__admin/reset":
        this.setState(initialState(this.settings.resetFixtures, this.settings.resetSeed));
        this.metrics.resetAll();
        this.buckets.reset();
        return ok(undefined, 204);
      case "POST /__admin/fixtures": {
        const body = json();
        if ("error" in body) return body.error;
        const parsed = FixturesInputSchema.safeParse(body.value);
        if (!parsed.success) return bad(`fixtures: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
        this.setState({ ...this.state, fixtures: mergeFixtures(this.state.fixtures, parsed.data) });
        return ok(this.state.fixtures);
      }
      case "GET /__admin/state":
        this.setState(settle(this.state, Date.now()));
        return ok(this.state);
      case "PUT /__admin/state": {
        const body = json();
        if ("error" in body) return body.error;
        const parsed = StateSchema.safeParse(body.value);
        if (!parsed.success)
          return bad(
            `state: ${parsed.error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join(".")}: ${i.message}`)
              .join("; ")}`,
          );
        this.setState(parsed.data);
        return ok(undefined, 204);
      }
      case "GET /__admin/requests":
        return ok({ items: this.metrics.requests() });
      case "GET /__admin/counters":
        return ok(this.metrics.snapshot());
      case "POST /__admin/counters/reset":
        this.metrics.resetCounters();
        return ok(undefined, 204);
      case "GET /__admin/invariants":
        this.setState(settle(this.state, Date.now()));
        return ok(checkInvariants(this.state));
      case "GET /__admin/config":
        return ok(this.config);
      case "PUT /__admin/config": {
        const body = json();
        if ("error" in body) return body.error;
        const parsed = RuntimeConfigPatchSchema.safeParse(body.value);
        if (!parsed.success) return bad(`config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
        this.config = { ...this.config, ...parsed.data };
        if (parsed.data.rateLimit !== undefined) this.buckets.configure(parsed.data.rateLimit);
        if (parsed.data.faults !== undefined) this.faults.configure(parsed.data.faults);
        return ok(this.config);
      }
      default:
        return errorResponse([violation(1404, `No admin route ${method} ${path}.`)], trackingId);
    }
  }
}
