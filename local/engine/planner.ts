/**
 * The planner: decides the step for one registration of a custom resource, from the resource options, its prior
 * state and the provider's check and diff answers, as the real engine's step generator does
 * (pkg/resource/deploy/step_generator.go, generateSteps and generateStepsFromDiff; the step kinds of step.go).
 *
 * Pure: no provider call, no state, no output. The step generator asks the provider, calls {@link plan}, then
 * either shows the step (preview) or applies it.
 */
import { changedKeyNames, changedKeys, deepEqual, markSecretKeys, parsePropertyPath, unwrapMap, type ChangedKeys } from "./property-values";
import type { DiffAnswer } from "./plugin-host";
import type { PropertyMap } from "./sdk";
import type { ResourceState } from "./state-schema";

/** The check answer the planner needs: the checked inputs and the failures. */
export type CheckAnswer = { inputs: PropertyMap; failures: ReadonlyArray<{ property: string; reason: string }> };

/** What the planner needs of a registration. */
export type PlanRegistration = {
  /** The `protect` option. */
  protect: boolean;
  /** The `deleteBeforeReplace` option, when the program set it (`false` included). */
  deleteBeforeReplace?: boolean;
  /** The `replaceOnChanges` option. */
  replaceOnChanges: readonly string[];
  /** Input keys that hold secrets (the program's secrets, and ignored keys whose old value is secret). */
  secretInputs: ReadonlySet<string>;
  /**
   * Deleted earlier in this run, ahead of a delete-before-replace of a resource it depends on: with no prior left,
   * its create completes that replacement.
   */
  deletedAhead?: boolean;
};

/**
 * The decided step. `inputs` are the checked inputs as stored (secrets marked). `changedKeys` are the input keys
 * the engine finds changed (the plugin never sends them), for update and replace.
 */
export type Step =
  | { op: "same"; inputs: PropertyMap }
  | { op: "create"; inputs: PropertyMap }
  | {
      op: "update";
      inputs: PropertyMap;
      changedKeys: ChangedKeys;
      /** Nothing changed: the update retries a create or update that ended with initialization errors. */
      retry: boolean;
    }
  | {
      op: "replace";
      inputs: PropertyMap;
      /** Undefined when the old resource is already gone ({@link PlanRegistration.deletedAhead}). */
      changedKeys?: ChangedKeys;
      /** The keys that force the replacement. */
      replaces: string[];
      /** Delete the old resource first (else it is deleted at the end of the deployment). */
      deleteBeforeReplace: boolean;
    }
  | {
      op: "refused";
      /** The step the refusal is reported as. */
      as: "create" | "update" | "replace";
      message: string;
    };

/**
 * Decides the step for a custom resource.
 *
 * @param prior the resource's state from the previous deployment; undefined when it has none (or was only read with
 *   `Resource.get`: declaring it makes a new managed resource).
 * @param diff the provider's diff of the prior outputs and the checked inputs; undefined without a prior (and after
 *   a check failure, when diff is not called).
 *
 * @example
 * plan({ protect: false, replaceOnChanges: [], secretInputs: new Set() }, prior, check, { changes: "none", replaces: [], deleteBeforeReplace: false })
 * // → { op: "same", inputs }
 */
export function plan(reg: PlanRegistration, prior: ResourceState | undefined, check: CheckAnswer, diff: DiffAnswer | undefined): Step {
  if (check.failures.length > 0) {
    return {
      op: "refused",
      as: prior ? "update" : "create",
      message: `check failed: ${check.failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ")}`,
    };
  }
  const inputs = markSecretKeys(check.inputs, [...reg.secretInputs]);
  if (!prior) {
    return reg.deletedAhead ? { op: "replace", inputs, replaces: [], deleteBeforeReplace: true } : { op: "create", inputs };
  }
  const answer = diff ?? { changes: "unknown", replaces: [], deleteBeforeReplace: false };
  const keys = changedKeys(prior.inputs, inputs);
  // UNKNOWN (the provider has no diff method): the engine compares the inputs itself.
  const changes = answer.changes === "unknown" ? (deepEqual(unwrapMap(prior.inputs), check.inputs) ? "none" : "some") : answer.changes;
  // replaceOnChanges only matches keys the engine itself found changed: the plugin reports none, so it applies
  // when the provider has no diff method.
  const forced = answer.changes === "unknown" ? replaceOnChangesMatches(reg.replaceOnChanges, changedKeyNames(keys)) : [];
  const replaces = [...answer.replaces, ...forced];
  if (changes === "some" && replaces.length > 0) {
    if (reg.protect || prior.protect) {
      return {
        op: "refused",
        as: "replace",
        message:
          `cannot replace a protected resource (a change to ${replaces.join(", ")} requires a replacement); ` +
          `remove the protect option first if the replacement is intended`,
      };
    }
    // The program's option, when set, wins over the provider's wish (the DeleteBeforeReplaceDefined branch).
    const deleteBeforeReplace = reg.deleteBeforeReplace ?? answer.deleteBeforeReplace;
    return { op: "replace", inputs, changedKeys: keys, replaces, deleteBeforeReplace };
  }
  // Only initialization errors force the empty update that retries a partial create (the hasInitErrors path).
  const retry = changes === "none" && (prior.initErrors?.length ?? 0) > 0;
  if (changes === "none" && !retry) return { op: "same", inputs };
  return { op: "update", inputs, changedKeys: keys, retry };
}

/** The changed keys a `replaceOnChanges` list selects (`*` selects all; a path selects its top-level key). */
export function replaceOnChangesMatches(paths: readonly string[], changed: readonly string[]): string[] {
  if (paths.length === 0) return [];
  if (paths.includes("*")) return [...changed];
  const tops = new Set(paths.map((p) => String(parsePropertyPath(p)[0])));
  return changed.filter((k) => tops.has(k));
}
