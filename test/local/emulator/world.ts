// A small driver of the pure core for tests: holds a state and a clock, sends requests through
// `handle`, and builds the usual objects (template, customers, subscribers) through the API
// itself, so every fixture a test relies on passed the same rules it tests.
import { expect } from "chai";
import { type ApiResponse, ErrorBodySchema } from "../../../local/emulator/core/catalog";
import { handle } from "../../../local/emulator/core/handle";
import { type FixturesInput, initialState, type State } from "../../../local/emulator/core/state";

export const TOKEN = "test-partner-token-all-scopes";
export const BASE = "http://127.0.0.1:9";
export const ADDRESS = {
  addressLine1: "1 Main Street",
  city: "Springfield",
  stateOrProvince: "IL",
  zipOrPostalCode: "62701",
  country: "US",
};
export const LOCATION = { name: "Headquarters", address: ADDRESS, timezone: "America/Chicago", language: "en_us" };
export const TEMPLATE = {
  name: "SMB US",
  serviceProviderAdmin: "ops@partner.example",
  country: "US",
  defaultEmailLanguage: "en_US",
  wholesaleSubscriptionId: "Sub-123",
};

/** Options of one request. */
export interface CallOptions {
  token?: string | null;
  query?: string;
  scenario?: "provisioned_with_errors" | "error";
  trackingId?: string;
}

/** Body of a customer create, with overrides. */
export function customerBody(provisioningId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provisioningId,
    externalId: "acme-001",
    packages: ["webex_calling", "webex_meetings"],
    address: ADDRESS,
    customerInfo: { name: "Acme", primaryEmail: "admin@acme.example", language: "en_US" },
    provisioningParameters: { calling: { location: LOCATION } },
    ...over,
  };
}

export class World {
  state: State;
  now = 1_700_000_000_000;
  delayMs = 1000;

  constructor(fixtures: FixturesInput = {}, seed = 42) {
    this.state = initialState({ ...fixtures, tokens: [{ token: TOKEN }, ...(fixtures.tokens ?? [])] }, seed);
  }

  call(method: string, path: string, body?: unknown, o: CallOptions = {}): ApiResponse {
    const r = handle(
      this.state,
      {
        method,
        path,
        query: new URLSearchParams(o.query ?? ""),
        authorization: o.token === null ? undefined : `Bearer ${o.token ?? TOKEN}`,
        trackingId: o.trackingId,
        scenario: o.scenario,
        body,
        baseUrl: BASE,
      },
      { now: this.now, provisioningDelayMs: this.delayMs },
    );
    this.state = r.state;
    return r.response;
  }

  /** Moves the clock past every pending transition. */
  settle(): void {
    this.now += this.delayMs + 1;
  }

  ok(r: ApiResponse, status: number): Record<string, unknown> {
    expect(r.status, JSON.stringify(r.body)).to.equal(status);
    return (r.body ?? {}) as Record<string, unknown>;
  }

  template(over: Record<string, unknown> = {}): Record<string, string> {
    return this.ok(this.call("POST", "/v1/wholesale/onboardingTemplates", { ...TEMPLATE, ...over }), 201) as Record<string, string>;
  }

  /** Creates a customer and waits out its provisioning; returns its id. */
  customer(provisioningId: string, over: Record<string, unknown> = {}, settle = true): string {
    const r = this.call("POST", "/v1/wholesale/customers", customerBody(provisioningId, over));
    const body = this.ok(r, 202) as { url: string };
    const id = decodeURIComponent(body.url.split("/").pop() ?? "");
    if (settle) this.settle();
    return id;
  }

  location(customerId: string): string {
    const hq = this.state.customers[customerId]?.headquarters?.id;
    expect(hq, "customer has a headquarters").to.be.a("string");
    return hq ?? "";
  }

  subscriber(customerId: string, email: string, pkg = "webex_meetings", params: Record<string, unknown> = {}, status = 200): string {
    const body = { customerId, email, packages: [pkg], provisioningParameters: { firstName: "Ada", lastName: "Lovelace", ...params } };
    return String(this.ok(this.call("POST", "/v1/wholesale/subscribers", body), status)["id"]);
  }

  path(kind: "customers" | "subscribers" | "onboardingTemplates", id: string): string {
    return `/v1/wholesale/${kind}/${encodeURIComponent(id)}`;
  }
}

/** The error codes of an error response. */
export function codes(r: ApiResponse): number[] {
  const body = r.body as { errors?: { errorCode: number }[] } | undefined;
  return (body?.errors ?? []).map((e) => e.errorCode);
}

/**
 * For property tests: the answer's status is one of `documented` and an error has the Webex
 * shape; successes are counted per operation (to prove the generator reaches them).
 */
export function tally(r: ApiResponse, op: string, documented: ReadonlySet<number>, successes: Record<string, number>): void {
  expect(documented.has(r.status), `${op} → ${r.status} ${JSON.stringify(r.body)}`).to.equal(true);
  if (r.status >= 400) ErrorBodySchema.parse(r.body);
  else successes[op] = (successes[op] ?? 0) + 1;
}
