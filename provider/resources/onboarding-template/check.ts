/**
 * OnboardingTemplate `check`: pure, never throws, skips unknowns. Every rule of a template is a
 * rule of one field (including the authentication variants), so the schema says it all.
 */
import { checkWithSchema, type CheckFailure, type CrossFieldRule } from "../common/check-engine";
import { OnboardingTemplateArgsSchema, ONBOARDING_TEMPLATE_COMPUTED } from "./schema";

/** Templates have no rules across fields; kept for symmetry with the other resources (docs, tests). */
export const onboardingTemplateCheckRules: readonly CrossFieldRule[] = [];

/**
 * Validates and normalises new inputs (defaults applied, `countryCode` upper-cased). `inputs` keeps
 * unknown values and unrecognised keys (`__provider`) as given; `failures` is empty when valid.
 */
export function checkOnboardingTemplate(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  return checkWithSchema(OnboardingTemplateArgsSchema, news, onboardingTemplateCheckRules, ONBOARDING_TEMPLATE_COMPUTED);
}
