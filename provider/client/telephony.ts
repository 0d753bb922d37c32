/**
 * Webex Calling at a location (`/v1/telephony/...`): enabling calling, the PSTN connection, the
 * location's numbers and main number, and disabling calling (a precheck, then an asynchronous job).
 * Every call names the customer's org with `orgId`. Limits of the API are applied here, so callers
 * never meet them: mobile numbers are added at most 20 per request and numbers removed at most 5
 * per request (the spec's `NumbersDelete`), in consecutive batches.
 */
import { encodePath, validateRequest, type HttpTransport } from "./http";
import type { PaginateOptions } from "./paginate";
import { poll } from "./poll";
import {
  CallingDetailsUpdateRequestSchema,
  CallingEnableRequestSchema,
  CreatedIdSchema,
  DeletionPrecheckSchema,
  DisableCallingJobRequestSchema,
  JOB_TERMINAL_STATUSES,
  ListBodySchema,
  MAX_MOBILE_NUMBERS_PER_REQUEST,
  MAX_NUMBERS_PER_DELETE,
  NumbersAddRequestSchema,
  PhoneNumberSchema,
  PhoneNumbersRequestSchema,
  PstnConnectionOptionSchema,
  PstnConnectionRequestSchema,
  PstnConnectionSchema,
  TelephonyJobSchema,
  ValidateNumbersResponseSchema,
  type CallingDetailsUpdateRequest,
  type CallingEnableRequest,
  type DeletionPrecheck,
  type DisableCallingJobRequest,
  type NumbersAddRequest,
  type PhoneNumber,
  type PstnConnection,
  type PstnConnectionOption,
  type PstnConnectionRequest,
  type TelephonyJob,
  type ValidateNumbersResponse,
} from "./schemas";

/** Filters of `GET /v1/telephony/config/numbers`. */
export interface NumberListFilter {
  /** The customer's Webex org id. */
  orgId: string;
  /** Only this location's numbers. */
  locationId?: string;
  /** Only this number. */
  phoneNumber?: string;
  /** `ACTIVE` or `INACTIVE`. */
  state?: string;
}

/** Options of {@link TelephonyApi.waitForJob}. */
export interface JobWaitOptions {
  /** Total time allowed, ms. */
  timeoutMs: number;
  /** Called after every poll with the job's status and the time waited so far. */
  onProgress?: (progress: { status: string; elapsedMs: number }) => void;
}

/** Timing the job waiter shares with the client (tests inject a 0-ms sleep). */
export interface TelephonyTiming {
  /** Waits between polls. */
  sleep: (ms: number) => Promise<void>;
  /** Clock, ms. */
  now: () => number;
  /** Jitter source in [0, 1). */
  random: () => number;
}

/** Path of the disable-calling job collection ([doc]). */
const DISABLE_JOBS = "/v1/telephony/config/jobs/locations/deleteCallingLocation";

