/**
 * `getCustomerOrg`: finds a customer a program references but does not manage, by `externalId` or
 * by `customerId`. One lookup serves both the plugin's invoke (`webex-wholesale:index:getCustomerOrg`)
 * and the plain TypeScript function programs on the dynamic resources call.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NotFoundError, type Customer } from "../client";
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

/** What the lookup returns: what the API's GET says of the customer. */
export const CustomerOrgLookupSchema = z.object({
  customerId: z.string().describe("The customer's id."),
  externalId: z.string().optional().describe("The customer's externalId."),
  orgId: z.string().optional().describe("The Webex organisation id, once provisioned."),
  status: z.string().describe("Provisioning status."),
  address: AddressSchema.optional().describe("The customer's address."),
  packages: z.array(z.string()).describe("Names of the customer's packages."),
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

function describe(c: Customer): CustomerOrgLookup {
  return toPlain({
    customerId: c.id,
    externalId: c.externalId,
    orgId: c.orgId,
    status: c.status,
    address: c.address === undefined ? undefined : fromWireAddress(c.address),
    packages: c.packages ?? [],
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
    if (args.customerId !== undefined) return describe(await ctx.client.customers.get(args.customerId));
    const externalId = args.externalId!;
    // The client's exact-match lookup, as a create's idempotency lookup uses (the API may match loosely).
    const found = await ctx.client.customers.findByExternalId(externalId);
    if (found.length === 1) return describe(found[0]!);
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
