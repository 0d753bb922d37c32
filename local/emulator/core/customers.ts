/**
 * Customers: `POST`/`GET`/`PUT`/`DELETE /v1/wholesale/customers[/{id}]` and the precheck.
 * Writes answer 202 and start a transition (see `lifecycle.ts`); reads are stingy like the real
 * API (no limits, no customerInfo).
 */
import { fail, RuleFailure, violation, type Violation } from "./catalog";
import {
  type AsyncScenario,
  type HandlerInput,
  type HandlerResult,
  parseBody,
  putRecord,
  requireCustomer,
  requireNotBusy,
} from "./context";
import { adminPackageOf, hasCallingPackage } from "./packages";
import { paginate } from "./paging";
import { webexId } from "./random";
import { limitViolations, normaliseLimits, packageListViolations } from "./rules";
import { CustomerCreateSchema, CustomerUpdateSchema, CustomerValidateSchema } from "./schemas";
import { type CustomerRecord, type Outcome, type State, type TemplateRecord, subscriptionMaximum } from "./state";
import { CUSTOMERS_BY_ATTACHED_ORG, CUSTOMERS_BY_EXTERNAL_ID, CUSTOMERS_BY_ORG, SUBSCRIBERS_BY_PACKAGE } from "./indexes";
import { countOf, lookup } from "./table";

/** Path of the customers collection. */
export const CUSTOMERS_PATH = "/v1/wholesale/customers";

/** The customer as `GET` returns it: no limits, no customerInfo, `orgId` only once provisioned. */
export function customerView(c: CustomerRecord): Record<string, unknown> {
  const showOrg = c.everProvisioned && c.status !== "error";
  return {
    id: c.id,
    ...(showOrg ? { orgId: c.orgId } : {}),
    externalId: c.externalId,
    address: c.address,
    status: c.status,
    packages: c.packages,
    resourceDetails: c.resourceDetails,
    errors: c.errors,
  };
}

function customerUrl(baseUrl: string, id: string): string {
  return `${baseUrl}${CUSTOMERS_PATH}/${encodeURIComponent(id)}`;
}

/** 202 for a customer whose operation just started: `record` stored, its id in flight, `Location` pointing at it. */
function accepted(h: HandlerInput, record: CustomerRecord): HandlerResult {
  const state: State = {
    ...h.state,
    customers: putRecord(h.state.customers, record.id, record),
    inFlight: [...h.state.inFlight, record.id],
  };
  const url = customerUrl(h.baseUrl, record.id);
  return { state, status: 202, headers: { Location: url }, body: { url } };
}

/** The template whose provisioningId this is, or undefined. */
function templateByProvisioningId(state: State, provisioningId: string): TemplateRecord | undefined {
  return Object.values(state.templates).find((t) => t.provisioningId === provisioningId);
}

/** The customer (other than `exceptId`) using this externalId, if any. */
function customerByExternalId(state: State, externalId: string, exceptId?: string): CustomerRecord | undefined {
  return lookup(state.customers, CUSTOMERS_BY_EXTERNAL_ID, externalId).find((c) => c.id !== exceptId);
}

/**
 * The other customer, named when the acting party can see it. [project] externalIds and attached
 * orgs are unique across the partner and all its sub-partners (one org is one customer, and the
 * provider adopts by externalId), but a sub-partner's customer is not shown to the partner, nor
 * the reverse: the refusal then says whose it is without its id.
 */
function otherCustomer(view: State, other: CustomerRecord): string {
  if (view.customers[other.id] !== undefined) return `customer ${other.id}`;
  return other.subPartnerOrgId === undefined
    ? "a customer of the partner itself (act without onBehalfOfSubPartnerOrgId to see it)"
    : "a customer of a sub-partner (act with its onBehalfOfSubPartnerOrgId to see it)";
}

/** Throws when there is any violation; 400s are reported before 409s. */
function throwIfAny(violations: readonly Violation[]): void {
  if (violations.length > 0) throw new RuleFailure(violations);
}

function outcomeFor(state: State, externalId: string, scenario: AsyncScenario | undefined, creating: boolean): Outcome {
  if (scenario !== undefined) return scenario;
  return creating ? (state.fixtures.asyncOutcomes[externalId] ?? "provisioned") : "provisioned";
}

