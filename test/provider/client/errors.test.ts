import { expect } from "chai";
import {
  AuthenticationError,
  ConflictError,
  LockedError,
  NotFoundError,
  PermissionError,
  ProvisioningApiError,
  RateLimitError,
  ServerError,
  ValidationError,
} from "../../../provider/client";
import { ERROR_CODE_HINTS, errorFromResponse, redactor } from "../../../provider/client/errors";

/** The errorCode table of provisioning-api.md, with the status each comes with. */
const CODES: Array<{ code: number; status: number; cls: new (...a: never[]) => ProvisioningApiError; hint: RegExp }> = [
  { code: 1001, status: 400, cls: ValidationError, hint: /field named in the description/ },
  { code: 1002, status: 400, cls: ValidationError, hint: /package name the API knows/ },
  { code: 1003, status: 400, cls: ValidationError, hint: /depends on/ },
  { code: 1101, status: 400, cls: ValidationError, hint: /whole number of at least 1/ },
  { code: 1102, status: 400, cls: ValidationError, hint: /only be raised/ },
  { code: 1103, status: 400, cls: ValidationError, hint: /subscription's maximum/ },
  { code: 1104, status: 400, cls: ValidationError, hint: /created without quantities/ },
  { code: 1105, status: 400, cls: ValidationError, hint: /created with quantities/ },
  { code: 1106, status: 400, cls: ValidationError, hint: /cannot be mixed/ },
  { code: 1107, status: 400, cls: ValidationError, hint: /cannot be limited/ },
  { code: 1108, status: 400, cls: ValidationError, hint: /BroadWorks/ },
  { code: 1109, status: 400, cls: ValidationError, hint: /users holding this package/ },
  { code: 1201, status: 400, cls: ValidationError, hint: /quantity is used up/ },
  { code: 1202, status: 400, cls: ValidationError, hint: /admin package/ },
  { code: 1203, status: 400, cls: ValidationError, hint: /phone number or an extension/ },
  { code: 1301, status: 409, cls: ConflictError, hint: /already uses this externalId/ },
  { code: 10022, status: 409, cls: ConflictError, hint: /already belongs to a Webex user/ },
  { code: 1303, status: 409, cls: ConflictError, hint: /phone number and extension/ },
  { code: 1304, status: 409, cls: ConflictError, hint: /before deleting the template/ },
  { code: 1305, status: 409, cls: ConflictError, hint: /another template name/ },
  { code: 1404, status: 404, cls: NotFoundError, hint: /no longer exists/ },
  { code: 1423, status: 423, cls: LockedError, hint: /busy provisioning, updating or deleting/ },
  { code: 1429, status: 429, cls: RateLimitError, hint: /Rate limited/ },
  // Locations, PSTN and numbers (the emulator's codes for locations-and-numbers.md's rules).
  { code: 1601, status: 409, cls: ConflictError, hint: /exact name to adopt it/ },
  { code: 1602, status: 400, cls: ValidationError, hint: /Enable Webex Calling/ },
  { code: 1603, status: 400, cls: ValidationError, hint: /pstnConnectionId/ },
  { code: 1604, status: 400, cls: ValidationError, hint: /integrated.*remove calling\.numbers/ },
  { code: 1605, status: 409, cls: ConflictError, hint: /already in a number inventory/ },
  { code: 1606, status: 400, cls: ValidationError, hint: /another main number/ },
  { code: 1607, status: 409, cls: ConflictError, hint: /unassign it/ },
  { code: 1608, status: 400, cls: ValidationError, hint: /at most 20 mobile numbers/ },
  { code: 1609, status: 400, cls: ValidationError, hint: /location's own inventory/ },
  { code: 1610, status: 400, cls: ValidationError, hint: /Activate the number/ },
  { code: 1611, status: 409, cls: ConflictError, hint: /before changing its PSTN connection/ },
  { code: 1612, status: 404, cls: NotFoundError, hint: /no PSTN connection yet/ },
  { code: 1613, status: 409, cls: ConflictError, hint: /forceDisable/ },
];

describe("client errors", () => {
  it("has a hint for every errorCode of the reference", () => {
    expect(Object.keys(ERROR_CODE_HINTS).map(Number).sort()).to.deep.equal(CODES.map((c) => c.code).sort());
  });

  describe("errorCode → class and hint", () => {
    for (const c of CODES) {
      it(`${c.code} (HTTP ${c.status})`, () => {
        const description = `description of ${c.code} from the API`;
        const err = errorFromResponse({
          status: c.status,
          body: { message: "summary", errors: [{ errorCode: c.code, description }], trackingId: `ROUTER_${c.code}` },
          method: "POST",
          path: "/v1/wholesale/customers",
          requestTrackingId: "WEBEXWHOLESALE_ours",
        });
        expect(err).to.be.instanceOf(c.cls);
        expect(err).to.be.instanceOf(ProvisioningApiError);
        expect(err.name).to.equal(c.cls.name);
        expect(err.status).to.equal(c.status);
        expect(err.errorCodes).to.deep.equal([c.code]);
        expect(err.descriptions).to.deep.equal([description]);
        expect(err.trackingId).to.equal(`ROUTER_${c.code}`);
        expect(err.method).to.equal("POST");
        expect(err.path).to.equal("/v1/wholesale/customers");
        expect(err.message).to.match(c.hint);
        expect(err.message).to.include(description);
        expect(err.message).to.include(`errorCode ${c.code}`);
        expect(err.message).to.include(`ROUTER_${c.code}`);
      });
    }
  });

  describe("status → class, for bodies without errorCode (the real API)", () => {
    const cases: Array<{ status: number; cls: new (...a: never[]) => ProvisioningApiError; exact?: boolean; hint: RegExp }> = [
      { status: 400, cls: ValidationError, hint: /Correct the request/ },
      { status: 401, cls: AuthenticationError, hint: /missing, invalid or expired/ },
      { status: 403, cls: PermissionError, hint: /lacks a scope/ },
      { status: 404, cls: NotFoundError, hint: /does not exist/ },
      { status: 405, cls: ProvisioningApiError, exact: true, hint: /does not offer this method/ },
      { status: 409, cls: ConflictError, hint: /conflicts with existing state/ },
      { status: 410, cls: NotFoundError, hint: /gone/ },
      { status: 415, cls: ProvisioningApiError, exact: true, hint: /media type/ },
      { status: 423, cls: LockedError, hint: /busy/ },
      { status: 428, cls: ProvisioningApiError, exact: true, hint: /precondition/ },
      { status: 429, cls: RateLimitError, hint: /Rate limited/ },
      { status: 500, cls: ServerError, hint: /service failed/ },
      { status: 502, cls: ServerError, hint: /service failed/ },
      { status: 503, cls: ServerError, hint: /service failed/ },
      { status: 504, cls: ServerError, hint: /service failed/ },
    ];
    for (const c of cases) {
      it(`HTTP ${c.status} → ${c.cls.name}`, () => {
        const err = errorFromResponse({
          status: c.status,
          body: { message: "Something happened", errors: [{ description: "The real API's words." }], trackingId: "ROUTER_X" },
          method: "GET",
          path: "/v1/wholesale/customers/abc",
        });
        expect(err).to.be.instanceOf(c.cls);
        if (c.exact) expect(Object.getPrototypeOf(err)).to.equal(ProvisioningApiError.prototype);
        expect(err.errorCodes).to.deep.equal([]);
        expect(err.descriptions).to.deep.equal(["The real API's words."]);
        expect(err.message).to.include("The real API's words.");
        expect(err.message).to.match(c.hint);
        expect(err.message).to.include("HTTP " + c.status);
      });
    }
  });

  describe("body shapes", () => {
    const cases: Array<{ name: string; body: unknown; header?: string; want: { descriptions: string[]; trackingId: string } }> = [
      {
        name: "message only: the message is the description",
        body: { message: "Customer not found", trackingId: "ROUTER_A" },
        want: { descriptions: ["Customer not found"], trackingId: "ROUTER_A" },
      },
      {
        name: "no body: falls back to the response header's TrackingID",
        body: undefined,
        header: "HEADER_T",
        want: { descriptions: [], trackingId: "HEADER_T" },
      },
      {
        name: "HTML page from a proxy: clipped text",
        body: "<html><body>Bad gateway</body></html>",
        want: { descriptions: ["<html><body>Bad gateway</body></html>"], trackingId: "WEBEXWHOLESALE_ours" },
      },
      {
        name: "JSON of another shape: no descriptions, our tracking id",
        body: { error: "weird" },
        want: { descriptions: [], trackingId: "WEBEXWHOLESALE_ours" },
      },
      {
        name: "several errors, codes and descriptions kept in order",
        body: { errors: [{ errorCode: 1101, description: "a" }, { description: "b" }], trackingId: "ROUTER_B" },
        want: { descriptions: ["a", "b"], trackingId: "ROUTER_B" },
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const err = errorFromResponse({
          status: 502,
          body: c.body,
          responseTrackingId: c.header,
          requestTrackingId: "WEBEXWHOLESALE_ours",
          method: "GET",
          path: "/v1/x",
        });
        expect(err.descriptions).to.deep.equal(c.want.descriptions);
        expect(err.trackingId).to.equal(c.want.trackingId);
        expect(err.message).to.include(c.want.trackingId);
      });
    }
  });

  it("a POST that may have been applied says to look the object up", () => {
    const err = errorFromResponse({ status: 503, body: undefined, method: "POST", path: "/v1/x", outcomeUnknown: true, retryable: true });
    expect(err.outcomeUnknown).to.equal(true);
    expect(err.retryable).to.equal(true);
    expect(err.message).to.match(/may have been applied: look the object up/);
  });

  it("uses the endpoint's 404 hint only when no code explains the 404", () => {
    const bare = errorFromResponse({ status: 404, body: undefined, method: "POST", path: "/v1/t", notFoundHint: "Use Partner Hub." });
    const coded = errorFromResponse({
      status: 404,
      body: { errors: [{ errorCode: 1404, description: "no such template" }] },
      method: "GET",
      path: "/v1/t/1",
      notFoundHint: "Use Partner Hub.",
    });
    expect(bare.message).to.include("Use Partner Hub.");
    expect(coded.message).not.to.include("Use Partner Hub.");
    expect(coded.message).to.match(/no longer exists/);
  });

  it("redacts a secret the server echoed into its body", () => {
    const secret = "sekrit-TOKEN-value";
    const err = errorFromResponse({
      status: 401,
      body: { message: `Bearer ${secret} is invalid`, trackingId: `T-${secret}` },
      method: "GET",
      path: "/v1/x",
      redact: redactor(secret),
    });
    expect(err.message).not.to.include(secret);
    expect(err.message).to.include("[REDACTED]");
    expect(JSON.stringify(err)).not.to.include(secret);
  });
});
