/**
 * The transport: one place that turns a request description into an HTTP exchange with the
 * provisioning API, on axios.
 *
 * It owns everything that must be identical for every endpoint: the base URL and the refusal of
 * clear-text HTTP off loopback, the bearer token (sent, never shown), `onBehalfOfSubPartnerOrgId`
 * on every call, a `TrackingID` per logical call reused across its retries, a per-attempt timeout,
 * pacing through the {@link RateGate}, the retry loop driven by the pure {@link shouldRetry}, and the
 * conversion of failures into typed errors. Axios errors never leave this file: they carry the
 * request configuration, headers included, so only their error code is read.
 */
import { randomUUID } from "node:crypto";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { z } from "zod";
import { ListBodySchema } from "./schemas";
import { ProvisioningApiError, connectionError, errorFromResponse, redactor, type ConnectionErrorKind } from "./errors";
import { paginate, parseLinkNext, type PaginateOptions } from "./paginate";
import { RateGate } from "./rate-gate";
import { backoffDelay, parseRetryAfter, shouldRetry } from "./retry";

/** HTTP methods the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** Everything the transport needs; the client builds it from the validated options. */
export interface TransportConfig {
  /** Normalised base URL (see {@link normalizeBaseUrl}). */
  baseUrl: string;
  /** Bearer token. */
  accessToken: string;
  /** Sent as `onBehalfOfSubPartnerOrgId` on every call when set. */
  subPartnerOrgId?: string;
  /** Per-attempt timeout, ms. */
  requestTimeoutMs: number;
  /** Bound on attempts per logical call. */
  maxAttempts: number;
  /** Waits between attempts (injectable: tests pass a 0-ms sleep). */
  sleep: (ms: number) => Promise<void>;
  /** Jitter source. */
  random: () => number;
  /** Clock, ms (for `Retry-After` dates). */
  now: () => number;
  /** Debug line sink; lines never contain the token. */
  log: (line: string) => void;
  /** Shared pacing of this client. */
  gate: RateGate;
  /** `User-Agent` header. */
  userAgent: string;
  /** Items per list request. */
  pageSize: number;
}

/** One logical call. */
export interface RequestSpec {
  /** HTTP method. */
  method: HttpMethod;
  /** Path from the base URL, starting with `/v1/`; build it with {@link encodePath}. */
  path?: string;
  /** Absolute URL instead of `path` (a `Link: rel="next"`); must be on the base URL's origin. */
  url?: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Marks a POST without side effects (validate) as safe to retry after ambiguous failures. */
  idempotent?: boolean;
  /** `false`: a 423 is thrown to the caller at once (the retry policy's `retryLocked`). */
  retryLocked?: boolean;
  /** Replaces the generic 404 hint (e.g. for the template endpoint, absent from webexapis.com). */
  notFoundHint?: string;
}

/** How a list endpoint names its array and its offset parameter. */
export interface ListShape {
  /** Key of the array in the answer. Default `items`; `phoneNumbers` for the number inventory. */
  itemsKey?: string;
  /** Query parameter of the first item wanted. Default `offset`; `start` for Webex Calling lists. */
  offsetParam?: "offset" | "start";
}

/** A successful (2xx) answer. */
export interface HttpResponse {
  /** HTTP status. */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body, raw text when not JSON, undefined when empty. */
  body: unknown;
  /** URL requested (for resolving relative `Link`/`Location` values). */
  url: string;
  /** The tracking id of the call: the server's when it echoed one, else ours. */
  trackingId: string;
}