/** Checks of a create (or precheck) body; returns the template and the attached org's migration flag. */
function checkCreate(
  { state, whole }: Pick<HandlerInput, "state" | "whole">,
  body: {
    provisioningId?: string | undefined;
    orgId?: string | undefined;
    packages?: string[] | undefined;
    customerInfo?: unknown;
    externalId?: string | undefined;
    provisioningParameters?: { calling?: unknown; packages?: { limits: Record<string, unknown> } | undefined } | undefined;
  },
  mode: "create" | "validate",
): { template?: TemplateRecord; migrating: boolean } {
  const packages = body.packages;
  if (packages !== undefined) throwIfAny(packageListViolations(packages));

  const problems: Violation[] = [];
  let template: TemplateRecord | undefined;
  if (body.provisioningId !== undefined) {
    template = templateByProvisioningId(state, body.provisioningId);
    if (template === undefined) {
      problems.push(
        violation(
          1001,
          `provisioningId: no onboarding template has provisioningId ${body.provisioningId}; create the template first or copy its provisioningId`,
        ),
      );
    }
  }
  let migrating = false;
  if (body.orgId !== undefined) {
    const org = state.fixtures.orgs.find((o) => o.orgId === body.orgId);
    if (org === undefined) {
      problems.push(violation(1001, `orgId: no existing Webex org ${body.orgId} is visible to this partner`));
    } else {
      migrating = org.migratingFromBroadWorks;
      const holder = lookup(whole.customers, CUSTOMERS_BY_ATTACHED_ORG, body.orgId)[0];
      if (holder !== undefined) {
        problems.push(violation(1001, `orgId: org ${body.orgId} is already attached to ${otherCustomer(state, holder)}`));
      }
    }
  } else if (mode === "create" && body.customerInfo === undefined) {
    problems.push(violation(1001, "customerInfo: is required unless orgId attaches an existing org"));
  }
  if (packages !== undefined && hasCallingPackage(packages) && body.provisioningParameters?.calling === undefined) {
    problems.push(violation(1001, "provisioningParameters.calling.location: is required when a calling package is ordered"));
  }
  throwIfAny(problems);

  if (packages !== undefined) {
    const subscriptionId = template?.wholesaleSubscriptionId ?? "";
    throwIfAny(
      limitViolations({
        mode,
        packages,
        limits: body.provisioningParameters?.packages?.limits,
        migrating,
        maximum: (p) => subscriptionMaximum(state.fixtures, subscriptionId, p),
      }),
    );
  }
  if (body.externalId !== undefined) {
    const other = customerByExternalId(whole, body.externalId);
    if (other !== undefined) fail(1301, `externalId: "${body.externalId}" is already used by ${otherCustomer(state, other)}`);
  }
  return { ...(template !== undefined ? { template } : {}), migrating };
}

/** `POST /v1/wholesale/customers`. */
export function createCustomer(h: HandlerInput): HandlerResult {
  const body = parseBody(CustomerCreateSchema, h.body);
  const { migrating } = checkCreate(h, body, "create");
  const id = webexId("customer", h.rng);
  const orgId = body.orgId ?? webexId("organization", h.rng);
  const location = body.provisioningParameters?.calling?.location;
  const limits = body.provisioningParameters?.packages?.limits;
  const adminPackage = adminPackageOf(body.packages);
  const record: CustomerRecord = {
    id,
    // the sub-partner it is created for owns it: only that sub-partner sees it from now on
    ...(h.subPartnerOrgId !== undefined ? { subPartnerOrgId: h.subPartnerOrgId } : {}),
    externalId: body.externalId,
    orgId,
    attachedOrg: body.orgId !== undefined,
    provisioningId: body.provisioningId,
    packages: body.packages,
    address: body.address,
    ...(body.customerInfo !== undefined ? { customerInfo: body.customerInfo } : {}),
    ...(body.provisioningParameters !== undefined ? { provisioningParameters: body.provisioningParameters } : {}),
    ...(body.subPartnerAdminEmail !== undefined ? { subPartnerAdminEmail: body.subPartnerAdminEmail } : {}),
    limits: limits === undefined ? null : normaliseLimits(limits, body.packages),
    ...(adminPackage !== undefined ? { adminPackage } : {}),
    migratingFromBroadWorks: migrating,
    ...(location !== undefined && hasCallingPackage(body.packages)
      ? {
          headquarters: {
            id: webexId("location", h.rng),
            name: location.name,
            address: location.address,
            timezone: location.timezone,
            language: location.language,
          },
        }
      : {}),
    status: "provisioning",
    everProvisioned: false,
    transition: {
      kind: "provisioning",
      startedAt: h.now,
      dueAt: h.now + h.provisioningDelayMs,
      outcome: outcomeFor(h.state, body.externalId, h.scenario, true),
    },
    resourceDetails: { packages: body.packages.map((name) => ({ name, status: "provisioning", warnings: [], errors: [] })) },
    errors: [],
    created: h.now,
    lastStatusChange: h.now,
  };
  return accepted(h, record);
}

