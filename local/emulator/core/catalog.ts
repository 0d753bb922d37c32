/**
 * The one catalog of errors the emulator can answer with.
 *
 * Every error response, whichever layer produces it (validation, business rules, auth, rate
 * limit, injected faults), is built here so it always has the reference's shape
 * `{ message, errors: [{ errorCode, description }], trackingId }`. Codes 1001–1429 and 10022
 * are the reference's table; the few codes marked "emulator" cover statuses the reference lists
 * without a code (401, 403, 405, 415, 500, 503) so that every error body still carries one.
 */
import { z } from "zod";

/** One entry of the catalog: the HTTP status and the summary that goes into `message`. */
interface CatalogEntry {
  readonly status: number;
  readonly message: string;
}

/** Error codes of the reference's table plus the emulator's own for uncoded statuses. */
export const ERROR_CATALOG = {
  1001: { status: 400, message: "The request body or parameters failed validation." },
  1002: { status: 400, message: "Unknown package name." },
  1003: { status: 400, message: "A package dependency is missing." },
  1101: { status: 400, message: "A package limit must be a whole number of at least 1." },
  1102: { status: 400, message: "A package limit cannot be lowered." },
  1103: { status: 400, message: "A package limit is above the subscription's maximum." },
  1104: { status: 400, message: "This customer was created without package limits; limits cannot be added." },
  1105: { status: 400, message: "This customer was created with package limits; limits are required." },
  1106: { status: 400, message: "Limits must be given for every limitable package or for none." },
  1107: { status: 400, message: "This package cannot be limited." },
  1108: { status: 400, message: "Package limits are not available during a migration from Webex for BroadWorks." },
  1109: { status: 400, message: "The package is still assigned to subscribers." },
  1201: { status: 400, message: "No licence left for this package." },
  1202: { status: 400, message: "An administrator must hold the customer's admin package." },
  1203: { status: 400, message: "A calling package needs a primary phone number or an extension." },
  1301: { status: 409, message: "The externalId is already used by another customer." },
  1303: { status: 409, message: "The phone number or extension is already in use in this customer." },
  1304: { status: 409, message: "The onboarding template is still used by customers." },
  1305: { status: 409, message: "An onboarding template with that name already exists." },
  1404: { status: 404, message: "The requested resource was not found." },
  1423: { status: 423, message: "The customer is busy (provisioning, updating or deleting); retry later." },
  1429: { status: 429, message: "Too many requests; retry later." },
  10022: { status: 409, message: "The email is already associated with an existing user." },
  // emulator codes for the Locations, PSTN and numbers API (decisions listed in the README)
  1601: { status: 409, message: "A location with that name already exists in this organization." },
  1602: { status: 400, message: "The location is not enabled for Webex Calling." },
  1603: { status: 400, message: "The location has no PSTN connection." },
  1604: { status: 400, message: "Numbers of a location with an integrated PSTN connection come from the PSTN provider." },
  1605: { status: 409, message: "The phone number is already in a number inventory." },
  1606: { status: 400, message: "A location's main number cannot be removed." },
  1607: { status: 409, message: "The phone number is assigned and cannot be removed." },
  1608: { status: 400, message: "At most 20 mobile numbers can be added per request." },
  1609: { status: 400, message: "The phone number is not in the location's number inventory." },
  1610: { status: 400, message: "The phone number is not active." },
  1611: { status: 409, message: "The PSTN connection cannot change while the location holds numbers." },
  1612: { status: 404, message: "The location has no PSTN connection set up." },
  1613: { status: 409, message: "The location cannot be disabled for Webex Calling now." },
  // emulator codes for statuses the reference documents without a code
  1401: { status: 401, message: "The request requires a valid access token." },
  1403: { status: 403, message: "The access token lacks the scope this operation needs." },
  1405: { status: 405, message: "Method not allowed on this path." },
  1415: { status: 415, message: "Unsupported media type; send application/json." },
  1500: { status: 500, message: "Internal server error." },
  1503: { status: 503, message: "Service temporarily unavailable." },
} as const satisfies Record<number, CatalogEntry>;

/** A code of {@link ERROR_CATALOG}. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Every code of the catalog, as numbers (object keys are strings at runtime). */
export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_CATALOG).map((k) => Number(k) as ErrorCode);

/** One problem found in a request: its code and a description that says what to do. */
export interface Violation {
  /** Catalog code. */
  readonly code: ErrorCode;
  /** Goes into `errors[].description`: the field path and what to do. */
  readonly description: string;
}

/** The wire shape of every error body (the reference's "Errors" section). */
export const ErrorBodySchema = z.object({
  message: z.string(),
  errors: z.array(z.object({ errorCode: z.number().int(), description: z.string() })),
  trackingId: z.string(),
});

/** An error body as sent on the wire. */
export type ErrorBody = z.output<typeof ErrorBodySchema>;

/** A response of the core or of the server: status, headers and an optional JSON body. */
export interface ApiResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers (`TrackingID`, `Location`, `Link`, `Retry-After`...). */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body; absent for 204. */
  readonly body?: unknown;
}

/** The HTTP status of a catalog code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].status;
}

/**
 * Builds the error response for one or more violations. The status is the first violation's;
 * later violations with another status are dropped (a response has one status), so callers
 * order their checks by precedence.
 */
export function errorResponse(
  violations: readonly Violation[],
  trackingId: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): ApiResponse {
  const first = violations[0];
  if (first === undefined) throw new Error("errorResponse needs at least one violation");
  const status = statusOf(first.code);
  const same = violations.filter((v) => statusOf(v.code) === status);
  const body: ErrorBody = {
    message: ERROR_CATALOG[first.code].message,
    errors: same.map((v) => ({ errorCode: v.code, description: v.description })),
    trackingId,
  };
  return { status, headers: { TrackingID: trackingId, ...extraHeaders }, body };
}

/** Shorthand for a single violation. */
export function violation(code: ErrorCode, description: string): Violation {
  return { code, description };
}

/**
 * Thrown inside the core's handlers to stop at the first blocking problem; `handle` turns it
 * into an error response. Never escapes the core.
 */
export class RuleFailure extends Error {
  /** The violations that stopped the request. */
  readonly violations: readonly Violation[];
  /** Extra headers of the error response (`Retry-After` for 423). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(violations: readonly Violation[], headers: Readonly<Record<string, string>> = {}) {
    super(violations.map((v) => `${v.code}: ${v.description}`).join("; "));
    this.name = "RuleFailure";
    this.violations = violations;
    this.headers = headers;
  }
}

/** Throws a {@link RuleFailure} with one violation. */
export function fail(code: ErrorCode, description: string, headers?: Record<string, string>): never {
  throw new RuleFailure([violation(code, description)], headers);
}
