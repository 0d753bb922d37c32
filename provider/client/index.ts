/**
 * Public surface of the provisioning-API client (`pulumi-webex-wholesale/client`): `createClient`,
 * the client's interfaces, the wire schemas and types it takes and returns, the status constants
 * and the error classes. The machinery behind it (transport, retry policy, rate gate, polling, pagination,
 * redaction, the error factory) is internal: modules inside `provider/` import it from its own
 * file, and it is not in the package's `exports` map.
 */
export { createClient, ClientOptionsSchema } from "./client";
export type { ClientOptions, ProvisioningClient, WaitOptions } from "./client";
export { LOOKUP_WINDOW_MS } from "./customers";
export type { AcceptedWrite, CustomerListFilter, CustomersApi, FindOptions } from "./customers";
export type { SubscriberListFilter, SubscribersApi } from "./subscribers";
export type { TemplatesApi } from "./templates";
export type { LocationListFilter, LocationsApi } from "./locations";
export type { JobWaitOptions, NumberListFilter, TelephonyApi } from "./telephony";
export type { DurationEstimates, CustomerOperation, ProbeHandle, ProbeNews } from "./estimates";
export type { PaginateOptions } from "./paginate";
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
} from "./errors";
export type { ConnectionErrorKind, ProvisioningApiErrorInit } from "./errors";
// The wire schemas (zod) define the wire types below and validate what the client sends and reads.
export * from "./schemas";
