/**
 * OnboardingTemplate diff: the shared engine applied to {@link onboardingTemplateRules}. Pure.
 */
import { diffByRules, type DiffOptions, type DiffOutcome } from "../common/change-rules";
import { onboardingTemplateRules } from "./rules";

/**
 * Compares the old outputs (`olds`, `__provider` ignored) with the new checked inputs.
 * Never refuses: every template input updates in place.
 */
export function diffOnboardingTemplate(olds: Record<string, unknown>, news: Record<string, unknown>, opts: DiffOptions): DiffOutcome {
  return diffByRules(onboardingTemplateRules, olds, news, opts);
}
