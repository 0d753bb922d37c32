/**
 * The provider writes of a deployment (create, update, the create of a replacement, delete), each wrapped the way
 * the real engine's snapshot manager wraps a step: the pending operation is durable before the provider is called,
 * the outcome is recorded once and durable before the program hears of it, and no write starts once the run must
 * stop (cancelled, or a state write failed).
 */
import { ProviderError } from "./plugin-host";
import type { Step } from "./planner";
import { markSecretKeys, secretKeys, unwrapMap } from "./property-values";
import type { RunContext } from "./run-context";
import type { PropertyMap } from "./sdk";
import { StepFailure, StepError, describeError } from "./step-errors";
import { StateWriteError } from "./state-io";
import type { ResourceState } from "./state-schema";
import { parseUrn } from "./urn";
import type { StepRecord } from "./options";

/** The part of a registration that becomes resource state regardless of the step. */
export type Goal = Pick<
  ResourceState,
  "urn" | "type" | "custom" | "parent" | "dependencies" | "propertyDependencies" | "protect" | "retainOnDelete" | "additionalSecretOutputs"
>;

/** Refuses a write whose result would hold a secret when the state cannot encrypt it. */
function guardSecrets(ctx: RunContext, inputs: PropertyMap, secretOut: string[]): void {
  if (ctx.store.canEncrypt) return;
  if (secretOut.length > 0 || secretKeys(inputs).length > 0) {
    throw new StepError("this resource has secret values, which the state must encrypt: set PULUMI_CONFIG_PASSPHRASE");
  }
}

/**
 * Refuses to start a provider write once the run must stop: a cancelled run reports it; after a failed state
 * write the step simply does not start (the run's final error says why, once, with what may be unrecorded).
 */
function guardStop(ctx: RunContext, op: StepRecord["op"]): void {
  if (ctx.cancelled) throw new StepFailure(op, "cancelled before the provider was called");
  if (ctx.store.writeFailure) throw new StepFailure(op, "not started: the state cannot be written", undefined, true);
}

/**
 * Applies a create, an update or the create of a replacement, as the real engine's CreateStep/UpdateStep.Apply
 * with the snapshot manager around it: the pending operation is durable before the provider is called, the result
 * (or a partial result with its initialization errors) is recorded once and durable before the program hears of it.
 *
 * @param prior the resource an update changes in place (undefined for a create: a replaced resource stays in the
 *   state until it is deleted).
 * @param checked the checked inputs as the provider gets them (secrets unwrapped).
 * @param note shown with an update's result (a rename, a retry).
 */
