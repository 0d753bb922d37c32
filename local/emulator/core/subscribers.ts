/**
 * Subscribers: synchronous `POST`/`GET`/`PUT`/`DELETE /v1/wholesale/subscribers[/{id}]` and the
 * precheck. Enforces licences (1201), the administrator's package (1202), numbers for calling
 * packages (1203), unique emails (10022) and unique numbers/extensions per customer (1303).
 * GET never returns names, numbers or location, like the real API.
 */
import { fail, RuleFailure, violation, type Violation } from "./catalog";
import {
  type HandlerInput,
  type HandlerResult,
  iso,
  parseBody,
  putRecord,
  requireCustomer,
  requireNotBusy,
  withoutRecords,
} from "./context";
import { subscriberLineViolations } from "./numbers";
import { packageInfo, PACKAGES } from "./packages";
import { paginate } from "./paging";
import { webexId } from "./random";
import { SubscriberCreateSchema, SubscriberUpdateSchema, SubscriberValidateSchema } from "./schemas";
import type { CustomerRecord, State, SubscriberRecord } from "./state";
import {
  CUSTOMERS_BY_EXTERNAL_ID,
  SUBSCRIBERS_BY_CUSTOMER,
  SUBSCRIBERS_BY_EMAIL,
  SUBSCRIBERS_BY_PACKAGE,
  SUBSCRIBERS_BY_PERSON,
} from "./indexes";
import { lookup, recordOf } from "./table";

/** Path of the subscribers collection. */
export const SUBSCRIBERS_PATH = "/v1/wholesale/subscribers";

/** The subscriber as the API returns it: no names, numbers or location. */
export function subscriberView(s: SubscriberRecord, state: State): Record<string, unknown> {
  return {
    id: s.id,
    ...(s.personId !== undefined ? { personId: s.personId } : {}),
    email: s.email,
    customerId: s.customerId,
    externalCustomerId: recordOf(state.customers, s.customerId)?.externalId ?? "",
    packages: s.packages,
    status: s.status,
    errors: s.errors,
    created: iso(s.created),
    lastStatusChange: iso(s.lastStatusChange),
  };
}

/** The subscriber with that id, or 404; one whose customer the acting (sub-)partner cannot see is not found either. */
function requireSubscriber(state: State, id: string): SubscriberRecord {
  const s = recordOf(state.subscribers, id);
  if (s === undefined || !visible(state, s)) fail(1404, `No subscriber with id ${id}.`);
  return s;
}

/** True when the subscriber's customer is in the (scoped) state. */
function visible(state: State, s: SubscriberRecord): boolean {
  return recordOf(state.customers, s.customerId) !== undefined;
}

/** The one package of a body that has `packages: [one]` or the older `package`, never both. */
function onePackage(body: { packages?: string[] | undefined; package?: string | undefined }, required: boolean): string | undefined {
  if (body.packages !== undefined && body.package !== undefined) {
    fail(1001, "packages: send either packages (one item) or the older package field, not both");
  }
  if (body.packages !== undefined && body.packages.length !== 1) {
    fail(1001, `packages: must hold exactly one package, got ${body.packages.length}`);
  }
  const p = body.packages?.[0] ?? body.package;
  if (p === undefined && required) fail(1001, "packages: is required (exactly one package)");
  if (p !== undefined) {
    const info = packageInfo(p);
    if (info === undefined) fail(1002, `packages[0]: unknown package "${p}"; known packages: ${Object.keys(PACKAGES).join(", ")}`);
    if (!info.subscriber) fail(1002, `packages[0]: "${p}" cannot be assigned to a user`);
  }
  return p;
}

/** Refuses subscribers on a customer that is not usable yet or any more. */
function requireUsableCustomer(customer: CustomerRecord, now: number): void {
  requireNotBusy(customer, now);
  if (customer.status === "error" || customer.status === "pending_rpl_review") {
    fail(1001, `customerId: customer ${customer.id} is in status ${customer.status} and cannot take subscribers`);
  }
}

const lower = (s: string): string => s.toLowerCase();

/** True when the email is the customer's primary administrator. */
function isAdmin(customer: CustomerRecord, email: string): boolean {
  const admin = customer.customerInfo?.primaryEmail;
  return admin !== undefined && lower(admin) === lower(email);
}

