import { expect } from "chai";
import nock from "nock";
import { isDeepStrictEqual } from "node:util";
import {
  createClient,
  type CustomerCreateRequest,
  type ProvisioningClient,
  type SubscriberCreateRequest,
  type TemplateRequest,
} from "../../../provider/client";
import { API, useNock } from "./helpers";

const TOKEN = "test-token-abc";
const SUB = "c3ViLXBhcnRuZXI="; // sub-partner org id, base64 with '='
/** An id holding the characters that must be encoded in a path segment. */
const ODD_ID = "Y2lz/Y29=?x";
const ODD_PATH = "Y2lz%2FY29%3D%3Fx";

const address = { addressLine1: "1 Main St", city: "Paris", country: "FR" };
const customerBody: CustomerCreateRequest = {
  provisioningId: "prov-1",
  externalId: "acme-001",
  packages: ["webex_calling", "webex_meetings"],
  address,
  customerInfo: { name: "Acme", primaryEmail: "admin@acme.example", language: "fr_FR" },
  provisioningParameters: {
    calling: { location: { name: "Headquarters", address, timezone: "Europe/Paris", language: "fr_fr" } },
    meetings: { timezone: "Europe/Paris" },
    packages: { limits: { webex_calling: 10, webex_meetings: 5 } },
  },
};
const subscriberBody: SubscriberCreateRequest = {
  customerId: "cust-1",
  email: "ada@acme.example",
  packages: ["webex_calling"],
  provisioningParameters: { firstName: "Ada", lastName: "Lovelace", extension: "0100", locationId: "loc-1" },
};
const templateBody: TemplateRequest = {
  name: "SMB EMEA",
  serviceProviderAdmin: "ops@partner.example",
  country: "FR",
  defaultEmailLanguage: "fr_FR",
  wholesaleSubscriptionId: "Sub-123",
  authentication: { type: "webex" },
  emailBrandName: "Partner Voice",
  allowAdminInviteEmails: false,
  allowWebexToWebexCalls: true,
};
const customer = { id: ODD_ID, status: "provisioned", externalId: "acme-001", packages: ["webex_calling"], futureField: { x: 1 } };
const subscriber = { id: ODD_ID, status: "provisioned", email: "ada@acme.example", packages: ["webex_calling"] };
const template = { id: ODD_ID, provisioningId: "prov-9", ...templateBody };

/** Collects an async iterable. */
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface Case {
  name: string;
  call: (c: ProvisioningClient) => Promise<unknown>;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  reply: { status: number; body?: unknown; headers?: Record<string, string> };
  want: unknown;
}