/** `POST /v1/wholesale/customers/validate`: every check of a create, nothing changed. */
export function validateCustomer(h: HandlerInput): HandlerResult {
  const body = parseBody(CustomerValidateSchema, h.body);
  checkCreate(h, body, "validate");
  return {
    state: h.state,
    status: 200,
    body: { message: "success", info: [{ infoCode: 100, description: "The customer can be provisioned with this request." }] },
  };
}

/**
 * The view with `licenseIds` on each provisioned package (`includePackageLicenseInfo=true`).
 * [project] Ids are derived from the customer and package (`ciscospark://us/LICENSE/<customer>:<package>`),
 * so they are stable without drawing from the PRNG.
 */
function withLicenseIds(c: CustomerRecord): Record<string, unknown> {
  const packages = c.resourceDetails.packages.map((p) =>
    p.status === "provisioned" ? { ...p, licenseIds: [Buffer.from(`ciscospark://us/LICENSE/${c.id}:${p.name}`).toString("base64")] } : p,
  );
  return { ...customerView(c), resourceDetails: { packages } };
}

/** `GET /v1/wholesale/customers/{id}[?includePackageLicenseInfo=true]`. */
export function getCustomer(h: HandlerInput): HandlerResult {
  const c = requireCustomer(h.state, h.params["id"] ?? "");
  const raw = h.query.get("includePackageLicenseInfo");
  if (raw !== null && raw !== "true" && raw !== "false") fail(1001, `includePackageLicenseInfo: must be true or false, got "${raw}"`);
  return { state: h.state, status: 200, body: raw === "true" ? withLicenseIds(c) : customerView(c) };
}

/**
 * `GET /v1/wholesale/customers?externalId=&orgId=&status=&offset=&max=`. `status` may repeat and each
 * value may be a comma-separated list (`status=provisioned,error` or `status=provisioned&status=error`):
 * a customer matches any of them.
 */
export function listCustomers(h: HandlerInput): HandlerResult {
  const externalId = h.query.get("externalId");
  const orgId = h.query.get("orgId");
  const statuses = h.query.getAll("status").flatMap((v) => v.split(",").map((s) => s.trim()));
  // the provider's lookup by externalId (and a lookup by org) reads its matches only, not every customer
  const candidates =
    externalId !== null
      ? lookup(h.state.customers, CUSTOMERS_BY_EXTERNAL_ID, externalId)
      : orgId !== null
        ? lookup(h.state.customers, CUSTOMERS_BY_ORG, orgId)
        : Object.values(h.state.customers);
  const matches = candidates.filter((c) => {
    const view = customerView(c);
    return (
      (externalId === null || c.externalId === externalId) &&
      (orgId === null || view["orgId"] === orgId) &&
      (statuses.length === 0 || statuses.includes(c.status))
    );
  });
  const page = paginate(matches, h.query, { defaultMax: 100, maxMax: 1000 }, h.baseUrl, h.path);
  return { state: h.state, status: 200, headers: page.headers, body: { items: page.items.map(customerView) } };
}

