/**
 * Consistency checks over a state, for `GET /__admin/invariants`: what must never happen
 * whatever the clients do (duplicates the API should have refused, records left pointing at
 * nothing). Tests and benchmarks call it after a run to catch a client that raced itself.
 */
import { z } from "zod";
import type { State } from "./state";

/** One finding: a kind, the value concerned and the ids of the records involved. */
export const FindingSchema = z.object({ kind: z.string(), value: z.string(), ids: z.array(z.string()) });

/** The report of `GET /__admin/invariants`. */
export const InvariantReportSchema = z.object({
  ok: z.boolean(),
  duplicates: z.array(FindingSchema),
  orphans: z.array(FindingSchema),
});

/** The report of `GET /__admin/invariants`. */
export type InvariantReport = z.output<typeof InvariantReportSchema>;

type Finding = z.output<typeof FindingSchema>;

function duplicatesOf<T>(kind: string, items: readonly T[], key: (t: T) => string | undefined, id: (t: T) => string): Finding[] {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const ids = groups.get(k) ?? [];
    ids.push(id(item));
    groups.set(k, ids);
  }
  return [...groups.entries()].filter(([, ids]) => ids.length > 1).map(([value, ids]) => ({ kind, value, ids }));
}

/** Checks a state (settle it first so finished deletions are not reported). */
export function checkInvariants(state: State): InvariantReport {
  const customers = Object.values(state.customers);
  const subscribers = Object.values(state.subscribers);
  const templates = Object.values(state.templates);
  const provisioningIds = new Set(templates.map((t) => t.provisioningId));
  // stored locations plus the headquarters not yet stored: the names an org shows
  const locations = [
    ...Object.values(state.locations),
    ...customers.flatMap((c) =>
      c.headquarters !== undefined && state.locations[c.headquarters.id] === undefined
        ? [{ id: c.headquarters.id, customerId: c.id, name: c.headquarters.name, numbers: [], disabling: undefined }]
        : [],
    ),
  ];
  const duplicates: Finding[] = [
    ...duplicatesOf(
      "customer.externalId",
      customers,
      (c) => c.externalId,
      (c) => c.id,
    ),
    ...duplicatesOf(
      "customer.orgId",
      customers.filter((c) => c.attachedOrg || c.everProvisioned),
      (c) => c.orgId,
      (c) => c.id,
    ),
    ...duplicatesOf(
      "subscriber.email",
      subscribers,
      (s) => s.email.toLowerCase(),
      (s) => s.id,
    ),
    ...duplicatesOf(
      "subscriber.primaryPhoneNumber",
      subscribers,
      (s) => (s.primaryPhoneNumber === undefined ? undefined : `${s.customerId} ${s.primaryPhoneNumber}`),
      (s) => s.id,
    ),
    ...duplicatesOf(
      "subscriber.extension",
      subscribers,
      (s) => (s.extension === undefined ? undefined : `${s.customerId} ${s.extension}`),
      (s) => s.id,
    ),
    ...duplicatesOf(
      "location.name",
      locations,
      (l) => `${l.customerId} ${l.name.toLowerCase()}`,
      (l) => l.id,
    ),
    // a location being disabled still holds its numbers until its job is due, and none can be added elsewhere meanwhile
    ...duplicatesOf(
      "location.phoneNumber",
      locations.filter((l) => l.disabling === undefined).flatMap((l) => l.numbers.map((n) => ({ id: l.id, phoneNumber: n.phoneNumber }))),
      (n) => n.phoneNumber,
      (n) => n.id,
    ),
    ...duplicatesOf(
      "template.name",
      templates,
      (t) => t.name.toLowerCase(),
      (t) => t.id,
    ),
  ];
  const orphans: Finding[] = [
    ...subscribers
      .filter((s) => state.customers[s.customerId] === undefined)
      .map((s) => ({ kind: "subscriber.customerId", value: s.customerId, ids: [s.id] })),
    ...customers
      .filter((c) => !provisioningIds.has(c.provisioningId))
      .map((c) => ({ kind: "customer.provisioningId", value: c.provisioningId, ids: [c.id] })),
    ...Object.values(state.locations)
      .filter((l) => state.customers[l.customerId] === undefined)
      .map((l) => ({ kind: "location.customerId", value: l.customerId, ids: [l.id] })),
    ...state.inFlight
      .filter((id) => state.customers[id]?.transition === undefined)
      .map((id) => ({ kind: "inFlight", value: id, ids: [id] })),
  ];
  for (const c of customers) {
    if (c.limits === null) continue;
    for (const [pkg, limit] of Object.entries(c.limits)) {
      const used = subscribers.filter((s) => s.customerId === c.id && s.packages.includes(pkg)).length;
      if (used > limit) duplicates.push({ kind: "customer.limitExceeded", value: `${pkg} ${used}/${limit}`, ids: [c.id] });
    }
  }
  return { ok: duplicates.length === 0 && orphans.length === 0, duplicates, orphans };
}
