/**
 * Wholesale customers: `/v1/wholesale/customers`. Writes are asynchronous (202 + `Location`);
 * callers wait for a terminal status with `ProvisioningClient.waitForCustomer`.
 */
import { coalescing } from "./coalesce";
import { ProvisioningApiError } from "./errors";
import { encodePath, validateRequest, type HttpResponse, type HttpTransport } from "./http";
import { collect, type PaginateOptions } from "./paginate";
import {
  CustomerCreateRequestSchema,
  CustomerSchema,
  CustomerUpdateRequestSchema,
  CustomerValidateRequestSchema,
  ResourceUrlSchema,
  ValidateResponseSchema,
  type Customer,
  type CustomerCreateRequest,
  type CustomerUpdateRequest,
  type CustomerValidateRequest,
  type ValidateResponse,
} from "./schemas";

/** Reference to an accepted asynchronous write: the customer's id and its URL. */
export interface AcceptedWrite {
  /** Customer id (decoded, as used in paths and by other APIs). */
  id: string;
  /** URL of the customer (`Location`). */
  url: string;
}

/** Filters of `GET /v1/wholesale/customers`. `status` may list several statuses. */
export interface CustomerListFilter {
  /** Exact external id. */
  externalId?: string;
  /** Webex org id of the customer. */
  orgId?: string;
  /** One status or several (sent comma-separated). */
  status?: string | string[];
}

/** Options of {@link CustomersApi.findByExternalId}. */
export interface FindOptions {
  /**
   * Share the request with the lookups asked within {@link LOOKUP_WINDOW_MS} of this one (the
   * idempotency lookup of a create, which a program runs for many customers at once). Default
   * false: a filtered lookup of its own, as a lookup after an ambiguous failure or a 1301 needs.
   */
  coalesce?: boolean;
}

/** How long the first coalesced lookup waits for others to share one listing with, ms. */
export const LOOKUP_WINDOW_MS = 25;
/** One page of the customer list: the most a shared listing may cost. */
const LISTING_PAGE = 100;

/** Operations on wholesale customers. */
export interface CustomersApi {
  /** `POST /v1/wholesale/customers` → 202; the id comes from `Location` (or the body's `url`). */
  create(body: CustomerCreateRequest): Promise<AcceptedWrite>;
  /** `GET /v1/wholesale/customers/{id}`; 404 → `NotFoundError`. */
  get(id: string): Promise<Customer>;
  /** `GET /v1/wholesale/customers?externalId&orgId&status`, every page, lazily. */
  list(filter?: CustomerListFilter, options?: PaginateOptions): AsyncIterable<Customer>;
  /**
   * The customers whose externalId is exactly `externalId` (the API may match loosely; at most
   * 10). With `coalesce`, lookups asked within {@link LOOKUP_WINDOW_MS} of each other share ONE
   * page of the unfiltered list when the partner's whole list fits in it, which answers every one
   * of them exactly; a lone lookup, or a partner with more customers than one page, is filtered.
   */
  findByExternalId(externalId: string, options?: FindOptions): Promise<Customer[]>;
  /**
   * `PUT /v1/wholesale/customers/{id}` → 202; `packages` is the complete desired list. A 423 (busy)
   * is retried after `Retry-After` unless `options.retryLocked` is `false`: then it throws
   * `LockedError` at once, for a caller that reads the customer before deciding to write again.
   */
  update(id: string, body: CustomerUpdateRequest, options?: { retryLocked?: boolean }): Promise<AcceptedWrite>;
  /** `DELETE /v1/wholesale/customers/{id}` → 202; 404 → `NotFoundError` (the caller decides). */
  delete(id: string): Promise<void>;
  /** `POST /v1/wholesale/customers/validate`: precheck, changes nothing; refusals throw typed errors. */
  validate(body: CustomerValidateRequest): Promise<ValidateResponse>;
}