const cases: Case[] = [
  {
    name: "customers.create: POST with the spec body; id from Location",
    call: (c) => c.customers.create(customerBody),
    method: "POST",
    path: "/v1/wholesale/customers",
    body: customerBody,
    reply: {
      status: 202,
      body: { url: `${API}/v1/wholesale/customers/${ODD_PATH}` },
      headers: { Location: `${API}/v1/wholesale/customers/${ODD_PATH}` },
    },
    want: { id: ODD_ID, url: `${API}/v1/wholesale/customers/${ODD_PATH}` },
  },
  {
    name: "customers.create: id from the body's url when Location is absent",
    call: (c) => c.customers.create(customerBody),
    method: "POST",
    path: "/v1/wholesale/customers",
    body: customerBody,
    reply: { status: 202, body: { url: `${API}/v1/wholesale/customers/abc` } },
    want: { id: "abc", url: `${API}/v1/wholesale/customers/abc` },
  },
  {
    name: "customers.get: encoded id, unknown fields kept",
    call: (c) => c.customers.get(ODD_ID),
    method: "GET",
    path: `/v1/wholesale/customers/${ODD_PATH}`,
    reply: { status: 200, body: customer },
    want: customer,
  },
  {
    name: "customers.list: filters as query, status list comma-separated",
    call: (c) => all(c.customers.list({ externalId: "acme-001", orgId: "org-1", status: ["provisioned", "error"] })),
    method: "GET",
    path: "/v1/wholesale/customers",
    query: { externalId: "acme-001", orgId: "org-1", status: "provisioned,error", offset: "0", max: "100" },
    reply: { status: 200, body: { items: [customer] } },
    want: [customer],
  },
  {
    name: "customers.update: PUT with the complete package list; id kept",
    call: (c) => c.customers.update(ODD_ID, { packages: ["webex_calling"], externalId: "acme-001" }),
    method: "PUT",
    path: `/v1/wholesale/customers/${ODD_PATH}`,
    body: { packages: ["webex_calling"], externalId: "acme-001" },
    reply: { status: 202, body: { url: `${API}/v1/wholesale/customers/${ODD_PATH}` } },
    want: { id: ODD_ID, url: `${API}/v1/wholesale/customers/${ODD_PATH}` },
  },
  {
    name: "customers.delete: DELETE, 202",
    call: (c) => c.customers.delete(ODD_ID),
    method: "DELETE",
    path: `/v1/wholesale/customers/${ODD_PATH}`,
    reply: { status: 202 },
    want: undefined,
  },
  {
    name: "customers.validate: POST to validate, answer parsed (info as a list)",
    call: (c) => c.customers.validate({ address, externalId: "acme-001" }),
    method: "POST",
    path: "/v1/wholesale/customers/validate",
    body: { address, externalId: "acme-001" },
    reply: { status: 200, body: { message: "success", info: [{ infoCode: 100, description: "ok" }] } },
    want: { message: "success", info: [{ infoCode: 100, description: "ok" }] },
  },
  {
    name: "subscribers.create: POST with packages[1] and provisioningParameters",
    call: (c) => c.subscribers.create(subscriberBody),
    method: "POST",
    path: "/v1/wholesale/subscribers",
    body: subscriberBody,
    reply: { status: 200, body: subscriber },
    want: subscriber,
  },
  {
    name: "subscribers.create: 202 pending_user_migration, id from Location",
    call: (c) => c.subscribers.create(subscriberBody),
    method: "POST",
    path: "/v1/wholesale/subscribers",
    body: subscriberBody,
    reply: { status: 202, body: { status: "pending_user_migration" }, headers: { Location: `${API}/v1/wholesale/subscribers/sub-7` } },
    want: { id: "sub-7", status: "pending_user_migration" },
  },
  {
    name: "subscribers.get: encoded id",
    call: (c) => c.subscribers.get(ODD_ID),
    method: "GET",
    path: `/v1/wholesale/subscribers/${ODD_PATH}`,
    reply: { status: 200, body: subscriber },
    want: subscriber,
  },
  {
    name: "subscribers.list: filters as query",
    call: (c) =>
      all(c.subscribers.list({ customerId: "cust-1", email: "ada@acme.example", externalCustomerId: "acme-001", status: "provisioned" })),
    method: "GET",
    path: "/v1/wholesale/subscribers",
    query: {
      customerId: "cust-1",
      email: "ada@acme.example",
      externalCustomerId: "acme-001",
      status: "provisioned",
      offset: "0",
      max: "100",
    },
    reply: { status: 200, body: { items: [subscriber] } },
    want: [subscriber],
  },
  {
    name: "subscribers.update: PUT package move with number",
    call: (c) =>
      c.subscribers.update(ODD_ID, { packages: ["webex_calling"], provisioningParameters: { extension: "0101", locationId: "loc-1" } }),
    method: "PUT",
    path: `/v1/wholesale/subscribers/${ODD_PATH}`,
    body: { packages: ["webex_calling"], provisioningParameters: { extension: "0101", locationId: "loc-1" } },
    reply: { status: 200, body: subscriber },
    want: subscriber,
  },
  {
    name: "subscribers.delete: DELETE, 204",
    call: (c) => c.subscribers.delete(ODD_ID),
    method: "DELETE",
    path: `/v1/wholesale/subscribers/${ODD_PATH}`,
    reply: { status: 204 },
    want: undefined,
  },
  {
    name: "subscribers.validate: POST, info as one object (spec form)",
    call: (c) => c.subscribers.validate({ email: "ada@acme.example", customerId: "cust-1" }),
    method: "POST",
    path: "/v1/wholesale/subscribers/validate",
    body: { email: "ada@acme.example", customerId: "cust-1" },
    reply: { status: 200, body: { message: "success", info: { infoCode: 100, description: "ok" } } },
    want: { message: "success", info: { infoCode: 100, description: "ok" } },
  },
  {
    name: "templates.create: POST, 201 with id and provisioningId",
    call: (c) => c.templates.create(templateBody),
    method: "POST",
    path: "/v1/wholesale/onboardingTemplates",
    body: templateBody,
    reply: { status: 201, body: template },
    want: template,
  },
  {
    name: "templates.get: encoded id",
    call: (c) => c.templates.get(ODD_ID),
    method: "GET",
    path: `/v1/wholesale/onboardingTemplates/${ODD_PATH}`,
    reply: { status: 200, body: template },
    want: template,
  },
  {
    name: "templates.list: name filter",
    call: (c) => all(c.templates.list({ name: "SMB EMEA" })),
    method: "GET",
    path: "/v1/wholesale/onboardingTemplates",
    query: { name: "SMB EMEA", offset: "0", max: "100" },
    reply: { status: 200, body: { items: [template] } },
    want: [template],
  },
  {
    name: "templates.update: PUT with the full body",
    call: (c) => c.templates.update(ODD_ID, { ...templateBody, emailBrandName: "New Brand" }),
    method: "PUT",
    path: `/v1/wholesale/onboardingTemplates/${ODD_PATH}`,
    body: { ...templateBody, emailBrandName: "New Brand" },
    reply: { status: 200, body: { ...template, emailBrandName: "New Brand" } },
    want: { ...template, emailBrandName: "New Brand" },
  },
  {
    name: "templates.delete: DELETE, 204",
    call: (c) => c.templates.delete(ODD_ID),
    method: "DELETE",
    path: `/v1/wholesale/onboardingTemplates/${ODD_PATH}`,
    reply: { status: 204 },
    want: undefined,
  },
  {
    name: "locations.list: orgId as query",
    call: (c) => all(c.locations.list({ orgId: "org-1" })),
    method: "GET",
    path: "/v1/locations",
    query: { orgId: "org-1", offset: "0", max: "100" },
    reply: { status: 200, body: { items: [{ id: "loc-1", name: "Headquarters", orgId: "org-1", address: { city: "Paris" } }] } },
    want: [{ id: "loc-1", name: "Headquarters", orgId: "org-1", address: { city: "Paris" } }],
  },
];

