/**
 * The links `npm run test:api-fuzz` declares on Cisco's specs (which have none), so that
 * schemathesis's stateful phase chains real operations with real ids: a customer created, read,
 * found by its externalId, updated, re-read, removed and re-read; its subscribers added, read,
 * updated, removed and moved; a location's details, PSTN connection and numbers.
 *
 * Link syntax is schemathesis's (4.x, `specs/openapi/stateful/links.py`): `operationId` (spaces
 * allowed), `parameters` keyed `<location>.<name>` or by the target's parameter name, OpenAPI
 * runtime expressions plus its `#regex:` extractor, a `requestBody` whose literals may embed
 * `{$…}` expressions, and `x-schemathesis.merge_body`. A link is keyed by the status the source
 * answers (201, 202 and 204 where the emulator answers so, as Cisco's specs document).
 */

/** What the links need from the seeded emulator. */
export interface LinkSeed {
  /** A template's provisioningId: creates through a link name it. */
  readonly provisioningId: string;
}

/**
 * An OpenAPI link: the operation it leads to and where its parameters and body come from (runtime
 * expressions, or literals with embedded `{$…}` expressions). `replaceBody` sends the link's body
 * as the whole request body (schemathesis's `x-schemathesis.merge_body: false`) rather than
 * merging it into a generated one: a create needs every field right to get past the first 400.
 */
export interface LinkDecl {
  readonly operationId: string;
  readonly parameters?: Record<string, string>;
  readonly requestBody?: unknown;
  readonly replaceBody?: boolean;
}

/** `"<METHOD> <path>" → status → link name → link`. */
export type Links = Record<string, Record<string, Record<string, LinkDecl>>>;

/** One spec to fuzz: its vendored file and the links this project declares on its responses. */
export interface SpecEntry {
  readonly file: string;
  /** Made once the emulator is seeded: create bodies name the seeded template. */
  readonly links: (seeded: LinkSeed) => Links;
}

/**
 * Unique per response: the emulator's `TrackingID`. Creates reached through a link embed it in
 * what must be unique (an externalId, an email, a location name), so a create succeeds each time
 * rather than only the first time of a run.
 */
const unique = "{$response.header.TrackingID}";
/** The id at the end of a customer `url` (POST and PUT answer `{ url }`, no id). */
const createdCustomer = "$response.body#/url#regex:/customers/([^/?#]+)$";
/** The source's own path parameter, for a re-read after a write whose answer has no body. */
const samePath = (name: string): string => `$request.path.${name}`;
/**
 * The source's sub-partner scope, carried to the next step: a sub-partner's customer is only
 * visible with the same `onBehalfOfSubPartnerOrgId` (unresolved, so left to the generator, when
 * the source acted as the partner).
 */
const scope = { "query.onBehalfOfSubPartnerOrgId": "$request.query.onBehalfOfSubPartnerOrgId" };
/**
 * The Calling API acts in the org named by `orgId`: every step stays in its source's org (read
 * from a location in the source's answer, or from the source's own request).
 */
const sameOrg = { "query.orgId": "$request.query.orgId" };

const ADDRESS = { addressLine1: "771 Alder Drive", city: "Milpitas", stateOrProvince: "CA", zipOrPostalCode: "95035", country: "US" };

const PACKAGES = ["webex_calling", "webex_meetings"];
/** Calling needs its headquarters on every write that keeps it (provisioning-api.md). */
const CALLING = { calling: { location: { name: "HQ", address: ADDRESS, timezone: "America/Los_Angeles", language: "en_us" } } };

/** A customer create the emulator accepts: the seeded template, a unique externalId, calling and meetings. */
function customerBody(seeded: LinkSeed): Record<string, unknown> {
  return {
    provisioningId: seeded.provisioningId,
    externalId: `fuzz-${unique}`,
    packages: PACKAGES,
    address: ADDRESS,
    customerInfo: { name: `Fuzz ${unique}`, primaryEmail: `admin-${unique}@fuzz.example` },
    provisioningParameters: CALLING,
  };
}

