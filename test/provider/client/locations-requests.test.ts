/**
 * The locations and telephony calls: each request's method, path, query and body, checked against
 * Cisco's spec (`specs/webex-calling-locations.json`) where the subset covers the endpoint and
 * against the reference's table where it does not ([doc] endpoints); answers parsed loosely; the
 * API's per-request limits applied by batching; the disable-calling job polled.
 */
import { expect } from "chai";
import nock from "nock";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { createClient, type LocationCreateRequest, type ProvisioningClient } from "../../../provider/client";
import { batches } from "../../../provider/client/telephony";
import { API, useNock } from "./helpers";

const TOKEN = "test-token-abc";
const ORG = "b3JnLzE=";
/** An id holding the characters that must be encoded in a path segment. */
const ODD_ID = "Y2lz/Y29=?x";
const ODD_PATH = "Y2lz%2FY29%3D%3Fx";

// ---------------------------------------------------------------------------------------------
// A minimal OpenAPI 3 request checker: enough JSON Schema for the spec's request bodies.

interface SchemaNode {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  allOf?: SchemaNode[];
}
interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema?: SchemaNode }> };
}
const spec = JSON.parse(readFileSync(join(__dirname, "specs", "webex-calling-locations.json"), "utf8")) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaNode> };
};

function resolve(node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  return resolve(spec.components.schemas[node.$ref.replace("#/components/schemas/", "")]);
}

