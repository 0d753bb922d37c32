/**
 * Webex Wholesale sub-partners, read-only: `GET /v1/wholesale/subPartners`, the orgs a master
 * partner may act for with `onBehalfOfSubPartnerOrgId` (which this list itself never takes).
 */
import type { HttpTransport } from "./http";
import type { PaginateOptions } from "./paginate";
import { SubPartnerSchema, type SubPartner } from "./schemas";

/** Path of the sub-partners list; the transport sends it without `onBehalfOfSubPartnerOrgId`. */
export const SUB_PARTNERS_PATH = "/v1/wholesale/subPartners";

/** Operations on sub-partners. */
export interface SubPartnersApi {
  /** `GET /v1/wholesale/subPartners`, every page, lazily. */
  list(options?: PaginateOptions): AsyncIterable<SubPartner>;
}

/** Builds the sub-partners API on a transport. */
export function subPartnersApi(t: HttpTransport): SubPartnersApi {
  return {
    list(options = {}) {
      return t.list(SUB_PARTNERS_PATH, {}, SubPartnerSchema, options);
    },
  };
}
