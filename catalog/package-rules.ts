/**
 * Binds the catalog loader to the resources package: the `check` of each resource. Kept apart from
 * `load.ts` so the loader's own logic is tested without the package.
 */
import type { dynamic } from "@pulumi/pulumi";
import { CustomerLocationProvider, CustomerOrgProvider, CustomerUserProvider, OnboardingTemplateProvider } from "pulumi-webex-wholesale";
import type { CatalogRules, EntryCheck } from "./load";

/** Adapts a resource provider's `check` (pure, no I/O: resources.md) to the loader's {@link EntryCheck}. */
function checkOf(provider: dynamic.ResourceProvider): EntryCheck {
  return async (args) => {
    if (!provider.check) return [];
    const result = await provider.check({}, args);
    return result.failures ?? [];
  };
}

/**
 * The rules of the installed `pulumi-webex-wholesale`: the catalog is judged by exactly the code
 * `pulumi preview` runs.
 * @example
 * const catalog = await loadCatalog("catalog/customers.yaml", packageRules());
 */
export function packageRules(): CatalogRules {
  return {
    checkTemplate: checkOf(new OnboardingTemplateProvider()),
    checkCustomer: checkOf(new CustomerOrgProvider()),
    checkUser: checkOf(new CustomerUserProvider()),
    checkLocation: checkOf(new CustomerLocationProvider()),
  };
}
