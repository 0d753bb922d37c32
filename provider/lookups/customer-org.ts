/**
 * `getCustomerOrg`: finds a customer a program references but does not manage, by `externalId` or
 * by `customerId`. One lookup serves both the plugin's invoke (`webex-wholesale:index:getCustomerOrg`)
 * and the plain TypeScript function programs on the dynamic resources call.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NotFoundError, type Customer, type Location } from "../client";
import { contextFor, type OperationContext } from "../resources/common/client-cache";
import { explainApiError } from "../resources/common/errors";
import { toPlain } from "../resources/common/state";
import { rememberConfiguration } from "../resources/common/settings";
import { AddressSchema } from "../resources/customer-org/schema";
import { fromWireAddress } from "../resources/customer-org/wire";
import { checkWithSchema, type CheckFailure, type CrossFieldRule } from "../resources/common/check-engine";

/** Arguments of the lookup: exactly one of `externalId` and `customerId`. */
export const GetCustomerOrgArgsSchema = z.object({
  externalId: z.string().min(1).optional().describe("The customer's externalId (your identifier for it)."),
  customerId: z.string().min(1).optional().describe("The customer's id (a `CustomerOrg`'s `customerId`)."),
});

/** Arguments of {@link getCustomerOrg}. */
export type GetCustomerOrgArgs = z.input<typeof GetCustomerOrgArgsSchema>;

/** A location's address as the Locations API returns it (a headquarters may lack state and postal code). */
export const LookupLocationAddressSchema = z.object({
  address1: z.string().optional().describe("First address line."),
  address2: z.string().optional().describe("Second address line."),
  city: z.string().optional().describe("City."),
  state: z.string().optional().describe("State, province or region code."),
  postalCode: z.string().optional().describe("Postal code."),
  country: z.string().optional().describe("ISO 3166-1 alpha-2 country code."),
});

/** One location of the customer's org, as `GET /v1/locations` lists it. */
export const CustomerOrgLocationSchema = z.object({
  locationId: z.string().describe("The location's id (a `CustomerUser`'s `locationId`; a `CustomerLocation` adopts it by `name`)."),
  name: z.string().optional().describe("The location's name."),
  timeZone: z.string().optional().describe("IANA time zone."),
  preferredLanguage: z.string().optional().describe("Default email language."),
  address: LookupLocationAddressSchema.optional().describe("The location's address."),
});

/** One location of a looked-up customer. */
export type CustomerOrgLocation = z.output<typeof CustomerOrgLocationSchema>;

/** What the lookup returns: what the API's GET says of the customer. */
export const CustomerOrgLookupSchema = z.object({
  customerId: z.string().describe("The customer's id."),
  externalId: z.string().optional().describe("The customer's externalId."),
  orgId: z.string().optional().describe("The Webex organisation id, once provisioned."),
  status: z.string().describe("Provisioning status."),
  address: AddressSchema.optional().describe("The customer's address."),
  packages: z.array(z.string()).describe("Names of the customer's packages."),
  locations: z
    .array(CustomerOrgLocationSchema)
    .describe("The locations of the customer's org (the headquarters and every other site); empty until provisioned."),
});

/** The result of {@link getCustomerOrg}. */
export type CustomerOrgLookup = z.output<typeof CustomerOrgLookupSchema>;

/** Exactly one of the two keys. */
const oneKey: CrossFieldRule = {
  id: "one-key",
  description: "exactly one of `externalId` and `customerId` is given",
  failures: (inputs) => {
    const given = ["externalId", "customerId"].filter((k) => inputs[k] !== undefined);
    if (given.length === 1) return [];
    return given.length === 0
      ? [{ property: "externalId", reason: "give externalId or customerId to look a customer up" }]
      : [{ property: "customerId", reason: "give externalId or customerId, not both" }];
  },
};

/**
 * Validates lookup arguments without I/O: failures with the property and what to do, as a Pulumi
 * invoke reports them.
 * @internal used by the provider plugin's invoke
 */
export function checkLookupArgs(args: Record<string, unknown>): CheckFailure[] {
  return checkWithSchema(GetCustomerOrgArgsSchema, args, [oneKey]).failures;
}

