/**
 * pulumi-webex-wholesale: Pulumi dynamic resources for Webex Wholesale customer onboarding.
 *
 * The package surface of resources.md: the three resource classes and their argument types, their
 * providers, the package catalogue and the API error classes. Internals are reached by subpath
 * (`pulumi-webex-wholesale/client`, `pulumi-webex-wholesale/resources/...`), never re-exported here.
 *
 * @example
 * ```ts
 * import { CustomerOrg, CustomerUser } from "pulumi-webex-wholesale";
 * ```
 */
export { OnboardingTemplate, type OnboardingTemplateArgs } from "./resources/onboarding-template/resource";
export { CustomerOrg, type CustomerOrgArgs } from "./resources/customer-org/resource";
export { CustomerUser, type CustomerUserArgs } from "./resources/customer-user/resource";
export { OnboardingTemplateProvider } from "./resources/onboarding-template/provider";
export { CustomerOrgProvider } from "./resources/customer-org/provider";
export { CustomerUserProvider } from "./resources/customer-user/provider";
export type { WebexResourceProvider, WebexResourceProviderClass } from "./resources/common/provider";
export { PACKAGES, type PackageName } from "./packages";
export { getCustomerOrg, type GetCustomerOrgArgs, type CustomerOrgLookup } from "./lookups/customer-org";
export {
  ProvisioningApiError,
  ValidationError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ConflictError,
  LockedError,
  RateLimitError,
  ServerError,
  ConnectionError,
  ProvisioningFailedError,
  ProvisioningTimeoutError,
} from "./client";
