/**
 * Webex Locations API, read-only: the provider needs a customer's headquarters location id for
 * calling subscribers (`GET /v1/locations?orgId=`, scope `spark-admin:locations_read`).
 */
import type { HttpTransport } from "./http";
import type { PaginateOptions } from "./paginate";
import { LocationSchema, type Location } from "./schemas";

/** Operations on locations. */
export interface LocationsApi {
  /** `GET /v1/locations?orgId=`, every page, lazily. `orgId` is the customer's Webex org id. */
  list(filter: { orgId: string }, options?: PaginateOptions): AsyncIterable<Location>;
}

/** Builds the locations API on a transport. */
export function locationsApi(t: HttpTransport): LocationsApi {
  return {
    list(filter, options = {}) {
      return t.list("/v1/locations", { orgId: filter.orgId }, LocationSchema, options);
    },
  };
}