/** 1201: the package must be the customer's and, for a limited customer, have a licence left. */
function licenceViolations(state: State, customer: CustomerRecord, pkg: string, exceptId?: string): Violation[] {
  if (!customer.packages.includes(pkg)) {
    return [violation(1201, `packages[0]: customer ${customer.id} has no "${pkg}" package; add it to the customer first`)];
  }
  const limit = customer.limits?.[pkg];
  if (customer.limits === null || limit === undefined) return [];
  const holders = lookup(state.subscribers, SUBSCRIBERS_BY_PACKAGE, `${customer.id}\n${pkg}`);
  const used = holders.filter((s) => s.id !== exceptId).length;
  return used >= limit
    ? [
        violation(
          1201,
          `packages[0]: all ${limit} "${pkg}" licences of customer ${customer.id} are assigned; raise the customer's limit first`,
        ),
      ]
    : [];
}

/** 1202: the primary administrator holds exactly the customer's admin package. */
function adminViolations(customer: CustomerRecord, email: string, pkg: string): Violation[] {
  if (!isAdmin(customer, email) || customer.adminPackage === undefined || customer.adminPackage === pkg) return [];
  return [
    violation(
      1202,
      `packages[0]: ${email} is the customer's administrator and must hold "${customer.adminPackage}" (the package level the customer was created with), not "${pkg}"`,
    ),
  ];
}

interface Numbers {
  readonly primaryPhoneNumber?: string | undefined;
  readonly extension?: string | undefined;
  readonly locationId?: string | undefined;
}

/**
 * 1203 and the location: a calling package needs a number or an extension, and a calling
 * location of the customer whose inventory holds the number (`subscriberLineViolations`).
 */
function callingViolations(state: State, customer: CustomerRecord, pkg: string, n: Numbers, now: number): Violation[] {
  const out: Violation[] = [];
  const calling = packageInfo(pkg)?.calling === true;
  if (calling) {
    if (n.primaryPhoneNumber === undefined && n.extension === undefined) {
      out.push(violation(1203, `provisioningParameters: "${pkg}" needs primaryPhoneNumber or extension (or both)`));
    }
    if (n.locationId === undefined) {
      out.push(
        violation(
          1001,
          "provisioningParameters.locationId: is required for a calling package (GET /v1/locations?orgId= lists the headquarters)",
        ),
      );
    } else {
      out.push(...subscriberLineViolations(state, customer, { locationId: n.locationId, primaryPhoneNumber: n.primaryPhoneNumber }, now));
    }
  } else if (n.primaryPhoneNumber !== undefined || n.extension !== undefined || n.locationId !== undefined) {
    out.push(violation(1001, `provisioningParameters: numbers and location are only for calling packages, not "${pkg}"`));
  }
  return out;
}

/** 10022: emails are unique across customers. */
function emailViolations(state: State, email: string, exceptId?: string): Violation[] {
  const other = lookup(state.subscribers, SUBSCRIBERS_BY_EMAIL, lower(email)).find((s) => s.id !== exceptId);
  return other === undefined
    ? []
    : [violation(10022, `email: ${email} is already associated with an existing user (subscriber ${other.id})`)];
}

/** 1303: numbers and extensions are unique within a customer. */
function numberViolations(state: State, customerId: string, n: Numbers, exceptId?: string): Violation[] {
  const out: Violation[] = [];
  for (const s of lookup(state.subscribers, SUBSCRIBERS_BY_CUSTOMER, customerId)) {
    if (s.id === exceptId) continue;
    if (n.primaryPhoneNumber !== undefined && s.primaryPhoneNumber === n.primaryPhoneNumber) {
      out.push(violation(1303, `provisioningParameters.primaryPhoneNumber: ${n.primaryPhoneNumber} is already used by subscriber ${s.id}`));
    }
    if (n.extension !== undefined && s.extension === n.extension) {
      out.push(violation(1303, `provisioningParameters.extension: ${n.extension} is already used by subscriber ${s.id}`));
    }
  }
  return out;
}

function throwIfAny(violations: readonly Violation[]): void {
  if (violations.length > 0) throw new RuleFailure(violations);
}

