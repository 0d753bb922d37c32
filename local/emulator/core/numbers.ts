/**
 * Phone numbers of the customers' locations: add, activate and remove
 * (`POST`/`PUT`/`DELETE /v1/telephony/config/locations/{id}/numbers`), the org's inventory
 * (`GET /v1/telephony/config/numbers`), the availability precheck
 * (`POST /v1/telephony/config/actions/validateNumbers/invoke`) and the check a calling
 * subscriber's number must pass. A number's owner is never stored: it is the subscriber of the
 * same customer whose `primaryPhoneNumber` it is, so a user's deletion frees it at once.
 */
import { fail, RuleFailure, violation, type Violation } from "./catalog";
import { type HandlerInput, type HandlerResult, parseBody } from "./context";
import {
  customerLocation,
  effectiveLocation,
  isBeingDisabled,
  locationsOfCustomer,
  requireLocation,
  requireOrg,
  requireOrgWritable,
  storeLocation,
} from "./locations";
import { paginate } from "./paging";
import type { Rng } from "./random";
import { type NumberOperation, numberViolations } from "./rules";
import { E164Schema, NumbersActivateSchema, NumbersAddSchema, NumbersRemoveSchema, NumbersValidateSchema } from "./schemas";
import type { CustomerRecord, LocationRecord, NumberRecord, State, SubscriberRecord } from "./state";
import { LOCATIONS_BY_NUMBER, SUBSCRIBERS_BY_CUSTOMER } from "./indexes";
import { countOf, lookup } from "./table";

/** The customer's subscribers by the number they hold. */
function holders(state: State, customerId: string): Map<string, SubscriberRecord> {
  const out = new Map<string, SubscriberRecord>();
  for (const s of lookup(state.subscribers, SUBSCRIBERS_BY_CUSTOMER, customerId)) {
    if (s.primaryPhoneNumber !== undefined) out.set(s.primaryPhoneNumber, s);
  }
  return out;
}

/** A subscriber as a number's owner in messages: name when known, always the id. */
function ownerLabel(s: SubscriberRecord): string {
  const name = [s.firstName, s.lastName].filter((x) => x !== undefined).join(" ");
  return `${name !== "" ? `${name} ` : ""}(${s.email}, subscriber ${s.id})`;
}

/**
 * Where each of `wanted` already is, across every org, through the index of numbers:
 * "location X (id) of this organization", or "another organization's inventory" (another org's
 * location is not named). Numbers in no inventory are absent from the answer.
 */
function whereAre(state: State, orgId: string, now: number, wanted: readonly string[]): Map<string, string> {
  const looking = new Set(wanted);
  const found = new Map<string, string>();
  const stores = new Set(wanted.flatMap((n) => lookup(state.locations, LOCATIONS_BY_NUMBER, n)));
  for (const stored of stores) {
    const l = stored.disabling === undefined ? stored : effectiveLocation(stored, now);
    for (const n of l.numbers) {
      if (!looking.has(n.phoneNumber)) continue;
      found.set(
        n.phoneNumber,
        l.orgId === orgId ? `location ${l.name} (${l.id}) of this organization` : "another organization's inventory",
      );
    }
  }
  return found;
}

/** Runs the number rules for one request on the path's location; returns it and its customer. */
function judged(h: HandlerInput, op: NumberOperation, phoneNumbers: readonly string[], numberType: NumberRecord["numberType"] = "DID") {
  const { location, customer } = requireLocation(h);
  requireOrgWritable(customer, h.now);
  const owners = holders(h.state, customer.id);
  const elsewhere = op === "add" ? whereAre(h.state, location.orgId, h.now, phoneNumbers) : new Map<string, string>();
  const found = numberViolations({
    op,
    phoneNumbers,
    numberType,
    location,
    beingDisabled: isBeingDisabled(location, h.now),
    elsewhere: (n) => elsewhere.get(n),
    owner: (n) => {
      const s = owners.get(n);
      return s !== undefined ? ownerLabel(s) : undefined;
    },
  });
  if (found.length > 0) throw new RuleFailure(found);
  return { location, customer };
}

/**
 * `POST /v1/telephony/config/locations/{id}/numbers`: 200, no body. [project] Numbers start
 * `INACTIVE` unless `state: ACTIVE` is sent; mobile numbers stay `INACTIVE` until a user takes one.
 */
