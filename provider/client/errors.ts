/**
 * Typed errors of the provisioning API, built by one factory from a response.
 *
 * Modelled on stripe-node: one base class carrying what support needs (HTTP status, the API's
 * error codes, its tracking id, method and path), subclasses named after what went wrong, and
 * messages that say what to do next. Nothing here ever holds the bearer token: errors are built
 * from plain values (never from an axios error, whose `config.headers` carries it), and every
 * text that came from the server passes through a redactor before it lands in a message. The base
 * class escapes control characters in the message, the descriptions and the tracking id: an answer
 * is untrusted text, and an escape sequence or a line break in it would otherwise reach the
 * operator's terminal raw through the engine's error line (see `../text.ts`).
 */
import { escapeControl } from "../text";
import { ErrorBodySchema, type ApiErrorItem } from "./schemas";

/**
 * Why no HTTP answer came back.
 * - `refused`: nothing listened (ECONNREFUSED); the server cannot have acted.
 * - `unreachable`: DNS failure or no route; the request never left, the server cannot have acted.
 * - `reset`: the connection broke after the request was sent; the server may have acted.
 * - `timeout`: no complete answer in time; the server may have acted.
 * - `other`: any other transport failure; treated like `reset` (may have acted).
 */
export type ConnectionErrorKind = "refused" | "unreachable" | "reset" | "timeout" | "other";

/** What every error of this module is built from. */
export interface ProvisioningApiErrorInit {
  /** Full message; the factory composes it with hints and the tracking id. */
  message: string;
  /** HTTP status, absent when no answer came back (connection errors, polling outcomes). */
  status?: number;
  /** The API's `errors[].errorCode` values (empty for the real API, which rarely sends them). */
  errorCodes?: number[];
  /** The API's `errors[].description` values, or its `message` when there are none. */
  descriptions?: string[];
  /** The server's tracking id when it sent one, else the one this client generated. */
  trackingId?: string;
  /** HTTP method of the call. */
  method: string;
  /** Path of the call, without query string (e.g. `/v1/wholesale/customers/abc`). */
  path: string;
  /** Whether the same call may succeed if tried again later (transient failure). */
  retryable?: boolean;
  /** True when a non-idempotent request (a POST) may have been applied although it failed. */
  outcomeUnknown?: boolean;
  /** Delay the server asked for (`Retry-After`), in ms, when it sent a sane one. */
  retryAfterMs?: number;
}

/**
 * Base class of every error the client throws about the provisioning API.
 *
 * @example
 * ```ts
 * try { await client.customers.get(id); }
 * catch (e) { if (e instanceof NotFoundError) return undefined; throw e; }
 * ```
 */
export class ProvisioningApiError extends Error {
  /** HTTP status of the answer; absent when none came back. */
  readonly status?: number;
  /** The API's error codes (may be empty: the real API rarely sends codes). */
  readonly errorCodes: number[];
  /** The API's own descriptions of what went wrong. */
  readonly descriptions: string[];
  /** Tracking id to quote to Cisco support: the server's, else the one the client sent. */
  readonly trackingId?: string;
  /** HTTP method of the failed call. */
  readonly method: string;
  /** Path of the failed call (no query string). */
  readonly path: string;
  /** Whether the failure is transient (trying again later may succeed). */
  readonly retryable: boolean;
  /** True when a non-idempotent request may have been applied: look the object up before retrying. */
  readonly outcomeUnknown: boolean;
  /** `Retry-After` the server sent, in ms, when sane. */
  readonly retryAfterMs?: number;