/** A meetings subscriber of the customer the expression names (meetings needs no location or number). */
function subscriberBody(customerId: string): Record<string, unknown> {
  return {
    customerId,
    email: `user-${unique}@fuzz.example`,
    packages: ["webex_meetings"],
    provisioningParameters: { firstName: "Ada", lastName: "Fuzz" },
  };
}

/** What a customer id leads to: read, change, remove, and its subscribers (listed and added). */
function customerLinks(customerId: string): Record<string, LinkDecl> {
  const id = { customerId, ...scope };
  return {
    GetCustomer: { operationId: "Get a Wholesale Customer", parameters: id },
    UpdateCustomer: {
      operationId: "Update a Wholesale Customer",
      parameters: id,
      // the same packages, a new address: a change the service accepts for any provisioned customer
      requestBody: { packages: PACKAGES, address: { ...ADDRESS, addressLine1: "1 Fuzz Street" }, provisioningParameters: CALLING },
      replaceBody: true,
    },
    RemoveCustomer: { operationId: "Remove a Wholesale Customer", parameters: id },
    ListItsSubscribers: { operationId: "List Wholesale Subscribers", parameters: { "query.customerId": customerId, ...scope } },
    AddSubscriber: {
      operationId: "Provision a Wholesale Subscriber",
      parameters: scope,
      requestBody: subscriberBody(customerId),
      replaceBody: true,
    },
  };
}

/** The named links of `links` only. */
function pick(links: Record<string, LinkDecl>, ...names: string[]): Record<string, LinkDecl> {
  return Object.fromEntries(Object.entries(links).filter(([name]) => names.includes(name)));
}

/** What a subscriber id leads to: read, change, remove, and consentMove (for one pending migration). */
function subscriberLinks(subscriberId: string): Record<string, LinkDecl> {
  const id = { subscriberId, ...scope };
  return {
    GetSubscriber: { operationId: "Get a Wholesale Subscriber", parameters: id },
    UpdateSubscriber: {
      operationId: "Update a Wholesale Subscriber",
      parameters: id,
      requestBody: { packages: ["webex_meetings"] },
      replaceBody: true,
    },
    RemoveSubscriber: { operationId: "Remove a Wholesale Subscriber", parameters: id },
    ConsentMove: { operationId: "Send Consent User Move Email to Pending Wholesale Subscribers", parameters: id },
  };
}

/** A location create the emulator accepts, named uniquely (names are unique in an org). */
const LOCATION_BODY = {
  name: `Site ${unique}`,
  timeZone: "America/Chicago",
  preferredLanguage: "en_us",
  announcementLanguage: "en_us",
  address: { address1: "100 Main Street", city: "Dallas", state: "TX", postalCode: "75201", country: "US" },
};
/** Numbers a location's chain adds, activates, reads and removes (E.164, at most 5 for a removal). */
const NUMBERS = ["+12145550101", "+12145550102"];

/** What a location id (in `orgId`) leads to: its details and their update, its PSTN connection, its numbers. */
function locationLinks(locationId: string, orgId: string): Record<string, LinkDecl> {
  const org = { "query.orgId": orgId };
  const at = { locationId, ...org };
  return {
    GetLocation: { operationId: "Get Location Details", parameters: at },
    UpdateLocation: {
      operationId: "Update a Location",
      parameters: at,
      requestBody: { name: `Renamed ${unique}`, timeZone: "America/New_York" },
      replaceBody: true,
    },
    ConnectionOptions: { operationId: "Retrieve PSTN Connection Options for a Location", parameters: at },
    GetConnection: { operationId: "Retrieve PSTN Connection for a Location", parameters: at },
    AddNumbers: {
      operationId: "Add Phone Numbers to a location",
      parameters: at,
      requestBody: { phoneNumbers: NUMBERS, numberType: "DID", state: "INACTIVE" },
      replaceBody: true,
    },
    ListItsNumbers: {
      operationId: "Get Phone Numbers for an Organization with Given Criterias",
      parameters: { "query.locationId": locationId, ...org },
    },
  };
}