export function addNumbers(h: HandlerInput): HandlerResult {
  const body = parseBody(NumbersAddSchema, h.body);
  const numberType = body.numberType ?? "DID";
  const { location } = judged(h, "add", body.phoneNumbers, numberType);
  const state = numberType !== "MOBILE" && body.state === "ACTIVE" ? "ACTIVE" : "INACTIVE";
  const added: NumberRecord[] = body.phoneNumbers.map((phoneNumber) => ({
    phoneNumber,
    state,
    numberType,
    numberUsageType: body.numberUsageType ?? "NONE",
    fromProvider: false,
  }));
  return { state: storeLocation(h.state, { ...location, numbers: [...location.numbers, ...added] }), status: 200 };
}

/** `PUT /v1/telephony/config/locations/{id}/numbers`: activates numbers of the location, 204. */
export function activateNumbers(h: HandlerInput): HandlerResult {
  const body = parseBody(NumbersActivateSchema, h.body);
  const { location } = judged(h, "activate", body.phoneNumbers);
  const numbers = location.numbers.map((n) => (body.phoneNumbers.includes(n.phoneNumber) ? { ...n, state: "ACTIVE" as const } : n));
  return { state: storeLocation(h.state, { ...location, numbers }), status: 204 };
}

/** `DELETE /v1/telephony/config/locations/{id}/numbers` (body `phoneNumbers`, at most 5): 204. */
export function removeNumbers(h: HandlerInput): HandlerResult {
  const body = parseBody(NumbersRemoveSchema, h.body);
  const { location } = judged(h, "remove", body.phoneNumbers);
  const numbers = location.numbers.filter((n) => !body.phoneNumbers.includes(n.phoneNumber));
  return { state: storeLocation(h.state, { ...location, numbers }), status: 204 };
}

/** A boolean query parameter (`true`/`false`), or undefined when absent. */
function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw !== "true" && raw !== "false") fail(1001, `${name}: must be true or false, got "${raw}"`);
  return raw === "true";
}

/** One enum query parameter, or undefined when absent. */
function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!(allowed as readonly string[]).includes(raw)) fail(1001, `${name}: must be one of ${allowed.join(", ")}, got "${raw}"`);
  return raw as T;
}

/** One inventory entry with its location and derived owner. */
interface Entry {
  readonly n: NumberRecord;
  readonly location: LocationRecord;
  readonly owner: SubscriberRecord | undefined;
}

/** The state a number shows: a mobile number is active while a user holds it (Cisco: "activated upon assignment"). */
function shownState(e: Entry): NumberRecord["state"] {
  return e.n.numberType === "MOBILE" && e.owner !== undefined ? "ACTIVE" : e.n.state;
}

/**
 * An inventory entry as `GET /v1/telephony/config/numbers` returns it. Cisco's spec requires
 * `phoneNumberType` on every entry; [project] a number no one holds shows `PRIMARY` too (the type
 * it takes once a user holds it: the emulator assigns numbers as primary numbers only), found
 * missing by the API fuzzer listing a number just added to a location.
 */
function numberView(e: Entry): Record<string, unknown> {
  const o = e.owner;
  return {
    phoneNumber: e.n.phoneNumber,
    ...(o?.extension !== undefined ? { extension: o.extension } : {}),
    state: shownState(e),
    phoneNumberType: "PRIMARY",
    mainNumber: e.location.mainNumber === e.n.phoneNumber,
    includedTelephonyTypes: e.n.numberType === "MOBILE" ? "MOBILE_NUMBER" : "PSTN_NUMBER",
    tollFreeNumber: e.n.numberType === "TOLLFREE",
    isServiceNumber: e.n.numberUsageType === "SERVICE",
    location: { id: e.location.id, name: e.location.name },
    ...(o !== undefined
      ? {
          owner: {
            id: o.personId ?? o.id,
            type: "PEOPLE",
            ...(o.firstName !== undefined ? { firstName: o.firstName } : {}),
            ...(o.lastName !== undefined ? { lastName: o.lastName } : {}),
          },
        }
      : {}),
  };
}

