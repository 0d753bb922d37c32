/**
 * OnboardingTemplate ↔ wire mapping (resources.md, "Public ↔ wire names"). Pure: no I/O, no Pulumi.
 */
import type { Template, TemplateRequest } from "../../client/schemas";
import type { OnboardingTemplateInputs } from "./schema";

type Authentication = OnboardingTemplateInputs["authentication"];

/** Resource authentication (`partnerSaml`/`partnerOidc`, `idpName`) → wire (`partner_saml`/`partner_oidc`, `idpEntityId`). */
export function toWireAuthentication(a: Authentication): TemplateRequest["authentication"] {
  switch (a.type) {
    case "partnerSaml":
      return { type: "partner_saml", idpEntityId: a.idpEntityId };
    case "partnerOidc":
      return { type: "partner_oidc", idpEntityId: a.idpName };
    default:
      return { type: "webex" };
  }
}

/** Wire authentication → resource authentication; an unknown type is kept as the wire wrote it. */
export function fromWireAuthentication(a: NonNullable<Template["authentication"]>): Authentication | undefined {
  switch (a.type) {
    case "webex":
      return { type: "webex" } as Authentication;
    case "partner_saml":
      return { type: "partnerSaml", idpEntityId: a.idpEntityId ?? "" } as Authentication;
    case "partner_oidc":
      return { type: "partnerOidc", idpName: a.idpEntityId ?? "" } as Authentication;
    default:
      return undefined;
  }
}

/** Body of `POST`/`PUT /v1/wholesale/onboardingTemplates[/{id}]` (the PUT takes the full body). */
export function toTemplateBody(inputs: OnboardingTemplateInputs): TemplateRequest {
  const body: TemplateRequest = {
    name: inputs.templateName,
    serviceProviderAdmin: inputs.serviceProviderAdmin,
    country: inputs.countryCode,
    defaultEmailLanguage: inputs.defaultEmailLanguage,
    wholesaleSubscriptionId: inputs.wholesaleSubscriptionId,
    authentication: toWireAuthentication(inputs.authentication),
    emailBrandName: inputs.emailBrandName,
    allowAdminInviteEmails: inputs.allowAdminInviteEmails,
    allowWebexToWebexCalls: inputs.allowWebexToWebexCalls,
  };
  if (inputs.pstnProviderId !== undefined) body.pstnProviderId = inputs.pstnProviderId;
  return body;
}

/**
 * The inputs as the server holds them: each field GET returned replaces the one in `known`
 * (the template GET returns every field, so a refresh shows edits made outside Pulumi).
 */
export function inputsFromServer(known: OnboardingTemplateInputs, server: Template): OnboardingTemplateInputs {
  const out: OnboardingTemplateInputs = { ...known };
  if (server.name !== undefined) out.templateName = server.name;
  if (server.serviceProviderAdmin !== undefined) out.serviceProviderAdmin = server.serviceProviderAdmin;
  if (server.country !== undefined) out.countryCode = server.country;
  if (server.defaultEmailLanguage !== undefined) out.defaultEmailLanguage = server.defaultEmailLanguage;
  if (server.wholesaleSubscriptionId !== undefined) out.wholesaleSubscriptionId = server.wholesaleSubscriptionId;
  if (server.pstnProviderId !== undefined) out.pstnProviderId = server.pstnProviderId;
  else delete out.pstnProviderId;
  if (server.authentication !== undefined) {
    const auth = fromWireAuthentication(server.authentication);
    if (auth !== undefined) out.authentication = auth;
  }
  if (server.emailBrandName !== undefined) out.emailBrandName = server.emailBrandName;
  if (server.allowAdminInviteEmails !== undefined) out.allowAdminInviteEmails = server.allowAdminInviteEmails;
  if (server.allowWebexToWebexCalls !== undefined) out.allowWebexToWebexCalls = server.allowWebexToWebexCalls;
  return out;
}

/**
 * Where the server's template differs from the desired inputs, one phrase per field (empty when they
 * agree): decides adoption on create and whether `update` needs to write.
 */
export function differencesFromServer(inputs: OnboardingTemplateInputs, server: Template): string[] {
  const want = toTemplateBody(inputs) as Record<string, unknown>;
  const have = server as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(want)) {
    const w = want[key];
    const h = have[key];
    if (key === "authentication") {
      const wa = w as { type: string; idpEntityId?: string };
      const ha = (h ?? {}) as { type?: string; idpEntityId?: string };
      if (wa.type !== ha.type || (wa.idpEntityId ?? "") !== (ha.idpEntityId ?? "")) {
        out.push(`authentication is ${JSON.stringify(h ?? null)}, not ${JSON.stringify(w)}`);
      }
    } else if (h !== undefined && h !== w) {
      out.push(`${key} is ${JSON.stringify(h)}, not ${JSON.stringify(w)}`);
    }
  }
  if (inputs.pstnProviderId === undefined && typeof have.pstnProviderId === "string") {
    out.push(`pstnProviderId is ${JSON.stringify(have.pstnProviderId)}, not absent`);
  }
  return out;
}
