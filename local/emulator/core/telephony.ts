/**
 * Webex Calling settings of a location: its PSTN connection
 * (`/v1/telephony/pstn/locations/{id}/connectionOptions` and `…/connection`), its main number
 * (`PUT /v1/telephony/config/locations/{id}`), the safe-delete precheck and the asynchronous
 * disable-calling job with its status.
 */
import { fail, RuleFailure, violation, type Violation } from "./catalog";
import { type HandlerInput, type HandlerResult, iso, parseBody, putRecord } from "./context";
import { isBeingDisabled, locationsOfCustomer, requireLocation, requireOrg, requireOrgWritable, storeLocation } from "./locations";
import { providerNumbers } from "./numbers";
import { webexId } from "./random";
import { CallingDetailsSchema, DisableCallingSchema, PstnConnectionSchema } from "./schemas";
import type { CustomerRecord, JobRecord, LocationRecord, PstnConnectionType, State } from "./state";
import { SUBSCRIBERS_BY_CUSTOMER } from "./indexes";
import { lookup } from "./table";

/** Path of the disable-calling jobs. */
export const DISABLE_JOBS_PATH = "/v1/telephony/config/jobs/locations/deleteCallingLocation";

/** One PSTN option a location may use. */
interface PstnOption {
  readonly id: string;
  readonly displayName: string;
  readonly pstnServices: readonly string[];
  readonly pstnConnectionType: PstnConnectionType;
}

/** [project] The options every calling location offers, with the reference's ids. */
export const PSTN_OPTIONS: readonly PstnOption[] = [
  { id: "lgw-1", displayName: "Premises-based PSTN", pstnServices: ["GEOGRAPHIC_NUMBERS"], pstnConnectionType: "LOCAL_GATEWAY" },
  {
    id: "ccp-partner",
    displayName: "Partner CCP (non-integrated)",
    pstnServices: ["GEOGRAPHIC_NUMBERS"],
    pstnConnectionType: "NON_INTEGRATED_CCP",
  },
  {
    id: "ccp-integrated",
    displayName: "Partner CCP (integrated)",
    pstnServices: ["GEOGRAPHIC_NUMBERS"],
    pstnConnectionType: "INTEGRATED_CCP",
  },
];

/** The path's location, which must have calling (1602 otherwise, saying how to enable it). */
function requireCallingLocation(h: HandlerInput): { location: LocationRecord; customer: CustomerRecord } {
  const found = requireLocation(h);
  if (!found.location.calling) {
    fail(
      1602,
      `location ${found.location.name} (${found.location.id}) is not enabled for Webex Calling; enable it with POST /v1/telephony/config/locations first`,
    );
  }
  return found;
}

/** `GET /v1/telephony/pstn/locations/{id}/connectionOptions`: `{ items }`. */
export function listConnectionOptions(h: HandlerInput): HandlerResult {
  requireCallingLocation(h);
  return { state: h.state, status: 200, body: { items: PSTN_OPTIONS } };
}

/** `GET /v1/telephony/pstn/locations/{id}/connection`: the chosen option; 404/1612 before one is set. */
export function getConnection(h: HandlerInput): HandlerResult {
  const { location } = requireCallingLocation(h);
  const option = PSTN_OPTIONS.find((o) => o.id === location.pstn?.id);
  if (location.pstn === undefined || option === undefined) {
    fail(
      1612,
      `location ${location.name} (${location.id}) has no PSTN connection yet; set one with PUT /v1/telephony/pstn/locations/{id}/connection`,
    );
  }
  return { state: h.state, status: 200, body: option };
}

/**
 * `PUT /v1/telephony/pstn/locations/{id}/connection`: 204. [project] Setting the current option
 * again changes nothing; another option only while the location holds no numbers. With
 * `INTEGRATED_CCP` the provider's numbers arrive at once.
 */