/** `POST /v1/wholesale/subscribers`: 200, or 202 `pending_user_migration` for a free Webex account. */
export function createSubscriber(h: HandlerInput): HandlerResult {
  const body = parseBody(SubscriberCreateSchema, h.body);
  const pkg = onePackage(body, true) ?? "";
  const customer = requireCustomer(h.state, body.customerId);
  requireUsableCustomer(customer, h.now);
  const p = body.provisioningParameters ?? {};
  throwIfAny([
    ...callingViolations(h.state, customer, pkg, p, h.now),
    ...adminViolations(customer, body.email, pkg),
    ...licenceViolations(h.state, customer, pkg),
  ]);
  throwIfAny([...emailViolations(h.state, body.email), ...numberViolations(h.state, customer.id, p)]);

  const pending = h.state.fixtures.freeAccountEmails.includes(lower(body.email));
  const id = webexId("subscriber", h.rng);
  const record: SubscriberRecord = {
    id,
    customerId: customer.id,
    email: body.email,
    packages: [pkg],
    ...(p.firstName !== undefined ? { firstName: p.firstName } : {}),
    ...(p.lastName !== undefined ? { lastName: p.lastName } : {}),
    ...(p.primaryPhoneNumber !== undefined ? { primaryPhoneNumber: p.primaryPhoneNumber } : {}),
    ...(p.extension !== undefined ? { extension: p.extension } : {}),
    ...(p.locationId !== undefined ? { locationId: p.locationId } : {}),
    status: pending ? "pending_user_migration" : "provisioned",
    ...(pending ? {} : { personId: webexId("person", h.rng) }),
    errors: [],
    created: h.now,
    lastStatusChange: h.now,
  };
  const state: State = { ...h.state, subscribers: putRecord(h.state.subscribers, id, record) };
  return {
    state,
    status: pending ? 202 : 200,
    headers: { Location: `${h.baseUrl}${SUBSCRIBERS_PATH}/${encodeURIComponent(id)}` },
    body: subscriberView(record, state),
  };
}

/** `POST /v1/wholesale/subscribers/validate`: the checks that the given fields allow; nothing changed. */
export function validateSubscriber(h: HandlerInput): HandlerResult {
  const body = parseBody(SubscriberValidateSchema, h.body);
  const pkg = onePackage(body, false);
  const p = body.provisioningParameters ?? {};
  if (body.provisioningId !== undefined && !Object.values(h.state.templates).some((t) => t.provisioningId === body.provisioningId)) {
    fail(1001, `provisioningId: no onboarding template has provisioningId ${body.provisioningId}; copy it from the template`);
  }
  if (body.customerId !== undefined) {
    const customer = requireCustomer(h.state, body.customerId);
    requireUsableCustomer(customer, h.now);
    if (pkg !== undefined) {
      throwIfAny([
        ...callingViolations(h.state, customer, pkg, p, h.now),
        ...adminViolations(customer, body.email, pkg),
        ...licenceViolations(h.state, customer, pkg),
      ]);
    }
    throwIfAny(numberViolations(h.state, customer.id, p));
  }
  throwIfAny(emailViolations(h.state, body.email));
  return {
    state: h.state,
    status: 200,
    body: { message: "success", info: [{ infoCode: 100, description: "The subscriber can be provisioned with this request." }] },
  };
}

/** `GET /v1/wholesale/subscribers/{id}`. */
export function getSubscriber(h: HandlerInput): HandlerResult {
  const s = requireSubscriber(h.state, h.params["id"] ?? "");
  return { state: h.state, status: 200, body: subscriberView(s, h.state) };
}

/**
 * A time filter (`after`, `lastStatusChange`): epoch milliseconds, or an ISO 8601 date as the spec
 * also accepts; null when absent.
 */
function timeParam(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null) return null;
  const ms = /^\d+$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) fail(1001, `${name}: must be epoch milliseconds or an ISO 8601 date, got "${raw}"`);
  return ms;
}

/** One of `allowed`, or `fallback` when absent; anything else is 1001 naming the choices. */
function choiceParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const hit = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (hit === undefined) fail(1001, `${name}: must be one of ${allowed.join(", ")}, got "${raw}"`);
  return hit;
}

