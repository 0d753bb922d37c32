/**
 * CustomerOrg operations: what `CustomerOrgProvider` runs, loaded at call time by package name
 * (see `common/load.ts`). Customer writes are asynchronous on the API (202, then `provisioning` /
 * `updating` / `deleting`), so create, update and delete wait for a terminal status, reporting
 * progress on stderr.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  LockedError,
  NotFoundError,
  ProvisioningFailedError,
  ProvisioningTimeoutError,
  CUSTOMER_BUSY_STATUSES,
  type Customer,
  type CustomerOperation,
} from "../../client";
import { encodePath } from "../../client/http";
import { poll } from "../../client/poll";
import { contextFor, type OperationContext } from "../common/client-cache";
import { explainApiError, ResourceInitError } from "../common/errors";
import { headquartersOfOrg } from "../common/locations";
import {
  createOrAdopt,
  formatApiErrors,
  withProviderCodeKept,
  omitKeys,
  parseInputs,
  retryWhileLocked,
  stateString,
  toPlain,
  unchangedSettledStatus,
  withoutProviderField,
} from "../common/lifecycle";
import type { StoredOutputs } from "../common/operations-abi";
import { pureOperations } from "../common/pure-operations";
import { progressReporter, writeWarning } from "../common/progress";
import { ruleSettingsFor } from "../common/settings";
import { checkCustomerOrg } from "./check";
import { diffCustomerOrg } from "./diff";
import { customerOrgRules } from "./rules";
import {
  CUSTOMER_ORG_SCHEMA_VERSION,
  CustomerOrgArgsSchema,
  type CustomerOrgInputs,
  type CustomerOrgState,
  CUSTOMER_ORG_COMPUTED,
} from "./schema";
import { adminPackage, differencesFromServer, fromWireAddress, hasCallingPackage, isLimited, toCreateBody, toUpdateBody } from "./wire";

const KIND = "CustomerOrg";
const COLLECTION = "/v1/wholesale/customers";

/** Statuses after which an unchanged customer needs no API call (a state migration is local). */
const SETTLED_STATUSES: readonly string[] = ["provisioned", "pending_rpl_review"];
/** Statuses during which the customer refuses writes (423). */
const BUSY_STATUSES: readonly string[] = CUSTOMER_BUSY_STATUSES;
/** Statuses of an asynchronous failure. */
const FAILED_STATUSES: readonly string[] = ["provisioned_with_errors", "error"];

/** Inputs that GET returns, hence compared with the server rather than with state. */
const SERVER_VISIBLE_INPUTS: readonly string[] = ["externalId", "address"];

/**
 * `configure`, `check` and `diff`: the pure half of the contract, built by {@link pureOperations}
 * from this resource's validation and its rule table ({@link customerOrgRules}). A stored status outside `SETTLED_STATUSES` (an error, a timed-out create) is a change even with
 * unchanged inputs, so the next `up` retries it (`update` reads the object and re-sends its desired state once).
 */
export const { configure, check, diff } = pureOperations<CustomerOrgInputs, CustomerOrgState>({
  rules: customerOrgRules,
  validate: checkCustomerOrg,
  settledStatuses: SETTLED_STATUSES,
});

function inputsOf(news: Record<string, unknown>): CustomerOrgInputs {
  return parseInputs(KIND, checkCustomerOrg, CustomerOrgArgsSchema, news);
}

/** The outputs: every input plus the computed values (none of which is secret). */
function outputsOf(
  inputs: CustomerOrgInputs,
  id: string,
  computed: { status: string; orgId?: string; headquartersLocationId?: string; schemaVersion?: number },
): CustomerOrgState {
  return toPlain({
    ...inputs,
    customerId: id,
    orgId: computed.orgId,
    status: computed.status,
    limited: isLimited(inputs),
    adminPackage: adminPackage(inputs),
    headquartersLocationId: computed.headquartersLocationId,
    schemaVersion: computed.schemaVersion ?? CUSTOMER_ORG_SCHEMA_VERSION,
  });
}

/** Waits until the customer is no longer busy; returns it whatever its (terminal) status. */
function waitIdle(ctx: OperationContext, id: string, label: string): Promise<Customer> {
  const progress = progressReporter(KIND, label);
  return poll({
    fetch: () => ctx.client.customers.get(id),
    isDone: (c) => !BUSY_STATUSES.includes(c.status),
    describe: (c) => c.status,
    timeoutMs: ctx.timeoutMs,
    sleep: ctx.sleep,
    minDelayMs: 1000,
    onProgress: (p) => progress.report(p.status),
    target: { id, what: `${KIND} ${label}`, method: "GET", path: encodePath`/v1/wholesale/customers/${id}` },
  });
}