describe("client requests", () => {
  useNock();

  for (const subPartner of [undefined, SUB]) {
    describe(subPartner ? "with a sub-partner" : "without a sub-partner", () => {
      for (const c of cases) {
        it(c.name, async () => {
          const client = createClient({ baseUrl: API, accessToken: TOKEN, subPartnerOrgId: subPartner, sleep: async () => undefined });
          const seen: { trackingId?: string; contentType?: string } = {};
          const query = { ...(c.query ?? {}), ...(subPartner ? { onBehalfOfSubPartnerOrgId: subPartner } : {}) };
          const scope = nock(API, {
            reqheaders: { authorization: `Bearer ${TOKEN}`, accept: "application/json" },
          })
            .intercept(c.path, c.method, c.body === undefined ? undefined : (b: unknown) => isDeepStrictEqual(b, c.body))
            .query((q) => isDeepStrictEqual({ ...q }, query))
            .reply(function (_uri, _body) {
              seen.trackingId = String(this.req.headers["trackingid"]);
              seen.contentType = this.req.headers["content-type"] as string | undefined;
              return [
                c.reply.status,
                c.reply.body === undefined ? "" : JSON.stringify(c.reply.body),
                { "Content-Type": "application/json", ...c.reply.headers },
              ];
            });
          const got = await c.call(client);
          scope.done();
          expect(got).to.deep.equal(c.want);
          expect(seen.trackingId).to.match(/^WEBEXWHOLESALE_[0-9a-f-]{36}$/);
          if (c.body !== undefined) expect(seen.contentType).to.equal("application/json");
        });
      }
    });
  }

  describe("request bodies are checked against the spec schema before sending", () => {
    const bad: Array<{ name: string; call: (c: ProvisioningClient) => Promise<unknown>; field: string }> = [
      {
        name: "customer without address",
        call: (c) => c.customers.create({ ...customerBody, address: undefined } as never),
        field: "address",
      },
      {
        name: "new customer without customerInfo nor orgId",
        call: (c) => c.customers.create({ ...customerBody, customerInfo: undefined }),
        field: "customerInfo",
      },
      {
        name: "customer with an unknown package",
        call: (c) => c.customers.create({ ...customerBody, packages: ["webex_unknown"] } as never),
        field: "packages.0",
      },
      {
        name: "subscriber with two packages",
        call: (c) => c.subscribers.create({ ...subscriberBody, packages: ["webex_calling", "webex_meetings"] }),
        field: "packages",
      },
      {
        name: "template with an unknown authentication type",
        call: (c) => c.templates.create({ ...templateBody, authentication: { type: "saml" } } as never),
        field: "authentication.type",
      },
    ];
    for (const b of bad) {
      it(b.name, async () => {
        const client = createClient({ baseUrl: API, accessToken: TOKEN });
        const err = await b.call(client).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(TypeError);
        expect((err as Error).message).to.include(b.field);
      });
    }
  });

  it("an existing org attached by orgId needs no customerInfo", async () => {
    const client = createClient({ baseUrl: API, accessToken: TOKEN });
    const { customerInfo: _dropped, ...attach } = customerBody;
    const body = { ...attach, orgId: "org-9" };
    const scope = nock(API)
      .post("/v1/wholesale/customers", (sent: unknown) => isDeepStrictEqual(sent, body))
      .reply(202, { url: `${API}/v1/wholesale/customers/new` });
    expect(await client.customers.create(body)).to.deep.equal({ id: "new", url: `${API}/v1/wholesale/customers/new` });
    scope.done();
  });

  it("a 2xx body missing a field the provider relies on is a typed error naming the field", async () => {
    const client = createClient({ baseUrl: API, accessToken: TOKEN });
    const scope = nock(API).get("/v1/wholesale/customers/x").reply(200, { id: "x" });
    const err = await client.customers.get("x").then(
      () => undefined,
      (e: unknown) => e,
    );
    scope.done();
    expect(err).to.have.property("name", "ProvisioningApiError");
    expect((err as Error).message).to.match(/status: /);
    expect(err).to.have.property("retryable", false);
  });

  it("a customer write answered without Location nor url is reported with outcomeUnknown", async () => {
    const client = createClient({ baseUrl: API, accessToken: TOKEN });
    const scope = nock(API).post("/v1/wholesale/customers").reply(202, "");
    const err = await client.customers.create(customerBody).then(
      () => undefined,
      (e: unknown) => e,
    );
    scope.done();
    expect(err).to.have.property("outcomeUnknown", true);
    expect((err as Error).message).to.match(/Look the customer up by externalId/);
  });

  it("a template call against an API without the endpoint explains Partner Hub", async () => {
    const client = createClient({ baseUrl: API, accessToken: TOKEN });
    const scope = nock(API).post("/v1/wholesale/onboardingTemplates").reply(404, { message: "Not Found", trackingId: "ROUTER_404" });
    const err = await client.templates.create(templateBody).then(
      () => undefined,
      (e: unknown) => e,
    );
    scope.done();
    expect(err).to.have.property("name", "NotFoundError");
    expect((err as Error).message).to.match(/Partner Hub/);
    expect((err as Error).message).to.include("ROUTER_404");
  });
});
