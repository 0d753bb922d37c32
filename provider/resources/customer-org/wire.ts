/**
 * CustomerOrg ↔ wire mapping (resources.md, "Public ↔ wire names"). Pure: no I/O, no Pulumi.
 */
import type { Address, Customer, CustomerCreateRequest, CustomerUpdateRequest } from "../../client/schemas";
import { adminPackageOf, isCallingPackage, type PackageName } from "../../packages";
import type { CustomerOrgInputs } from "./schema";

type ResourceAddress = CustomerOrgInputs["address"];
type CustomerPackages = CustomerCreateRequest["packages"];
type ProvisioningParameters = NonNullable<CustomerCreateRequest["provisioningParameters"]>;

/** Resource address (`line1`, `postalCode`) → wire address (`addressLine1`, `zipOrPostalCode`). */
export function toWireAddress(a: ResourceAddress): Address {
  return dropUndefined({
    addressLine1: a.line1,
    addressLine2: a.line2,
    city: a.city,
    stateOrProvince: a.stateOrProvince,
    zipOrPostalCode: a.postalCode,
    country: a.country,
  }) as Address;
}

/** Wire address of a GET → resource address; absent wire fields stay absent. */
export function fromWireAddress(a: NonNullable<Customer["address"]>): Partial<ResourceAddress> {
  return dropUndefined({
    line1: a.addressLine1,
    line2: a.addressLine2,
    city: a.city,
    stateOrProvince: a.stateOrProvince,
    postalCode: a.zipOrPostalCode,
    country: a.country,
  }) as Partial<ResourceAddress>;
}

/** Whether any package carries a quantity (a *limited* customer). */
export function isLimited(inputs: Pick<CustomerOrgInputs, "packages">): boolean {
  return inputs.packages.some((p) => p.quantity !== undefined);
}

/** Whether the customer holds a calling package (then it has a headquarters location). */
export function hasCallingPackage(inputs: Pick<CustomerOrgInputs, "packages">): boolean {
  return inputs.packages.some((p) => isCallingPackage(p.name));
}

/** The package administrators must hold: the highest-ranked subscriber package. */
export function adminPackage(inputs: Pick<CustomerOrgInputs, "packages">): PackageName | undefined {
  return adminPackageOf(inputs.packages.map((p) => p.name));
}

/**
 * `provisioningParameters` of a write: the calling location (headquarters, defaulting its address
 * and language to the customer's), the meetings time zone and the limits. Sent complete on every
 * PUT, since the API treats the PUT body as the whole desired state.
 */
export function toProvisioningParameters(inputs: CustomerOrgInputs): ProvisioningParameters | undefined {
  const params: ProvisioningParameters = {};
  if (hasCallingPackage(inputs) && inputs.headquarters !== undefined) {
    const hq = inputs.headquarters;
    params.calling = {
      location: dropUndefined({
        name: hq.name ?? "Headquarters",
        address: toWireAddress(hq.address ?? inputs.address),
        timezone: hq.timeZone,
        // The calling API spells locales in lower case (en_us), the customer API in mixed case.
        language: (hq.language ?? inputs.language ?? "en_US").toLowerCase(),
        emergencyLocationIdentifier: hq.emergencyLocationIdentifier,
      }) as NonNullable<ProvisioningParameters["calling"]>["location"],
    };
  }
  if (inputs.meetingsTimeZone !== undefined) params.meetings = { timezone: inputs.meetingsTimeZone };
  if (isLimited(inputs)) {
    const limits: Record<string, number> = {};
    for (const p of inputs.packages) if (p.quantity !== undefined) limits[p.name] = p.quantity;
    params.packages = { limits };
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

/** Body of `POST /v1/wholesale/customers` for the inputs. */
export function toCreateBody(inputs: CustomerOrgInputs): CustomerCreateRequest {
  const customerInfo =
    inputs.companyName !== undefined && inputs.adminEmail !== undefined
      ? dropUndefined({ name: inputs.companyName, primaryEmail: inputs.adminEmail, language: inputs.language })
      : undefined;
  return dropUndefined({
    provisioningId: inputs.provisioningId,
    externalId: inputs.externalId,
    orgId: inputs.existingOrgId,
    packages: inputs.packages.map((p) => p.name) as CustomerPackages,
    address: toWireAddress(inputs.address),
    customerInfo,
    provisioningParameters: toProvisioningParameters(inputs),
  }) as CustomerCreateRequest;
}

/** Body of `PUT /v1/wholesale/customers/{id}`: the complete desired state. */
export function toUpdateBody(inputs: CustomerOrgInputs): CustomerUpdateRequest {
  return dropUndefined({
    packages: inputs.packages.map((p) => p.name) as CustomerPackages,
    externalId: inputs.externalId,
    address: toWireAddress(inputs.address),
    provisioningParameters: toProvisioningParameters(inputs),
  }) as CustomerUpdateRequest;
}

/** Trimmed, case-folded comparison of optional strings (the service may normalise case). */
function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();
}

/**
 * Where the customer GET returns differs from the desired inputs, one phrase per field, on the
 * fields GET returns (externalId, address, package names, the attached org). Quantities are not
 * returned by GET and are compared by the caller against state.
 */
export function differencesFromServer(inputs: CustomerOrgInputs, server: Customer): string[] {
  const out: string[] = [];
  if (server.externalId !== undefined && server.externalId !== inputs.externalId) {
    out.push(`externalId is "${server.externalId}", not "${inputs.externalId}"`);
  }
  if (server.address !== undefined) {
    const want = toWireAddress(inputs.address);
    for (const key of ["addressLine1", "addressLine2", "city", "stateOrProvince", "zipOrPostalCode", "country"] as const) {
      if (!sameText(server.address[key], want[key])) {
        out.push(`address.${key} is ${JSON.stringify(server.address[key] ?? null)}, not ${JSON.stringify(want[key] ?? null)}`);
      }
    }
  }
  if (server.packages !== undefined) {
    const have = [...new Set(server.packages)].sort();
    const want = [...new Set(inputs.packages.map((p) => p.name as string))].sort();
    if (have.join(",") !== want.join(",")) out.push(`packages are [${have.join(", ")}], not [${want.join(", ")}]`);
  }
  if (inputs.existingOrgId !== undefined && server.orgId !== undefined && server.orgId !== inputs.existingOrgId) {
    out.push(`orgId is "${server.orgId}", not "${inputs.existingOrgId}"`);
  }
  return out;
}

/** A copy of `o` without its undefined fields (the wire omits absent fields rather than sending null). */
export function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
