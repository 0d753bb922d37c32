/**
 * Sub-partners: `GET /v1/wholesale/subPartners`, and the scoping that `onBehalfOfSubPartnerOrgId`
 * gives every other operation. A partner token sees its own customers; with the parameter naming a
 * sub-partner it manages, that sub-partner's customers instead. Any other value is refused, so a
 * wrong `webex:subPartnerOrgId` fails on the emulator as it does on the real API.
 */
import { fail } from "./catalog";
import { type HandlerInput, type HandlerResult, putRecord } from "./context";
import { paginate } from "./paging";
import type { CustomerRecord, State } from "./state";
import { CUSTOMERS_BY_OWNER } from "./indexes";
import { countOf, sizeOf } from "./table";

/** Path of the sub-partners collection. */
export const SUB_PARTNERS_PATH = "/v1/wholesale/subPartners";

/**
 * The sub-partner a request acts for, from its `onBehalfOfSubPartnerOrgId`: undefined for the
 * partner itself. [project] An empty value is 400/1001; an org that is not one of the partner's
 * sub-partners is 403/1403 (the token has no authority over it); a suspended sub-partner may
 * read and delete but not create or change (the spec's `provisioningState: suspended`).
 */
export function actingFor(state: State, query: URLSearchParams, method: string): string | undefined {
  const given = query.get("onBehalfOfSubPartnerOrgId");
  if (given === null) return undefined;
  if (given.trim() === "") fail(1001, "onBehalfOfSubPartnerOrgId: must not be empty when given; leave it out to act as the partner");
  const sub = state.fixtures.subPartners.find((p) => p.orgId === given);
  if (sub === undefined) {
    fail(
      1403,
      `onBehalfOfSubPartnerOrgId: ${given} is not a sub-partner of this partner; GET /v1/wholesale/subPartners lists the ones it manages`,
    );
  }
  if (sub.provisioningState === "suspended" && (method === "POST" || method === "PUT")) {
    fail(1403, `onBehalfOfSubPartnerOrgId: sub-partner ${given} is suspended; it can only read and delete customers and subscribers`);
  }
  return sub.orgId;
}

function owned(c: CustomerRecord, subPartnerOrgId: string | undefined): boolean {
  return c.subPartnerOrgId === subPartnerOrgId;
}

/** The state as the acting (sub-)partner sees it: only its own customers (subscribers follow their customer). */
export function scopedView(state: State, subPartnerOrgId: string | undefined): State {
  // the usual case, one owner for every customer: the view is the state itself (no copy per request)
  if (countOf(state.customers, CUSTOMERS_BY_OWNER, subPartnerOrgId ?? "") === sizeOf(state.customers)) return state;
  const customers: Record<string, CustomerRecord> = {};
  for (const [id, c] of Object.entries(state.customers)) if (owned(c, subPartnerOrgId)) customers[id] = c;
  return { ...state, customers };
}

/**
 * Puts a handler's result on the view back into the whole state: the customers the view hid
 * return. (A customer the handler created already names its sub-partner: `createCustomer` stamps
 * it.) Returns `full` itself when the handler changed nothing, and the result itself when the view
 * hid nothing.
 */
export function unscope(full: State, view: State, result: State): State {
  if (result === view) return full;
  if (view === full) return result;
  let customers = result.customers;
  for (const [id, c] of Object.entries(full.customers))
    if (!Object.prototype.hasOwnProperty.call(view.customers, id)) customers = putRecord(customers, id, c);
  return { ...result, customers };
}

/** `GET /v1/wholesale/subPartners?provisioningState=&offset=&max=`: `{ items }`, paged like customers. */
export function listSubPartners(h: HandlerInput): HandlerResult {
  const state = h.query.get("provisioningState");
  const matches = h.state.fixtures.subPartners.filter((p) => state === null || p.provisioningState === state);
  const page = paginate(matches, h.query, { defaultMax: 100, maxMax: 1000 }, h.baseUrl, h.path);
  return { state: h.state, status: 200, headers: page.headers, body: { items: page.items } };
}

/**
 * The four billing-report operations. [project] Nothing in this project uses them, so the emulator
 * answers them 404/1404 (a status the spec documents for them) saying so, rather than "No API route".
 */
export function billingReportsNotServed(h: HandlerInput): HandlerResult {
  fail(
    1404,
    `Wholesale billing reports (${h.path}) are not emulated: this project does not use them; test billing reports against webexapis.com`,
  );
}
