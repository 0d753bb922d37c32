/**
 * `GET /v1/locations?orgId=`: the Webex Locations API as far as this project needs it — each
 * provisioned customer's calling headquarters `{ id, name, orgId, address }`.
 */
import type { HandlerInput, HandlerResult } from "./context";
import { paginate } from "./paging";
import type { CustomerRecord } from "./state";

/** Path of the locations collection. */
export const LOCATIONS_PATH = "/v1/locations";

/** The headquarters of a customer as a location, or undefined until it has a provisioned org. */
export function locationView(c: CustomerRecord): Record<string, unknown> | undefined {
  if (c.headquarters === undefined || !c.everProvisioned || c.status === "error") return undefined;
  return { id: c.headquarters.id, name: c.headquarters.name, orgId: c.orgId, address: c.headquarters.address };
}

/** `GET /v1/locations?orgId=&offset=&max=`. Without `orgId`, every customer's headquarters. */
export function listLocations(h: HandlerInput): HandlerResult {
  const orgId = h.query.get("orgId");
  const all: Record<string, unknown>[] = [];
  for (const c of Object.values(h.state.customers)) {
    const view = locationView(c);
    if (view !== undefined && (orgId === null || c.orgId === orgId)) all.push(view);
  }
  const page = paginate(all, h.query, { defaultMax: 100, maxMax: 1000 }, h.baseUrl, h.path);
  return { state: h.state, status: 200, headers: page.headers, body: { items: page.items } };
}
