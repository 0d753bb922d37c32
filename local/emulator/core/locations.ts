/**
 * Locations of the customers' orgs (Cisco's Locations API) and their Webex Calling switch:
 * `GET`/`POST /v1/locations`, `GET`/`PUT /v1/locations/{id}` and
 * `POST /v1/telephony/config/locations` (enable calling).
 *
 * A calling customer's headquarters is created by provisioning and kept on the customer; it is
 * derived from there until the Locations or telephony API first writes it, after which it is a
 * stored record like any other. Every lookup goes through {@link effectiveLocation}, so a
 * disable-calling job that came due is visible without a background task.
 */
import { fail } from "./catalog";
import { type HandlerInput, type HandlerResult, parseBody, putRecord, requireNotBusy } from "./context";
import { packageInfo } from "./packages";
import { paginate } from "./paging";
import { webexId } from "./random";
import { EnableCallingSchema, LocationCreateSchema, LocationUpdateSchema } from "./schemas";
import type { CustomerRecord, LocationRecord, State } from "./state";
import { CUSTOMERS_BY_HEADQUARTERS, CUSTOMERS_BY_ORG, LOCATIONS_BY_CUSTOMER } from "./indexes";
import { lookup, recordOf } from "./table";

/** Path of the locations collection. */
export const LOCATIONS_PATH = "/v1/locations";

/** True when the customer's org exists for the Locations API (provisioned once, not failed). */
function hasOrg(c: CustomerRecord | undefined): c is CustomerRecord {
  return c !== undefined && c.everProvisioned && c.status !== "error";
}

/** The headquarters provisioning created, as a location record (calling-enabled, no PSTN yet). */
function headquartersRecord(c: CustomerRecord): LocationRecord | undefined {
  const hq = c.headquarters;
  if (hq === undefined) return undefined;
  const a = hq.address;
  return {
    id: hq.id,
    customerId: c.id,
    orgId: c.orgId,
    name: hq.name,
    timeZone: hq.timezone,
    preferredLanguage: hq.language,
    announcementLanguage: hq.language,
    address: {
      address1: a.addressLine1,
      ...(a.addressLine2 !== undefined ? { address2: a.addressLine2 } : {}),
      city: a.city,
      ...(a.stateOrProvince !== undefined ? { state: a.stateOrProvince } : {}),
      ...(a.zipOrPostalCode !== undefined ? { postalCode: a.zipOrPostalCode } : {}),
      country: a.country,
    },
    calling: true,
    numbers: [],
    features: 0,
    created: c.created,
  };
}

/**
 * The location as it is at `now`: once its disable-calling job is due, calling is off and the
 * PSTN connection, numbers and main number are gone (the record itself stays, as in Webex).
 */
export function effectiveLocation(loc: LocationRecord, now: number): LocationRecord {
  if (loc.disabling === undefined || loc.disabling.dueAt > now) return loc;
  const { disabling: _job, pstn: _pstn, mainNumber: _main, ...rest } = loc;
  return { ...rest, calling: false, numbers: [] };
}

/** True while a disable-calling job runs on the location (it takes no new users or numbers then). */
export function isBeingDisabled(loc: LocationRecord, now: number): boolean {
  return loc.disabling !== undefined && loc.disabling.dueAt > now;
}

/** A location of this customer by id (stored or its headquarters), at `now`; O(1) for subscribers. */
export function customerLocation(state: State, customer: CustomerRecord, id: string, now: number): LocationRecord | undefined {
  const stored = recordOf(state.locations, id);
  if (stored !== undefined) return stored.customerId === customer.id ? effectiveLocation(stored, now) : undefined;
  return customer.headquarters?.id === id ? headquartersRecord(customer) : undefined;
}

/** Every location of one customer's org: its headquarters first, then the others by creation. */
export function locationsOfCustomer(state: State, customer: CustomerRecord, now: number): LocationRecord[] {
  const stored = lookup(state.locations, LOCATIONS_BY_CUSTOMER, customer.id).map((l) => effectiveLocation(l, now));
  const hqId = customer.headquarters?.id;
  const hq = hqId !== undefined && !stored.some((l) => l.id === hqId) ? headquartersRecord(customer) : undefined;
  return [...(hq !== undefined ? [hq] : []), ...stored.sort((a, b) => a.created - b.created)];
}

