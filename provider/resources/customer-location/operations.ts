/**
 * CustomerLocation operations: what `CustomerLocationProvider` runs, loaded at call time by package
 * name (see `common/load.ts`). Every call acts in the customer's Webex org (`orgId`), looked up once
 * per customer and process. Location writes are synchronous; disabling calling is an asynchronous
 * job, polled.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ConflictError, NotFoundError, ProvisioningApiError, ValidationError, type PhoneNumber } from "../../client";
import { encodePath } from "../../client/http";
import { INTEGRATED_PSTN_TYPES, type DeletionPrecheck, type PstnConnection, type TelephonyJob } from "../../client/schemas";
import { contextFor, memoize, type OperationContext } from "../common/client-cache";
import { explainApiError, ResourceInitError } from "../common/errors";
import { collect } from "../../client/paginate";
import { parseInputs } from "../common/operation-inputs";
import { withProviderCodeKept } from "../common/provider-code";
import { omitKeys, stateString, toPlain, withoutProviderField } from "../common/state";
import { createOrAdopt } from "../common/writes";
import type { StoredOutputs } from "../common/operations-abi";
import { progressReporter, writeWarning } from "../common/progress";
import { isPlainObject } from "../common/change-rules";
import { escapeControl } from "../../text";
import { pureOperations } from "../common/pure-operations";
import { ruleSettingsFor } from "../common/settings";
import { checkCustomerLocation, declaredNumbers } from "./check";
import { diffCustomerLocation } from "./diff";
import { customerLocationRules } from "./rules";
import {
  CUSTOMER_LOCATION_COMPUTED,
  CUSTOMER_LOCATION_SCHEMA_VERSION,
  CustomerLocationArgsSchema,
  type CustomerLocationInputs,
  type CustomerLocationState,
} from "./schema";
import {
  describeOwner,
  IMPORT_ID_FORMAT,
  importedInputs,
  inventoryOf,
  locationDifferences,
  mainNumberOf,
  parseImportId,
  planNumbers,
  precheckReasons,
  toCreateBody,
  toEnableBody,
  toUpdateBody,
} from "./wire";

const KIND = "CustomerLocation";
const COLLECTION = "/v1/locations";

/** Said after every destroy: the public API has no DELETE on a location. */
const RECORD_STAYS =
  "the location record stays in the customer's org (the Webex API cannot delete a location, only disable calling there); " +
  "remove it in Control Hub if it must go, or declare it again to adopt it";

/** Checks `webex:subPartnerOrgId` against the service once per run (see `common/sub-partner.ts`). */
export { verifyConfiguration } from "../common/sub-partner";

/**
 * `configure`, `check` and `diff`: the pure half of the contract, built by {@link pureOperations}
 * from this resource's validation and its rule table ({@link customerLocationRules}).
 */
export const { configure, check, diff } = pureOperations<CustomerLocationInputs, CustomerLocationState>({
  rules: customerLocationRules,
  validate: checkCustomerLocation,
  drifted: callingLost,
});

/**
 * The state records no PSTN connection although the program names one: calling was disabled at the
 * location (by hand, or by a destroy that a kill interrupted; a refresh reads that as no connection),
 * so the next `up` must enable it again before users are placed there.
 */
function callingLost(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const wanted = news.calling;
  return (
    typeof olds.locationId === "string" &&
    isPlainObject(wanted) &&
    typeof wanted.pstnConnectionId === "string" &&
    olds.pstnConnectionType === undefined
  );
}

function inputsOf(news: Record<string, unknown>): CustomerLocationInputs {
  return parseInputs(KIND, checkCustomerLocation, CustomerLocationArgsSchema, news);
}

/** What the server says about a location's calling, for the outputs. */
interface CallingFacts {
  pstnConnectionType?: string;
  inventory?: ReturnType<typeof inventoryOf>;
  mainNumber?: string;
}

