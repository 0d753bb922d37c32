/**
 * Writes that must neither happen twice nor land blindly: creating by natural key (adopting the
 * object already there, or refusing a different one) and retrying a write the API answered 423
 * (the object is busy). Pure control flow over injected functions, so each piece is tested
 * without HTTP (polling itself is the client's `poll`).
 */
import { ConflictError, LockedError } from "../../client/errors";

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
