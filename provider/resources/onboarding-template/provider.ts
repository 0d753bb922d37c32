/**
 * `OnboardingTemplateProvider`: the dynamic provider of `OnboardingTemplate` (see `common/provider.ts`).
 */
import { providerClass } from "../common/provider";
import type { OnboardingTemplateInputs, OnboardingTemplateState } from "./schema";

/** Implements `pulumi.dynamic.ResourceProvider` for onboarding templates: `create` adopts an identical template with the same name. */
export const OnboardingTemplateProvider = providerClass<OnboardingTemplateInputs, OnboardingTemplateState>("onboarding-template");
/** An instance of {@link OnboardingTemplateProvider}. */
export type OnboardingTemplateProvider = InstanceType<typeof OnboardingTemplateProvider>;