function outputsOf(inputs: CustomerLocationInputs, id: string, orgId: string, facts: CallingFacts): CustomerLocationState {
  return toPlain({
    ...inputs,
    locationId: id,
    orgId,
    pstnConnectionType: facts.pstnConnectionType,
    inventory: facts.inventory,
    mainNumber: facts.mainNumber,
    schemaVersion: CUSTOMER_LOCATION_SCHEMA_VERSION,
  }) as CustomerLocationState;
}

/** The customer's Webex org id (memoised per customer, shared with the users' headquarters lookup). */
function orgOf(ctx: OperationContext, customerId: string): Promise<string> {
  return memoize(ctx, `org-of-customer:${customerId}`, async () => {
    const customer = await ctx.client.customers.get(customerId);
    if (customer.orgId === undefined) {
      throw new Error(
        `customer ${customerId} has no Webex org yet (status ${customer.status}), so its locations cannot be managed: ` +
          "wait until the customer is provisioned (declare the location after its CustomerOrg, whose customerId output it takes).",
      );
    }
    return customer.orgId;
  });
}

/** The location's PSTN connection; undefined when it has none yet (404). */
async function connectionOf(ctx: OperationContext, orgId: string, id: string): Promise<PstnConnection | undefined> {
  try {
    return await ctx.client.telephony.getConnection(orgId, id);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/**
 * Whether calling is enabled at the location, and its PSTN connection: reading the connection
 * answers 400 ("not enabled for Webex Calling") when calling is not enabled, 404 when it is but
 * has no connection yet.
 */
async function callingState(ctx: OperationContext, orgId: string, id: string): Promise<{ enabled: boolean; connection?: PstnConnection }> {
  try {
    return { enabled: true, connection: await connectionOf(ctx, orgId, id) };
  } catch (e) {
    if (e instanceof ValidationError) return { enabled: false };
    throw e;
  }
}

/** The location's numbers, every page. */
function numbersOf(ctx: OperationContext, orgId: string, id: string): Promise<PhoneNumber[]> {
  return collect(ctx.client.telephony.listNumbers({ orgId, locationId: id }), () => true, Number.MAX_SAFE_INTEGER);
}

/**
 * After the API refused to add numbers, names where each refused number already is: the location
 * and the owner the inventory reports. The API's own error is returned when no number is found elsewhere.
 */
async function whereNumbersAre(
  ctx: OperationContext,
  orgId: string,
  id: string,
  numbers: readonly string[],
  cause: unknown,
): Promise<unknown> {
  const found: string[] = [];
  for (const number of numbers) {
    const [entry] = await collect(ctx.client.telephony.listNumbers({ orgId, phoneNumber: number }), (n) => n.phoneNumber === number, 1);
    if (entry !== undefined && entry.location?.id !== id) {
      found.push(
        `${number} is already at location ${entry.location?.name ?? entry.location?.id ?? "(unknown)"}, held by ${describeOwner(entry.owner)}`,
      );
    }
  }
  if (found.length === 0) return cause;
  return new ConflictError({
    message:
      `Cannot add numbers owned elsewhere in the customer's org: ${found.join("; ")}. ` +
      "Remove each from calling.numbers, or release it there first (unassign it, remove it from that location).",
    method: "POST",
    path: encodePath`/v1/telephony/config/locations/${id}/numbers`,
    status: cause instanceof ProvisioningApiError ? cause.status : undefined,
    trackingId: cause instanceof ProvisioningApiError ? cause.trackingId : undefined,
  });
}

/**
 * Brings the location's calling to the inputs: calling enabled, PSTN connection, numbers added and
 * activated, main number, numbers removed (in that order: a new main number is set before the old
 * one is removed). `previous` are the numbers the program declared before (only those are ever
 * removed). Returns what the outputs report. Refuses, before any number is sent, numbers on an
 * integrated PSTN and the removal of numbers someone holds.
 */
async function converge(
  ctx: OperationContext,
  orgId: string,
  id: string,
  inputs: CustomerLocationInputs,
  previous: readonly string[] | undefined,
  mustEnable: boolean,
): Promise<CallingFacts> {
  const calling = inputs.calling;
  if (calling === undefined) return {};
  const t = ctx.client.telephony;
  // A location this resource just created is not calling-enabled yet: no need to ask.
  const probed = mustEnable ? { enabled: false, connection: undefined } : await callingState(ctx, orgId, id);
  if (!probed.enabled) await t.enableLocation(orgId, toEnableBody(id, inputs));
  let connection = probed.connection;
  if (calling.pstnConnectionId !== undefined && connection?.id !== calling.pstnConnectionId) {
    await t.setConnection(orgId, id, { id: calling.pstnConnectionId });
    connection = await connectionOf(ctx, orgId, id);
  }
  const type = connection?.pstnConnectionType;
  if (calling.pstnConnectionType !== undefined && type !== undefined && type !== calling.pstnConnectionType) {
    throw new Error(
      `the location's PSTN connection is ${type}, not ${calling.pstnConnectionType} as calling.pstnConnectionType declares: ` +
        `set calling.pstnConnectionType to ${type} (or choose the intended option with calling.pstnConnectionId). Nothing about numbers was sent.`,
    );
  }

  let inventory = await numbersOf(ctx, orgId, id);
  let changed = false;
  let removals: string[] = [];
  if (calling.numbers !== undefined) {
    if (type !== undefined && (INTEGRATED_PSTN_TYPES as readonly string[]).includes(type)) {
      throw new Error(
        `the location's PSTN connection is ${type}, whose numbers come from the PSTN provider (Cisco: the numbers API "should never be used" there): ` +
          "remove calling.numbers (the inventory output lists the provider's numbers). Nothing about numbers was sent.",
      );
    }
    const plan = planNumbers(calling.numbers, previous, inventory);
    const held = inventory.filter((n) => plan.remove.includes(n.phoneNumber ?? "") && n.owner?.id !== undefined);
    if (held.length > 0) {
      throw new Error(
        `cannot remove numbers someone holds: ${held.map((n) => `${n.phoneNumber} (held by ${describeOwner(n.owner)})`).join("; ")}. ` +
          "Keep them in calling.numbers, or unassign them (change or delete those users) first. Nothing was removed. " +
          "A user removed from the program in this same change is deleted only after this update (Pulumi deletes last): " +
          "keep the number until an up without that user has run, then remove it.",
      );
    }
    for (const state of ["ACTIVE", "INACTIVE"] as const) {
      const add = plan.add[state];
      if (add.length === 0) continue;
      try {
        await t.addNumbers(orgId, id, { phoneNumbers: add, state });
      } catch (e) {
        throw e instanceof ConflictError || e instanceof ValidationError ? await whereNumbersAre(ctx, orgId, id, add, e) : e;
      }
      changed = true;
    }
    if (plan.activate.length > 0) {
      await t.activateNumbers(orgId, id, plan.activate);
      changed = true;
    }
    removals = plan.remove;
  }
  if (calling.mainNumber !== undefined && mainNumberOf(inventory) !== calling.mainNumber) {
    await t.updateCallingDetails(orgId, id, { callingLineId: { phoneNumber: calling.mainNumber } });
    changed = true;
  }
  if (removals.length > 0) {
    await t.removeNumbers(orgId, id, removals);
    changed = true;
  }
  if (changed) inventory = await numbersOf(ctx, orgId, id);
  return { pstnConnectionType: type, inventory: inventoryOf(inventory), mainNumber: mainNumberOf(inventory) };
}

/** Sends the location PUT when the server differs from the inputs on what it can change. */
async function syncLocation(ctx: OperationContext, orgId: string, id: string, inputs: CustomerLocationInputs): Promise<void> {
  const server = await ctx.client.locations.get(orgId, id);
  if (locationDifferences(inputs, server).length > 0) await ctx.client.locations.update(orgId, id, toUpdateBody(inputs));
}

/**
 * Creates the location, or adopts the one of the same exact name in the customer's org (the
 * headquarters too: names are unique per org), then brings it to the inputs: the location's fields
 * through PUT when they differ, then calling (enabled, PSTN connection, numbers, main number).
 * After an ambiguous failure of the POST, looks again before sending it once more.
 */
export const create = withProviderCodeKept(createInner);

async function createInner(owner: object, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<CustomerLocationState>> {
  const inputs = inputsOf(news);
  const ctx = contextFor(owner);
  const label = inputs.name;
  try {
    const orgId = await orgOf(ctx, inputs.customerId);
    const { value: id, adopted } = await createOrAdopt({
      what: `a location named "${inputs.name}" in org ${orgId}`,
      path: COLLECTION,
      reconcile: "Rename the duplicates in Control Hub so one location holds this name.",
      lookupFirst: true,
      // A location of that name is adopted whatever its fields: they are brought to the inputs by PUT.
      duplicateCodes: [1601],
      find: () => ctx.client.locations.findByName(orgId, inputs.name),
      differences: () => [],
      idOf: (l) => l.id,
      post: async () => (await ctx.client.locations.create(orgId, toCreateBody(inputs))).id,
      adopted: (l) => l.id,
    });
    let facts: CallingFacts;
    try {
      if (adopted) await syncLocation(ctx, orgId, id, inputs);
      facts = await converge(ctx, orgId, id, inputs, undefined, !adopted);
    } catch (e) {
      // The location exists now: Pulumi records it, and the next up resumes through update.
      const reason = explainApiError(e, `${KIND} ${label}`);
      const message = reason instanceof Error ? reason.message : String(reason);
      throw new ResourceInitError(
        `${message} The location (id ${id}) exists and is recorded in state; fix the cause, then run up again.`,
        id,
        outputsOf(inputs, id, orgId, {}),
        [message],
      );
    }
    return { id, outs: outputsOf(inputs, id, orgId, facts) };
  } catch (e) {
    if (e instanceof ResourceInitError) throw e;
    throw explainApiError(e, `${KIND} ${label}`);
  }
}

/**
 * Reads the location: name, time zone, preferred language and address from the server; with
 * calling, the PSTN connection type, the inventory and the main number. The other inputs (which the
 * API does not return, or which the program declares) are carried over from `props`. 404 → gone.
 * `pulumi import` (no `props`) names the location `<customerId>:<locationId>`: every field the API
 * returns becomes an input, and the id recorded is the location's own.
 */
export async function read(
  owner: object,
  id: string,
  props: Record<string, unknown> = {},
): Promise<pulumi.dynamic.ReadResult<StoredOutputs<CustomerLocationState>>> {
  const ctx = contextFor(owner);
  const previous = withoutProviderField(props);
  const label = typeof previous.name === "string" ? previous.name : id;
  try {
    // Only an import reads with no state: then the id must name the customer too.
    const imported = stateString(previous, "orgId") === undefined && stateString(previous, "customerId") === undefined;
    const target = imported ? parseImportId(id) : undefined;
    if (imported && target === undefined) {
      throw new Error(
        `cannot tell whose location ${escapeControl(id)} is: import it as ${IMPORT_ID_FORMAT} (the CustomerOrg's customerId, a colon, the location's id), ` +
          "e.g. pulumi import webex-wholesale:index:CustomerLocation acme/Denver <customerId>:<locationId>",
      );
    }
    const locationId = target?.locationId ?? id;
    const customerId = target?.customerId ?? stateString(previous, "customerId");
    const orgId = stateString(previous, "orgId") ?? (await orgOf(ctx, customerId!));
    let location;
    try {
      location = await ctx.client.locations.get(orgId, locationId);
    } catch (e) {
      if (e instanceof NotFoundError) return {};
      throw e;
    }
    const inputs: Record<string, unknown> = target
      ? { customerId: target.customerId, ...importedInputs(location) }
      : omitKeys(previous, CUSTOMER_LOCATION_COMPUTED);
    if (location.name !== undefined) inputs.name = location.name;
    if (location.timeZone !== undefined) inputs.timeZone = location.timeZone;
    const facts = previous.calling !== undefined || target ? await callingFactsOf(ctx, orgId, locationId, target !== undefined) : {};
    const outs = toPlain({
      ...inputs,
      locationId,
      orgId,
      ...facts,
      schemaVersion: typeof previous.schemaVersion === "number" ? previous.schemaVersion : CUSTOMER_LOCATION_SCHEMA_VERSION,
    });
    return { id: locationId, props: outs, inputs: toPlain(inputs) };
  } catch (e) {
    throw explainApiError(e, `${KIND} ${label}`);
  }
}

/**
 * What a read reports of the location's calling. Calling disabled outside the program (or by a
 * destroy that failed half-way) reads as no connection. An imported location whose calling was
 * never enabled has no inventory to read (`imported`).
 */
async function callingFactsOf(ctx: OperationContext, orgId: string, id: string, imported: boolean): Promise<CallingFacts> {
  const calling = await callingState(ctx, orgId, id);
  if (imported && !calling.enabled) return {};
  const numbers = await numbersOf(ctx, orgId, id);
  return { pstnConnectionType: calling.connection?.pstnConnectionType, inventory: inventoryOf(numbers), mainNumber: mainNumberOf(numbers) };
}

/**
 * Updates the location in place: refused rules are enforced again now that every value is known,
 * then the location's fields through PUT (when the server differs) and its calling by difference:
 * only numbers the program declared before are removed.
 */
export const update = withProviderCodeKept(updateInner);

async function updateInner(
  owner: object,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.UpdateResult<CustomerLocationState>> {
  const inputs = inputsOf(news);
  // Judged once, now that every value is known: throws for a refused change in `strict` mode.
  diffCustomerLocation(olds, news, ruleSettingsFor(owner));
  const ctx = contextFor(owner);
  const label = inputs.name;
  try {
    const orgId = stateString(olds, "orgId") ?? (await orgOf(ctx, inputs.customerId));
    try {
      await syncLocation(ctx, orgId, id, inputs);
    } catch (e) {
      if (e instanceof NotFoundError && e.path.startsWith(COLLECTION)) {
        throw explainApiError(
          e,
          `${KIND} ${label}`,
          "The location no longer exists: run `pulumi refresh` to drop it from state, then up recreates it.",
        );
      }
      throw e;
    }
    const facts = await converge(ctx, orgId, id, inputs, declaredNumbers(olds.calling), false);
    return { outs: outputsOf(inputs, id, orgId, facts) };
  } catch (e) {
    throw explainApiError(e, `${KIND} ${label}`);
  }
}

/** Said when the location is the org's last calling location, which Webex never lets go. */
const LAST_LOCATION_STAYS =
  "calling stays enabled: this is the org's last calling location, which Webex does not disable (it goes when the customer is deleted); " +
  RECORD_STAYS;

/** Whether a precheck blocks only because the location is the org's last calling location. */
function blockedOnlyAsLastLocation(precheck: DeletionPrecheck): boolean {
  const reasons = Object.entries(precheck.blocking ?? {}).filter(([, v]) => v === true || (typeof v === "number" && v > 0));
  return precheck.locationDeleteStatus === "BLOCKED" && reasons.length === 1 && reasons[0]![0] === "lastLocation";
}

/**
 * Judges a deletion precheck: the job's `forceDelete`, or "last" for the org's last calling
 * location (which stays), or an error naming every reason and what to do.
 */
function judgePrecheck(precheck: DeletionPrecheck, force: boolean): { forceDelete: boolean } | "last" {
  const status = precheck.locationDeleteStatus;
  if (blockedOnlyAsLastLocation(precheck)) return "last";
  if (status === "BLOCKED") {
    throw new Error(
      `Webex Calling cannot be disabled at this location: the precheck answers BLOCKED (${precheckReasons(precheck.blocking).join("; ") || "no reason given"}). ` +
        "Move or delete what still uses it (users, workspaces, trunks, virtual lines; wait for number orders), then destroy again.",
    );
  }
  if (status === "FORCE_REQUIRED" && !force) {
    throw new Error(
      `Webex Calling at this location can only be disabled by force: the precheck answers FORCE_REQUIRED (${precheckReasons(precheck.blockingUnlessForced).join("; ") || "no reason given"}). ` +
        "Set calling.forceDisable: true and run up (so the state holds it), then destroy again; or remove those first.",
    );
  }
  return { forceDelete: status === "FORCE_REQUIRED" };
}

/**
 * Disables Webex Calling at the location, when the resource enabled it: the documented precheck
 * first (BLOCKED is refused naming every reason; FORCE_REQUIRED needs `calling.forceDisable: true`),
 * then the disable job, polled until it ends. The location record itself stays (no API removes
 * it): a warning says so. The org's last calling location cannot be disabled: it leaves the stack
 * with calling on (a warning says so), so destroying a whole stack, customer included, goes through.
 * When a sibling's job made this one the last while it started (two sites destroyed at once), the
 * refused job is judged again by a fresh precheck. A location already gone (404) is success.
 */
export async function remove(owner: object, id: string, props: Record<string, unknown>): Promise<void> {
  const ctx = contextFor(owner);
  const label = typeof props.name === "string" ? props.name : id;
  const calling = props.calling;
  if (calling === undefined || calling === null) {
    writeWarning(KIND, label, `removed from the stack; ${RECORD_STAYS}`);
    return;
  }
  const force = typeof calling === "object" && (calling as Record<string, unknown>).forceDisable === true;
  try {
    const customerId = stateString(props, "customerId");
    const orgId = stateString(props, "orgId") ?? (customerId !== undefined ? await orgOf(ctx, customerId) : undefined);
    if (orgId === undefined) {
      throw new Error(
        "the state holds neither orgId nor customerId, so the location's org is unknown: remove it from the stack with `pulumi state delete`.",
      );
    }
    const t = ctx.client.telephony;
    let precheck: DeletionPrecheck;
    try {
      precheck = await t.precheckDeletion(orgId, id);
    } catch (e) {
      if (e instanceof NotFoundError) return;
      throw e;
    }
    let verdict = judgePrecheck(precheck, force);
    let job: TelephonyJob | undefined;
    if (verdict !== "last") {
      try {
        job = await t.disableCalling(orgId, { locationId: id, locationName: label, forceDelete: verdict.forceDelete });
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        verdict = judgePrecheck(await t.precheckDeletion(orgId, id), force);
        if (verdict !== "last") throw e;
      }
    }
    if (verdict === "last" || job === undefined) {
      writeWarning(KIND, label, LAST_LOCATION_STAYS);
      return;
    }
    const progress = progressReporter(KIND, label);
    const done = await t.waitForJob(orgId, job.id, {
      timeoutMs: ctx.timeoutMs,
      onProgress: (p) => progress.report(`disabling calling: ${p.status}`),
    });
    if (done.latestExecutionStatus !== "COMPLETED") {
      const errors = (done.errors ?? []).map((x) =>
        typeof x === "object" && x !== null && "description" in x ? String((x as { description: unknown }).description) : JSON.stringify(x),
      );
      throw new Error(
        `the disable-calling job ${job.id} ended ${done.latestExecutionStatus ?? "without a status"}` +
          `${errors.length > 0 ? `: ${errors.join("; ")}` : ""}. Calling may still be enabled there: destroy again (the job is started anew).`,
      );
    }
  } catch (e) {
    throw explainApiError(e, `${KIND} ${label}`);
  }
  writeWarning(KIND, label, `Webex Calling disabled; ${RECORD_STAYS}`);
}