export function setConnection(h: HandlerInput): HandlerResult {
  const { location, customer } = requireCallingLocation(h);
  requireOrgWritable(customer, h.now);
  const body = parseBody(PstnConnectionSchema, h.body);
  const option = PSTN_OPTIONS.find((o) => o.id === body.id);
  if (option === undefined) {
    fail(1001, `id: unknown PSTN connection "${body.id}"; GET …/connectionOptions lists ${PSTN_OPTIONS.map((o) => o.id).join(", ")}`);
  }
  if (location.pstn?.id === option.id) return { state: h.state, status: 204 };
  if (isBeingDisabled(location, h.now)) fail(1602, `location ${location.name} (${location.id}) is being disabled for Webex Calling`);
  if (location.numbers.length > 0) {
    fail(
      1611,
      `id: location ${location.name} holds ${location.numbers.length} number(s) on ${location.pstn?.type ?? "its connection"}; remove them before changing the PSTN connection`,
    );
  }
  const numbers = option.pstnConnectionType === "INTEGRATED_CCP" ? providerNumbers(h.state, h.rng) : [];
  const next: LocationRecord = { ...location, pstn: { id: option.id, type: option.pstnConnectionType }, numbers };
  return { state: storeLocation(h.state, next), status: 204 };
}

/**
 * `PUT /v1/telephony/config/locations/{id}`: the main number (`callingLineId.phoneNumber`) and the
 * announcement language, 204. [project] The main number must be an `ACTIVE` number of the location.
 */
export function updateCallingDetails(h: HandlerInput): HandlerResult {
  const { location, customer } = requireCallingLocation(h);
  requireOrgWritable(customer, h.now);
  const body = parseBody(CallingDetailsSchema, h.body);
  const main = body.callingLineId?.phoneNumber;
  if (main !== undefined) {
    const n = location.numbers.find((x) => x.phoneNumber === main);
    if (n === undefined) {
      fail(
        1609,
        `callingLineId.phoneNumber: ${main} is not a number of location ${location.name}; add it with POST …/locations/{id}/numbers first`,
      );
    }
    if (n.state !== "ACTIVE")
      fail(1610, `callingLineId.phoneNumber: ${main} is INACTIVE; activate it with PUT …/locations/{id}/numbers first`);
  }
  const next: LocationRecord = {
    ...location,
    ...(main !== undefined ? { mainNumber: main } : {}),
    ...(body.announcementLanguage !== undefined ? { announcementLanguage: body.announcementLanguage } : {}),
  };
  return { state: storeLocation(h.state, next), status: 204 };
}

/** The precheck's verdict and its fields. */
interface Precheck {
  readonly locationDeleteStatus: "UNBLOCKED" | "BLOCKED" | "FORCE_REQUIRED";
  readonly blocking: Record<string, number | boolean>;
  readonly blockingUnlessForced: Record<string, number>;
  readonly nonBlocking: Record<string, boolean>;
}

/**
 * The safe-delete verdict. Blocking: the org's last calling location, users (subscribers whose
 * `locationId` is this one), workspaces, trunks, virtual lines, numbers on order (the emulator has
 * none of the last four). [project] Call features planted in state force `FORCE_REQUIRED`.
 */
function precheck(state: State, customer: CustomerRecord, location: LocationRecord, now: number): Precheck {
  const otherCalling = locationsOfCustomer(state, customer, now).filter(
    (l) => l.id !== location.id && l.calling && !isBeingDisabled(l, now),
  );
  const users = lookup(state.subscribers, SUBSCRIBERS_BY_CUSTOMER, customer.id).filter((s) => s.locationId === location.id).length;
  const blocking = {
    lastLocation: otherCalling.length === 0,
    usersInUseCount: users,
    workspacesInUseCount: 0,
    trunksInUseCount: 0,
    virtualLineInUseCount: 0,
    numbersOrderPending: false,
  };
  const blocked = blocking.lastLocation || users > 0;
  return {
    locationDeleteStatus: blocked ? "BLOCKED" : location.features > 0 ? "FORCE_REQUIRED" : "UNBLOCKED",
    blocking,
    blockingUnlessForced: { featuresInUseCount: location.features },
    nonBlocking: { numbersPresent: location.numbers.length > 0 },
  };
}

/** `POST /v1/telephony/config/locations/{id}/actions/precheckForDeletion/invoke`: the verdict, nothing changed. */
export function precheckDeletion(h: HandlerInput): HandlerResult {
  const { location, customer } = requireCallingLocation(h);
  return { state: h.state, status: 200, body: precheck(h.state, customer, location, h.now) };
}

