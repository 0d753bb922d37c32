/**
 * The customer's headquarters location id, which calling users are placed in when they name no
 * `locationId`. Looked up once per org and process (`GET /v1/locations?orgId=`), and shared
 * between a CustomerOrg (which outputs it) and its users (which fall back on it), so a catalogue
 * of 500 users costs one lookup, not 500.
 */
import type { OperationContext } from "./client-cache";
import { memoize } from "./client-cache";
import { collect } from "../../client/paginate";

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