/** Every visible location of every org (customers in order, each org's locations as above). */
function allLocations(state: State, now: number): LocationRecord[] {
  const storedBy = new Map<string, LocationRecord[]>();
  for (const l of Object.values(state.locations)) {
    const list = storedBy.get(l.customerId) ?? [];
    list.push(effectiveLocation(l, now));
    storedBy.set(l.customerId, list);
  }
  const out: LocationRecord[] = [];
  for (const c of Object.values(state.customers)) {
    if (!hasOrg(c)) continue;
    const stored = (storedBy.get(c.id) ?? []).sort((a, b) => a.created - b.created);
    const hq = c.headquarters !== undefined && !stored.some((l) => l.id === c.headquarters?.id) ? headquartersRecord(c) : undefined;
    if (hq !== undefined) out.push(hq);
    out.push(...stored);
  }
  return out;
}

/** The customer whose org is `orgId` and exists (the last such, should a fixture plant two). */
function customerOfOrg(state: State, orgId: string): CustomerRecord | undefined {
  return lookup(state.customers, CUSTOMERS_BY_ORG, orgId).filter(hasOrg).at(-1);
}

/** The customer whose org is `orgId` (the `orgId` query parameter), or a 1001/1404 failure. */
export function requireOrg(h: HandlerInput): CustomerRecord {
  const orgId = h.query.get("orgId");
  if (orgId === null || orgId === "") {
    fail(1001, "orgId: is required: the customer's org id (GET /v1/wholesale/customers/{id} shows it once provisioned)");
  }
  const c = customerOfOrg(h.state, orgId);
  if (c === undefined) fail(1404, `orgId: no organization ${orgId} among this partner's provisioned customers.`);
  return c;
}

/** Refuses writes while the customer is being deleted (423 with `Retry-After`). */
export function requireOrgWritable(customer: CustomerRecord, now: number): void {
  if (customer.transition?.kind === "deleting") requireNotBusy(customer, now);
}

/**
 * The location of a path (`{id}`) with its customer, at `now`. With `orgId` given, it must be
 * that org's (404 otherwise, as the real API answers for another org's id).
 */
export function requireLocation(h: HandlerInput, id = h.params["id"] ?? ""): { location: LocationRecord; customer: CustomerRecord } {
  const orgId = h.query.get("orgId");
  const stored = recordOf(h.state.locations, id);
  const customer =
    stored !== undefined ? recordOf(h.state.customers, stored.customerId) : lookup(h.state.customers, CUSTOMERS_BY_HEADQUARTERS, id)[0];
  const location = hasOrg(customer) ? customerLocation(h.state, customer, id, h.now) : undefined;
  if (location === undefined || customer === undefined || (orgId !== null && orgId !== "" && orgId !== location.orgId)) {
    fail(1404, `No location with id ${id}${orgId !== null && orgId !== "" ? ` in organization ${orgId}` : ""}.`);
  }
  return { location, customer };
}

/** Stores a location (the headquarters becomes a stored record on its first write). */
export function storeLocation(state: State, loc: LocationRecord): State {
  return { ...state, locations: putRecord(state.locations, loc.id, loc) };
}

/** The location as the Locations API returns it. */
export function locationView(loc: LocationRecord): Record<string, unknown> {
  return {
    id: loc.id,
    name: loc.name,
    orgId: loc.orgId,
    address: loc.address,
    timeZone: loc.timeZone,
    preferredLanguage: loc.preferredLanguage,
    ...(loc.latitude !== undefined ? { latitude: loc.latitude } : {}),
    ...(loc.longitude !== undefined ? { longitude: loc.longitude } : {}),
    ...(loc.notes !== undefined ? { notes: loc.notes } : {}),
  };
}

/** True when two addresses have the same value in every field (absent equals absent). */
function sameAddress(a: LocationRecord["address"], b: LocationRecord["address"]): boolean {
  const keys = ["address1", "address2", "city", "state", "postalCode", "country"] as const;
  return keys.every((k) => a[k] === b[k]);
}

/** [project] Names are unique in an org, case-insensitively (Control Hub refuses duplicates). */
function requireUniqueName(state: State, customer: CustomerRecord, name: string, now: number, exceptId?: string): void {
  const same = locationsOfCustomer(state, customer, now).find((l) => l.id !== exceptId && l.name.toLowerCase() === name.toLowerCase());
  if (same !== undefined) {
    fail(
      1601,
      `name: "${same.name}" is already location ${same.id} in organization ${customer.orgId}; choose another name or use that location`,
    );
  }
}