/** Why a verdict stops a disable, one violation per reason, each saying what to do. */
function refusals(p: Precheck, location: LocationRecord, forceDelete: boolean): Violation[] {
  const at = `location ${location.name} (${location.id})`;
  const out: Violation[] = [];
  if (p.blocking["lastLocation"] === true) {
    out.push(
      violation(
        1613,
        `blocking.lastLocation: ${at} is the organization's last calling location; keep it or enable calling at another first`,
      ),
    );
  }
  const users = Number(p.blocking["usersInUseCount"] ?? 0);
  if (users > 0) out.push(violation(1613, `blocking.usersInUseCount: ${users} user(s) at ${at}; move or delete them first`));
  if (out.length === 0 && p.locationDeleteStatus === "FORCE_REQUIRED" && !forceDelete) {
    out.push(
      violation(
        1613,
        `blockingUnlessForced.featuresInUseCount: ${p.blockingUnlessForced["featuresInUseCount"] ?? 0} call feature(s) at ${at}; send forceDelete: true to remove them with calling`,
      ),
    );
  }
  return out;
}

/** A job as the jobs API shows it at `now`. */
function jobView(job: JobRecord, now: number): Record<string, unknown> {
  const done = now >= job.dueAt;
  const status = done ? job.outcome : "STARTED";
  return {
    id: job.id,
    name: "deleteCallingLocation",
    jobType: "deleteCallingLocation",
    targetCustomerId: job.orgId,
    locationId: job.locationId,
    locationName: job.locationName,
    forceDelete: job.forceDelete,
    created: iso(job.created),
    latestExecutionStatus: status,
    ...(done ? { latestExecutionExitCode: job.outcome === "COMPLETED" ? "COMPLETED" : "FAILED" } : {}),
    ...(done && job.outcome === "FAILED"
      ? { errors: [{ errorCode: 1500, description: "The location could not be disabled (simulated failure); start the job again." }] }
      : {}),
  };
}

/**
 * `POST /v1/telephony/config/jobs/locations/deleteCallingLocation?orgId=`: 202 with the job.
 * [project] The precheck runs first: a `BLOCKED` location, or `FORCE_REQUIRED` without
 * `forceDelete: true`, is refused (409/1613, one error per reason) rather than started to fail.
 * The job completes after the provisioning delay; `X-Emulator-Scenario: error` makes it `FAILED`
 * (calling stays). A second request while one runs answers that job.
 */
export function startDisableCalling(h: HandlerInput): HandlerResult {
  const customer = requireOrg(h);
  requireOrgWritable(customer, h.now);
  const body = parseBody(DisableCallingSchema, h.body);
  const { location } = requireLocation(h, body.locationId);
  if (location.customerId !== customer.id) fail(1404, `locationId: no location ${body.locationId} in organization ${customer.orgId}.`);
  if (body.locationName !== undefined && body.locationName !== location.name) {
    fail(
      1001,
      `locationName: "${body.locationName}" is not the name of location ${location.id} ("${location.name}"); send its name or leave it out`,
    );
  }
  const running = location.disabling !== undefined && isBeingDisabled(location, h.now) ? h.state.jobs[location.disabling.jobId] : undefined;
  if (running !== undefined) return { state: h.state, status: 202, body: jobView(running, h.now) };
  if (!location.calling)
    fail(1602, `locationId: location ${location.name} (${location.id}) is not enabled for Webex Calling; nothing to disable`);
  const refused = refusals(precheck(h.state, customer, location, h.now), location, body.forceDelete === true);
  if (refused.length > 0) throw new RuleFailure(refused);
  const job: JobRecord = {
    id: webexId("job", h.rng),
    orgId: customer.orgId,
    locationId: location.id,
    locationName: location.name,
    forceDelete: body.forceDelete === true,
    created: h.now,
    dueAt: h.now + h.provisioningDelayMs,
    outcome: h.scenario === "error" ? "FAILED" : "COMPLETED",
  };
  const withJob: State = { ...h.state, jobs: putRecord(h.state.jobs, job.id, job) };
  const state =
    job.outcome === "COMPLETED" ? storeLocation(withJob, { ...location, disabling: { jobId: job.id, dueAt: job.dueAt } }) : withJob;
  return { state, status: 202, body: jobView(job, h.now) };
}

/** `GET …/deleteCallingLocation/{jobId}?orgId=`: the job's status (`STARTED`, then `COMPLETED` or `FAILED`). */
export function getDisableCallingJob(h: HandlerInput): HandlerResult {
  const id = h.params["jobId"] ?? "";
  const orgId = h.query.get("orgId");
  const job = Object.prototype.hasOwnProperty.call(h.state.jobs, id) ? h.state.jobs[id] : undefined;
  if (job === undefined || (orgId !== null && orgId !== "" && orgId !== job.orgId))
    fail(1404, `No deleteCallingLocation job with id ${id}.`);
  return { state: h.state, status: 200, body: jobView(job, h.now) };
}