/**
 * `GET /v1/telephony/config/numbers?orgId=`: the org's inventory sorted by number, `{ phoneNumbers }`
 * (plus `count` with `details=true`), paged with `start`/`max` (default and maximum 2000). Filters:
 * `locationId`, `phoneNumber`, `available`, `state`, `ownerId`, `ownerName` (contains),
 * `ownerType`, `extension`, `includedTelephonyTypes`, `tollFreeNumbers`, `serviceNumber`.
 */
export function listNumbers(h: HandlerInput): HandlerResult {
  const customer = requireOrg(h);
  const q = h.query;
  const locationId = q.get("locationId");
  const phoneNumber = q.get("phoneNumber");
  const available = boolParam(q, "available");
  const state = enumParam(q, "state", ["ACTIVE", "INACTIVE"] as const);
  const ownerId = q.get("ownerId");
  const ownerName = q.get("ownerName")?.toLowerCase();
  const ownerType = q.get("ownerType");
  const extension = q.get("extension");
  const telephony = enumParam(q, "includedTelephonyTypes", ["PSTN_NUMBER", "MOBILE_NUMBER"] as const);
  const tollFree = boolParam(q, "tollFreeNumbers");
  const service = boolParam(q, "serviceNumber");
  const details = boolParam(q, "details") === true;
  const owners = holders(h.state, customer.id);
  const entries: Entry[] = locationsOfCustomer(h.state, customer, h.now).flatMap((location) =>
    location.numbers.map((n) => ({ n, location, owner: owners.get(n.phoneNumber) })),
  );
  const matches = entries
    .filter(
      (e) =>
        (locationId === null || e.location.id === locationId) &&
        (phoneNumber === null || e.n.phoneNumber === phoneNumber) &&
        (available === undefined || (e.owner === undefined) === available) &&
        (state === undefined || shownState(e) === state) &&
        (ownerId === null || (e.owner !== undefined && (e.owner.personId === ownerId || e.owner.id === ownerId))) &&
        (ownerName === undefined ||
          (e.owner !== undefined && `${e.owner.firstName ?? ""} ${e.owner.lastName ?? ""}`.toLowerCase().includes(ownerName))) &&
        (ownerType === null || (e.owner !== undefined && ownerType === "PEOPLE")) &&
        (extension === null || e.owner?.extension === extension) &&
        (telephony === undefined || (e.n.numberType === "MOBILE") === (telephony === "MOBILE_NUMBER")) &&
        (tollFree === undefined || (e.n.numberType === "TOLLFREE") === tollFree) &&
        (service === undefined || (e.n.numberUsageType === "SERVICE") === service),
    )
    .sort((a, b) => (a.n.phoneNumber < b.n.phoneNumber ? -1 : a.n.phoneNumber > b.n.phoneNumber ? 1 : 0));
  const page = paginate(matches, q, { defaultMax: 2000, maxMax: 2000, offsetParam: "start" }, h.baseUrl, h.path);
  const count = {
    assigned: matches.filter((e) => e.owner !== undefined).length,
    unAssigned: matches.filter((e) => e.owner === undefined).length,
    inActive: matches.filter((e) => shownState(e) === "INACTIVE").length,
    extensionOnly: 0,
    tollFreeNumbers: matches.filter((e) => e.n.numberType === "TOLLFREE").length,
    total: matches.length,
    mobileNumber: matches.filter((e) => e.n.numberType === "MOBILE").length,
    serviceNumber: matches.filter((e) => e.n.numberUsageType === "SERVICE").length,
  };
  return {
    state: h.state,
    status: 200,
    headers: page.headers,
    body: { phoneNumbers: page.items.map(numberView), ...(details ? { count } : {}) },
  };
}

/** North American toll-free prefixes (the `tollFreeNumber` flag of the precheck). */
const TOLL_FREE = /^\+18(00|33|44|55|66|77|88)/;

/**
 * `POST /v1/telephony/config/actions/validateNumbers/invoke?orgId=`: per number `Available`,
 * `Duplicate` (listed twice), `Invalid` (not E.164) or `Unavailable` (already in an inventory);
 * `status` is `OK` only when all are available. Nothing changes.
 */
