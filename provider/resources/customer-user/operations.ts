/**
 * CustomerUser operations: what `CustomerUserProvider` runs, loaded at call time by package name
 * (see `common/load.ts`). Subscriber writes are synchronous on the API (200/204), but a write may
 * meet its customer busy (423), which is waited out.
 */
import type * as pulumi from "@pulumi/pulumi";
import { NotFoundError, CUSTOMER_BUSY_STATUSES, type Customer, type Subscriber } from "../../client";
import { encodePath } from "../../client/http";
import { poll } from "../../client/poll";
import { isCallingPackage } from "../../packages";
import { contextFor, memoize, type OperationContext } from "../common/client-cache";
import { explainApiError, ResourceInitError } from "../common/errors";
import { headquartersOfOrg } from "../common/locations";
import {
  collect,
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
import { checkCustomerUser } from "./check";
import { diffCustomerUser } from "./diff";
import { customerUserRules } from "./rules";
import {
  CUSTOMER_USER_SCHEMA_VERSION,
  CustomerUserArgsSchema,
  type CustomerUserInputs,
  type CustomerUserState,
  CUSTOMER_USER_COMPUTED,
} from "./schema";
import { differencesFromServer, packageOf, toCreateBody, toUpdateBody } from "./wire";

const KIND = "CustomerUser";
const COLLECTION = "/v1/wholesale/subscribers";

/** Statuses after which an unchanged user needs no API call (a state migration is local). */
const SETTLED_STATUSES: readonly string[] = ["provisioned", "pending_user_migration"];
/** Statuses of a subscriber still being set up (the real API may report them; the emulator answers at once). */
const PENDING_STATUSES: readonly string[] = ["provisioning", "updating"];
/** Statuses of a failed subscriber. */
const FAILED_STATUSES: readonly string[] = ["provisioned_with_errors", "error"];
const CUSTOMER_BUSY: readonly string[] = CUSTOMER_BUSY_STATUSES;

/** Added to 1202 refusals: where the admin package comes from. */
const ADMIN_PACKAGE_HINT =
  "The customer's admin package is its CustomerOrg's adminPackage output: give administrators exactly that package.";

/**
 * `configure`, `check` and `diff`: the pure half of the contract, built by {@link pureOperations}
 * from this resource's validation and its rule table ({@link customerUserRules}). A stored status outside `SETTLED_STATUSES` (an error, a timed-out create) is a change even with
 * unchanged inputs, so the next `up` retries it (`update` reads the object and re-sends its desired state once).
 */
export const { configure, check, diff } = pureOperations<CustomerUserInputs, CustomerUserState>({
  rules: customerUserRules,
  validate: checkCustomerUser,
  settledStatuses: SETTLED_STATUSES,
});

function inputsOf(news: Record<string, unknown>): CustomerUserInputs {
  return parseInputs(KIND, checkCustomerUser, CustomerUserArgsSchema, news);
}

function outputsOf(
  inputs: CustomerUserInputs,
  id: string,
  computed: { status: string; personId?: string; assignedLocationId?: string; schemaVersion?: number },
): CustomerUserState {
  return toPlain({
    ...inputs,
    userId: id,
    personId: computed.personId,
    status: computed.status,
    assignedLocationId: computed.assignedLocationId,
    schemaVersion: computed.schemaVersion ?? CUSTOMER_USER_SCHEMA_VERSION,
  });
}

/** Adds who failed, and for 1202 where the admin package comes from. */
function explain(e: unknown, label: string): unknown {
  const codes = (e as { errorCodes?: unknown })?.errorCodes;
  const is1202 = Array.isArray(codes) && codes.includes(1202);
  return explainApiError(e, `${KIND} ${label}`, is1202 ? ADMIN_PACKAGE_HINT : undefined);
}

/** Waits while the user's customer is provisioning/updating (its subscribers' writes answer 423 then). */
function waitCustomerIdle(ctx: OperationContext, customerId: string, label: string): Promise<Customer> {
  const progress = progressReporter(KIND, label);
  return poll({
    fetch: () => ctx.client.customers.get(customerId),
    isDone: (c) => !CUSTOMER_BUSY.includes(c.status),
    describe: (c) => `waiting for its customer (${c.status})`,
    timeoutMs: ctx.timeoutMs,
    sleep: ctx.sleep,
    minDelayMs: 1000,
    onProgress: (p) => progress.report(p.status),
    target: {
      id: customerId,
      what: `the customer of ${KIND} ${label}`,
      method: "GET",
      path: encodePath`/v1/wholesale/customers/${customerId}`,
    },
  });
}

/**
 * The calling location for a user: its own `locationId`, else its customer's headquarters (the
 * customer's org's first location, looked up once per customer and process).
 */
async function locationFor(ctx: OperationContext, inputs: CustomerUserInputs): Promise<string | undefined> {
  if (!isCallingPackage(inputs.package)) return undefined;
  if (inputs.locationId !== undefined) return inputs.locationId;
  // Memoised per customer once its org is known; concurrent users of one customer share one GET.
  const orgId = await memoize(ctx, `org-of-customer:${inputs.customerId}`, async () => {
    const customer = await ctx.client.customers.get(inputs.customerId);
    if (customer.orgId === undefined) {
      throw new Error(
        `customer ${inputs.customerId} has no Webex org yet (status ${customer.status}), so its ` +
          "headquarters location is unknown: wait until the customer is provisioned, or give this user a locationId.",
      );
    }
    return customer.orgId;
  });
  const hq = await headquartersOfOrg(ctx, orgId);
  if (hq === undefined) {
    throw new Error(
      `the customer's org ${orgId} has no location, so a calling user cannot be placed: ` +
        "give the CustomerOrg a headquarters (and a calling package), or give this user a locationId.",
    );
  }
  return hq;
}

/** Subscribers whose email is `email` (case-insensitive: emails are). */
function findByEmail(ctx: OperationContext, email: string, customerId?: string): Promise<Subscriber[]> {
  const wanted = email.toLowerCase();
  return collect(ctx.client.subscribers.list({ email, ...(customerId ? { customerId } : {}) }), (s) => s.email?.toLowerCase() === wanted);
}

/** Waits until a subscriber that is still being set up settles (the emulator answers settled at once). */
async function settle(ctx: OperationContext, subscriber: Subscriber, label: string): Promise<Subscriber> {
  if (!PENDING_STATUSES.includes(subscriber.status ?? "")) return subscriber;
  const progress = progressReporter(KIND, label);
  return poll({
    fetch: () => ctx.client.subscribers.get(subscriber.id),
    isDone: (s) => !PENDING_STATUSES.includes(s.status ?? ""),
    describe: (s) => s.status ?? "unknown",
    timeoutMs: ctx.timeoutMs,
    sleep: ctx.sleep,
    onProgress: (p) => progress.report(p.status),
    target: { id: subscriber.id, what: `${KIND} ${label}`, method: "GET", path: encodePath`/v1/wholesale/subscribers/${subscriber.id}` },
  });
}

/** Outcome per status: failure → error carrying the id; pending_user_migration → warning. */
function judge(subscriber: Subscriber, inputs: CustomerUserInputs, outs: CustomerUserState, operation: string): void {
  const status = subscriber.status ?? "";
  if (FAILED_STATUSES.includes(status)) {
    const reasons = formatApiErrors(subscriber.errors);
    throw new ResourceInitError(
      `${KIND} ${inputs.email}: the user (id ${subscriber.id}) ended its ${operation} in status ${status}` +
        (reasons.length > 0 ? `: ${reasons.join("; ")}. ` : ". ") +
        "It is recorded in state; fix the cause, then run up again.",
      subscriber.id,
      outs,
      reasons,
    );
  }
  if (status === "pending_user_migration") {
    writeWarning(
      KIND,
      inputs.email,
      "status pending_user_migration: the email belongs to an existing Webex account; the user must accept the move by " +
        "email before the package applies.",
    );
  }
}

/**
 * Creates the user directly (the API refuses a duplicate email with 10022, so no lookup is spent
 * per user). On 10022 looks the email up: one agreeing user → adopted without writing; else a
 * `ConflictError` explaining how to reconcile. After an ambiguous failure, looks again before
 * sending once more. A calling user without `locationId` is placed in the customer's headquarters.
 */
export const create = withProviderCodeKept(createInner);

async function createInner(owner: object, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<CustomerUserState>> {
  const inputs = inputsOf(news);
  const ctx = contextFor(owner);
  const label = inputs.email;
  let subscriber: Subscriber;
  let locationId: string | undefined;
  try {
    locationId = await locationFor(ctx, inputs);
    ({ value: subscriber } = await createOrAdopt({
      what: `a user with email ${inputs.email}`,
      path: COLLECTION,
      reconcile:
        "Make this CustomerUser's customerId and package match that user (it is then adopted without any write), " +
        "or remove the user in Control Hub first.",
      // The API refuses a duplicate email (10022), so no lookup is spent per user before the POST.
      lookupFirst: false,
      duplicateCodes: [10022],
      find: () => findByEmail(ctx, inputs.email),
      differences: (s) => differencesFromServer(inputs, s),
      idOf: (s) => s.id,
      post: () =>
        retryWhileLocked(
          () => ctx.client.subscribers.create(toCreateBody(inputs, locationId)),
          () => waitCustomerIdle(ctx, inputs.customerId, label),
        ),
      adopted: (s) => s,
    }));
    subscriber = await settle(ctx, subscriber, label);
  } catch (e) {
    throw explain(e, label);
  }
  const outs = outputsOf(inputs, subscriber.id, {
    status: subscriber.status ?? "provisioned",
    personId: subscriber.personId,
    assignedLocationId: locationId,
  });
  judge(subscriber, inputs, outs, "create");
  return { id: subscriber.id, outs };
}

/**
 * Reads the user: `email`, `customerId`, `package`, `status` and `personId` come from the server;
 * names, number, extension and location (which GET does not return) are carried over from `props`.
 * 404 → empty id (gone).
 */
export async function read(
  owner: object,
  id: string,
  props: Record<string, unknown> = {},
): Promise<pulumi.dynamic.ReadResult<StoredOutputs<CustomerUserState>>> {
  const ctx = contextFor(owner);
  const previous = withoutProviderField(props);
  const label = typeof previous.email === "string" ? previous.email : id;
  let subscriber: Subscriber;
  try {
    subscriber = await ctx.client.subscribers.get(id);
  } catch (e) {
    if (e instanceof NotFoundError) return {};
    throw explain(e, label);
  }
  const inputs: Record<string, unknown> = omitKeys(previous, CUSTOMER_USER_COMPUTED);
  if (subscriber.email !== undefined) inputs.email = subscriber.email;
  if (subscriber.customerId !== undefined) inputs.customerId = subscriber.customerId;
  const pkg = packageOf(subscriber);
  if (pkg !== undefined) inputs.package = pkg;
  const outs = toPlain({
    ...inputs,
    userId: id,
    personId: subscriber.personId ?? stateString(previous, "personId"),
    status: subscriber.status ?? stateString(previous, "status"),
    assignedLocationId: stateString(previous, "assignedLocationId"),
    schemaVersion: typeof previous.schemaVersion === "number" ? previous.schemaVersion : CUSTOMER_USER_SCHEMA_VERSION,
  });
  return { id, props: outs, inputs: toPlain(inputs) };
}

/**
 * Updates the user's package (the only thing the API can change), with number and location when
 * moving from a non-calling package to a calling one. Refused rules are enforced again now that
 * every value is known; state of an older `schemaVersion` with unchanged inputs is migrated without
 * an API call; otherwise the user is read and written only when the server differs.
 */
export const update = withProviderCodeKept(updateInner);

async function updateInner(
  owner: object,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.UpdateResult<CustomerUserState>> {
  const inputs = inputsOf(news);
  // Judged once, now that every value is known: throws for a refused change in `strict` mode.
  const { changedKeys } = diffCustomerUser(olds, news, ruleSettingsFor(owner));
  const previous = {
    personId: stateString(olds, "personId"),
    assignedLocationId: stateString(olds, "assignedLocationId"),
  };
  const settled = unchangedSettledStatus(olds, changedKeys, SETTLED_STATUSES);
  if (settled !== undefined) {
    return { outs: outputsOf(inputs, id, { ...previous, status: settled }) };
  }

  const ctx = contextFor(owner);
  const label = inputs.email;
  let subscriber: Subscriber;
  let assignedLocationId = previous.assignedLocationId;
  try {
    subscriber = await ctx.client.subscribers.get(id);
    const current = packageOf(subscriber);
    if (differencesFromServer(inputs, subscriber).length > 0) {
      const movesIntoCalling = isCallingPackage(inputs.package) && !isCallingPackage(current);
      const locationId = movesIntoCalling ? await locationFor(ctx, inputs) : undefined;
      subscriber = await retryWhileLocked(
        () => ctx.client.subscribers.update(id, toUpdateBody(inputs, current, locationId)),
        () => waitCustomerIdle(ctx, inputs.customerId, label),
      );
      if (movesIntoCalling) assignedLocationId = locationId;
      else if (!isCallingPackage(inputs.package)) assignedLocationId = undefined;
    }
    subscriber = await settle(ctx, subscriber, label);
  } catch (e) {
    if (e instanceof NotFoundError && e.path.startsWith(COLLECTION)) {
      throw explainApiError(
        e,
        `${KIND} ${label}`,
        "The user no longer exists (deleted outside Pulumi?): run `pulumi refresh` to drop it from state, then up recreates it.",
      );
    }
    throw explain(e, label);
  }
  const outs = outputsOf(inputs, id, {
    status: subscriber.status ?? stateString(olds, "status") ?? "provisioned",
    personId: subscriber.personId ?? previous.personId,
    assignedLocationId,
  });
  judge(subscriber, inputs, outs, "update");
  return { outs };
}

/** Deletes the user; already gone (404) counts as success; a busy customer (423) is waited out. */
export async function remove(owner: object, id: string, props: Record<string, unknown>): Promise<void> {
  const ctx = contextFor(owner);
  const label = typeof props.email === "string" ? props.email : id;
  const customerId = typeof props.customerId === "string" ? props.customerId : undefined;
  try {
    await retryWhileLocked(
      () => ctx.client.subscribers.delete(id),
      () => (customerId ? waitCustomerIdle(ctx, customerId, label) : Promise.resolve()),
    );
  } catch (e) {
    if (e instanceof NotFoundError) return;
    throw explain(e, label);
  }
}