/**
 * Waits for the terminal status after a write. A failed status or a timeout becomes a
 * {@link ResourceInitError} carrying the id and the outputs, so Pulumi records the customer (it
 * exists) and the next `up` resumes through `update` instead of creating a second one.
 */
async function waitTerminal(
  ctx: OperationContext,
  inputs: CustomerOrgInputs,
  id: string,
  operation: CustomerOperation,
  previous: { orgId?: string; headquartersLocationId?: string },
): Promise<Customer> {
  const label = inputs.externalId;
  const progress = progressReporter(KIND, label);
  try {
    return await ctx.client.waitForCustomer(id, {
      timeoutMs: ctx.timeoutMs,
      operation,
      onProgress: (p) => progress.report(p.status),
    });
  } catch (e) {
    if (e instanceof ProvisioningFailedError) {
      const reasons = formatApiErrors(e.errors);
      throw new ResourceInitError(
        `${KIND} ${label}: the customer (id ${id}) ended its ${operation} in status ${e.provisioningStatus}` +
          (reasons.length > 0 ? `: ${reasons.join("; ")}. ` : " (the API gave no details). ") +
          "It exists and is recorded in state; fix the cause (in the program, or in Partner Hub/Control Hub), then run up again: " +
          "the next update reads the customer and re-sends its desired state to it (nothing is created twice).",
        id,
        outputsOf(inputs, id, { ...previous, status: e.provisioningStatus }),
        reasons,
      );
    }
    if (e instanceof ProvisioningTimeoutError) {
      throw new ResourceInitError(
        `${KIND} ${label}: the customer (id ${id}) did not finish its ${operation} within ` +
          `${ctx.settings.provisioningTimeoutSeconds}s (last status ${e.lastStatus ?? "unknown"}). It is recorded in state; ` +
          "run up again later (the update resumes the wait without writing again), or raise webex:provisioningTimeoutSeconds.",
        id,
        outputsOf(inputs, id, { ...previous, status: e.lastStatus ?? "provisioning" }),
        [e.message],
      );
    }
    throw explainApiError(e, `${KIND} ${label}`);
  }
}

/**
 * The headquarters location id of a provisioned customer with a calling package (looked up once
 * per org and process, so users can be given it instead of each looking it up). A failed lookup
 * (e.g. a token without `spark-admin:locations_read`) is a warning, not a failure: users then
 * look the location up themselves or take an explicit `locationId`.
 */
async function headquartersLocationId(
  ctx: OperationContext,
  inputs: CustomerOrgInputs,
  customer: Customer,
  previous?: string,
): Promise<string | undefined> {
  if (!hasCallingPackage(inputs) || customer.orgId === undefined) return undefined;
  if (previous !== undefined) return previous;
  try {
    return await headquartersOfOrg(ctx, customer.orgId, inputs.headquarters?.name);
  } catch (e) {
    writeWarning(
      KIND,
      inputs.externalId,
      `could not look up the headquarters location (${e instanceof Error ? e.message : String(e)}); ` +
        "headquartersLocationId stays empty and each calling CustomerUser looks it up itself.",
    );
    return undefined;
  }
}

/** Warnings for statuses that succeed but need a person (resources.md, "Lifecycle"). */
function warnAbout(customer: Customer, label: string): void {
  if (customer.status === "pending_rpl_review") {
    writeWarning(
      KIND,
      label,
      "status pending_rpl_review: Cisco holds the customer for a compliance (restricted party list) review, which can take days; " +
        "it is created and will finish provisioning once the review clears.",
    );
  }
}

/**
 * Creates the customer, or adopts the one with the same `externalId` when it agrees with the
 * inputs on the fields GET returns (no write). Several, or one that disagrees → `ConflictError`.
 * After an ambiguous POST failure, looks again before sending it once more. Waits for the
 * terminal status; `provisioned_with_errors`/`error` → an error carrying the id (partial create).
 */
export const create = withProviderCodeKept(createInner);

