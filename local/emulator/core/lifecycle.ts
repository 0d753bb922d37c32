/**
 * The asynchronous customer lifecycle, derived lazily from timestamps: a customer write stores
 * a transition with its due time; `settle` applies every transition that is due. The core runs
 * it at the start of each request, so the state is never behind the clock it is given.
 */
import { putRecord, withoutRecords } from "./context";
import type { CustomerRecord, Outcome, State } from "./state";
import { LOCATIONS_BY_CUSTOMER, SUBSCRIBERS_BY_CUSTOMER } from "./indexes";
import { lookup, recordOf } from "./table";

/** Asynchronous error code of a package that failed (the reference's example code). */
export const PACKAGE_ERROR_CODE = 2560;
/** [emulator] asynchronous error code of a customer whose provisioning failed outright. */
export const CUSTOMER_ERROR_CODE = 2501;

/** The package a `provisioned_with_errors` outcome marks as failed: the last one listed (deterministic, easy to predict in tests). */
function failingPackage(packages: readonly string[]): string {
  return packages[packages.length - 1] ?? "";
}

/** The customer once its transition (provisioning or updating) ends with `outcome`. */
export function completeWrite(c: CustomerRecord, outcome: Outcome, at: number): CustomerRecord {
  const base = { ...c, transition: undefined, lastStatusChange: at };
  delete base.transition;
  if (outcome === "provisioned") {
    return {
      ...base,
      status: "provisioned",
      everProvisioned: true,
      errors: [],
      resourceDetails: { packages: c.packages.map((name) => ({ name, status: "provisioned", warnings: [], errors: [] })) },
    };
  }
  if (outcome === "provisioned_with_errors") {
    const bad = failingPackage(c.packages);
    const error = {
      errorCode: PACKAGE_ERROR_CODE,
      description: `Package ${bad} could not be provisioned (simulated failure); update the customer to retry.`,
    };
    return {
      ...base,
      status: "provisioned_with_errors",
      everProvisioned: true,
      errors: [error],
      resourceDetails: {
        packages: c.packages.map((name) =>
          name === bad
            ? { name, status: "error", warnings: [], errors: [error] }
            : { name, status: "provisioned", warnings: [], errors: [] },
        ),
      },
    };
  }
  const error = {
    errorCode: CUSTOMER_ERROR_CODE,
    description: "Customer provisioning failed (simulated failure); delete and recreate the customer, or update it to retry.",
  };
  return {
    ...base,
    status: "error",
    errors: [error],
    resourceDetails: { packages: c.packages.map((name) => ({ name, status: "error", warnings: [], errors: [] })) },
  };
}

/**
 * Applies every transition due at `now`. Returns the input state object itself when nothing
 * was due (callers use identity to know whether to persist).
 */
export function settle(state: State, now: number): State {
  if (state.inFlight.length === 0) return state;
  const due = state.inFlight.filter((id) => {
    const t = recordOf(state.customers, id)?.transition;
    return t === undefined || t.dueAt <= now;
  });
  if (due.length === 0) return state;
  let customers = state.customers;
  let subscribers = state.subscribers;
  let locations = state.locations;
  const gone = new Set<string>();
  for (const id of due) {
    const c = recordOf(customers, id);
    const t = c?.transition;
    if (c === undefined || t === undefined) continue;
    if (t.kind === "deleting") {
      gone.add(id);
    } else {
      customers = putRecord(customers, id, completeWrite(c, t.outcome, t.dueAt));
    }
  }
  if (gone.size > 0) {
    customers = withoutRecords(customers, gone);
    const orphans = new Set([...gone].flatMap((id) => lookup(subscribers, SUBSCRIBERS_BY_CUSTOMER, id).map((s) => s.id)));
    if (orphans.size > 0) subscribers = withoutRecords(subscribers, orphans);
    // the org's locations (and their numbers) go with the customer
    const sites = new Set([...gone].flatMap((id) => lookup(locations, LOCATIONS_BY_CUSTOMER, id).map((l) => l.id)));
    if (sites.size > 0) locations = withoutRecords(locations, sites);
  }
  const dueSet = new Set(due);
  return { ...state, customers, subscribers, locations, inFlight: state.inFlight.filter((id) => !dueSet.has(id)) };
}