/** What numbers just sent to a location lead to: activate, read back, remove (the same list). */
function numberLinks(): Record<string, LinkDecl> {
  const at = { locationId: samePath("locationId"), ...sameOrg };
  const same = { phoneNumbers: "$request.body#/phoneNumbers" };
  return {
    ActivateNumbers: { operationId: "Activate Phone Numbers in a location", parameters: at, requestBody: same, replaceBody: true },
    ReadNumber: {
      operationId: "Get Phone Numbers for an Organization with Given Criterias",
      parameters: { "query.locationId": samePath("locationId"), "query.phoneNumber": "$request.body#/phoneNumbers/0", ...sameOrg },
    },
    RemoveNumbers: { operationId: "Remove phone numbers from a location", parameters: at, requestBody: same, replaceBody: true },
  };
}

/**
 * The specs and the sequences this project declares on them (Cisco's specs have no links, so the
 * stateful phase would otherwise only chain what schemathesis infers). Wholesale: the
 * sub-partners list leads to a new customer; a customer to its read, its lookup by externalId,
 * update, removal, subscribers and a new subscriber; each write to a re-read of what it wrote; a
 * subscriber to its read, update, removal and consentMove. Locations: an org's locations lead to a new location and to each location's
 * details, PSTN connection and numbers; numbers added lead to their activation, read and removal.
 */
