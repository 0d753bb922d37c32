/**
 * CustomerUser ↔ wire mapping (resources.md, "Public ↔ wire names"). Pure: no I/O, no Pulumi.
 */
import type { Subscriber, SubscriberCreateRequest, SubscriberUpdateRequest } from "../../client/schemas";
import { isCallingPackage } from "../../packages";
import type { CustomerUserInputs } from "./schema";

type SubscriberPackages = SubscriberCreateRequest["packages"];

/** A copy of `o` without undefined fields. */
function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * Body of `POST /v1/wholesale/subscribers`.
 * @param locationId the location to place a calling user in (the user's own, else the headquarters);
 *   ignored for a non-calling package.
 */
export function toCreateBody(inputs: CustomerUserInputs, locationId: string | undefined): SubscriberCreateRequest {
  const calling = isCallingPackage(inputs.package);
  return {
    customerId: inputs.customerId,
    email: inputs.email,
    packages: [inputs.package] as SubscriberPackages,
    provisioningParameters: dropUndefined({
      firstName: inputs.firstName,
      lastName: inputs.lastName,
      primaryPhoneNumber: calling ? inputs.phoneNumber : undefined,
      extension: calling ? inputs.extension : undefined,
      locationId: calling ? locationId : undefined,
    }),
  };
}

/**
 * Body of `PUT /v1/wholesale/subscribers/{id}`: the package, plus number, extension and location
 * only when the user moves from a non-calling package to a calling one (the API takes them then only).
 */
export function toUpdateBody(
  inputs: CustomerUserInputs,
  currentPackage: string | undefined,
  locationId: string | undefined,
): SubscriberUpdateRequest {
  const body: SubscriberUpdateRequest = { packages: [inputs.package] as SubscriberPackages };
  if (isCallingPackage(inputs.package) && !isCallingPackage(currentPackage)) {
    body.provisioningParameters = dropUndefined({
      primaryPhoneNumber: inputs.phoneNumber,
      extension: inputs.extension,
      locationId,
    });
  }
  return body;
}

/** The subscriber's one package (the API answers `packages: [one]`, older answers `package`). */
export function packageOf(s: Subscriber): string | undefined {
  return s.packages?.[0] ?? s.package;
}

/** Where the subscriber differs from the inputs on the fields GET returns (customer, email, package). */
export function differencesFromServer(inputs: CustomerUserInputs, server: Subscriber): string[] {
  const out: string[] = [];
  if (server.customerId !== undefined && server.customerId !== inputs.customerId) {
    out.push(`it belongs to customer "${server.customerId}", not "${inputs.customerId}"`);
  }
  if (server.email !== undefined && server.email.toLowerCase() !== inputs.email.toLowerCase()) {
    out.push(`its email is "${server.email}", not "${inputs.email}"`);
  }
  const pkg = packageOf(server);
  if (pkg !== undefined && pkg !== inputs.package) out.push(`its package is ${pkg}, not ${inputs.package}`);
  return out;
}
