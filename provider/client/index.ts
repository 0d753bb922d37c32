/**
 * Public surface of the provisioning-API client (`pulumi-webex-wholesale/client`). The resources
 * import from here only; the transport internals (`HttpTransport`) stay private.
 */
export { createClient, ClientOptionsSchema } from "./client";
export type { ClientOptions, ProvisioningClient, WaitOptions } from "./client";
export type { AcceptedWrite, CustomerListFilter, CustomersApi } from "./customers";
export type { SubscriberListFilter, SubscribersApi } from "./subscribers";
export { TEMPLATE_NOT_FOUND_HINT } from "./templates";
export type { TemplatesApi } from "./templates";
export type { LocationsApi } from "./locations";
export { DurationEstimates } from "./estimates";
export type { CustomerOperation } from "./estimates";
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
  ERROR_CODE_HINTS,
  errorFromResponse,
  redactor,
} from "./errors";
export type { ConnectionErrorKind, ErrorFromResponseInit, ProvisioningApiErrorInit } from "./errors";
export { shouldRetry, parseRetryAfter, backoffDelay, MAX_RETRY_AFTER_MS } from "./retry";
export type { RetryQuestion, RetryDecision, BackoffOptions } from "./retry";
export { RateGate } from "./rate-gate";
export type { RateLimit, RateGateOptions } from "./rate-gate";
export { poll } from "./poll";
export type { PollOptions, PollProgress } from "./poll";
export { paginate, parseLinkNext } from "./paginate";
export type { Page, PageRequest, PaginateOptions } from "./paginate";
export { isLoopbackHost, normalizeBaseUrl, encodePath } from "./http";
export * from "./schemas";
