/**
 * The lifecycle pieces the three resources share (resources.md, "Common behaviour"): retrying
 * writes answered 423, looking again after an ambiguous create, adoption decisions, state-version
 * handling (polling itself is the client's `poll`). Pure control flow over injected functions, so each piece is
 * tested without HTTP.
 */
import { ConflictError, LockedError } from "../../client/errors";
import { ResourceInitError } from "./errors";

/** The client's `collect`, re-exported for the resources' own lookups. */
export { collect } from "../../client/paginate";

/**
 * Runs a write; when the API answers 423 (the customer is provisioning, updating or deleting), waits
 * until it is idle and tries again, up to `attempts` times in all. Other errors pass through.
 */
export async function retryWhileLocked<T>(write: () => Promise<T>, waitUntilIdle: () => Promise<unknown>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (!(e instanceof LockedError) || attempt >= attempts) throw e;
      await waitUntilIdle();
    }
  }
}

/** Whether a failed create may have been applied by the server (reset, timeout, 5xx on a POST). */
export function isAmbiguous(e: unknown): boolean {
  return e instanceof Error && (e as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}

/**
 * What one resource supplies to {@link createOrAdopt}: data and small functions, no control flow.
 * @typeParam T what a lookup finds.
 * @typeParam R what the create produces (the created object, or just its id).
 */
export interface CreateOrAdoptSpec<T, R> {
  /** Labels the natural key for messages, e.g. `a customer with externalId "acme-001"`. */
  readonly what: string;
  /** The collection POSTed to (for the messages of a conflict). */
  readonly path: string;
  /** How to reconcile a conflict, appended to its message. */
  readonly reconcile: string;
  /** Whether to look up by natural key before the POST (else only after a duplicate or ambiguous answer). */
  readonly lookupFirst: boolean;
  /** Error codes by which the API refuses a duplicate natural key (e.g. 1301, 1305, 10022). */
  readonly duplicateCodes: readonly number[];
  /** The objects whose natural key equals the inputs'; `fresh` asks for an unshared, unbatched lookup. */
  find(fresh: boolean): Promise<readonly T[]>;
  /** Where a found object differs from the inputs (empty = agrees). */
  differences(found: T): string[];
  /** The id of a found object. */
  idOf(found: T): string;
  /** The create request (sent at most once per decision to create). */
  post(): Promise<R>;
  /** What the create produces when a found object is adopted instead. */
  adopted(found: T): R;
}

/**
 * Creates an object, or adopts the one already there, as one linear flow: look up by natural key
 * (when `lookupFirst`), POST, and on an ambiguous outcome (the server may have applied it) or a
 * duplicate-key refusal, look up fresh and decide again: adopt the one agreeing object, refuse
 * (ConflictError) a disagreeing one or several, or create. A duplicate refusal with nothing found
 * stays the server's answer; a POST is only ever repeated after a lookup found nothing.
 */
export async function createOrAdopt<T, R>(spec: CreateOrAdoptSpec<T, R>): Promise<{ value: R; adopted: boolean }> {
  const decide = async (fresh: boolean): Promise<AdoptionDecision<T>> =>
    decideAdoption(await spec.find(fresh), (m) => spec.differences(m), { ...spec, method: "POST", idOf: (m) => spec.idOf(m) });
  let decision: AdoptionDecision<T> = spec.lookupFirst ? await decide(false) : { kind: "create" };
  let refusal: unknown;
  if (decision.kind === "create") {
    try {
      return { value: await spec.post(), adopted: false };
    } catch (e) {
      const duplicate = e instanceof ConflictError && spec.duplicateCodes.some((c) => e.errorCodes.includes(c));
      if (!duplicate && !isAmbiguous(e)) throw e;
      if (duplicate) refusal = e;
      decision = await decide(true);
    }
  }
  if (decision.kind === "conflict") throw decision.error;
  if (decision.kind === "adopt") return { value: spec.adopted(decision.existing), adopted: true };
  // Nothing holds the key: a duplicate refusal is the server's to explain; an ambiguous POST did not apply.
  if (refusal !== undefined) throw refusal;
  return { value: await spec.post(), adopted: false };
}

/** What a natural-key lookup decided before a create. */
export type AdoptionDecision<T> = { kind: "create" } | { kind: "adopt"; existing: T } | { kind: "conflict"; error: ConflictError };

/**
 * Decides what to do with the objects a natural-key lookup found: none → create; exactly one that
 * agrees with the inputs → adopt it without writing; one that disagrees, or several → a
 * {@link ConflictError} whose message explains how to reconcile.
 * @param matches the objects whose natural key equals the inputs'.
 * @param differences where one match differs from the inputs (empty = agrees).
 * @param describe labels for the message: `what` (e.g. `a customer with externalId "acme-001"`),
 *   `idOf`, and how to reconcile each case.
 */
export function decideAdoption<T>(
  matches: readonly T[],
  differences: (match: T) => string[],
  describe: { what: string; idOf: (m: T) => string; method: string; path: string; reconcile: string },
): AdoptionDecision<T> {
  if (matches.length === 0) return { kind: "create" };
  if (matches.length > 1) {
    return {
      kind: "conflict",
      error: new ConflictError({
        message:
          `${matches.length} objects already exist as ${describe.what} (ids ${matches.map(describe.idOf).join(", ")}), ` +
          `so the provider cannot tell which one this resource is and creates nothing. ${describe.reconcile}`,
        method: describe.method,
        path: describe.path,
      }),
    };
  }
  const [existing] = matches as [T];
  const diffs = differences(existing);
  if (diffs.length === 0) return { kind: "adopt", existing };
  return {
    kind: "conflict",
    error: new ConflictError({
      message:
        `${describe.what} already exists (id ${describe.idOf(existing)}) and differs from this resource's inputs: ` +
        `${diffs.join("; ")}. The provider adopts an existing object only when it agrees, and creates nothing. ` +
        describe.reconcile,
      method: describe.method,
      path: describe.path,
    }),
  };
}

/** A string output of the previous state, undefined when absent (state of an older version, a `get`). */
export function stateString(olds: Record<string, unknown>, key: string): string | undefined {
  const v = olds[key];
  return typeof v === "string" ? v : undefined;
}

/**
 * The previous status when an update has nothing to send: no input changed and the object had
 * settled, so only the state's shape moves on (a `schemaVersion` migration, resources.md
 * "Versions") and no API call is needed. Undefined when the update must look at the server.
 */
export function unchangedSettledStatus(
  olds: Record<string, unknown>,
  changedKeys: readonly string[],
  settledStatuses: readonly string[],
): string | undefined {
  const status = stateString(olds, "status");
  return changedKeys.length === 0 && status !== undefined && settledStatuses.includes(status) ? status : undefined;
}

/**
 * Whether the stored status says the object never settled (failed, or still being provisioned when
 * a create timed out): `diff` then reports a change so the next `up` retries it. State without a
 * status (an older version) is not judged.
 */
export function isUnsettled(olds: Record<string, unknown>, settledStatuses: readonly string[]): boolean {
  const status = stateString(olds, "status");
  return status !== undefined && !settledStatuses.includes(status);
}

/** Inputs without the plugin's `__provider` field (it is re-attached by the plugin on every answer). */
export function withoutProviderField(props: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}

/** A copy of `o` without the given keys. */
export function omitKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** A copy of `o` without undefined values (Pulumi's Struct cannot carry them). */
export function definedOnly<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** The API's `errors[]` as lines for a message (`[2560] description`). */
export function formatApiErrors(errors: readonly { errorCode?: number; description?: string }[] | undefined): string[] {
  return (errors ?? []).map((e) =>
    e.errorCode !== undefined ? `[${e.errorCode}] ${e.description ?? "(no description)"}` : (e.description ?? "(no description)"),
  );
}

/**
 * A deep copy holding only what Pulumi's Struct can carry: undefined fields are dropped at any
 * depth (`Struct.fromJavaScript` refuses them), everything else is JSON.
 */
export function toPlain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** What a resource's pure `check` returns. */
export type CheckFunction = (news: Record<string, unknown>) => {
  inputs: Record<string, unknown>;
  failures: readonly { property: string; reason: string }[];
};

/**
 * The typed inputs of create/update: runs the resource's `check` again (Pulumi already did, but a
 * program may call the provider directly) and parses the result with its zod schema.
 * @throws Error listing every failure with its property path.
 */
export function parseInputs<T>(
  kind: string,
  check: CheckFunction,
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
  },
  news: Record<string, unknown>,
): T {
  const checked = check(withoutProviderField(news));
  if (checked.failures.length > 0) {
    throw new Error(`${kind}: invalid inputs: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
  const parsed = schema.safeParse(withoutProviderField(checked.inputs));
  if (!parsed.success) {
    throw new Error(
      `${kind}: invalid inputs: ${parsed.error.issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

/**
 * Runs a create/update and, when it fails with a {@link ResourceInitError} (a partial create or
 * update), adds the serialized provider (`news.__provider`) to the error's properties. The plugin
 * re-attaches `__provider` to successful results only; without it, the state Pulumi records for a
 * partially created resource would hold no provider code, and the later read, update or delete of
 * that resource would fail in the plugin ("code must be a string").
 */
export async function keepingProviderCode<T>(news: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ResourceInitError && typeof news.__provider === "string" && e.properties.__provider === undefined) {
      e.properties.__provider = news.__provider;
    }
    throw e;
  }
}

/**
 * The operation `run` (a `create` or `update`, whose last argument is the new inputs), run through
 * {@link keepingProviderCode}: the exported operation of a resource whose partial failures Pulumi
 * records.
 */
export function withProviderCodeKept<A extends unknown[], T>(
  run: (owner: object, ...args: [...A, Record<string, unknown>]) => Promise<T>,
): (owner: object, ...args: [...A, Record<string, unknown>]) => Promise<T> {
  return (owner, ...args) => keepingProviderCode(args[args.length - 1] as Record<string, unknown>, () => run(owner, ...args));
}
