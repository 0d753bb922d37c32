/**
 * Orders deletions: a resource is deleted only after everything in the same set that depends on it (through
 * `dependencies`, or as a child through `parent`) is gone — dependents first, as the real engine does. Independent
 * deletions run concurrently; the provider calls themselves are bounded by the plugin's semaphore.
 */
import type { ResourceState } from "./state-schema";

/** The URNs a resource must outlive: its dependencies and its parent. */
function prerequisites(r: ResourceState): string[] {
  return r.parent ? [...r.dependencies, r.parent] : r.dependencies;
}

/** Outcome of a batch of deletions. */
export type DeleteOutcome = {
  deleted: ResourceState[];
  failed: ResourceState[];
  /** Not attempted: a dependent failed (or a dependency cycle), so deleting them could break it. */
  skipped: ResourceState[];
};

/**
 * Computes, for each member of `set`, how many members depend on it. Pure; exported for tests.
 */
export function dependentCounts(set: readonly ResourceState[]): Map<ResourceState, number> {
  const byUrn = new Map<string, ResourceState[]>();
  for (const r of set) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
  const counts = new Map<ResourceState, number>(set.map((r) => [r, 0]));
  for (const r of set) {
    for (const urn of new Set(prerequisites(r))) {
      for (const target of byUrn.get(urn) ?? []) if (target !== r) counts.set(target, counts.get(target)! + 1);
    }
  }
  return counts;
}

/**
 * Deletes every member of `set` in dependency order.
 *
 * @param deleteOne deletes one resource; resolves false (having reported why) when it failed.
 * @param shouldStop checked before each deletion starts (cancellation).
 */
export async function runDeletes(
  set: readonly ResourceState[],
  deleteOne: (r: ResourceState) => Promise<boolean>,
  shouldStop: () => boolean = () => false,
): Promise<DeleteOutcome> {
  const counts = dependentCounts(set);
  const byUrn = new Map<string, ResourceState[]>();
  for (const r of set) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
  const outcome: DeleteOutcome = { deleted: [], failed: [], skipped: [] };
  const started = new Set<ResourceState>();

  return new Promise<DeleteOutcome>((resolve) => {
    let running = 0;
    const finish = (): void => {
      if (running > 0) return;
      for (const r of set) if (!started.has(r)) outcome.skipped.push(r);
      resolve(outcome);
    };
    const launch = (r: ResourceState): void => {
      if (started.has(r) || shouldStop()) return;
      started.add(r);
      running++;
      deleteOne(r)
        .catch(() => false)
        .then((ok) => {
          running--;
          if (ok) {
            outcome.deleted.push(r);
            for (const urn of new Set(prerequisites(r))) {
              for (const target of byUrn.get(urn) ?? []) {
                if (target === r) continue;
                const left = counts.get(target)! - 1;
                counts.set(target, left);
                if (left === 0) launch(target);
              }
            }
          } else outcome.failed.push(r);
          finish();
        });
    };
    // Reverse state order among the ready ones: the state lists dependencies before dependents.
    for (const r of [...set].reverse()) if (counts.get(r) === 0) launch(r);
    finish();
  });
}