/** A listed location, reduced to the lookup's fields (an address of another shape is left out, not guessed). */
function describeLocation(l: Location): CustomerOrgLocation {
  const address = LookupLocationAddressSchema.safeParse(l.address);
  return toPlain({
    locationId: l.id,
    name: l.name,
    timeZone: l.timeZone,
    preferredLanguage: l.preferredLanguage,
    address: address.success ? address.data : undefined,
  }) as CustomerOrgLocation;
}

/**
 * The customer as the lookup returns it: its GET, then its org's locations (one list, every page).
 * A customer without an org yet (provisioning) has none.
 */
async function describe(ctx: OperationContext, c: Customer): Promise<CustomerOrgLookup> {
  const locations: CustomerOrgLocation[] = [];
  if (c.orgId) for await (const l of ctx.client.locations.list({ orgId: c.orgId })) locations.push(describeLocation(l));
  return toPlain({
    customerId: c.id,
    externalId: c.externalId,
    orgId: c.orgId,
    status: c.status,
    address: c.address === undefined ? undefined : fromWireAddress(c.address),
    packages: c.packages ?? [],
    locations,
  }) as CustomerOrgLookup;
}

/**
 * Looks one customer up (GET by id, or the list filtered by externalId). No match, or several
 * customers sharing the externalId, fails with a message saying what to do.
 * @internal used by the provider plugin's invoke and by {@link getCustomerOrg}
 */
export async function lookupCustomerOrg(ctx: OperationContext, args: GetCustomerOrgArgs): Promise<CustomerOrgLookup> {
  const failures = checkLookupArgs(args as Record<string, unknown>);
  if (failures.length > 0) throw new Error(`getCustomerOrg: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
  const label = args.customerId !== undefined ? `customerId "${args.customerId}"` : `externalId "${args.externalId}"`;
  try {
    if (args.customerId !== undefined) return await describe(ctx, await ctx.client.customers.get(args.customerId));
    const externalId = args.externalId!;
    // The client's exact-match lookup, as a create's idempotency lookup uses (the API may match loosely).
    const found = await ctx.client.customers.findByExternalId(externalId);
    if (found.length === 1) return await describe(ctx, found[0]!);
    throw new Error(
      found.length === 0
        ? `getCustomerOrg: no customer has ${label}; check the id (Partner Hub lists customers), or declare it as a CustomerOrg to create it`
        : `getCustomerOrg: several customers share ${label}; look it up by customerId instead, or remove the duplicates in Partner Hub`,
    );
  } catch (e) {
    if (e instanceof NotFoundError) {
      throw new Error(`getCustomerOrg: no customer has ${label} (the API answered 404); check the id`);
    }
    throw explainApiError(e, `getCustomerOrg ${label}`);
  }
}

/** The program's stack configuration: namespaced keys (`webex:accessToken`) to their values. */
const programConfig = { get: (key: string) => pulumi.runtime.getConfig(key) };

/**
 * Finds a Webex Wholesale customer the program references but does not manage. Settings come from
 * the stack configuration (`webex:accessToken`, `webex:baseUrl`...), else the `WEBEX_*` environment,
 * as for the resources; the token is used for the request only and never enters the state.
 *
 * @example
 * ```ts
 * import { CustomerUser, getCustomerOrg } from "pulumi-webex-wholesale";
 * const acme = await getCustomerOrg({ externalId: "acme-001" });
 * new CustomerUser("ada@acme.example", { customerId: acme.customerId, email: "ada@acme.example", ... });
 * ```
 * @param args `externalId` or `customerId` (exactly one).
 * @param opts `config`: where settings come from, namespaced keys (`webex:accessToken`) to values
 *   (default: the program's stack configuration).
 */
export function getCustomerOrg(
  args: GetCustomerOrgArgs,
  opts: { config?: { get(key: string): string | undefined } } = {},
): Promise<CustomerOrgLookup> {
  const owner = {};
  rememberConfiguration(owner, { config: opts.config ?? programConfig });
  return lookupCustomerOrg(contextFor(owner), args);
}