/** True for hosts whose traffic never leaves the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks and normalises a base URL: `https://` anywhere, `http://` only on loopback hosts (a token
 * sent in clear text over a network is a leaked token). No credentials, query or fragment; no
 * trailing `/v1` (paths add it). Keeps a path prefix, for gateways mounted below the root.
 * Throws `TypeError` with a message that names the problem.
 */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`baseUrl is not an absolute URL: "${raw}" (expected e.g. https://webexapis.com)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`baseUrl must use https:// (got ${url.protocol}//)`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      `baseUrl ${url.origin} uses http:// on a non-loopback host: the access token would travel in clear text. ` +
        "Use https://, or http:// only for 127.0.0.1, ::1 or localhost (a local emulator).",
    );
  }
  if (url.username || url.password) throw new TypeError("baseUrl must not carry credentials (user:password@)");
  if (url.search || url.hash) throw new TypeError("baseUrl must not carry a query string or fragment");
  const prefix = url.pathname.replace(/\/+$/, "");
  if (/\/v1$/i.test(prefix)) {
    throw new TypeError(`baseUrl must not end with /v1 (got ${url.origin}${prefix}): give e.g. https://webexapis.com`);
  }
  return `${url.origin}${prefix}`;
}

/**
 * Tagged template that encodes every interpolated value as one path segment, so an id holding
 * `/`, `=` or `?` cannot change the path: ``encodePath`/v1/wholesale/customers/${id}` ``.
 */
export function encodePath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(String(values[i])) : ""), "");
}

/**
 * Validates a request body against its wire schema before anything is sent. A mismatch is a bug in
 * the caller, reported as a `TypeError` naming the fields (zod messages never contain the values).
 */
export function validateRequest<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
  throw new TypeError(`Invalid ${what} request body: ${issues}`);
}

/** Generates the tracking id of one logical call (the wxc_sdk convention, with this package's prefix). */
export function newTrackingId(): string {
  return `WEBEXWHOLESALE_${randomUUID()}`;
}

/** Maps a transport failure's code onto a {@link ConnectionErrorKind}; reads nothing else of the error. */
function connectionKind(error: unknown, timedOut: boolean): ConnectionErrorKind {
  if (timedOut) return "timeout";
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  if (has("ECONNREFUSED")) return "refused";
  if (has("ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL")) return "unreachable";
  if (has("ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT")) return "timeout";
  if (has("ECONNRESET", "EPIPE", "ERR_STREAM_PREMATURE_CLOSE", "ERR_BAD_RESPONSE")) return "reset";
  return "other";
}

/** Reads one header as a string (axios may give arrays or numbers). */
function header(res: AxiosResponse, name: string): string | undefined {
  const value: unknown = (res.headers as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** Parses a text body as JSON, keeping the text when it is not JSON. */
function parseBody(text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Applies `redact` to every string of a parsed JSON value (keys included). */
function deepRedact(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => deepRedact(v, redact));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), deepRedact(v, redact)]));
  }
  return value;
}

/** Sends requests to the provisioning API with retries, pacing and typed errors. */
export class HttpTransport {
  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly redact: (text: string) => string;

  /** Builds the transport; `config.baseUrl` must come from {@link normalizeBaseUrl}. */
  constructor(private readonly config: TransportConfig) {
    this.origin = new URL(config.baseUrl).origin;
    this.redact = redactor(config.accessToken);
    this.http = axios.create({
      adapter: "http",
      // Every status is handled here, so axios never throws an error carrying our headers for one.
      validateStatus: () => true,
      // The API does not redirect; following one could carry the token to another host.
      maxRedirects: 0,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      // A local emulator is never reached through an HTTP(S)_PROXY from the environment; remote
      // hosts keep axios's default (environment proxies, NO_PROXY honoured).
      ...(isLoopbackHost(new URL(config.baseUrl).hostname) ? { proxy: false as const } : {}),
    });
  }