/** Every way `value` breaks `node`, as `path: problem` lines (empty = conforms). */
function violations(node: SchemaNode, value: unknown, path = "(body)"): string[] {
  const s = resolve(node);
  const out: string[] = [];
  for (const part of s.allOf ?? []) {
    const p = resolve(part);
    // Cisco's generator pairs each enum with an empty object schema; only the enum constrains.
    if (p.type === "object" && Object.keys(p.properties ?? {}).length === 0) continue;
    out.push(...violations(p, value, path));
  }
  if (s.enum !== undefined && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.join(", ")}`);
  switch (s.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [...out, `${path}: not an object`];
      const record = value as Record<string, unknown>;
      for (const name of s.required ?? []) if (record[name] === undefined) out.push(`${path}.${name}: required by the spec, missing`);
      for (const [name, v] of Object.entries(record)) {
        const prop = s.properties?.[name];
        if (prop === undefined) out.push(`${path}.${name}: not declared by the spec`);
        else out.push(...violations(prop, v, `${path}.${name}`));
      }
      break;
    }
    case "array":
      if (!Array.isArray(value)) return [...out, `${path}: not an array`];
      value.forEach((v, i) => s.items && out.push(...violations(s.items, v, `${path}[${i}]`)));
      break;
    case "string":
    case "boolean":
    case "number":
      if (typeof value !== s.type) out.push(`${path}: not a ${s.type}`);
      break;
  }
  return out;
}

/** The spec's operation for a method and a client path (`/v1/...`), matching templated segments. */
function operationFor(method: string, path: string): Operation | undefined {
  const segments = path.replace(/^\/v1/, "").split("/");
  for (const [template, ops] of Object.entries(spec.paths)) {
    const parts = template.split("/");
    if (parts.length === segments.length && parts.every((p, i) => p.startsWith("{") || p === segments[i])) {
      return ops[method.toLowerCase()];
    }
  }
  return undefined;
}

/**
 * Query parameters the transport adds on every list (`offset` or the spec's `start`, `max`) or call
 * (`onBehalfOfSubPartnerOrgId`, the wholesale API's, [project]) are not the endpoint's own.
 */
const TRANSPORT_QUERY = new Set(["offset", "onBehalfOfSubPartnerOrgId"]);

/** Checks one request against the spec; returns the violations. */
function conformance(method: string, path: string, query: Record<string, string>, body: unknown): string[] {
  const op = operationFor(method, path);
  if (op === undefined) return [`${method} ${path}: no such operation in the spec`];
  const declared = new Set((op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name));
  const out = Object.keys(query)
    .filter((q) => !declared.has(q) && !TRANSPORT_QUERY.has(q))
    .map((q) => `query ${q}: not declared by the spec`);
  const schema = op.requestBody?.content["application/json"]?.schema;
  if (schema !== undefined) out.push(...violations(schema, body));
  else if (body !== undefined) out.push("(body): the spec declares no body");
  return out;
}

// ---------------------------------------------------------------------------------------------

const address = { address1: "1 Main St", address2: "Floor 2", city: "Denver", state: "CO", postalCode: "80202", country: "US" };
const createBody: LocationCreateRequest = {
  name: "Denver",
  timeZone: "America/Denver",
  preferredLanguage: "en_us",
  announcementLanguage: "en_us",
  address,
  latitude: "39.7392",
  longitude: "-104.9903",
  notes: "second site",
};
const location = { id: ODD_ID, name: "Denver", orgId: ORG, timeZone: "America/Denver", address, futureField: 1 };
const number = {
  phoneNumber: "+13035550100",
  extension: "100",
  state: "ACTIVE",
  mainNumber: true,
  location: { id: ODD_ID, name: "Denver" },
  owner: { id: "person-1", type: "PEOPLE", firstName: "Ada", lastName: "Lovelace" },
};

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface Case {
  name: string;
  call: (c: ProvisioningClient) => Promise<unknown>;
  /** One entry per request, in order. */
  requests: Array<{
    method: "GET" | "POST" | "PUT" | "DELETE";
    path: string;
    query: Record<string, string>;
    body?: unknown;
    reply: { status: number; body?: unknown };
  }>;
  want: unknown;
  /** Not in the subset spec: checked against the reference's endpoint table only. */
  docOnly?: boolean;
}

const numbersPath = `/v1/telephony/config/locations/${ODD_PATH}/numbers`;
const fortyMobiles = Array.from({ length: 45 }, (_, i) => `+336${String(10_000_000 + i)}`);

const cases: Case[] = [
  {
    name: "locations.list: orgId and name as query",
    call: (c) => all(c.locations.list({ orgId: ORG, name: "Den" })),
    requests: [
      {
        method: "GET",
        path: "/v1/locations",
        query: { orgId: ORG, name: "Den", offset: "0", max: "100" },
        reply: { status: 200, body: { items: [location] } },
      },
    ],
    want: [location],
  },
  {
    name: "locations.findByName: the API's contains-filter, kept to exact names",
    call: (c) => c.locations.findByName(ORG, "Denver"),
    requests: [
      {
        method: "GET",
        path: "/v1/locations",
        query: { orgId: ORG, name: "Denver", offset: "0", max: "100" },
        reply: { status: 200, body: { items: [location, { id: "l2", name: "Denver West" }, { id: "l3", name: "denver" }] } },
      },
    ],
    want: [location],
  },
  {
    name: "locations.create: POST with the spec body, 201 { id }",
    call: (c) => c.locations.create(ORG, createBody),
    requests: [
      { method: "POST", path: "/v1/locations", query: { orgId: ORG }, body: createBody, reply: { status: 201, body: { id: "loc-9" } } },
    ],
    want: { id: "loc-9" },
  },
  {
    name: "locations.get: encoded id, unknown fields kept",
    call: (c) => c.locations.get(ORG, ODD_ID),
    requests: [{ method: "GET", path: `/v1/locations/${ODD_PATH}`, query: { orgId: ORG }, reply: { status: 200, body: location } }],
    want: location,
  },
  {
    name: "locations.update: PUT name, timeZone, preferredLanguage, address; 204",
    call: (c) => c.locations.update(ORG, ODD_ID, { name: "Denver HQ", timeZone: "America/Denver", preferredLanguage: "en_us", address }),
    requests: [
      {
        method: "PUT",
        path: `/v1/locations/${ODD_PATH}`,
        query: { orgId: ORG },
        body: { name: "Denver HQ", timeZone: "America/Denver", preferredLanguage: "en_us", address },
        reply: { status: 204 },
      },
    ],
    want: undefined,
  },
  {
    name: "telephony.enableLocation: POST the location's details ([doc])",
    call: (c) =>
      c.telephony.enableLocation(ORG, {
        id: ODD_ID,
        name: "Denver",
        timeZone: "America/Denver",
        preferredLanguage: "en_us",
        announcementLanguage: "en_us",
        address,
      }),
    requests: [
      {
        method: "POST",
        path: "/v1/telephony/config/locations",
        query: { orgId: ORG },
        body: {
          id: ODD_ID,
          name: "Denver",
          timeZone: "America/Denver",
          preferredLanguage: "en_us",
          announcementLanguage: "en_us",
          address,
        },
        reply: { status: 200, body: { id: ODD_ID } },
      },
    ],
    want: { id: ODD_ID },
    docOnly: true,
  },
  {
    name: "telephony.updateCallingDetails: the main number as callingLineId.phoneNumber ([doc])",
    call: (c) => c.telephony.updateCallingDetails(ORG, ODD_ID, { callingLineId: { phoneNumber: "+13035550100" } }),
    requests: [
      {
        method: "PUT",
        path: `/v1/telephony/config/locations/${ODD_PATH}`,
        query: { orgId: ORG },
        body: { callingLineId: { phoneNumber: "+13035550100" } },
        reply: { status: 204 },
      },
    ],
    want: undefined,
    docOnly: true,
  },
  {
    name: "telephony.connectionOptions: the items",
    call: (c) => c.telephony.connectionOptions(ORG, ODD_ID),
    requests: [
      {
        method: "GET",
        path: `/v1/telephony/pstn/locations/${ODD_PATH}/connectionOptions`,
        query: { orgId: ORG },
        reply: {
          status: 200,
          body: { items: [{ id: "lgw-1", displayName: "Premises-based PSTN", pstnServices: ["GEOGRAPHIC_NUMBERS"] }] },
        },
      },
    ],
    want: [{ id: "lgw-1", displayName: "Premises-based PSTN", pstnServices: ["GEOGRAPHIC_NUMBERS"] }],
  },
  {
    name: "telephony.getConnection: the connection type",
    call: (c) => c.telephony.getConnection(ORG, ODD_ID),
    requests: [
      {
        method: "GET",
        path: `/v1/telephony/pstn/locations/${ODD_PATH}/connection`,
        query: { orgId: ORG },
        reply: { status: 200, body: { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" } },
      },
    ],
    want: { id: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY" },
  },
  {
    name: "telephony.setConnection: PUT the option's id",
    call: (c) => c.telephony.setConnection(ORG, ODD_ID, { id: "ccp-partner" }),
    requests: [
      {
        method: "PUT",
        path: `/v1/telephony/pstn/locations/${ODD_PATH}/connection`,
        query: { orgId: ORG },
        body: { id: "ccp-partner" },
        reply: { status: 204 },
      },
    ],
    want: undefined,
  },
  {
    name: "telephony.addNumbers: DID numbers in one request, with their state",
    call: (c) =>
      c.telephony.addNumbers(ORG, ODD_ID, { phoneNumbers: ["+13035550100", "+13035550101"], numberType: "DID", state: "ACTIVE" }),
    requests: [
      {
        method: "POST",
        path: numbersPath,
        query: { orgId: ORG },
        body: { phoneNumbers: ["+13035550100", "+13035550101"], numberType: "DID", state: "ACTIVE" },
        reply: { status: 200 },
      },
    ],
    want: undefined,
  },
  {
    name: "telephony.addNumbers: 45 mobile numbers go as 20 + 20 + 5, never refused",
    call: (c) => c.telephony.addNumbers(ORG, ODD_ID, { phoneNumbers: fortyMobiles, numberType: "MOBILE", subscriptionId: "sub-1" }),
    requests: [0, 20, 40].map((from) => ({
      method: "POST" as const,
      path: numbersPath,
      query: { orgId: ORG },
      body: { phoneNumbers: fortyMobiles.slice(from, from + 20), numberType: "MOBILE", subscriptionId: "sub-1" },
      reply: { status: 200 },
    })),
    want: undefined,
  },
  {
    name: "telephony.activateNumbers: PUT the numbers",
    call: (c) => c.telephony.activateNumbers(ORG, ODD_ID, ["+13035550101"]),
    requests: [
      { method: "PUT", path: numbersPath, query: { orgId: ORG }, body: { phoneNumbers: ["+13035550101"] }, reply: { status: 204 } },
    ],
    want: undefined,
  },
  {
    name: "telephony.removeNumbers: DELETE with a body, at most 5 per request (7 → 5 + 2)",
    call: (c) => c.telephony.removeNumbers(ORG, ODD_ID, fortyMobiles.slice(0, 7)),
    requests: [
      {
        method: "DELETE",
        path: numbersPath,
        query: { orgId: ORG },
        body: { phoneNumbers: fortyMobiles.slice(0, 5) },
        reply: { status: 204 },
      },
      {
        method: "DELETE",
        path: numbersPath,
        query: { orgId: ORG },
        body: { phoneNumbers: fortyMobiles.slice(5, 7) },
        reply: { status: 204 },
      },
    ],
    want: undefined,
  },
  {
    name: "telephony.listNumbers: phoneNumbers[], paged by start/max, extension-only entries kept",
    call: (c) => all(c.telephony.listNumbers({ orgId: ORG, locationId: ODD_ID }, { pageSize: 2 })),
    requests: [
      {
        method: "GET",
        path: "/v1/telephony/config/numbers",
        query: { orgId: ORG, locationId: ODD_ID, start: "0", max: "2" },
        reply: { status: 200, body: { phoneNumbers: [number, { phoneNumber: null, extension: "568" }], count: { total: 3 } } },
      },
      {
        method: "GET",
        path: "/v1/telephony/config/numbers",
        query: { orgId: ORG, locationId: ODD_ID, start: "2", max: "2" },
        reply: { status: 200, body: { phoneNumbers: [{ ...number, phoneNumber: "+13035550101", mainNumber: false }] } },
      },
    ],
    want: [number, { phoneNumber: null, extension: "568" }, { ...number, phoneNumber: "+13035550101", mainNumber: false }],
  },
  {
    name: "telephony.validateNumbers: POST the numbers, status and results",
    call: (c) => c.telephony.validateNumbers(ORG, ["+13035550100"]),
    requests: [
      {
        method: "POST",
        path: "/v1/telephony/config/actions/validateNumbers/invoke",
        query: { orgId: ORG },
        body: { phoneNumbers: ["+13035550100"] },
        reply: { status: 200, body: { status: "OK", numbers: [{ number: "+13035550100", state: "Available" }] } },
      },
    ],
    want: { status: "OK", numbers: [{ number: "+13035550100", state: "Available" }] },
  },
  {
    name: "telephony.precheckDeletion: POST without a body ([doc])",
    call: (c) => c.telephony.precheckDeletion(ORG, ODD_ID),
    requests: [
      {
        method: "POST",
        path: `/v1/telephony/config/locations/${ODD_PATH}/actions/precheckForDeletion/invoke`,
        query: { orgId: ORG },
        reply: {
          status: 200,
          body: { locationDeleteStatus: "BLOCKED", blocking: { usersInUseCount: 2 }, nonBlocking: { numbersPresent: true } },
        },
      },
    ],
    want: { locationDeleteStatus: "BLOCKED", blocking: { usersInUseCount: 2 }, nonBlocking: { numbersPresent: true } },
    docOnly: true,
  },
  {
    name: "telephony.disableCalling: POST the job, 202 with its id ([doc])",
    call: (c) => c.telephony.disableCalling(ORG, { locationId: ODD_ID, locationName: "Denver", forceDelete: false }),
    requests: [
      {
        method: "POST",
        path: "/v1/telephony/config/jobs/locations/deleteCallingLocation",
        query: { orgId: ORG },
        body: { locationId: ODD_ID, locationName: "Denver", forceDelete: false },
        reply: { status: 202, body: { id: "job-1", latestExecutionStatus: "STARTING" } },
      },
    ],
    want: { id: "job-1", latestExecutionStatus: "STARTING" },
    docOnly: true,
  },
  {
    name: "telephony.getJob: encoded job id ([doc])",
    call: (c) => c.telephony.getJob(ORG, ODD_ID),
    requests: [
      {
        method: "GET",
        path: `/v1/telephony/config/jobs/locations/deleteCallingLocation/${ODD_PATH}`,
        query: { orgId: ORG },
        reply: { status: 200, body: { id: ODD_ID, latestExecutionStatus: "COMPLETED" } },
      },
    ],
    want: { id: ODD_ID, latestExecutionStatus: "COMPLETED" },
    docOnly: true,
  },
];

/** The endpoints the reference lists that the subset spec leaves out ([doc]): the only ones allowed to skip the spec check. */
const DOC_ONLY_ENDPOINTS = [
  "POST /v1/telephony/config/locations",
  "PUT /v1/telephony/config/locations/{id}",
  "POST /v1/telephony/config/locations/{id}/actions/precheckForDeletion/invoke",
  "POST /v1/telephony/config/jobs/locations/deleteCallingLocation",
  "GET /v1/telephony/config/jobs/locations/deleteCallingLocation/{id}",
];

function client(): ProvisioningClient {
  return createClient({ baseUrl: API, accessToken: TOKEN, sleep: async () => undefined });
}

describe("client: locations and telephony requests", () => {
  useNock();

  for (const c of cases) {
    it(c.name, async () => {
      let scope = nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
      for (const r of c.requests) {
        scope = scope
          .intercept(r.path, r.method, r.body === undefined ? undefined : (b: unknown) => isDeepStrictEqual(b, r.body))
          .query((q) => isDeepStrictEqual({ ...q }, r.query))
          .reply(r.reply.status, r.reply.body === undefined ? "" : JSON.stringify(r.reply.body), { "Content-Type": "application/json" });
      }
      const got = await c.call(client());
      scope.done();
      expect(got).to.deep.equal(c.want);
    });

    it(`${c.name}: conforms to ${c.docOnly ? "the reference (endpoint not in the subset spec)" : "Cisco's spec"}`, () => {
      for (const r of c.requests) {
        if (c.docOnly) {
          const template = `${r.method} ${r.path.split(ODD_PATH).join("{id}")}`;
          expect(DOC_ONLY_ENDPOINTS, "a [doc] endpoint of locations-and-numbers.md").to.include(template);
          expect(operationFor(r.method, r.path), "absent from the subset spec").to.equal(undefined);
        } else {
          expect(conformance(r.method, r.path, r.query, r.body)).to.deep.equal([]);
        }
      }
    });
  }

  describe("the conformance checker itself finds what the spec forbids", () => {
    it("a missing required address field, an undeclared field, a wrong enum and an undeclared query", () => {
      const { state: _state, ...noState } = address;
      expect(
        conformance("POST", "/v1/locations", { orgId: ORG, color: "red" }, { ...createBody, address: noState, extra: 1 }),
      ).to.have.members([
        "query color: not declared by the spec",
        "(body).address.state: required by the spec, missing",
        "(body).extra: not declared by the spec",
      ]);
      expect(conformance("POST", "/v1/telephony/config/locations/x/numbers", {}, { phoneNumbers: ["+1"], state: "ON" })).to.deep.equal([
        '(body).state: "ON" is not one of ACTIVE, INACTIVE',
      ]);
      expect(conformance("DELETE", "/v1/nothing", {}, undefined)).to.deep.equal(["DELETE /v1/nothing: no such operation in the spec"]);
    });
  });

  describe("request bodies are checked before sending", () => {
    const bad: Array<{ name: string; call: (c: ProvisioningClient) => Promise<unknown>; field: string }> = [
      {
        name: "location without state",
        call: (c) => c.locations.create(ORG, { ...createBody, address: { ...address, state: undefined } } as never),
        field: "address.state",
      },
      {
        name: "numbers with an unknown state",
        call: (c) => c.telephony.addNumbers(ORG, "l", { phoneNumbers: ["+1"], state: "ON" } as never),
        field: "state",
      },
      { name: "no numbers to remove", call: (c) => c.telephony.removeNumbers(ORG, "l", []), field: "phoneNumbers" },
      {
        name: "disable job without forceDelete",
        call: (c) => c.telephony.disableCalling(ORG, { locationId: "l", locationName: "n" } as never),
        field: "forceDelete",
      },
    ];
    for (const b of bad) {
      it(b.name, async () => {
        const err = await b.call(client()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(TypeError);
        expect((err as Error).message).to.include(b.field);
      });
    }
  });

  it("a failed batch stops the rest: the numbers already added stay, the error is typed", async () => {
    const scope = nock(API)
      .post(numbersPath, (b: { phoneNumbers: string[] }) => b.phoneNumbers.length === 20)
      .query(true)
      .reply(200)
      .post(numbersPath)
      .query(true)
      .reply(409, { message: "Number +336100000020 belongs to another location", trackingId: "T-409" });
    const err = await client()
      .telephony.addNumbers(ORG, ODD_ID, { phoneNumbers: fortyMobiles, numberType: "MOBILE" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    scope.done();
    expect(err).to.have.property("name", "ConflictError");
    expect((err as Error).message).to.include("belongs to another location");
  });

  it("waitForJob polls until COMPLETED, backing off", async () => {
    const sleeps: number[] = [];
    const c = createClient({ baseUrl: API, accessToken: TOKEN, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
    const path = "/v1/telephony/config/jobs/locations/deleteCallingLocation/job-1";
    const scope = nock(API)
      .get(path)
      .query({ orgId: ORG })
      .reply(200, { id: "job-1", latestExecutionStatus: "STARTED" })
      .get(path)
      .query({ orgId: ORG })
      .reply(200, { id: "job-1", latestExecutionStatus: "STARTED" })
      .get(path)
      .query({ orgId: ORG })
      .reply(200, { id: "job-1", latestExecutionStatus: "COMPLETED" });
    const statuses: string[] = [];
    const job = await c.telephony.waitForJob(ORG, "job-1", { timeoutMs: 60_000, onProgress: (p) => statuses.push(p.status) });
    scope.done();
    expect(job.latestExecutionStatus).to.equal("COMPLETED");
    expect(statuses).to.deep.equal(["STARTED", "STARTED", "COMPLETED"]);
    expect(sleeps[0]).to.equal(1000);
    expect(sleeps[2]).to.be.greaterThan(sleeps[1]);
  });

  it("waitForJob returns a FAILED job for the caller to judge", async () => {
    const scope = nock(API)
      .get("/v1/telephony/config/jobs/locations/deleteCallingLocation/job-2")
      .query(true)
      .reply(200, { id: "job-2", latestExecutionStatus: "FAILED", latestExecutionExitCode: "FAILED" });
    const job = await client().telephony.waitForJob(ORG, "job-2", { timeoutMs: 1000 });
    scope.done();
    expect(job.latestExecutionStatus).to.equal("FAILED");
  });

  it("batches: consecutive slices of at most the size", () => {
    expect(batches([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect(batches([], 20)).to.deep.equal([]);
  });
});