  /** Builds the error from plain values (the client itself builds them from responses with the internal `errorFromResponse`). Control characters are escaped. */
  constructor(init: ProvisioningApiErrorInit) {
    super(escapeControl(init.message));
    // Own property rather than prototype lookup, so `String(err)` and logs show the subclass.
    this.name = new.target.name;
    this.status = init.status;
    this.errorCodes = init.errorCodes ?? [];
    this.descriptions = (init.descriptions ?? []).map(escapeControl);
    this.trackingId = init.trackingId === undefined ? undefined : escapeControl(init.trackingId);
    this.method = init.method;
    this.path = init.path;
    this.retryable = init.retryable ?? false;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 400: the request broke a rule of the API (codes 1001–1203). */
export class ValidationError extends ProvisioningApiError {}
/** 401: the access token is missing, invalid or expired. */
export class AuthenticationError extends ProvisioningApiError {}
/** 403: the token lacks a scope, or the partner may not act on this object. */
export class PermissionError extends ProvisioningApiError {}
/** 404 (and 410): the object does not exist, or the endpoint does not (templates on webexapis.com). */
export class NotFoundError extends ProvisioningApiError {}
/** 409: the request conflicts with existing state (duplicate externalId, email, number, name...). */
export class ConflictError extends ProvisioningApiError {}
/** 423: the customer is busy provisioning, updating or deleting. */
export class LockedError extends ProvisioningApiError {}
/** 429: rate limited. */
export class RateLimitError extends ProvisioningApiError {}
/** 5xx: the service failed. */
export class ServerError extends ProvisioningApiError {}

/** No HTTP answer came back: refused, unreachable, reset or timed out (see {@link ConnectionErrorKind}). */
export class ConnectionError extends ProvisioningApiError {
  /** What happened to the connection. */
  readonly kind: ConnectionErrorKind;
  /** Builds the error; `kind` says what happened on the wire. */
  constructor(init: ProvisioningApiErrorInit & { kind: ConnectionErrorKind }) {
    super(init);
    this.kind = init.kind;
  }
}

/**
 * An accepted write failed asynchronously: the object went to `provisioned_with_errors` or `error`.
 * The object exists (its `id` is known), so a caller can record it as partially created.
 */
export class ProvisioningFailedError extends ProvisioningApiError {
  /** Id of the object that failed. */
  readonly id: string;
  /** The object's status (`provisioned_with_errors`, `error`). */
  readonly provisioningStatus: string;
  /** The API's `errors[]` for the object (customer-level, then per-package entries). */
  readonly errors: ApiErrorItem[];
  /** Builds the error from the failed object's id, status and errors. */
  constructor(init: ProvisioningApiErrorInit & { id: string; provisioningStatus: string; errors: ApiErrorItem[] }) {
    super(init);
    this.id = init.id;
    this.provisioningStatus = init.provisioningStatus;
    this.errors = init.errors;
  }
}

/** An object did not reach a terminal status in time. It may still get there: read it again later. */
export class ProvisioningTimeoutError extends ProvisioningApiError {
  /** Id of the object polled, when known. */
  readonly id?: string;
  /** Last status seen, when any poll answered. */
  readonly lastStatus?: string;
  /** Time spent waiting, in ms. */
  readonly elapsedMs: number;
  /** The timeout that expired, in ms. */
  readonly timeoutMs: number;
  /** Builds the error from what the poller saw. */
  constructor(init: ProvisioningApiErrorInit & { id?: string; lastStatus?: string; elapsedMs: number; timeoutMs: number }) {
    super({ retryable: true, ...init });
    this.id = init.id;
    this.lastStatus = init.lastStatus;
    this.elapsedMs = init.elapsedMs;
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * What to do next, per API error code (provisioning-api.md, "Errors"). Combined with the API's own
 * description, which names the field or package concerned.
 */
export const ERROR_CODE_HINTS: Readonly<Record<number, string>> = {
  1001: "Fix the field named in the description: the body failed the API's validation.",
  1002: "Use a package name the API knows (see PACKAGES); check the spelling.",
  1003:
    "Add the package this one depends on: cisco_calling_plan needs a calling package (webex_calling, webex_voice, " +
    "webex_calling_standard, webex_suite, cx_essentials or common_area_calling); attendant_console needs " +
    "webex_calling, webex_suite or cx_essentials.",
  1101: "Give every quantity as a whole number of at least 1 (zero and negatives are refused).",
  1102: "Quantities can only be raised: set a quantity at least equal to the current one.",
  1103:
    "Lower the quantity to the subscription's maximum for that package, or have the wholesale subscription's " + "maximum raised first.",
  1104: "This customer was created without quantities and cannot become limited: remove the quantities.",
  1105: "This customer was created with quantities: give a quantity for every limitable package.",
  1106: "Give a quantity for every limitable package or for none: limits cannot be mixed.",
  1107: "Remove the quantity from packages that cannot be limited (cisco_calling_plan, the contact-centre and AI packages).",
  1108: "This customer is migrating from Webex for BroadWorks: remove the quantities until the migration is complete.",
  1109: "Move the users holding this package to another package (or remove them) before removing it from the customer.",
  1201:
    "The package's quantity is used up: raise the customer's quantity for this package, or free a licence, " + "before adding this user.",
  1202:
    "Give this administrator the customer's admin package (the package level the customer was created with); " +
    "an administrator's package cannot be lowered.",
  1203: "A calling package needs a phone number or an extension (or both): add one.",
  1301:
    "Another customer already uses this externalId: choose another one, or declare the existing customer with " +
    "inputs that match it so it is adopted.",
  10022:
    "This email already belongs to a Webex user (in another organisation, or left behind by a deleted customer, " +
    "whose people persist): use another email or remove that user in Control Hub first.",
  1303: "Choose a phone number and extension that no other user of this customer holds.",
  1304: "Delete or move the customers created from this template before deleting the template.",
  1305: "Choose another template name, or declare the existing template with matching inputs so it is adopted.",
  1404: "The object no longer exists (deleted outside this program?): refresh to drop it from state, or recreate it.",
  1423: "The customer is busy provisioning, updating or deleting: wait until it reaches a final status, then retry.",
  1429: "Rate limited: slow down (fewer parallel operations) or retry later.",
  // Locations, PSTN and numbers: the codes the emulator documents for locations-and-numbers.md's rules
  // (the public API answers with descriptions only; these hints then fall back to the status's).
  1601: "Another location of the customer already has this name (in another case?): declare it with its exact name to adopt it, or choose another name.",
  1602: "Enable Webex Calling at the location first (give the CustomerLocation a calling block), or wait until its disabling ends.",
  1603: "Set the location's PSTN connection (calling.pstnConnectionId) before giving it numbers.",
  1604: "This location's PSTN is integrated: its numbers come from the PSTN provider; remove calling.numbers.",
  1605: "The number is already in a number inventory: release it there first, or leave it out.",
  1606: "Set another main number (calling.mainNumber) before removing this one.",
  1607: "The number is assigned: unassign it (change or delete that user) before removing it.",
  1608: "Send at most 20 mobile numbers per request.",
  1609: "Use a number of the location's own inventory (add it to calling.numbers first).",
  1610: "Activate the number first (state ACTIVE in calling.numbers).",
  1611: "Remove the location's numbers before changing its PSTN connection.",
  1612: "The location has no PSTN connection yet: set calling.pstnConnectionId.",
  1613: "Disabling calling is not allowed now: move or delete what the precheck names, or set calling.forceDisable: true when it answers FORCE_REQUIRED.",
};

/** What to do next, per HTTP status, when no error code gives a better hint. */
const STATUS_HINTS: Readonly<Record<number, string>> = {
  400: "Correct the request as the description says.",
  401: "The access token is missing, invalid or expired: configure a fresh partner administrator token.",
  403:
    "The token lacks a scope this call needs (spark-admin:wholesale_customers_read/_write, " +
    "spark-admin:wholesale_subscribers_read/_write, spark-admin:locations_read/_write, " +
    "spark-admin:telephony_config_read/_write), or the partner (or sub-partner) " +
    "may not act on this object.",
  404: "The object does not exist (deleted outside this program?), or the API has no such endpoint.",
  405: "The API does not offer this method here: the API may have changed or the base URL is wrong.",
  408: "The server gave up waiting for the request: retry.",
  409: "The request conflicts with existing state: reconcile it as the description says.",
  410: "The object is gone: refresh to drop it from state, or recreate it.",
  415: "The API refused the request's media type: the API may have changed.",
  423: "The object is busy (provisioning, updating or deleting): wait until it reaches a final status, then retry.",
  428: "The API requires a precondition this client does not send: the API may have changed.",
  429: "Rate limited: slow down (fewer parallel operations) or retry later.",
};

/** Hint for 5xx answers. */
const SERVER_HINT = "The service failed: retry later (see status.webex.com); if it persists, contact Cisco support with the tracking id.";

/** Added when a POST failed ambiguously. */
const OUTCOME_UNKNOWN_HINT = "The request may have been applied: look the object up by its natural key before sending it again.";

/** Picks the subclass for an HTTP status. Unlisted 4xx (405, 408, 415, 428...) use the base class. */
function classForStatus(status: number): new (init: ProvisioningApiErrorInit) => ProvisioningApiError {
  switch (status) {
    case 400:
      return ValidationError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionError;
    case 404:
    case 410: // "Gone": for a provider reading state, a gone object is a missing one.
      return NotFoundError;
    case 409:
      return ConflictError;
    case 423:
      return LockedError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? ServerError : ProvisioningApiError;
  }
}

/**
 * Returns a function that replaces every occurrence of `secret` in a text with `[REDACTED]`.
 * Applied to server-provided text as defence in depth: a misbehaving gateway that echoes the
 * Authorization header into its error page must not leak the token into logs or state.
 */
export function redactor(secret: string | undefined): (text: string) => string {
  if (!secret) return (text) => text;
  return (text) => text.split(secret).join("[REDACTED]");
}

/** Shortens a text that came from the wire so a proxy's HTML page does not flood a message. */
function clip(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** Inputs of {@link errorFromResponse}. */
export interface ErrorFromResponseInit {
  /** HTTP status. */
  status: number;
  /** Response body, parsed JSON or raw text (or undefined). */
  body: unknown;
  /** Tracking id from the response header `TrackingID`, if any. */
  responseTrackingId?: string;
  /** The tracking id this client sent, used when the server gave none. */
  requestTrackingId?: string;
  /** HTTP method. */
  method: string;
  /** Path without query string. */
  path: string;
  /** From the retry policy. */
  retryable?: boolean;
  /** From the retry policy: a POST that may have been applied. */
  outcomeUnknown?: boolean;
  /** Sane `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** How many attempts were made, mentioned in the message when more than one. */
  attempts?: number;
  /** Scrubs secrets from server-provided text. */
  redact?: (text: string) => string;
  /** Replaces the generic 404 hint (e.g. "templates are created in Partner Hub" for the template endpoint). */
  notFoundHint?: string;
}

/**
 * Builds the typed error for an HTTP error answer. Bodies in the documented shape give codes,
 * descriptions and tracking id; bodies without `errorCode` (the real API), non-JSON bodies and
 * empty bodies still give the status's class and hint.
 */
export function errorFromResponse(init: ErrorFromResponseInit): ProvisioningApiError {
  const redact = init.redact ?? ((t: string) => t);
  const parsed = ErrorBodySchema.safeParse(init.body);
  const body = parsed.success ? parsed.data : undefined;
  const items = body?.errors ?? [];
  const errorCodes = items.flatMap((e) => (typeof e.errorCode === "number" ? [e.errorCode] : []));
  let descriptions = items.flatMap((e) => (e.description ? [clip(redact(e.description))] : []));
  if (descriptions.length === 0 && body?.message) descriptions = [clip(redact(body.message))];
  if (descriptions.length === 0 && typeof init.body === "string" && init.body.trim() !== "") {
    descriptions = [clip(redact(init.body), 200)];
  }
  const trackingId = body?.trackingId ?? init.responseTrackingId ?? init.requestTrackingId;

  const hints: string[] = [];
  for (const code of new Set(errorCodes)) {
    const hint = ERROR_CODE_HINTS[code];
    if (hint) hints.push(hint);
  }
  if (hints.length === 0) {
    if (init.status === 404 && init.notFoundHint) hints.push(init.notFoundHint);
    else hints.push(STATUS_HINTS[init.status] ?? (init.status >= 500 ? SERVER_HINT : "See the description."));
  }
  if (init.outcomeUnknown) hints.push(OUTCOME_UNKNOWN_HINT);

  const what = descriptions.length > 0 ? descriptions.map(sentence).join(" ") : `HTTP ${init.status}.`;
  const codes = errorCodes.length > 0 ? ` [errorCode ${errorCodes.join(", ")}]` : "";
  const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts` : "";
  const message =
    `${init.method} ${init.path} failed with HTTP ${init.status}${tries}: ${what}${codes} ` +
    `${hints.join(" ")}${trackingId ? ` (TrackingID ${redact(trackingId)})` : ""}`;

  const ErrorClass = classForStatus(init.status);
  return new ErrorClass({
    message,
    status: init.status,
    errorCodes,
    descriptions,
    trackingId: trackingId === undefined ? undefined : redact(trackingId),
    method: init.method,
    path: init.path,
    retryable: init.retryable,
    outcomeUnknown: init.outcomeUnknown,
    retryAfterMs: init.retryAfterMs,
  });
}

/** What each connection failure means for the caller. */
const CONNECTION_TEXT: Readonly<Record<ConnectionErrorKind, string>> = {
  refused: "the connection was refused (is the base URL right and the service up?)",
  unreachable: "the host could not be reached (DNS or network failure; check the base URL and the network)",
  reset: "the connection was reset before an answer came",
  timeout: "no answer came in time",
  other: "the connection failed",
};

/** Builds the error for a call that got no HTTP answer. */
export function connectionError(init: {
  kind: ConnectionErrorKind;
  method: string;
  path: string;
  trackingId?: string;
  retryable: boolean;
  outcomeUnknown: boolean;
  attempts?: number;
  timeoutMs?: number;
}): ConnectionError {
  const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts` : "";
  const limit = init.kind === "timeout" && init.timeoutMs !== undefined ? ` (limit ${init.timeoutMs} ms per attempt)` : "";
  const next = init.outcomeUnknown ? ` ${OUTCOME_UNKNOWN_HINT}` : init.retryable ? " Retry later." : "";
  return new ConnectionError({
    message:
      `${init.method} ${init.path} failed${tries}: ${CONNECTION_TEXT[init.kind]}${limit}.${next}` +
      `${init.trackingId ? ` (TrackingID ${init.trackingId})` : ""}`,
    kind: init.kind,
    method: init.method,
    path: init.path,
    trackingId: init.trackingId,
    retryable: init.retryable,
    outcomeUnknown: init.outcomeUnknown,
  });
}