export const SPECS: readonly SpecEntry[] = [
  {
    file: "webex-wholesale.json",
    links: (seeded) => {
      // Every wholesale scenario starts at GET subPartners and provisions a customer, for a
      // sub-partner or for the partner: schemathesis starts scenarios from its "reliable" roots
      // only when there are any, and it takes `onBehalfOfSubPartnerOrgId` (on every other
      // operation) for a reference to a resource nothing produces, so subPartners is the one
      // reliable root. The lists and reads are reached from the customer made.
      const provision = (parameters: Record<string, string>): LinkDecl => ({
        operationId: "Provision a Wholesale Customer",
        parameters,
        requestBody: customerBody(seeded),
        replaceBody: true,
      });
      const subscriber = subscriberLinks("$response.body#/id");
      const reread = { subscriberId: samePath("subscriberId"), ...scope };
      return {
        "GET /wholesale/subPartners": {
          "200": {
            ProvisionForSubPartner: provision({ "query.onBehalfOfSubPartnerOrgId": "$response.body#/items/0/orgId" }),
            ProvisionForPartner: provision({}),
          },
        },
        "GET /wholesale/customers": { "200": customerLinks("$response.body#/items/0/id") },
        "POST /wholesale/customers": {
          "202": {
            ...pick(customerLinks(createdCustomer), "GetCustomer", "UpdateCustomer", "RemoveCustomer"),
            // as the provider adopts: the customer just made, found by its externalId
            FindByExternalId: {
              operationId: "List Wholesale Customers",
              parameters: { "query.externalId": "$request.body#/externalId", ...scope },
            },
          },
        },
        "GET /wholesale/customers/{customerId}": { "200": customerLinks("$response.body#/id") },
        "PUT /wholesale/customers/{customerId}": { "202": { ReadBack: customerLinks(samePath("customerId"))["GetCustomer"]! } },
        "DELETE /wholesale/customers/{customerId}": { "202": { ReadBack: customerLinks(samePath("customerId"))["GetCustomer"]! } },
        "GET /wholesale/subscribers": { "200": subscriberLinks("$response.body#/items/0/id") },
        "POST /wholesale/subscribers": { "200": subscriber, "202": subscriber },
        "GET /wholesale/subscribers/{subscriberId}": { "200": subscriberLinks("$response.body#/id") },
        "PUT /wholesale/subscribers/{subscriberId}": {
          "200": { ReadBack: { operationId: "Get a Wholesale Subscriber", parameters: reread } },
        },
        "DELETE /wholesale/subscribers/{subscriberId}": {
          "204": { ReadBack: { operationId: "Get a Wholesale Subscriber", parameters: reread } },
        },
      };
    },
  },
  {
    file: "webex-calling-locations.json",
    links: () => {
      const org = sameOrg;
      const reread = (operationId: string): LinkDecl => ({ operationId, parameters: { locationId: samePath("locationId"), ...org } });
      return {
        "GET /locations": {
          "200": {
            ...locationLinks("$response.body#/items/0/id", "$response.body#/items/0/orgId"),
            CreateLocation: {
              operationId: "Create a Location",
              parameters: { "query.orgId": "$response.body#/items/0/orgId" },
              requestBody: LOCATION_BODY,
              replaceBody: true,
            },
          },
        },
        "POST /locations": { "201": locationLinks("$response.body#/id", "$request.query.orgId") },
        "GET /locations/{locationId}": { "200": locationLinks("$response.body#/id", "$response.body#/orgId") },
        "PUT /locations/{locationId}": { "204": { ReadBack: reread("Get Location Details") } },
        "GET /telephony/pstn/locations/{locationId}/connectionOptions": {
          "200": {
            SetConnection: {
              operationId: "Setup PSTN Connection for a Location",
              parameters: { locationId: samePath("locationId"), ...org },
              requestBody: { id: "$response.body#/items/0/id" },
              replaceBody: true,
            },
          },
        },
        "PUT /telephony/pstn/locations/{locationId}/connection": {
          "204": {
            ReadBack: reread("Retrieve PSTN Connection for a Location"),
            AddNumbers: locationLinks(samePath("locationId"), "$request.query.orgId")["AddNumbers"]!,
          },
        },
        // a location's numbers lead to the first one's activation and removal, so the inventory the
        // chains fill is drained again and the next AddNumbers is not a 409
        "GET /telephony/config/numbers": {
          "200": {
            ActivateListed: {
              operationId: "Activate Phone Numbers in a location",
              parameters: { locationId: "$request.query.locationId", ...org },
              requestBody: { phoneNumbers: ["$response.body#/phoneNumbers/0/phoneNumber"] },
              replaceBody: true,
            },
            RemoveListed: {
              operationId: "Remove phone numbers from a location",
              parameters: { locationId: "$request.query.locationId", ...org },
              requestBody: { phoneNumbers: ["$response.body#/phoneNumbers/0/phoneNumber"] },
              replaceBody: true,
            },
          },
        },
        "POST /telephony/config/locations/{locationId}/numbers": { "200": numberLinks() },
        "PUT /telephony/config/locations/{locationId}/numbers": { "204": numberLinks() },
        "DELETE /telephony/config/locations/{locationId}/numbers": {
          "204": {
            ReadBack: {
              operationId: "Get Phone Numbers for an Organization with Given Criterias",
              parameters: { "query.locationId": samePath("locationId"), "query.phoneNumber": "$request.body#/phoneNumbers/0", ...org },
            },
          },
        },
      };
    },
  },
];

/** The spec with the declared links added to its responses (Cisco's file is left as it is). */
export function withLinks(spec: Record<string, any>, links: Links): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, any>;
  for (const [op, byStatus] of Object.entries(links)) {
    const [method = "", path = ""] = op.split(" ");
    const operation = copy["paths"]?.[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`api-fuzz: the spec has no operation ${op} to link from`);
    for (const [status, named] of Object.entries(byStatus)) {
      const response = operation.responses?.[status];
      if (response === undefined) throw new Error(`api-fuzz: ${op} declares no ${status} response to link from`);
      const declared = Object.fromEntries(
        Object.entries(named).map(([name, { replaceBody, ...link }]) => [
          name,
          replaceBody === true ? { ...link, "x-schemathesis": { merge_body: false } } : link,
        ]),
      );
      response.links = { ...(response.links ?? {}), ...declared };
    }
  }
  return copy;
}

/** How many links `links` declares (one per source status and name, as schemathesis counts them). */
export function countLinks(links: Links): number {
  return Object.values(links).reduce(
    (n, byStatus) => n + Object.values(byStatus).reduce((m, named) => m + Object.keys(named).length, 0),
    0,
  );
}