/** Last path segment of a URL, decoded: the id in `.../customers/{id}`. */
export function idFromUrl(url: string, base: string): string | undefined {
  try {
    const segments = new URL(url, base).pathname.split("/").filter((s) => s !== "");
    const last = segments[segments.length - 1];
    return last === undefined ? undefined : decodeURIComponent(last);
  } catch {
    return undefined;
  }
}

/** Reads the customer reference of a 202 answer: `Location` first, then the body's `url`/`id`. */
function acceptedWrite(t: HttpTransport, res: HttpResponse, method: "POST" | "PUT", fallbackId?: string): AcceptedWrite {
  const body = res.body === undefined ? {} : t.parse(ResourceUrlSchema, res, method);
  const url = res.headers.location ?? body.url;
  const id = (url !== undefined ? idFromUrl(url, res.url) : undefined) ?? body.id ?? fallbackId;
  if (id === undefined) {
    throw new ProvisioningApiError({
      message:
        `${method} ${new URL(res.url).pathname} answered HTTP ${res.status} without a Location header or url: ` +
        `the customer's id is unknown. Look the customer up by externalId. (TrackingID ${res.trackingId})`,
      status: res.status,
      method,
      path: new URL(res.url).pathname,
      trackingId: res.trackingId,
      outcomeUnknown: method === "POST",
    });
  }
  return { id, url: url ?? new URL(encodePath`/v1/wholesale/customers/${id}`, `${t.baseUrl}/`).toString() };
}

/** Builds the customers API on a transport. */
export function customersApi(t: HttpTransport): CustomersApi {
  const filtered = (externalId: string): Promise<Customer[]> => collect(api.list({ externalId }), (c) => c.externalId === externalId);
  const coalesced = coalescing<string, Customer[]>({
    windowMs: LOOKUP_WINDOW_MS,
    together: async (ids) => {
      if (ids.size < 2) return undefined;
      const page = await collect(api.list({}, { pageSize: LISTING_PAGE, max: LISTING_PAGE }), () => true, LISTING_PAGE);
      return page.length < LISTING_PAGE ? (id) => page.filter((c) => c.externalId === id) : undefined;
    },
    alone: filtered,
  });
  const api: CustomersApi = {
    async create(body) {
      const payload = validateRequest(CustomerCreateRequestSchema, body, "customer create");
      const res = await t.request({ method: "POST", path: "/v1/wholesale/customers", body: payload });
      return acceptedWrite(t, res, "POST");
    },
    async get(id) {
      const res = await t.request({ method: "GET", path: encodePath`/v1/wholesale/customers/${id}` });
      return t.parse(CustomerSchema, res, "GET");
    },
    list(filter = {}, options = {}) {
      const status = Array.isArray(filter.status) ? filter.status.join(",") : filter.status;
      return t.list("/v1/wholesale/customers", { externalId: filter.externalId, orgId: filter.orgId, status }, CustomerSchema, options);
    },
    findByExternalId(externalId, options = {}) {
      return options.coalesce ? coalesced(externalId) : filtered(externalId);
    },
    async update(id, body, options = {}) {
      const payload = validateRequest(CustomerUpdateRequestSchema, body, "customer update");
      const res = await t.request({
        method: "PUT",
        path: encodePath`/v1/wholesale/customers/${id}`,
        body: payload,
        retryLocked: options.retryLocked,
      });
      return acceptedWrite(t, res, "PUT", id);
    },
    async delete(id) {
      await t.request({ method: "DELETE", path: encodePath`/v1/wholesale/customers/${id}` });
    },
    async validate(body) {
      const payload = validateRequest(CustomerValidateRequestSchema, body, "customer validate");
      const res = await t.request({
        method: "POST",
        path: "/v1/wholesale/customers/validate",
        body: payload,
        idempotent: true, // a precheck changes nothing, so ambiguous failures may be retried
      });
      return t.parse(ValidateResponseSchema, res, "POST", res.body ?? {});
    },
  };
  return api;
}