export function validateNumbers(h: HandlerInput): HandlerResult {
  const customer = requireOrg(h);
  const body = parseBody(NumbersValidateSchema, h.body);
  const elsewhere = whereAre(h.state, customer.orgId, h.now, body.phoneNumbers);
  const numbers = body.phoneNumbers.map((number, i) => {
    const tollFreeNumber = TOLL_FREE.test(number);
    if (!E164Schema.safeParse(number).success) {
      return { number, state: "Invalid", tollFreeNumber, detail: [`${number} is not an E.164 number such as +14155550100`] };
    }
    if (body.phoneNumbers.indexOf(number) !== i) {
      return { number, state: "Duplicate", tollFreeNumber, detail: [`${number} is listed more than once`] };
    }
    const at = elsewhere.get(number);
    if (at !== undefined) return { number, state: "Unavailable", tollFreeNumber, detail: [`${number} is unavailable: already in ${at}`] };
    return { number, state: "Available", tollFreeNumber };
  });
  return { state: h.state, status: 200, body: { status: numbers.every((n) => n.state === "Available") ? "OK" : "ERRORS", numbers } };
}

/** [project] How many numbers an integrated PSTN provider puts into a location. */
export const PROVIDER_NUMBER_COUNT = 5;

/**
 * Numbers an integrated PSTN provider brings: `ACTIVE` DIDs in the fictional `+1 212 555 01xx`…
 * range, drawn from the PRNG and free in every inventory.
 */
export function providerNumbers(state: State, rng: Rng, count = PROVIDER_NUMBER_COUNT): NumberRecord[] {
  const taken = new Set<string>();
  const out: NumberRecord[] = [];
  while (out.length < count) {
    const phoneNumber = `+1212555${String(rng.nextUint32() % 10_000).padStart(4, "0")}`;
    if (taken.has(phoneNumber) || countOf(state.locations, LOCATIONS_BY_NUMBER, phoneNumber) > 0) continue;
    taken.add(phoneNumber);
    out.push({ phoneNumber, state: "ACTIVE", numberType: "DID", numberUsageType: "NONE", fromProvider: true });
  }
  return out;
}

/** A calling subscriber's location and number, as sent. */
export interface SubscriberLine {
  readonly locationId: string;
  readonly primaryPhoneNumber?: string | undefined;
}

/**
 * What a calling subscriber's location and number must satisfy: a calling location of the same
 * customer (not being disabled), and a number from that location's inventory, `ACTIVE` (a mobile
 * number becomes active by being taken). [project] A headquarters without a PSTN connection keeps
 * the emulator's earlier rule (any E.164 number, unique in the customer, 1303), so customers
 * provisioned before numbers existed stay usable; any other location without PSTN has no numbers.
 */
export function subscriberLineViolations(state: State, customer: CustomerRecord, line: SubscriberLine, now: number): Violation[] {
  const location = customerLocation(state, customer, line.locationId, now);
  const path = "provisioningParameters";
  if (location === undefined) {
    return [
      violation(
        1001,
        `${path}.locationId: ${line.locationId} is not a location of customer ${customer.id} (GET /v1/locations?orgId= lists them)`,
      ),
    ];
  }
  if (!location.calling || isBeingDisabled(location, now)) {
    return [
      violation(
        1602,
        `${path}.locationId: location ${location.name} (${location.id}) is not enabled for Webex Calling; enable it with POST /v1/telephony/config/locations or choose another location`,
      ),
    ];
  }
  const n = line.primaryPhoneNumber;
  if (n === undefined) return [];
  if (location.pstn === undefined) {
    return location.id === customer.headquarters?.id
      ? []
      : [
          violation(
            1603,
            `${path}.primaryPhoneNumber: location ${location.name} has no PSTN connection, so no numbers; set one up and add ${n}, or give only an extension`,
          ),
        ];
  }
  const record = location.numbers.find((x) => x.phoneNumber === n);
  if (record === undefined) {
    return [
      violation(
        1609,
        `${path}.primaryPhoneNumber: ${n} is not a number of location ${location.name}; add it with POST /v1/telephony/config/locations/{id}/numbers first`,
      ),
    ];
  }
  if (record.numberType !== "MOBILE" && record.state !== "ACTIVE") {
    return [
      violation(
        1610,
        `${path}.primaryPhoneNumber: ${n} is INACTIVE; activate it with PUT /v1/telephony/config/locations/{id}/numbers first`,
      ),
    ];
  }
  return [];
}
