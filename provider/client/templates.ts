/**
 * Onboarding templates: `/v1/wholesale/onboardingTemplates`, an endpoint this project defines
 * (provisioning-api.md, "Onboarding templates"). Webex has no public template API, so against
 * webexapis.com every call answers 404; the error then says where templates come from instead.
 */
import { encodePath, validateRequest, type HttpTransport } from "./http";
import type { PaginateOptions } from "./paginate";
import { TemplateRequestSchema, TemplateSchema, type Template, type TemplateRequest } from "./schemas";

/** Hint for a 404 of the template endpoint: either the template is gone, or the API has no such endpoint. */
export const TEMPLATE_NOT_FOUND_HINT =
  "Either the template no longer exists, or this API has no onboarding-template endpoint: webexapis.com has none. " +
  "There, create the template in Partner Hub and pass its provisioningId to the customer directly.";

/** Operations on onboarding templates. */
export interface TemplatesApi {
  /** `POST /v1/wholesale/onboardingTemplates` → 201 with the template (id, provisioningId). */
  create(body: TemplateRequest): Promise<Template>;
  /** `GET /v1/wholesale/onboardingTemplates/{id}`; 404 → `NotFoundError`. */
  get(id: string): Promise<Template>;
  /** `GET /v1/wholesale/onboardingTemplates?name=`, every page, lazily. */
  list(filter?: { name?: string }, options?: PaginateOptions): AsyncIterable<Template>;
  /** `PUT /v1/wholesale/onboardingTemplates/{id}` with the full body → the template. */
  update(id: string, body: TemplateRequest): Promise<Template>;
  /** `DELETE /v1/wholesale/onboardingTemplates/{id}` → 204; 409 (1304) while customers use it. */
  delete(id: string): Promise<void>;
}

/** Builds the templates API on a transport. */
export function templatesApi(t: HttpTransport): TemplatesApi {
  const hint = TEMPLATE_NOT_FOUND_HINT;
  return {
    async create(body) {
      const payload = validateRequest(TemplateRequestSchema, body, "onboarding template");
      const res = await t.request({ method: "POST", path: "/v1/wholesale/onboardingTemplates", body: payload, notFoundHint: hint });
      return t.parse(TemplateSchema, res, "POST");
    },
    async get(id) {
      const res = await t.request({ method: "GET", path: encodePath`/v1/wholesale/onboardingTemplates/${id}`, notFoundHint: hint });
      return t.parse(TemplateSchema, res, "GET");
    },
    list(filter = {}, options = {}) {
      return t.list("/v1/wholesale/onboardingTemplates", { name: filter.name }, TemplateSchema, options, hint);
    },
    async update(id, body) {
      const payload = validateRequest(TemplateRequestSchema, body, "onboarding template");
      const res = await t.request({
        method: "PUT",
        path: encodePath`/v1/wholesale/onboardingTemplates/${id}`,
        body: payload,
        notFoundHint: hint,
      });
      return t.parse(TemplateSchema, res, "PUT");
    },
    async delete(id) {
      await t.request({ method: "DELETE", path: encodePath`/v1/wholesale/onboardingTemplates/${id}`, notFoundHint: hint });
    },
  };
}
