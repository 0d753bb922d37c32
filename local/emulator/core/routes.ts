/**
 * The route table, as data: method, path template, the scope it needs, whether it writes, and
 * its handler. Path templates are what counters and the request log show
 * (`GET /v1/wholesale/customers/{id}`).
 */
import type { HandlerInput, HandlerResult } from "./context";
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer, validateCustomer } from "./customers";
import { LOCATION_ROUTES } from "./location-routes";
import { listLocations } from "./locations";
import type { Scope } from "./state";
import { billingReportsNotServed, listSubPartners } from "./subpartners";
import {
  consentMove,
  createSubscriber,
  deleteSubscriber,
  getSubscriber,
  listSubscribers,
  updateSubscriber,
  validateSubscriber,
} from "./subscribers";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from "./templates";

/** One API route. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path template with `{id}` placeholders. */
  readonly template: string;
  readonly scope: Scope;
  /** Changes state (a write), as opposed to a read or a precheck. */
  readonly write: boolean;
  /** Takes a JSON body. */
  readonly body: boolean;
  /** Honours `X-Emulator-Scenario: provisioned_with_errors | error` (an asynchronous outcome). */
  readonly asyncScenario?: boolean;
  readonly handler: (h: HandlerInput) => HandlerResult;
}

const C = "/v1/wholesale/customers";
const S = "/v1/wholesale/subscribers";
const T = "/v1/wholesale/onboardingTemplates";
const B = "/v1/wholesale/billing/reports";
const CR = "spark-admin:wholesale_customers_read";
const CW = "spark-admin:wholesale_customers_write";
const SR = "spark-admin:wholesale_subscribers_read";
const SW = "spark-admin:wholesale_subscribers_write";

/**
 * Every route of the reference. [project] templates use the customers scopes; the prechecks
 * need the write scope of their collection (they judge a write) but count as reads.
 */
export const ROUTES: readonly Route[] = [
  { method: "GET", template: C, scope: CR, write: false, body: false, handler: listCustomers },
  { method: "POST", template: C, scope: CW, write: true, body: true, handler: createCustomer },
  { method: "POST", template: `${C}/validate`, scope: CW, write: false, body: true, handler: validateCustomer },
  { method: "GET", template: `${C}/{id}`, scope: CR, write: false, body: false, handler: getCustomer },
  { method: "PUT", template: `${C}/{id}`, scope: CW, write: true, body: true, handler: updateCustomer },
  { method: "DELETE", template: `${C}/{id}`, scope: CW, write: true, body: false, handler: deleteCustomer },
  { method: "GET", template: S, scope: SR, write: false, body: false, handler: listSubscribers },
  { method: "POST", template: S, scope: SW, write: true, body: true, handler: createSubscriber },
  { method: "POST", template: `${S}/validate`, scope: SW, write: false, body: true, handler: validateSubscriber },
  { method: "GET", template: `${S}/{id}`, scope: SR, write: false, body: false, handler: getSubscriber },
  { method: "PUT", template: `${S}/{id}`, scope: SW, write: true, body: true, handler: updateSubscriber },
  { method: "DELETE", template: `${S}/{id}`, scope: SW, write: true, body: false, handler: deleteSubscriber },
  { method: "GET", template: T, scope: CR, write: false, body: false, handler: listTemplates },
  { method: "POST", template: T, scope: CW, write: true, body: true, handler: createTemplate },
  { method: "GET", template: `${T}/{id}`, scope: CR, write: false, body: false, handler: getTemplate },
  { method: "PUT", template: `${T}/{id}`, scope: CW, write: true, body: true, handler: updateTemplate },
  { method: "DELETE", template: `${T}/{id}`, scope: CW, write: true, body: false, handler: deleteTemplate },
  { method: "POST", template: "/v1/subscribers/{id}/emails/consentMove", scope: SW, write: true, body: false, handler: consentMove },
  { method: "GET", template: "/v1/wholesale/subPartners", scope: CR, write: false, body: false, handler: listSubPartners },
  // [project] served only to say they are not emulated (404 with the reason), with the customers scopes
  { method: "GET", template: B, scope: CR, write: false, body: false, handler: billingReportsNotServed },
  { method: "POST", template: B, scope: CW, write: false, body: false, handler: billingReportsNotServed },
  { method: "GET", template: `${B}/{id}`, scope: CR, write: false, body: false, handler: billingReportsNotServed },
  { method: "DELETE", template: `${B}/{id}`, scope: CW, write: false, body: false, handler: billingReportsNotServed },
  { method: "GET", template: "/v1/locations", scope: "spark-admin:locations_read", write: false, body: false, handler: listLocations },
  ...LOCATION_ROUTES,
];

/** Result of matching a path: a route with its decoded params, or why none matched. */
export type RouteMatch =
  | { readonly kind: "route"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "not-found" }
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] };

const SPLIT = ROUTES.map((r) => ({ route: r, parts: r.template.split("/") }));

/** How many literal segments a template has: `/customers/validate` beats `/customers/{id}`. */
function literalSegments(parts: readonly string[]): number {
  return parts.filter((p) => !p.startsWith("{")).length;
}

/**
 * Matches a raw (still percent-encoded) pathname. Each segment is decoded on its own, so an id
 * whose `/` was not encoded by the client does not match (as on the real service). A path that
 * a template matches literally belongs to that template only: `…/customers/validate` is the
 * precheck, never a customer whose id is "validate", so its `Allow` lists POST alone.
 */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const parts = pathname.split("/");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  const allow: string[] = [];
  let best = -1;
  let found: { route: Route; params: Record<string, string> } | undefined;
  for (const { route, parts: tp } of SPLIT) {
    if (tp.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < tp.length && ok; i++) {
      const t = tp[i] ?? "";
      const p = parts[i] ?? "";
      if (t.startsWith("{")) {
        let decoded: string;
        try {
          decoded = decodeURIComponent(p);
        } catch {
          ok = false;
          break;
        }
        if (decoded === "") ok = false;
        params[t.slice(1, -1)] = decoded;
      } else if (t !== p) {
        ok = false;
      }
    }
    if (!ok) continue;
    const literal = literalSegments(tp);
    if (literal < best) continue;
    if (literal > best) {
      best = literal;
      allow.length = 0;
      found = undefined;
    }
    if (route.method === method) found = { route, params };
    allow.push(route.method);
  }
  if (found !== undefined) return { kind: "route", ...found };
  return allow.length > 0 ? { kind: "method-not-allowed", allow } : { kind: "not-found" };
}
