/**
 * OnboardingTemplate operations: what `OnboardingTemplateProvider` runs, loaded at call time by
 * package name (see `common/load.ts`). Templates are synchronous on the API (201/200/204), so
 * nothing here polls.
 */
import type * as pulumi from "@pulumi/pulumi";
import { NotFoundError, type Template } from "../../client";
import { contextFor, type OperationContext } from "../common/client-cache";
import { explainApiError, isMissingEndpoint, TemplatesUnavailableError } from "../common/errors";
import { collect, createOrAdopt, omitKeys, parseInputs, stateString, toPlain, withoutProviderField } from "../common/lifecycle";
import type { StoredOutputs } from "../common/operations-abi";
import { pureOperations } from "../common/pure-operations";
import { ruleSettingsFor } from "../common/settings";
import { checkOnboardingTemplate } from "./check";
import { diffOnboardingTemplate } from "./diff";
import { onboardingTemplateRules } from "./rules";
import {
  ONBOARDING_TEMPLATE_SCHEMA_VERSION,
  OnboardingTemplateArgsSchema,
  type OnboardingTemplateInputs,
  type OnboardingTemplateState,
  ONBOARDING_TEMPLATE_COMPUTED,
} from "./schema";
import { differencesFromServer, inputsFromServer, toTemplateBody } from "./wire";

const KIND = "OnboardingTemplate";
const COLLECTION = "/v1/wholesale/onboardingTemplates";

/**
 * `configure`, `check` and `diff`: the pure half of the contract, built by {@link pureOperations}
 * from this resource's validation and its rule table ({@link onboardingTemplateRules}).
 */
export const { configure, check, diff } = pureOperations<OnboardingTemplateInputs, OnboardingTemplateState>({
  rules: onboardingTemplateRules,
  validate: checkOnboardingTemplate,
});

function inputsOf(news: Record<string, unknown>): OnboardingTemplateInputs {
  return parseInputs(KIND, checkOnboardingTemplate, OnboardingTemplateArgsSchema, news);
}

function outputsOf(inputs: OnboardingTemplateInputs, template: Pick<Template, "id" | "provisioningId">): OnboardingTemplateState {
  return toPlain({
    ...inputs,
    templateId: template.id,
    provisioningId: template.provisioningId,
    schemaVersion: ONBOARDING_TEMPLATE_SCHEMA_VERSION,
  });
}

/** Rewrites "no such endpoint" into the Partner Hub explanation; adds the template's name to other errors. */
function explain(e: unknown, ctx: OperationContext, name: string): unknown {
  if (isMissingEndpoint(e)) return new TemplatesUnavailableError(name, ctx.settings.baseUrl, e.status);
  return explainApiError(e, `${KIND} "${name}"`);
}

/** Templates whose name is exactly `name` (the list filter may be a prefix or case-insensitive match). */
function findByName(ctx: OperationContext, name: string): Promise<Template[]> {
  return collect(ctx.client.templates.list({ name }), (t) => t.name === name);
}

/**
 * Creates the template, or adopts the one already named `templateName` when it agrees with the
 * inputs (no write). A disagreeing template, or several with the name, → `ConflictError`. A
 * concurrent create of the same name (1305) is decided again on a fresh lookup.
 */
export async function create(owner: object, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<OnboardingTemplateState>> {
  const inputs = inputsOf(news);
  const ctx = contextFor(owner);
  const name = inputs.templateName;
  try {
    const { value: template } = await createOrAdopt({
      what: `a template named "${name}"`,
      path: COLLECTION,
      reconcile:
        "Make this resource's inputs match that template (it is then adopted), rename the template in the program, or delete the existing one.",
      lookupFirst: true,
      duplicateCodes: [1305],
      find: () => findByName(ctx, name),
      differences: (t) => differencesFromServer(inputs, t),
      idOf: (t) => t.id,
      post: () => ctx.client.templates.create(toTemplateBody(inputs)),
      adopted: (t) => t,
    });
    return { id: template.id, outs: outputsOf(inputs, template) };
  } catch (e) {
    throw explain(e, ctx, name);
  }
}

/**
 * Reads the template. The template GET returns every field, so the inputs are refreshed from the
 * server (edits made outside Pulumi show up as a diff). 404 → empty id (gone).
 */
export async function read(
  owner: object,
  id: string,
  props: Record<string, unknown> = {},
): Promise<pulumi.dynamic.ReadResult<StoredOutputs<OnboardingTemplateState>>> {
  const ctx = contextFor(owner);
  const known = omitKeys(withoutProviderField(props), ONBOARDING_TEMPLATE_COMPUTED) as OnboardingTemplateInputs;
  let template: Template;
  try {
    template = await ctx.client.templates.get(id);
  } catch (e) {
    if (e instanceof NotFoundError) return {};
    throw explain(e, ctx, known.templateName ?? id);
  }
  const inputs = toPlain(inputsFromServer(known, template));
  const outs = outputsOf(inputs, template);
  return { id: template.id, props: outs, inputs };
}

/**
 * Updates the template: refused rules are checked again now that every value is known; when only
 * the state's shape changed (older `schemaVersion`), the state is migrated without an API call;
 * else the template is read and written (full body) only when the server differs.
 */
export async function update(
  owner: object,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.UpdateResult<OnboardingTemplateState>> {
  const inputs = inputsOf(news);
  // Judged once, now that every value is known: throws for a refused change in `strict` mode.
  const { changedKeys } = diffOnboardingTemplate(olds, news, ruleSettingsFor(owner));
  const provisioningId = stateString(olds, "provisioningId");
  if (changedKeys.length === 0 && provisioningId !== undefined) {
    return { outs: outputsOf(inputs, { id, provisioningId }) };
  }
  const ctx = contextFor(owner);
  try {
    let template = await ctx.client.templates.get(id);
    if (differencesFromServer(inputs, template).length > 0) {
      template = await ctx.client.templates.update(id, toTemplateBody(inputs));
    }
    return { outs: outputsOf(inputs, template) };
  } catch (e) {
    throw explain(e, ctx, inputs.templateName);
  }
}

/** Deletes the template; already gone (404) counts as success. */
export async function remove(owner: object, id: string, props: Record<string, unknown>): Promise<void> {
  const ctx = contextFor(owner);
  try {
    await ctx.client.templates.delete(id);
  } catch (e) {
    if (e instanceof NotFoundError) return;
    throw explain(e, ctx, typeof props.templateName === "string" ? props.templateName : id);
  }
}
