/**
 * The customer's headquarters location id, which calling users are placed in when they name no
 * `locationId`. Looked up once per org and process (`GET /v1/locations?orgId=`), and shared
 * between a CustomerOrg (which outputs it) and its users (which fall back on it), so a catalogue
 * of 500 users costs one lookup, not 500.
 */
import type { OperationContext } from "./client-cache";
import { memoize } from "./client-cache";
import { collect } from "./lifecycle";

/**
 * The id of the org's headquarters: the location named `preferredName` when there is one, else
 * the first location (a wholesale customer is created with exactly one, its headquarters).
 * Undefined when the org has no location.
 */
export function headquartersOfOrg(ctx: OperationContext, orgId: string, preferredName?: string): Promise<string | undefined> {
  return memoize(ctx, `headquarters:${orgId}`, async () => {
    const locations = await collect(ctx.client.locations.list({ orgId }), () => true, 50);
    return (locations.find((l) => preferredName !== undefined && l.name === preferredName) ?? locations[0])?.id;
  });
}

/** The Webex org id of a customer, once it has one (memoised per process once known). */
export async function orgOfCustomer(ctx: OperationContext, customerId: string): Promise<{ orgId?: string; status: string }> {
  const key = `org-of-customer:${customerId}`;
  const cached = ctx.memo.get(key) as Promise<{ orgId?: string; status: string }> | undefined;
  if (cached !== undefined) return cached;
  const customer = await ctx.client.customers.get(customerId);
  const found = { orgId: customer.orgId, status: customer.status };
  // Only a known org id is final; a customer still provisioning is asked again next time.
  if (found.orgId !== undefined) ctx.memo.set(key, Promise.resolve(found));
  return found;
}
