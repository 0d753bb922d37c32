/**
 * Onboarding templates ([project] endpoint `/v1/wholesale/onboardingTemplates`): 201 on create,
 * full-body PUT, 204 on delete or 409/1304 while customers use it, names unique (409/1305).
 */
import { fail } from "./catalog";
import { type HandlerInput, type HandlerResult, parseBody, putRecord, withoutRecords } from "./context";
import { paginate } from "./paging";
import { webexId } from "./random";
import { TemplateBodySchema } from "./schemas";
import type { State, TemplateRecord } from "./state";

/** Path of the templates collection. */
export const TEMPLATES_PATH = "/v1/wholesale/onboardingTemplates";

/** The template as returned: the body with `id` and `provisioningId` (not the internal creation time). */
export function templateView(t: TemplateRecord): Record<string, unknown> {
  const { created: _created, ...view } = t;
  return view;
}

function requireTemplate(state: State, id: string): TemplateRecord {
  const t = Object.prototype.hasOwnProperty.call(state.templates, id) ? state.templates[id] : undefined;
  if (t === undefined) fail(1404, `No onboarding template with id ${id}.`);
  return t;
}

function requireUniqueName(state: State, name: string, exceptId?: string): void {
  const other = Object.values(state.templates).find((t) => t.id !== exceptId && t.name.toLowerCase() === name.toLowerCase());
  if (other !== undefined) fail(1305, `name: an onboarding template named "${other.name}" already exists (id ${other.id})`);
}

/** `POST /v1/wholesale/onboardingTemplates`. */
export function createTemplate(h: HandlerInput): HandlerResult {
  const body = parseBody(TemplateBodySchema, h.body);
  if (body.id !== undefined || body.provisioningId !== undefined) {
    fail(1001, "id/provisioningId: are assigned by the service; do not send them on create");
  }
  requireUniqueName(h.state, body.name);
  const id = webexId("template", h.rng);
  const record: TemplateRecord = { ...body, id, provisioningId: webexId("provisioning", h.rng), created: h.now };
  const state: State = { ...h.state, templates: putRecord(h.state.templates, id, record) };
  return {
    state,
    status: 201,
    headers: { Location: `${h.baseUrl}${TEMPLATES_PATH}/${encodeURIComponent(id)}` },
    body: templateView(record),
  };
}

/** `GET /v1/wholesale/onboardingTemplates?name=&offset=&max=`. */
export function listTemplates(h: HandlerInput): HandlerResult {
  const name = h.query.get("name");
  const matches = Object.values(h.state.templates).filter((t) => name === null || t.name === name);
  const page = paginate(matches, h.query, { defaultMax: 100, maxMax: 1000 }, h.baseUrl, h.path);
  return { state: h.state, status: 200, headers: page.headers, body: { items: page.items.map(templateView) } };
}

/** `GET /v1/wholesale/onboardingTemplates/{id}`. */
export function getTemplate(h: HandlerInput): HandlerResult {
  return { state: h.state, status: 200, body: templateView(requireTemplate(h.state, h.params["id"] ?? "")) };
}

/** `PUT /v1/wholesale/onboardingTemplates/{id}`: the full body; `id` and `provisioningId` stay. */
export function updateTemplate(h: HandlerInput): HandlerResult {
  const current = requireTemplate(h.state, h.params["id"] ?? "");
  const body = parseBody(TemplateBodySchema, h.body);
  if (body.id !== undefined && body.id !== current.id) fail(1001, "id: cannot be changed");
  if (body.provisioningId !== undefined && body.provisioningId !== current.provisioningId) fail(1001, "provisioningId: cannot be changed");
  requireUniqueName(h.state, body.name, current.id);
  const record: TemplateRecord = { ...body, id: current.id, provisioningId: current.provisioningId, created: current.created };
  const state: State = { ...h.state, templates: putRecord(h.state.templates, current.id, record) };
  return { state, status: 200, body: templateView(record) };
}

/** `DELETE /v1/wholesale/onboardingTemplates/{id}`: 204, or 409/1304 while customers use it. */
export function deleteTemplate(h: HandlerInput): HandlerResult {
  const current = requireTemplate(h.state, h.params["id"] ?? "");
  const users = Object.values(h.state.customers).filter((c) => c.provisioningId === current.provisioningId);
  if (users.length > 0) {
    fail(1304, `onboarding template ${current.id} is used by ${users.length} customer(s) (e.g. ${users[0]?.id ?? ""}); delete them first`);
  }
  return { state: { ...h.state, templates: withoutRecords(h.state.templates, new Set([current.id])) }, status: 204 };
}