export async function applyWrite(
  ctx: RunContext,
  step: Extract<Step, { op: "create" | "update" | "replace" }>,
  goal: Goal,
  name: string,
  prior: ResourceState | undefined,
  checked: PropertyMap,
  secretOut: string[],
  note: string | undefined,
): Promise<ResourceState> {
  const { op, inputs } = step;
  const kind = op === "update" ? "update" : "create";
  const keys = op === "create" ? undefined : step.changedKeys;
  const call = (plugin: Awaited<ReturnType<RunContext["plugin"]>>, onStart: () => void): Promise<{ id: string; outputs: PropertyMap }> =>
    op === "update" && prior
      ? plugin
          .update(goal.urn, prior.id, unwrapMap(prior.outputs), checked, unwrapMap(prior.inputs), onStart)
          .then((outputs) => ({ id: prior.id, outputs }))
      : plugin.create(goal.urn, checked, onStart);
  guardSecrets(ctx, inputs, secretOut);
  guardStop(ctx, op);
  const plugin = await ctx.plugin();
  const token = {};
  let started = false;
  const pending = ctx.store.beginOperation(kind, goal.urn, goal.type, prior?.id);
  let result: { id: string; outputs: PropertyMap; initErrors?: string[] };
  try {
    await ctx.store.flush();
    result = await call(plugin, () => {
      started = true;
      ctx.renderer.stepStart(token, op, goal.type, name, keys);
    });
  } catch (e) {
    ctx.store.endOperation(pending);
    // The state broke before the provider was called: this step never started.
    if (!started && ctx.store.writeFailure) throw new StepFailure(op, "not started: the state cannot be written", token, true);
    if (!(e instanceof ProviderError && e.initFailure)) {
      await ctx.store.flush().catch(() => undefined);
      throw new StepFailure(op, describeError(e), token);
    }
    result = { id: e.initFailure.id || (prior?.id ?? ""), outputs: e.initFailure.properties, initErrors: e.initFailure.reasons };
  }
  const state: ResourceState = {
    ...goal,
    id: result.id,
    inputs,
    outputs: markSecretKeys(result.outputs, secretOut),
    external: false,
    ...(result.initErrors ? { initErrors: result.initErrors } : {}),
  };
  ctx.learnSecrets(state.outputs);
  ctx.store.upsert(state, prior);
  ctx.store.endOperation(pending);
  const done = kind === "create" ? "created" : "updated";
  try {
    await ctx.store.flush();
  } catch (e) {
    // The write failure itself is reported once at the end of the run, with every object it leaves unrecorded.
    const why = e instanceof StateWriteError ? "the state cannot be written (see the last error)" : describeError(e);
    throw new StepFailure(op, `${done} (id ${state.id}), but not recorded: ${why}`, token);
  }
  if (result.initErrors) {
    throw new StepFailure(op, `${done} with initialization errors (the next up retries it): ${result.initErrors.join("; ")}`, token);
  }
  ctx.renderer.stepDone(token, op, goal.type, name, keys, kind === "update" ? note : undefined);
  return state;
}

/**
 * Deletes one resource: from the provider when it is a managed custom resource (not retained, not read with
 * `Resource.get`), always from the state. The pending operation is durable before the provider is called.
 *
 * @param how.replacing the old half of a replacement (reported as part of the replace, not as a delete).
 * @param how.record count the deletion as a step (default true unless replacing).
 * @returns false after reporting a failure.
 */
export async function deleteResource(
  ctx: RunContext,
  r: ResourceState,
  how: { replacing?: boolean; record?: boolean } = {},
): Promise<boolean> {
  const { name } = parseUrn(r.urn);
  const record = how.record ?? !how.replacing;
  const note = how.replacing
    ? "(old half of a replacement)"
    : r.retainOnDelete
      ? "(retained: not deleted from the provider)"
      : r.external
        ? "(read with get: dropped from the state only)"
        : undefined;
  const token = {};
  if (r.custom && !r.external && !r.retainOnDelete) {
    if (ctx.cancelled) {
      ctx.fail(r.urn, r.type, how.replacing ? "replace" : "delete", "cancelled before the provider was called");
      return false;
    }
    // After a failed state write no new step starts; the run's final error says why.
    if (ctx.store.writeFailure) return false;
    const pending = ctx.store.beginOperation("delete", r.urn, r.type, r.id);
    try {
      await ctx.store.flush();
      const plugin = await ctx.plugin();
      await plugin.delete(r.urn, r.id, unwrapMap(r.outputs), unwrapMap(r.inputs), () =>
        ctx.renderer.stepStart(token, "delete", r.type, name),
      );
    } catch (e) {
      ctx.store.endOperation(pending);
      ctx.store.markDirty(0);
      if (how.replacing) ctx.fail(r.urn, r.type, "replace", `deleting the old resource failed: ${describeError(e)}`, token);
      else ctx.fail(r.urn, r.type, "delete", describeError(e), token);
      return false;
    }
    ctx.store.remove(r);
    ctx.store.endOperation(pending);
    await ctx.store.flush();
    ctx.renderer.stepDone(token, "delete", r.type, name, undefined, note);
  } else {
    ctx.store.remove(r);
    ctx.store.markDirty();
    ctx.renderer.stepDone(token, "delete", r.type, name, undefined, note);
  }
  if (record) ctx.record({ urn: r.urn, type: r.type, name, op: "delete" });
  return true;
}
