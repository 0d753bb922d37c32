/**
 * pulumi-webex-wholesale: Pulumi dynamic resources for Webex Wholesale customer onboarding.
 *
 * The package surface of resources.md: the three resource classes, their argument and output types,
 * their providers, the package catalogue, the configuration keys and the API error classes. The only
 * other public subpath is the API client (`pulumi-webex-wholesale/client`); the loader subpaths that
 * stored providers require (`pulumi-webex-wholesale/resources/...`) are stable but not for programs,
 * and every other module is internal (not in the `exports` map). See the README, "Public surface".
 * Each resource of the list (`resources/registry.ts`) is exported here; `test/provider/resources/registry.test.ts`
 * fails to compile when one's class or provider is missing.
 *
 * @example
 * ```ts
 * import { CustomerOrg, CustomerUser } from "pulumi-webex-wholesale";
 * ```
 */
export { OnboardingTemplate, type OnboardingTemplateArgs } from "./resources/onboarding-template/resource";
export { CustomerOrg, type CustomerOrgArgs } from "./resources/customer-org/resource";
export { CustomerUser, type CustomerUserArgs } from "./resources/customer-user/resource";
export { CustomerLocation, type CustomerLocationArgs } from "./resources/customer-location/resource";
export type { OnboardingTemplateInputs, OnboardingTemplateState } from "./resources/onboarding-template/schema";
export type { CustomerOrgInputs, CustomerOrgState } from "./resources/customer-org/schema";
export type { CustomerUserInputs, CustomerUserState } from "./resources/customer-user/schema";
export type { CustomerLocationInputs, CustomerLocationState, InventoryNumber } from "./resources/customer-location/schema";
export { OnboardingTemplateProvider } from "./resources/onboarding-template/provider";
export { CustomerOrgProvider } from "./resources/customer-org/provider";
export { CustomerUserProvider } from "./resources/customer-user/provider";
export { CustomerLocationProvider } from "./resources/customer-location/provider";
export type { WebexResourceProvider, WebexResourceProviderClass } from "./resources/common/provider";
export { WebexResource } from "./resources/common/resource-base";
export type { StoredOutputs } from "./resources/common/operations-abi";
export { PACKAGES, type PackageName } from "./packages";
export { CONFIG_TABLE, type ConfigEntry, type SettingName } from "./config";
export { escapeControl, controlCharacterReason } from "./text";
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
