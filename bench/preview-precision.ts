/**
 * Preview precision (issue 13): a reviewer approves a pull request on its `preview`, so the preview
 * must list exactly the resources the `up` then writes. This compares the two for one change:
 * the steps the preview planned (from its output) against the resources the API saw written
 * during the `up` (from the emulator's request log, attributed to resources by the ids in the
 * state before and after the `up`).
 *
 * Used by the bench's precision phase and by `test/e2e/preview-precision.test.ts`, so both judge
 * the same way.
 */

/** A change to one resource, as planned or as written. */
export type ResourceChange = { readonly name: string; readonly op: "create" | "update" | "delete" | "replace" };

/** A write the API received: method and concrete path. */
export type WriteRequest = { readonly method: string; readonly path: string };

/** A state file's resources, reduced to what attribution needs. */
export type StateIds = ReadonlyMap<string, string>;

/** What a comparison found. `exact` when the planned and the written changes are the same. */
export type PrecisionResult = {
  /** Planned by the preview, sorted. */
  readonly planned: string[];
  /** Written by the up, sorted. */
  readonly written: string[];
  /** Planned but not written: a preview that cries wolf. */
  readonly notWritten: string[];
  /** Written but not planned: a preview that hides a change. */
  readonly notPlanned: string[];
  /** Writes that could not be tied to a resource (shown as `METHOD path`). */
  readonly unattributed: string[];
  readonly exact: boolean;
};

const OPS = {
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  created: "create",
  updated: "update",
  deleted: "delete",
  replaced: "replace",
} as const;

/**
 * The changes an engine run printed: preview lines (` ~  type name update`) or up lines
 * (` ~  type name updated (2s)`). The stack itself and unchanged resources are left out.
 */
export function parseChanges(output: string): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const line of output.split("\n")) {
    const m = /^ (?:\+ |~ |- |\+-) +(\S+) (\S+) (create|update|delete|replace|created|updated|deleted|replaced)\b/.exec(line);
    if (m && !m[1]!.startsWith("pulumi:pulumi:Stack")) out.push({ name: m[2]!, op: OPS[m[3] as keyof typeof OPS] });
  }
  return out;
}

/** Resource id → logical name, from the local engine's state file text (custom resources only). */
export function stateIds(stateText: string | undefined): Map<string, string> {
  const ids = new Map<string, string>();
  if (!stateText) return ids;
  const state = JSON.parse(stateText) as { resources?: { urn: string; id?: string; custom?: boolean }[] };
  for (const r of state.resources ?? []) {
    if (r.custom && r.id) ids.set(r.id, r.urn.slice(r.urn.lastIndexOf("::") + 2));
  }
  return ids;
}

/**
 * The resources an up wrote: a PUT or DELETE names its resource by the id in its path (state
 * before the up); a POST creates, and the resources new in the state after the up are its
 * creations (one POST each). A name both deleted and created again was replaced. A write below a
 * resource's path (`POST`/`DELETE /telephony/config/locations/{id}/numbers`: numbers added to or
 * removed from a location) changes part of it: an update of that resource.
 */
export function writtenChanges(
  writes: readonly WriteRequest[],
  before: StateIds,
  after: StateIds,
): { changes: ResourceChange[]; unattributed: string[] } {
  const ops = new Map<string, Set<ResourceChange["op"]>>();
  const add = (name: string, op: ResourceChange["op"]) => ops.set(name, (ops.get(name) ?? new Set()).add(op));
  const unattributed: string[] = [];
  const beforeNames = new Set(before.values());
  const created = [...after.entries()].filter(([id]) => !before.has(id)).map(([, name]) => name);
  let posts = 0;
  for (const w of writes) {
    // The last known id of the path: `/customers/{customer}/subscribers/{user}` writes the user.
    const segments = w.path.split("?")[0]!.split("/").map(decodeURIComponent);
    let at = segments.length - 1;
    while (at >= 0 && !before.has(segments[at]!)) at--;
    const below = at >= 0 && at < segments.length - 1;
    if (w.method === "POST" && !below) {
      posts++;
      continue;
    }
    if (at < 0) unattributed.push(`${w.method} ${w.path}`);
    else add(before.get(segments[at]!)!, w.method === "DELETE" && !below ? "delete" : "update");
  }
  for (const name of created) add(name, beforeNames.has(name) ? "replace" : "create");
  // A POST beyond the new resources wrote something no resource records.
  for (let i = created.length; i < posts; i++) unattributed.push("POST (no new resource in state)");
  const changes = [...ops.entries()].map(([name, set]) => ({
    name,
    op: set.has("replace") || (set.has("delete") && set.has("create")) ? ("replace" as const) : [...set][0]!,
  }));
  return { changes, unattributed };
}

/** Compares a preview's plan with an up's writes. */
export function comparePrecision(
  planned: readonly ResourceChange[],
  written: readonly ResourceChange[],
  unattributed: readonly string[] = [],
): PrecisionResult {
  const key = (c: ResourceChange) => `${c.op} ${c.name}`;
  const p = [...new Set(planned.map(key))].sort();
  const w = [...new Set(written.map(key))].sort();
  const notWritten = p.filter((k) => !w.includes(k));
  const notPlanned = w.filter((k) => !p.includes(k));
  return {
    planned: p,
    written: w,
    notWritten,
    notPlanned,
    unattributed: [...unattributed],
    exact: notWritten.length === 0 && notPlanned.length === 0 && unattributed.length === 0,
  };
}