  /** The normalised base URL. */
  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /**
   * Performs one logical call: paces, sends, retries per {@link shouldRetry}, and returns the 2xx
   * answer or throws a {@link ProvisioningApiError} subclass.
   */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    const url = this.buildUrl(spec);
    const path = new URL(url).pathname;
    const method = spec.method;
    const trackingId = newTrackingId();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.config.accessToken}`,
      Accept: "application/json",
      TrackingID: trackingId,
      "User-Agent": this.config.userAgent,
    };
    let data: string | undefined;
    if (spec.body !== undefined) {
      headers["Content-Type"] = "application/json";
      data = JSON.stringify(spec.body);
    }
    const { maxAttempts } = this.config;

    for (let attempt = 1; ; attempt++) {
      await this.config.gate.acquire();
      const started = this.config.now();
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.config.requestTimeoutMs);
      let res: AxiosResponse | undefined;
      let failure: unknown;
      try {
        res = await this.http.request({
          method,
          url,
          data,
          headers,
          signal: controller.signal,
          timeout: this.config.requestTimeoutMs,
        });
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
      }
      const tookMs = this.config.now() - started;
      const where = `${method} ${path}`;

      if (!res) {
        const kind = connectionKind(failure, timedOut);
        failure = undefined; // drop the axios error (it holds the headers) as soon as it is read
        const decision = shouldRetry({ method, connectionErrorKind: kind, attempt, maxAttempts, idempotent: spec.idempotent });
        if (decision.retry) {
          const delay = backoffDelay(attempt, { random: this.config.random });
          this.config.log(
            `${where}: connection ${kind} after ${tookMs} ms (attempt ${attempt}/${maxAttempts}, TrackingID ${trackingId}); retrying in ${delay} ms`,
          );
          await this.config.sleep(delay);
          continue;
        }
        this.config.log(
          `${where}: connection ${kind} after ${tookMs} ms (attempt ${attempt}/${maxAttempts}, TrackingID ${trackingId}); giving up`,
        );
        throw connectionError({
          kind,
          method,
          path,
          trackingId,
          retryable: decision.transient,
          outcomeUnknown: decision.outcomeUnknown,
          attempts: attempt,
          timeoutMs: this.config.requestTimeoutMs,
        });
      }

      const status = res.status;
      // Everything the server sent is scrubbed of the token before anything reads it: a gateway
      // echoing the Authorization header must not leak it into logs, errors or Pulumi state.
      const rawTrackingId = header(res, "trackingid");
      const serverTrackingId = rawTrackingId === undefined ? undefined : this.redact(rawTrackingId);
      const body = deepRedact(parseBody(res.data), this.redact);
      if (status >= 200 && status < 300) {
        this.config.gate.onSuccess();
        this.config.log(`${where} -> ${status} in ${tookMs} ms (attempt ${attempt}, TrackingID ${serverTrackingId ?? trackingId})`);
        const headersOut: Record<string, string | undefined> = {};
        for (const name of ["location", "link", "trackingid", "retry-after", "content-type"]) {
          const value = header(res, name);
          headersOut[name] = value === undefined ? undefined : this.redact(value);
        }
        return { status, headers: headersOut, body, url, trackingId: serverTrackingId ?? trackingId };
      }

      const retryAfterMs = parseRetryAfter(header(res, "retry-after"), this.config.now());
      const decision = shouldRetry({ method, status, attempt, maxAttempts, idempotent: spec.idempotent, retryLocked: spec.retryLocked });
      const delay = retryAfterMs ?? backoffDelay(attempt, { random: this.config.random });
      if (status === 429) {
        this.config.gate.onRateLimited();
        // Everyone waits, not only this call: the limit is per token, shared by all callers.
        this.config.gate.pauseFor(delay);
      }
      if (decision.retry) {
        this.config.log(
          `${where} -> ${status} in ${tookMs} ms (attempt ${attempt}/${maxAttempts}, TrackingID ${serverTrackingId ?? trackingId}); retrying in ${delay} ms`,
        );
        // A 429 waits in the gate's shared pause at the next acquire(); a 423 or 5xx waits alone
        // (a busy customer or a failed call says nothing about other requests).
        if (status !== 429) await this.config.sleep(delay);
        continue;
      }
      this.config.log(
        `${where} -> ${status} in ${tookMs} ms (attempt ${attempt}/${maxAttempts}, TrackingID ${serverTrackingId ?? trackingId})`,
      );
      throw errorFromResponse({
        status,
        body,
        responseTrackingId: serverTrackingId,
        requestTrackingId: trackingId,
        method,
        path,
        retryable: decision.transient,
        outcomeUnknown: decision.outcomeUnknown,
        retryAfterMs,
        attempts: attempt,
        redact: this.redact,
        notFoundHint: spec.notFoundHint,
      });
    }
  }

  /**
   * Validates a 2xx body against a response schema. A mismatch is the API changing under us:
   * reported as a non-retryable {@link ProvisioningApiError} naming the fields, never with values.
   */
  parse<S extends z.ZodType>(schema: S, res: HttpResponse, method: HttpMethod, body: unknown = res.body, where = ""): z.output<S> {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => {
        const at = [where, ...i.path.map(String)].filter((s) => s !== "").join(".");
        return `${at || "(body)"}: ${i.message}`;
      })
      .join("; ");
    throw new ProvisioningApiError({
      message:
        `${method} ${new URL(res.url).pathname} answered HTTP ${res.status} with a body this client does not understand ` +
        `(${issues}). The API may have changed: update pulumi-webex-wholesale. (TrackingID ${res.trackingId})`,
      status: res.status,
      descriptions: [issues],
      trackingId: res.trackingId,
      method,
      path: new URL(res.url).pathname,
      retryable: false,
    });
  }

  /**
   * Lists a collection lazily: `GET path?query&offset&max`, following `Link: rel="next"` when the
   * server sends it (see {@link paginate}); every item is validated with `itemSchema`. `shape`
   * adapts the Webex Calling lists, which name their array (`phoneNumbers`) and their offset
   * parameter (`start`) differently from the wholesale ones.
   */
  list<S extends z.ZodType>(
    path: string,
    query: Record<string, string | number | undefined>,
    itemSchema: S,
    options: PaginateOptions = {},
    notFoundHint?: string,
    shape: ListShape = {},
  ): AsyncIterable<z.output<S>> {
    const itemsKey = shape.itemsKey ?? "items";
    const offsetParam = shape.offsetParam ?? "offset";
    const bodySchema = itemsKey === "items" ? ListBodySchema : z.looseObject({ [itemsKey]: z.array(z.unknown()) });
    return paginate<z.output<S>>(
      async (page) => {
        const res = page.url
          ? await this.request({ method: "GET", url: page.url, notFoundHint })
          : await this.request({ method: "GET", path, query: { ...query, [offsetParam]: page.offset, max: page.max }, notFoundHint });
        // An empty 2xx body (some gateways answer 204 for an empty list) is an empty page.
        const body = this.parse(bodySchema, res, "GET", res.body ?? { [itemsKey]: [] });
        const items = (body[itemsKey] as unknown[]).map((item, index) => this.parse(itemSchema, res, "GET", item, `${itemsKey}.${index}`));
        return { items, next: parseLinkNext(res.headers.link, res.url) };
      },
      { pageSize: this.config.pageSize, ...options },
    );
  }

  /** Builds the URL of a call: base URL + path, or a same-origin absolute URL; adds the sub-partner query. */
  private buildUrl(spec: RequestSpec): string {
    let url: URL;
    if (spec.url !== undefined) {
      url = new URL(spec.url, this.config.baseUrl);
      if (url.origin !== this.origin) {
        // Following it would send the bearer token to a host the user never configured.
        throw new ProvisioningApiError({
          message: `Refusing to follow a link to ${url.origin}: only ${this.origin} (the configured base URL) receives the access token.`,
          method: spec.method,
          path: url.pathname,
        });
      }
    } else {
      url = new URL(this.config.baseUrl + (spec.path ?? ""));
    }
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    if (this.config.subPartnerOrgId !== undefined) {
      url.searchParams.set("onBehalfOfSubPartnerOrgId", this.config.subPartnerOrgId);
    }
    return url.toString();
  }
}
