/**
 * Wholesale subscribers: `/v1/wholesale/subscribers`. Synchronous: writes answer with the
 * subscriber (200, or 202 `pending_user_migration` when an existing Webex user must consent).
 */
import { encodePath, validateRequest, type HttpResponse, type HttpTransport } from "./http";
import { idFromUrl } from "./customers";
import type { PaginateOptions } from "./paginate";
import {
  SubscriberCreateRequestSchema,
  SubscriberSchema,
  SubscriberUpdateRequestSchema,
  SubscriberValidateRequestSchema,
  ValidateResponseSchema,
  type Subscriber,
  type SubscriberCreateRequest,
  type SubscriberUpdateRequest,
  type SubscriberValidateRequest,
  type ValidateResponse,
} from "./schemas";

/** Filters of `GET /v1/wholesale/subscribers`. */
export interface SubscriberListFilter {
  /** Customer id. */
  customerId?: string;
  /** Exact email. */
  email?: string;
  /** The customer's external id. */
  externalCustomerId?: string;
  /** Subscriber status. */
  status?: string;
}

/** Operations on wholesale subscribers. */
export interface SubscribersApi {
  /** `POST /v1/wholesale/subscribers` → 200 (or 202 `pending_user_migration`) with the subscriber. */
  create(body: SubscriberCreateRequest): Promise<Subscriber>;
  /** `GET /v1/wholesale/subscribers/{id}`; 404 → `NotFoundError`. */
  get(id: string): Promise<Subscriber>;
  /** `GET /v1/wholesale/subscribers?customerId&email&externalCustomerId&status`, every page, lazily. */
  list(filter?: SubscriberListFilter, options?: PaginateOptions): AsyncIterable<Subscriber>;
  /** `PUT /v1/wholesale/subscribers/{id}` → 200 with the subscriber (package change). */
  update(id: string, body: SubscriberUpdateRequest): Promise<Subscriber>;
  /** `DELETE /v1/wholesale/subscribers/{id}` → 204; 404 → `NotFoundError` (the caller decides). */
  delete(id: string): Promise<void>;
  /** `POST /v1/wholesale/subscribers/validate`: precheck, changes nothing. */
  validate(body: SubscriberValidateRequest): Promise<ValidateResponse>;
  /**
   * `POST /v1/subscribers/{id}/emails/consentMove` → 204: emails the owner of an existing Webex account
   * (a `pending_user_migration` subscriber) asking to consent to the move.
   */
  consentMove(id: string): Promise<void>;
}

/** Parses a subscriber answer; an answer without `id` takes it from `Location`. */
function subscriber(t: HttpTransport, res: HttpResponse, method: "POST" | "PUT" | "GET", knownId?: string): Subscriber {
  const body = res.body;
  if (body && typeof body === "object" && !Array.isArray(body) && !("id" in body)) {
    const id = (res.headers.location ? idFromUrl(res.headers.location, res.url) : undefined) ?? knownId;
    if (id !== undefined) return t.parse(SubscriberSchema, res, method, { ...body, id });
  }
  return t.parse(SubscriberSchema, res, method);
}

/** Builds the subscribers API on a transport. */
export function subscribersApi(t: HttpTransport): SubscribersApi {
  return {
    async create(body) {
      const payload = validateRequest(SubscriberCreateRequestSchema, body, "subscriber create");
      const res = await t.request({ method: "POST", path: "/v1/wholesale/subscribers", body: payload });
      return subscriber(t, res, "POST");
    },
    async get(id) {
      const res = await t.request({ method: "GET", path: encodePath`/v1/wholesale/subscribers/${id}` });
      return subscriber(t, res, "GET", id);
    },
    list(filter = {}, options = {}) {
      return t.list(
        "/v1/wholesale/subscribers",
        {
          customerId: filter.customerId,
          email: filter.email,
          externalCustomerId: filter.externalCustomerId,
          status: filter.status,
        },
        SubscriberSchema,
        options,
      );
    },
    async update(id, body) {
      const payload = validateRequest(SubscriberUpdateRequestSchema, body, "subscriber update");
      const res = await t.request({ method: "PUT", path: encodePath`/v1/wholesale/subscribers/${id}`, body: payload });
      return subscriber(t, res, "PUT", id);
    },
    async delete(id) {
      await t.request({ method: "DELETE", path: encodePath`/v1/wholesale/subscribers/${id}` });
    },
    async consentMove(id) {
      await t.request({ method: "POST", path: encodePath`/v1/subscribers/${id}/emails/consentMove` });
    },
    async validate(body) {
      const payload = validateRequest(SubscriberValidateRequestSchema, body, "subscriber validate");
      const res = await t.request({
        method: "POST",
        path: "/v1/wholesale/subscribers/validate",
        body: payload,
        idempotent: true,
      });
      return t.parse(ValidateResponseSchema, res, "POST", res.body ?? {});
    },
  };
}