async function createInner(owner: object, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<CustomerOrgState>> {
  const inputs = inputsOf(news);
  const ctx = contextFor(owner);
  const label = inputs.externalId;
  let id: string;
  try {
    ({ value: id } = await createOrAdopt({
      what: `a customer with externalId "${label}"`,
      path: COLLECTION,
      reconcile:
        "Make this CustomerOrg's inputs match the existing customer (it is then adopted without any write), give it another " +
        "externalId, or, when several customers share the externalId, remove the duplicates in Partner Hub first.",
      lookupFirst: true,
      duplicateCodes: [1301],
      // The first lookup may share a listing with concurrent creates; later ones are filtered and fresh.
      find: (fresh) => ctx.client.customers.findByExternalId(label, { coalesce: !fresh }),
      differences: (c) => differencesFromServer(inputs, c),
      idOf: (c) => c.id,
      post: async () => (await ctx.client.customers.create(toCreateBody(inputs))).id,
      adopted: (c) => c.id,
    }));
  } catch (e) {
    throw explainApiError(e, `${KIND} ${label}`);
  }
  const customer = await waitTerminal(ctx, inputs, id, "create", {});
  warnAbout(customer, label);
  const hq = await headquartersLocationId(ctx, inputs, customer);
  return {
    id,
    outs: outputsOf(inputs, id, { status: customer.status, orgId: customer.orgId, headquartersLocationId: hq }),
  };
}

/** Package list as the server holds it: its names, with the quantities state knows (GET returns none). */
function mergePackages(known: unknown, serverNames: readonly string[] | undefined): unknown {
  if (serverNames === undefined) return known;
  const byName = new Map<string, Record<string, unknown>>();
  if (Array.isArray(known)) {
    for (const p of known) {
      if (p !== null && typeof p === "object" && typeof (p as { name?: unknown }).name === "string") {
        byName.set((p as { name: string }).name, p as Record<string, unknown>);
      }
    }
  }
  return serverNames.map((name) => byName.get(name) ?? { name });
}

/**
 * Reads the customer: `status`, `orgId`, `externalId`, `address` and the package names come from
 * the server; what GET does not return (names, quantities, headquarters, template id...) is carried
 * over from `props`, never erased. 404 → empty id (gone).
 */
export async function read(
  owner: object,
  id: string,
  props: Record<string, unknown> = {},
): Promise<pulumi.dynamic.ReadResult<StoredOutputs<CustomerOrgState>>> {
  const ctx = contextFor(owner);
  const previous = withoutProviderField(props);
  const label = typeof previous.externalId === "string" ? previous.externalId : id;
  let customer: Customer;
  try {
    customer = await ctx.client.customers.get(id);
  } catch (e) {
    if (e instanceof NotFoundError) return {};
    throw explainApiError(e, `${KIND} ${label}`);
  }
  const inputs: Record<string, unknown> = omitKeys(previous, CUSTOMER_ORG_COMPUTED);
  if (customer.externalId !== undefined) inputs.externalId = customer.externalId;
  if (customer.address !== undefined) inputs.address = fromWireAddress(customer.address);
  inputs.packages = mergePackages(inputs.packages, customer.packages);
  const packages = Array.isArray(inputs.packages) ? (inputs.packages as CustomerOrgInputs["packages"]) : [];
  const outs = toPlain({
    ...inputs,
    customerId: id,
    orgId: customer.orgId ?? stateString(previous, "orgId"),
    status: customer.status,
    limited: isLimited({ packages }),
    adminPackage: adminPackage({ packages }),
    headquartersLocationId: stateString(previous, "headquartersLocationId"),
    schemaVersion: typeof previous.schemaVersion === "number" ? previous.schemaVersion : CUSTOMER_ORG_SCHEMA_VERSION,
  });
  return { id, props: outs, inputs: toPlain(inputs) };
}

/** Whether `olds`' quantities differ from the inputs' (GET returns none, so state is the reference). */
function quantitiesDiffer(olds: Record<string, unknown>, inputs: CustomerOrgInputs): boolean {
  if (!Array.isArray(olds.packages)) return false;
  const old = new Map<string, unknown>();
  for (const p of olds.packages as { name?: unknown; quantity?: unknown }[]) {
    if (typeof p?.name === "string") old.set(p.name, p.quantity);
  }
  return inputs.packages.some((p) => old.has(p.name) && old.get(p.name) !== p.quantity);
}

/**
 * Updates the customer. Refused rules are enforced again now that every value is known (the rule
 * table is judged once). State of an older `schemaVersion` with unchanged inputs on a settled
 * customer is migrated without an API call. A customer that state records as settled, with a changed
 * input, is sent ONE complete PUT at once: the diff already decided that write. Otherwise (state
 * records a failed or unfinished operation, or the PUT answered 423 because the customer is busy)
 * the customer is read first, waited for while busy, and sent the PUT only when the server differs
 * from the desired state or the customer is left failed (one deliberate retry per run), so a busy or
 * failed customer never receives a blind write. Then waits for the terminal status; a failure → an
 * error carrying the id. Returns the full outputs.
 */
export const update = withProviderCodeKept(updateInner);

async function updateInner(
  owner: object,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.UpdateResult<CustomerOrgState>> {
  const inputs = inputsOf(news);
  // Judged once, now that every value is known: throws for a refused change in `strict` mode.
  const { changedKeys } = diffCustomerOrg(olds, news, ruleSettingsFor(owner));
  const previous = {
    orgId: stateString(olds, "orgId"),
    headquartersLocationId: stateString(olds, "headquartersLocationId"),
  };
  const settled = unchangedSettledStatus(olds, changedKeys, SETTLED_STATUSES);
  if (settled !== undefined) {
    return { outs: outputsOf(inputs, id, { ...previous, status: settled }) };
  }

  const ctx = contextFor(owner);
  const label = inputs.externalId;
  const put = (retryLocked: boolean) => ctx.client.customers.update(id, toUpdateBody(inputs), { retryLocked });
  // Set when the customer was read instead of written (the write was not needed): no wait then.
  let idle: Customer | undefined;
  try {
    // What GET would add to a customer state records as settled: its status (a 423 tells busy, and
    // the complete desired state is what a drifted or failed customer is sent anyway) and the fields
    // it returns (the PUT sets them). So the PUT goes first, and only a 423 asks for the read.
    const written = isSettledInState(olds) && (await sentUnlessLocked(() => put(false)));
    if (!written) {
      const customer = await readWhenIdle(ctx, id, label);
      if (needsWrite(olds, inputs, changedKeys, customer)) {
        await retryWhileLocked(
          () => put(true),
          () => waitIdle(ctx, id, label),
        );
      } else {
        idle = customer;
      }
    }
  } catch (e) {
    if (e instanceof NotFoundError) {
      throw explainApiError(
        e,
        `${KIND} ${label}`,
        "The customer no longer exists (deleted outside Pulumi?): run `pulumi refresh` to drop it from state, then up recreates it.",
      );
    }
    throw explainApiError(e, `${KIND} ${label}`);
  }
  const customer = idle ?? (await waitTerminal(ctx, inputs, id, "update", previous));
  warnAbout(customer, label);
  const sameOrg = previous.orgId === undefined || previous.orgId === customer.orgId;
  const hq = await headquartersLocationId(ctx, inputs, customer, sameOrg ? previous.headquartersLocationId : undefined);
  return { outs: outputsOf(inputs, id, { status: customer.status, orgId: customer.orgId ?? previous.orgId, headquartersLocationId: hq }) };
}

/** Whether state records the customer's last operation as finished well (not failed, not unfinished). */
function isSettledInState(olds: Record<string, unknown>): boolean {
  const status = stateString(olds, "status");
  return status !== undefined && SETTLED_STATUSES.includes(status);
}

/** Sends a write; false when the customer answered 423 (busy), so nothing was written. */
async function sentUnlessLocked(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (e) {
    if (e instanceof LockedError) return false;
    throw e;
  }
}

/** Reads the customer, waiting while it is busy; returns it in its (terminal) status. */
async function readWhenIdle(ctx: OperationContext, id: string, label: string): Promise<Customer> {
  const customer = await ctx.client.customers.get(id);
  return BUSY_STATUSES.includes(customer.status) ? waitIdle(ctx, id, label) : customer;
}

/**
 * Whether a customer read from the server must be sent the desired state: the server differs from
 * it, state knows of a change GET cannot show (quantities, names...), or the customer is left failed
 * (provisioned_with_errors/error). A failed customer is re-sent its complete desired state once per
 * run, a deliberate retry decided after reading it (Partner Hub's own advice: fix the cause, then
 * apply again), never a blind repeat of a write that may still be in flight.
 */
function needsWrite(olds: Record<string, unknown>, inputs: CustomerOrgInputs, changedKeys: readonly string[], customer: Customer): boolean {
  const serverDiffers = differencesFromServer(inputs, customer).length > 0;
  const stateDiffers = quantitiesDiffer(olds, inputs) || changedKeys.some((k) => !SERVER_VISIBLE_INPUTS.includes(k) && k !== "packages");
  return serverDiffers || stateDiffers || FAILED_STATUSES.includes(customer.status);
}

/**
 * Deletes the customer and waits until GET answers 404. Already gone (404) counts as success; a
 * busy customer (423) is waited for, then deleted. The API only removes the wholesale mapping: the
 * Webex org and its people persist.
 */
export async function remove(owner: object, id: string, props: Record<string, unknown>): Promise<void> {
  const ctx = contextFor(owner);
  const label = typeof props.externalId === "string" ? props.externalId : id;
  try {
    await retryWhileLocked(
      () => ctx.client.customers.delete(id),
      () => waitIdle(ctx, id, label),
    );
  } catch (e) {
    if (e instanceof NotFoundError) return;
    throw explainApiError(e, `${KIND} ${label}`);
  }
  const progress = progressReporter(KIND, label);
  try {
    await ctx.client.waitForCustomerGone(id, { timeoutMs: ctx.timeoutMs, onProgress: (p) => progress.report(p.status) });
  } catch (e) {
    throw explainApiError(e, `${KIND} ${label}`);
  }
}