/** `PUT /v1/wholesale/customers/{id}`: the complete desired package list and what may change. */
export function updateCustomer(h: HandlerInput): HandlerResult {
  const current = requireCustomer(h.state, h.params["id"] ?? "");
  // a malformed body is 400 even while the customer is busy, as on the subscriber writes: a 423
  // says "retry later", which would not help it (found by the API fuzzer's busy sequences)
  const body = parseBody(CustomerUpdateSchema, h.body);
  requireNotBusy(current, h.now);

  const immutable: Violation[] = [];
  if (body.provisioningId !== undefined && body.provisioningId !== current.provisioningId) {
    immutable.push(violation(1001, "provisioningId: cannot be changed; create a new customer to use another template"));
  }
  if (body.orgId !== undefined && body.orgId !== current.orgId) {
    immutable.push(violation(1001, "orgId: cannot be changed"));
  }
  if (body.customerInfo !== undefined && JSON.stringify(body.customerInfo) !== JSON.stringify(current.customerInfo)) {
    immutable.push(violation(1001, "customerInfo: cannot be changed after creation"));
  }
  throwIfAny(immutable);
  throwIfAny(packageListViolations(body.packages));

  const callingAfter = hasCallingPackage(body.packages);
  const location = body.provisioningParameters?.calling?.location;
  if (callingAfter && body.provisioningParameters === undefined) {
    fail(1001, "provisioningParameters: is required when calling packages stay or are added");
  }
  if (callingAfter && current.headquarters === undefined && location === undefined) {
    fail(1001, "provisioningParameters.calling.location: is required when a calling package is added");
  }

  const template = templateByProvisioningId(h.state, current.provisioningId);
  const limits = body.provisioningParameters?.packages?.limits;
  throwIfAny(
    limitViolations({
      mode: "update",
      packages: body.packages,
      limits,
      current,
      migrating: current.migratingFromBroadWorks,
      maximum: (p) => subscriptionMaximum(h.state.fixtures, template?.wholesaleSubscriptionId ?? "", p),
    }),
  );

  const removed = current.packages.filter((p) => !body.packages.includes(p));
  const inUse = removed
    .map((p) => ({ p, n: countOf(h.state.subscribers, SUBSCRIBERS_BY_PACKAGE, `${current.id}\n${p}`) }))
    .filter((x) => x.n > 0);
  throwIfAny(
    inUse.map(({ p, n }) =>
      violation(1109, `packages: "${p}" is still assigned to ${n} subscriber(s); move or delete them before removing the package`),
    ),
  );

  if (body.externalId !== undefined && body.externalId !== current.externalId) {
    const other = customerByExternalId(h.whole, body.externalId, current.id);
    if (other !== undefined) fail(1301, `externalId: "${body.externalId}" is already used by ${otherCustomer(h.state, other)}`);
  }

  const headquarters =
    location !== undefined && callingAfter
      ? {
          id: current.headquarters?.id ?? webexId("location", h.rng),
          name: location.name,
          address: location.address,
          timezone: location.timezone,
          language: location.language,
        }
      : current.headquarters;
  const next: CustomerRecord = {
    ...current,
    packages: body.packages,
    externalId: body.externalId ?? current.externalId,
    address: body.address ?? current.address,
    ...(body.provisioningParameters !== undefined ? { provisioningParameters: body.provisioningParameters } : {}),
    ...(body.subPartnerAdminEmail !== undefined ? { subPartnerAdminEmail: body.subPartnerAdminEmail } : {}),
    limits: current.limits === null || limits === undefined ? current.limits : normaliseLimits(limits, body.packages),
    ...(headquarters !== undefined ? { headquarters } : {}),
    status: "updating",
    transition: {
      kind: "updating",
      startedAt: h.now,
      dueAt: h.now + h.provisioningDelayMs,
      outcome: outcomeFor(h.state, current.externalId, h.scenario, false),
    },
    resourceDetails: { packages: updatingPackages(current, body.packages) },
    lastStatusChange: h.now,
  };
  return accepted(h, next);
}

/**
 * Per-package status while an update runs. Cisco's spec allows `provisioned`, `provisioning`,
 * `deleting` and `error` for a package (`updating` is the customer's status only): a package
 * kept as provisioned stays so, an added one (or one in error, retried) is `provisioning`; a
 * removed one leaves the list at once, as it leaves `packages`. [project] (provisioning-api.md
 * does not say; found by the API fuzzer reading a customer in the middle of an update.)
 */
function updatingPackages(current: CustomerRecord, packages: readonly string[]): CustomerRecord["resourceDetails"]["packages"] {
  const before = new Map(current.resourceDetails.packages.map((p) => [p.name, p.status]));
  return packages.map((name) => ({
    name,
    status: before.get(name) === "provisioned" ? "provisioned" : "provisioning",
    warnings: [],
    errors: [],
  }));
}

/** `DELETE /v1/wholesale/customers/{id}`: 202, `deleting`, then gone with its subscribers. */
export function deleteCustomer(h: HandlerInput): HandlerResult {
  const current = requireCustomer(h.state, h.params["id"] ?? "");
  requireNotBusy(current, h.now);
  const next: CustomerRecord = {
    ...current,
    status: "deleting",
    transition: { kind: "deleting", startedAt: h.now, dueAt: h.now + h.provisioningDelayMs, outcome: "provisioned" },
    // every package goes with the customer: the spec's package status for that is `deleting`
    resourceDetails: { packages: current.resourceDetails.packages.map((p) => ({ ...p, status: "deleting" })) },
    lastStatusChange: h.now,
  };
  return accepted(h, next);
}