/**
 * `GET /v1/wholesale/subscribers?customerId=&personId=&email=&externalCustomerId=&status=&after=
 * &lastStatusChange=&sortBy=&sortOrder=&offset=&max=`: every filter of the spec, sorted by `created`
 * (default) or `lastStatusChange`, ascending unless `sortOrder=DESC`.
 */
export function listSubscribers(h: HandlerInput): HandlerResult {
  const customerId = h.query.get("customerId");
  const personId = h.query.get("personId");
  const email = h.query.get("email");
  const externalCustomerId = h.query.get("externalCustomerId");
  const status = h.query.get("status");
  const after = timeParam(h.query, "after");
  const changedAfter = timeParam(h.query, "lastStatusChange");
  const sortBy = choiceParam(h.query, "sortBy", ["created", "lastStatusChange"] as const, "created");
  const sign = choiceParam(h.query, "sortOrder", ["ASC", "DESC"] as const, "ASC") === "ASC" ? 1 : -1;
  const matches = candidates(h.state, { customerId, personId, email, externalCustomerId })
    .filter(
      (s) =>
        visible(h.state, s) &&
        (customerId === null || s.customerId === customerId) &&
        (personId === null || s.personId === personId) &&
        (email === null || lower(s.email) === lower(email)) &&
        (externalCustomerId === null || recordOf(h.state.customers, s.customerId)?.externalId === externalCustomerId) &&
        (status === null || s.status === status) &&
        (after === null || s.created > after) &&
        (changedAfter === null || s.lastStatusChange > changedAfter),
    )
    .sort((a, b) => sign * (a[sortBy] - b[sortBy]));
  const page = paginate(matches, h.query, { defaultMax: 50, maxMax: 100 }, h.baseUrl, h.path);
  return { state: h.state, status: 200, headers: page.headers, body: { items: page.items.map((s) => subscriberView(s, h.state)) } };
}

/**
 * The subscribers a list can match, from the most selective index its filters allow (one
 * email, one customer, one person), so the provider's lookup by email costs O(matches), not
 * O(subscribers). Only an unfiltered list (or one by status or time alone) reads them all.
 */
function candidates(
  state: State,
  f: { customerId: string | null; personId: string | null; email: string | null; externalCustomerId: string | null },
): SubscriberRecord[] {
  if (f.email !== null) return lookup(state.subscribers, SUBSCRIBERS_BY_EMAIL, lower(f.email));
  if (f.personId !== null) return lookup(state.subscribers, SUBSCRIBERS_BY_PERSON, f.personId);
  if (f.customerId !== null) return lookup(state.subscribers, SUBSCRIBERS_BY_CUSTOMER, f.customerId);
  if (f.externalCustomerId !== null) {
    return lookup(state.customers, CUSTOMERS_BY_EXTERNAL_ID, f.externalCustomerId).flatMap((c) =>
      lookup(state.subscribers, SUBSCRIBERS_BY_CUSTOMER, c.id),
    );
  }
  return Object.values(state.subscribers);
}

