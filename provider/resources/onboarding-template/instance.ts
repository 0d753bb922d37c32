/** The one `OnboardingTemplateProvider` of a program, as this module's whole exports (why: `common/provider.ts`). */
import { OnboardingTemplateProvider } from "./provider";

/** The provider object every `OnboardingTemplate` of the program shares (it holds no state and no credential). */
const instance: OnboardingTemplateProvider = new OnboardingTemplateProvider();
export = instance;
