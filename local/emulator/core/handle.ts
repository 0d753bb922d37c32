/**
 * The pure core's entry point: `(state, request, context) → { state, response }`.
 *
 * Order: route → authentication/scope → the acting (sub-)partner → settle the lifecycle at `now` →
 * handler, on the view of that (sub-)partner's customers. Everything a
 * handler throws as a `RuleFailure` becomes an error from the catalog with the request's
 * tracking id. Nothing here reads the clock, the network or `Math.random`.
 */
import { type ApiResponse, errorResponse, fail, RuleFailure, violation } from "./catalog";
import type { AsyncScenario } from "./context";
import { settle } from "./lifecycle";
import { Rng, trackingId as newTrackingId } from "./random";
import { matchRoute, type Route } from "./routes";
import { hashToken, type State } from "./state";
import { actingFor, scopedView, unscope } from "./subpartners";

/** A request as the core sees it (the server has already read and parsed it). */
export interface CoreRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Raw pathname, still percent-encoded. */
  readonly path: string;
  /** The query string. */
  readonly query: URLSearchParams;
  /** The `Authorization` header. */
  readonly authorization?: string | undefined;
  /** The request's `TrackingID`; generated from the PRNG when absent. */
  readonly trackingId?: string | undefined;
  /** A forced asynchronous outcome for customer writes (`X-Emulator-Scenario`). */
  readonly scenario?: AsyncScenario | undefined;
  /** Parsed JSON body, or undefined. */
  readonly body?: unknown;
  /** Origin used in `Location`/`Link` headers, without trailing slash. */
  readonly baseUrl: string;
}

/** What the core needs besides state and request. */
export interface CoreContext {
  /** Current time, epoch ms. */
  readonly now: number;
  /** How long customer writes stay in flight. */
  readonly provisioningDelayMs: number;
}

/** The core's answer. `state` is the input object itself when nothing changed. */
export interface CoreResult {
  /** The state after the request. */
  readonly state: State;
  /** What to send back, `TrackingID` header included. */
  readonly response: ApiResponse;
  /** The matched route, when one matched (for counters and the log). */
  readonly route?: Route;
}

/** The scopes of a bearer token, or a 401 failure. */
export function authenticate(state: State, authorization: string | undefined): readonly string[] {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (m === null || m[1] === undefined) fail(1401, "Send Authorization: Bearer <access token>.");
  const hash = hashToken(m[1]);
  const record = state.fixtures.tokens.find((t) => t.sha256 === hash);
  // never echo the token: a log or an error body must not carry a secret
  if (record === undefined) fail(1401, "The access token is not valid (unknown or expired).");
  return record.scopes;
}

/** Checks a token against a route's scope: 401 or 403 failure, else nothing. */
export function authorize(state: State, authorization: string | undefined, route: Route): void {
  const scopes = authenticate(state, authorization);
  if (!scopes.includes(route.scope)) fail(1403, `This operation needs the scope ${route.scope}.`);
}

function withTracking(response: ApiResponse, trackingId: string): ApiResponse {
  return { ...response, headers: { ...response.headers, TrackingID: trackingId } };
}

/** Handles one API request. Pure: same state, request and context give the same result. */
export function handle(state: State, request: CoreRequest, ctx: CoreContext): CoreResult {
  const rng = new Rng(state.seed);
  const trackingId = request.trackingId ?? newTrackingId(rng);
  const keepSeed = (s: State): State => (rng.seed === s.seed ? s : { ...s, seed: rng.seed });
  const match = matchRoute(request.method, request.path);
  if (match.kind === "not-found") {
    return {
      state: keepSeed(state),
      response: errorResponse([violation(1404, `No API route ${request.method} ${request.path}.`)], trackingId),
    };
  }
  if (match.kind === "method-not-allowed") {
    return {
      state: keepSeed(state),
      response: errorResponse([violation(1405, `${request.method} is not allowed here; use ${match.allow.join(", ")}.`)], trackingId, {
        Allow: match.allow.join(", "),
      }),
    };
  }
  const route = match.route;
  try {
    authorize(state, request.authorization, route);
    const subPartner = actingFor(state, request.query, route.method);
    const settled = settle(state, ctx.now);
    const view = scopedView(settled, subPartner);
    const result = route.handler({
      state: view,
      whole: settled,
      params: match.params,
      query: request.query,
      body: request.body,
      now: ctx.now,
      provisioningDelayMs: ctx.provisioningDelayMs,
      rng,
      baseUrl: request.baseUrl,
      path: request.path,
      ...(request.scenario !== undefined ? { scenario: request.scenario } : {}),
      ...(subPartner !== undefined ? { subPartnerOrgId: subPartner } : {}),
    });
    const response: ApiResponse = {
      status: result.status,
      headers: result.headers ?? {},
      ...(result.body !== undefined ? { body: result.body } : {}),
    };
    return { state: keepSeed(unscope(settled, view, result.state)), response: withTracking(response, trackingId), route };
  } catch (e) {
    if (!(e instanceof RuleFailure)) throw e;
    // a failed request changes nothing but the lifecycle (settle is time, not the request)
    const settled = settle(state, ctx.now);
    return { state: keepSeed(settled), response: errorResponse(e.violations, trackingId, e.headers), route };
  }
}