/** Operations on Webex Calling at a location, in the org named by `orgId`. */
export interface TelephonyApi {
  /** `POST /v1/telephony/config/locations?orgId` ("Enable a Location for Webex Calling") → `{ id }`. */
  enableLocation(orgId: string, body: CallingEnableRequest): Promise<{ id: string }>;
  /** `PUT /v1/telephony/config/locations/{id}?orgId` (calling details: the main number) → 204. */
  updateCallingDetails(orgId: string, locationId: string, body: CallingDetailsUpdateRequest): Promise<void>;
  /** `GET /v1/telephony/pstn/locations/{id}/connectionOptions?orgId`: the PSTN options the location may use. */
  connectionOptions(orgId: string, locationId: string): Promise<PstnConnectionOption[]>;
  /** `GET /v1/telephony/pstn/locations/{id}/connection?orgId`; 404 → `NotFoundError` (no connection yet). */
  getConnection(orgId: string, locationId: string): Promise<PstnConnection>;
  /** `PUT /v1/telephony/pstn/locations/{id}/connection?orgId` → 204. */
  setConnection(orgId: string, locationId: string, body: PstnConnectionRequest): Promise<void>;
  /**
   * `POST /v1/telephony/config/locations/{id}/numbers?orgId`, in batches of at most 20 for mobile
   * numbers (one request otherwise). Batches are sent one after the other; a failure stops the rest.
   */
  addNumbers(orgId: string, locationId: string, body: NumbersAddRequest): Promise<void>;
  /** `PUT /v1/telephony/config/locations/{id}/numbers?orgId`: activates the numbers → 204. */
  activateNumbers(orgId: string, locationId: string, phoneNumbers: readonly string[]): Promise<void>;
  /** `DELETE /v1/telephony/config/locations/{id}/numbers?orgId`, at most 5 numbers per request → 204 each. */
  removeNumbers(orgId: string, locationId: string, phoneNumbers: readonly string[]): Promise<void>;
  /** `GET /v1/telephony/config/numbers?orgId&locationId&phoneNumber&state` (paged by `start`/`max`), lazily. */
  listNumbers(filter: NumberListFilter, options?: PaginateOptions): AsyncIterable<PhoneNumber>;
  /** `POST /v1/telephony/config/actions/validateNumbers/invoke?orgId`: changes nothing. */
  validateNumbers(orgId: string, phoneNumbers: readonly string[]): Promise<ValidateNumbersResponse>;
  /** `POST /v1/telephony/config/locations/{id}/actions/precheckForDeletion/invoke?orgId`: changes nothing. */
  precheckDeletion(orgId: string, locationId: string): Promise<DeletionPrecheck>;
  /** `POST …/jobs/locations/deleteCallingLocation?orgId` → 202 with the job. Poll it with {@link TelephonyApi.waitForJob}. */
  disableCalling(orgId: string, body: DisableCallingJobRequest): Promise<TelephonyJob>;
  /** `GET …/jobs/locations/deleteCallingLocation/{jobId}?orgId`. */
  getJob(orgId: string, jobId: string): Promise<TelephonyJob>;
  /**
   * Polls the disable-calling job until `COMPLETED` or `FAILED` (returned, the caller judges),
   * backing off as customer polls do; the timeout throws `ProvisioningTimeoutError`.
   */
  waitForJob(orgId: string, jobId: string, options: JobWaitOptions): Promise<TelephonyJob>;
}