/**
 * `GET /v1/locations?orgId=&name=&id=&offset=&max=`. Without `orgId`, every org's locations;
 * `name` matches when it is contained, case-insensitively.
 */
export function listLocations(h: HandlerInput): HandlerResult {
  const orgId = h.query.get("orgId");
  const name = h.query.get("name")?.toLowerCase();
  const id = h.query.get("id");
  // with orgId (as the provider always sends it), only that org's customer is read, not every org
  const candidates =
    orgId !== null
      ? lookup(h.state.customers, CUSTOMERS_BY_ORG, orgId)
          .filter(hasOrg)
          .flatMap((c) => locationsOfCustomer(h.state, c, h.now))
      : allLocations(h.state, h.now);
  const matches = candidates.filter(
    (l) =>
      (orgId === null || l.orgId === orgId) && (name === undefined || l.name.toLowerCase().includes(name)) && (id === null || l.id === id),
  );
  const page = paginate(matches.map(locationView), h.query, { defaultMax: 100, maxMax: 1000 }, h.baseUrl, h.path);
  return { state: h.state, status: 200, headers: page.headers, body: { items: page.items } };
}

/** `GET /v1/locations/{id}`. */
export function getLocation(h: HandlerInput): HandlerResult {
  return { state: h.state, status: 200, body: locationView(requireLocation(h).location) };
}

/** `POST /v1/locations?orgId=`: 201 `{ id }`. [project] Not calling-enabled until `POST /v1/telephony/config/locations`. */
export function createLocation(h: HandlerInput): HandlerResult {
  const customer = requireOrg(h);
  requireOrgWritable(customer, h.now);
  const body = parseBody(LocationCreateSchema, h.body);
  requireUniqueName(h.state, customer, body.name, h.now);
  const id = webexId("location", h.rng);
  const record: LocationRecord = {
    ...body,
    id,
    customerId: customer.id,
    orgId: customer.orgId,
    calling: false,
    numbers: [],
    features: 0,
    created: h.now,
  };
  return { state: storeLocation(h.state, record), status: 201, body: { id } };
}

/** `PUT /v1/locations/{id}`: 204. Fields not sent keep their value. */
export function updateLocation(h: HandlerInput): HandlerResult {
  const { location, customer } = requireLocation(h);
  requireOrgWritable(customer, h.now);
  const body = parseBody(LocationUpdateSchema, h.body);
  if (body.name !== undefined) requireUniqueName(h.state, customer, body.name, h.now, location.id);
  const { address, ...fields } = body;
  const next: LocationRecord = {
    ...location,
    ...fields,
    ...(address !== undefined ? { address: { ...location.address, ...address } } : {}),
  };
  return { state: storeLocation(h.state, next), status: 204 };
}

/**
 * `POST /v1/telephony/config/locations`: enables calling at a location of the org, 200 `{ id }`.
 * Enabling a location that already has calling answers the same (a retried request is not an
 * error); a location whose calling was disabled starts again with no PSTN and no numbers.
 */
export function enableCalling(h: HandlerInput): HandlerResult {
  const customer = requireOrg(h);
  requireOrgWritable(customer, h.now);
  const body = parseBody(EnableCallingSchema, h.body);
  if (!customer.packages.some((p) => packageInfo(p)?.calling === true)) {
    fail(1001, `orgId: customer ${customer.id} has no calling package; add one (e.g. webex_calling) to the customer first`);
  }
  const location = customerLocation(h.state, customer, body.id, h.now);
  if (location === undefined) fail(1404, `id: no location ${body.id} in organization ${customer.orgId}.`);
  if (isBeingDisabled(location, h.now)) {
    fail(1602, `id: location ${location.id} is being disabled for calling; wait for its job, then enable it again`);
  }
  const mismatched: string[] = (["name", "timeZone", "preferredLanguage"] as const).filter(
    (k) => body[k] !== undefined && body[k] !== location[k],
  );
  if (body.address !== undefined && !sameAddress(body.address, location.address)) mismatched.push("address");
  if (mismatched.length > 0) {
    fail(1001, `${mismatched.join(", ")}: differ from location ${location.id}; change them with PUT /v1/locations/{id} first`);
  }
  if (location.calling) return { state: h.state, status: 200, body: { id: location.id } };
  const enabled: LocationRecord = {
    ...location,
    calling: true,
    ...(body.announcementLanguage !== undefined ? { announcementLanguage: body.announcementLanguage } : {}),
  };
  return { state: storeLocation(h.state, enabled), status: 200, body: { id: location.id } };
}
