/**
 * Webex Locations API (`/v1/locations`): a customer's sites. A partner acts in the customer's org
 * with the `orgId` query parameter on every call. There is no DELETE: a location can be disabled for
 * calling (see `telephony.ts`), never removed.
 */
import { encodePath, validateRequest, type HttpTransport } from "./http";
import type { PaginateOptions } from "./paginate";
import {
  CreatedIdSchema,
  LocationCreateRequestSchema,
  LocationSchema,
  LocationUpdateRequestSchema,
  type Location,
  type LocationCreateRequest,
  type LocationUpdateRequest,
} from "./schemas";

/** Filters of `GET /v1/locations`. */
export interface LocationListFilter {
  /** The customer's Webex org id. */
  orgId: string;
  /** Locations whose name CONTAINS this text, case-insensitively (the API's filter; compare exactly yourself). */
  name?: string;
  /** One location by id. */
  id?: string;
}

/** Operations on locations, in the org named by `orgId`. */
export interface LocationsApi {
  /** `GET /v1/locations?orgId&name&id`, every page, lazily. */
  list(filter: LocationListFilter, options?: PaginateOptions): AsyncIterable<Location>;
  /** The org's locations named exactly `name` (the API's `name` filter matches substrings, case-insensitively). */
  findByName(orgId: string, name: string): Promise<Location[]>;
  /** `POST /v1/locations?orgId` → 201 `{ id }`. */
  create(orgId: string, body: LocationCreateRequest): Promise<{ id: string }>;
  /** `GET /v1/locations/{id}?orgId`; 404 → `NotFoundError`. */
  get(orgId: string, id: string): Promise<Location>;
  /** `PUT /v1/locations/{id}?orgId` → 204. */
  update(orgId: string, id: string, body: LocationUpdateRequest): Promise<void>;
}

/** Builds the locations API on a transport. */
export function locationsApi(t: HttpTransport): LocationsApi {
  const api: LocationsApi = {
    list(filter, options = {}) {
      return t.list("/v1/locations", { orgId: filter.orgId, name: filter.name, id: filter.id }, LocationSchema, options);
    },
    async findByName(orgId, name) {
      const out: Location[] = [];
      for await (const location of api.list({ orgId, name })) if (location.name === name) out.push(location);
      return out;
    },
    async create(orgId, body) {
      const payload = validateRequest(LocationCreateRequestSchema, body, "location create");
      const res = await t.request({ method: "POST", path: "/v1/locations", query: { orgId }, body: payload });
      return t.parse(CreatedIdSchema, res, "POST");
    },
    async get(orgId, id) {
      const res = await t.request({ method: "GET", path: encodePath`/v1/locations/${id}`, query: { orgId } });
      return t.parse(LocationSchema, res, "GET");
    },
    async update(orgId, id, body) {
      const payload = validateRequest(LocationUpdateRequestSchema, body, "location update");
      await t.request({ method: "PUT", path: encodePath`/v1/locations/${id}`, query: { orgId }, body: payload });
    },
  };
  return api;
}