/** Splits `items` into consecutive batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Builds the telephony API on a transport. */
export function telephonyApi(t: HttpTransport, timing: TelephonyTiming): TelephonyApi {
  const numbersPath = (locationId: string) => encodePath`/v1/telephony/config/locations/${locationId}/numbers`;
  const api: TelephonyApi = {
    async enableLocation(orgId, body) {
      const payload = validateRequest(CallingEnableRequestSchema, body, "calling location enable");
      const res = await t.request({ method: "POST", path: "/v1/telephony/config/locations", query: { orgId }, body: payload });
      return t.parse(CreatedIdSchema, res, "POST", res.body ?? { id: body.id });
    },
    async updateCallingDetails(orgId, locationId, body) {
      const payload = validateRequest(CallingDetailsUpdateRequestSchema, body, "location calling details update");
      await t.request({ method: "PUT", path: encodePath`/v1/telephony/config/locations/${locationId}`, query: { orgId }, body: payload });
    },
    async connectionOptions(orgId, locationId) {
      const res = await t.request({
        method: "GET",
        path: encodePath`/v1/telephony/pstn/locations/${locationId}/connectionOptions`,
        query: { orgId },
      });
      const body = t.parse(ListBodySchema, res, "GET", res.body ?? { items: [] });
      return body.items.map((item, index) => t.parse(PstnConnectionOptionSchema, res, "GET", item, `items.${index}`));
    },
    async getConnection(orgId, locationId) {
      const res = await t.request({
        method: "GET",
        path: encodePath`/v1/telephony/pstn/locations/${locationId}/connection`,
        query: { orgId },
      });
      return t.parse(PstnConnectionSchema, res, "GET");
    },
    async setConnection(orgId, locationId, body) {
      const payload = validateRequest(PstnConnectionRequestSchema, body, "PSTN connection");
      await t.request({
        method: "PUT",
        path: encodePath`/v1/telephony/pstn/locations/${locationId}/connection`,
        query: { orgId },
        body: payload,
      });
    },
    async addNumbers(orgId, locationId, body) {
      const payload = validateRequest(NumbersAddRequestSchema, body, "numbers add");
      const size = payload.numberType === "MOBILE" ? MAX_MOBILE_NUMBERS_PER_REQUEST : payload.phoneNumbers.length;
      for (const phoneNumbers of batches(payload.phoneNumbers, size)) {
        await t.request({ method: "POST", path: numbersPath(locationId), query: { orgId }, body: { ...payload, phoneNumbers } });
      }
    },
    async activateNumbers(orgId, locationId, phoneNumbers) {
      const payload = validateRequest(PhoneNumbersRequestSchema, { phoneNumbers: [...phoneNumbers] }, "numbers activate");
      await t.request({ method: "PUT", path: numbersPath(locationId), query: { orgId }, body: payload });
    },
    async removeNumbers(orgId, locationId, phoneNumbers) {
      const payload = validateRequest(PhoneNumbersRequestSchema, { phoneNumbers: [...phoneNumbers] }, "numbers remove");
      for (const batch of batches(payload.phoneNumbers, MAX_NUMBERS_PER_DELETE)) {
        await t.request({ method: "DELETE", path: numbersPath(locationId), query: { orgId }, body: { phoneNumbers: batch } });
      }
    },
    listNumbers(filter, options = {}) {
      return t.list(
        "/v1/telephony/config/numbers",
        { orgId: filter.orgId, locationId: filter.locationId, phoneNumber: filter.phoneNumber, state: filter.state },
        PhoneNumberSchema,
        options,
        undefined,
        { itemsKey: "phoneNumbers", offsetParam: "start" },
      );
    },
    async validateNumbers(orgId, phoneNumbers) {
      const payload = validateRequest(PhoneNumbersRequestSchema, { phoneNumbers: [...phoneNumbers] }, "numbers validate");
      const res = await t.request({
        method: "POST",
        path: "/v1/telephony/config/actions/validateNumbers/invoke",
        query: { orgId },
        body: payload,
        idempotent: true, // a check changes nothing, so an ambiguous failure may be retried
      });
      return t.parse(ValidateNumbersResponseSchema, res, "POST");
    },
    async precheckDeletion(orgId, locationId) {
      const res = await t.request({
        method: "POST",
        path: encodePath`/v1/telephony/config/locations/${locationId}/actions/precheckForDeletion/invoke`,
        query: { orgId },
        idempotent: true,
      });
      return t.parse(DeletionPrecheckSchema, res, "POST");
    },
    async disableCalling(orgId, body) {
      const payload = validateRequest(DisableCallingJobRequestSchema, body, "disable calling job");
      const res = await t.request({ method: "POST", path: DISABLE_JOBS, query: { orgId }, body: payload });
      return t.parse(TelephonyJobSchema, res, "POST");
    },
    async getJob(orgId, jobId) {
      const res = await t.request({ method: "GET", path: DISABLE_JOBS + encodePath`/${jobId}`, query: { orgId } });
      return t.parse(TelephonyJobSchema, res, "GET");
    },
    waitForJob(orgId, jobId, options) {
      const terminal: readonly string[] = JOB_TERMINAL_STATUSES;
      return poll({
        fetch: () => api.getJob(orgId, jobId),
        isDone: (job) => terminal.includes(job.latestExecutionStatus ?? ""),
        describe: (job) => job.latestExecutionStatus ?? "unknown",
        timeoutMs: options.timeoutMs,
        initialDelayMs: 1000,
        sleep: timing.sleep,
        now: timing.now,
        random: timing.random,
        onProgress: (p) => options.onProgress?.({ status: p.status, elapsedMs: p.elapsedMs }),
        target: { id: jobId, method: "GET", path: DISABLE_JOBS + encodePath`/${jobId}`, what: "The disable-calling job" },
      });
    },
  };
  return api;
}