/** `PUT /v1/wholesale/subscribers/{id}`: changes the package (numbers only when moving to calling). */
export function updateSubscriber(h: HandlerInput): HandlerResult {
  const current = requireSubscriber(h.state, h.params["id"] ?? "");
  const customer = requireCustomer(h.state, current.customerId);
  requireUsableCustomer(customer, h.now);
  const body = parseBody(SubscriberUpdateSchema, h.body);
  const pkg = onePackage(body, true) ?? "";
  const p = body.provisioningParameters ?? {};

  const immutable: Violation[] = [];
  if (body.email !== undefined && lower(body.email) !== lower(current.email)) immutable.push(violation(1001, "email: cannot be changed"));
  if (body.customerId !== undefined && body.customerId !== current.customerId)
    immutable.push(violation(1001, "customerId: cannot be changed"));
  if (p.firstName !== undefined && p.firstName !== current.firstName)
    immutable.push(violation(1001, "provisioningParameters.firstName: cannot be changed"));
  if (p.lastName !== undefined && p.lastName !== current.lastName)
    immutable.push(violation(1001, "provisioningParameters.lastName: cannot be changed"));
  throwIfAny(immutable);

  const wasCalling = packageInfo(current.packages[0] ?? "")?.calling === true;
  const isCalling = packageInfo(pkg)?.calling === true;
  const sent: Numbers = { primaryPhoneNumber: p.primaryPhoneNumber, extension: p.extension, locationId: p.locationId };
  const anyNumbers = sent.primaryPhoneNumber !== undefined || sent.extension !== undefined || sent.locationId !== undefined;
  let numbers: Numbers;
  if (isCalling && !wasCalling) {
    numbers = sent;
  } else if (isCalling && wasCalling) {
    const changed =
      (sent.primaryPhoneNumber !== undefined && sent.primaryPhoneNumber !== current.primaryPhoneNumber) ||
      (sent.extension !== undefined && sent.extension !== current.extension) ||
      (sent.locationId !== undefined && sent.locationId !== current.locationId);
    if (changed)
      fail(1001, "provisioningParameters: numbers and location change only when moving from a non-calling package to a calling one");
    numbers = { primaryPhoneNumber: current.primaryPhoneNumber, extension: current.extension, locationId: current.locationId };
  } else {
    if (anyNumbers) fail(1001, `provisioningParameters: numbers and location are only for calling packages, not "${pkg}"`);
    numbers = {};
  }

  const changedPackage = pkg !== current.packages[0];
  throwIfAny([
    ...(isCalling && !wasCalling ? callingViolations(h.state, customer, pkg, numbers, h.now) : []),
    ...adminViolations(customer, current.email, pkg),
    ...(changedPackage ? licenceViolations(h.state, customer, pkg, current.id) : []),
  ]);
  if (isCalling && !wasCalling) throwIfAny(numberViolations(h.state, customer.id, numbers, current.id));

  const next: SubscriberRecord = {
    id: current.id,
    customerId: current.customerId,
    email: current.email,
    packages: [pkg],
    ...(current.firstName !== undefined ? { firstName: current.firstName } : {}),
    ...(current.lastName !== undefined ? { lastName: current.lastName } : {}),
    ...(numbers.primaryPhoneNumber !== undefined ? { primaryPhoneNumber: numbers.primaryPhoneNumber } : {}),
    ...(numbers.extension !== undefined ? { extension: numbers.extension } : {}),
    ...(numbers.locationId !== undefined ? { locationId: numbers.locationId } : {}),
    status: current.status,
    ...(current.personId !== undefined ? { personId: current.personId } : {}),
    errors: current.errors,
    created: current.created,
    lastStatusChange: changedPackage ? h.now : current.lastStatusChange,
  };
  const state: State = { ...h.state, subscribers: putRecord(h.state.subscribers, current.id, next) };
  return { state, status: 200, body: subscriberView(next, state) };
}

/** `DELETE /v1/wholesale/subscribers/{id}`: 204. */
export function deleteSubscriber(h: HandlerInput): HandlerResult {
  const current = requireSubscriber(h.state, h.params["id"] ?? "");
  const customer = h.state.customers[current.customerId];
  if (customer !== undefined) requireNotBusy(customer, h.now);
  const state: State = { ...h.state, subscribers: withoutRecords(h.state.subscribers, new Set([current.id])) };
  return { state, status: 204 };
}

/**
 * `POST /v1/subscribers/{id}/emails/consentMove`: 204. Asks the owner of a free Webex account to
 * consent to the move. [project] The emulator takes the consent as given at once: the subscriber
 * becomes `provisioned` with a `personId`. A subscriber not waiting for consent is 400/1001.
 */
export function consentMove(h: HandlerInput): HandlerResult {
  const current = requireSubscriber(h.state, h.params["id"] ?? "");
  if (current.status !== "pending_user_migration") {
    fail(1001, `subscriberId: subscriber ${current.id} is ${current.status}; consentMove is only for pending_user_migration subscribers`);
  }
  const next: SubscriberRecord = { ...current, status: "provisioned", personId: webexId("person", h.rng), lastStatusChange: h.now };
  return { state: { ...h.state, subscribers: putRecord(h.state.subscribers, current.id, next) }, status: 204 };
}
