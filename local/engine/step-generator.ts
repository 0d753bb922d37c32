/**
 * The step generator: turns each registration the program sends into provider calls, the way the real engine's
 * step generator does (check → diff → same / create / update / replace), records the outcome in the state, and
 * answers the program. Deletions (removed resources and the old halves of create-before-delete replacements)
 * are deferred to {@link StepGenerator.finish}, after every registration, as the real engine does (G7).
 *
 * The provider writes themselves, wrapped in the state's pending-operation protocol, are in `provider-writes.ts`,
 * and the decision of each step in `planner.ts`. This module stays over 400 lines on purpose: custom resources,
 * components, `Resource.get` reads, delete-before-replace dependents and the deferred deletes all read and update
 * one run's bookkeeping (the prior records claimed, aliases and renames, the old halves waiting for deletion), and
 * splitting them would spread that state across modules.
 */
import { runDeletes } from "./delete-scheduler";
import { applyWrite, deleteResource, type Goal } from "./provider-writes";
import { StepError, StepFailure, describeError } from "./step-errors";
import { plan } from "./planner";
import {
  applyIgnoreChanges,
  changedKeyNames,
  containsSecret,
  deepEqual,
  markSecretKeys,
  parsePropertyPath,
  secretKeys,
  unwrapMap,
  UNKNOWN_SENTINEL,
} from "./property-values";
import type { MonitorAnswer, MonitorHandlers, ReadRequestInfo, Registration } from "./monitor-server";
import type { RunContext } from "./run-context";
import type { PropertyMap } from "./sdk";
import type { ResourceState } from "./state-schema";
import { ROOT_STACK_TYPE, computeAliasUrns, makeUrn, parseUrn } from "./urn";
import type { StepRecord } from "./options";

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

/** Generates and executes the steps of an `up` or `preview`. */
export class StepGenerator implements Omit<MonitorHandlers, "log"> {
  /** Live resources of the previous state, by URN. */
  readonly #old: Map<string, ResourceState>;
  /** Old resources already matched by a registration (by URN or alias). */
  readonly #claimed = new Set<ResourceState>();
  /** Registrations of this run: their state and a promise settled when their step is done. */
  readonly #registered = new Map<string, { state?: ResourceState; done: Promise<void> }>();
  readonly #aliases = new Map<string, string[]>();
  /** Old URN → new URN for resources adopted through an alias. */
  readonly #renamed = new Map<string, string>();
  /** Old halves of create-before-delete replacements, deleted at the end. */
  readonly #deferred: ResourceState[] = [];
  /** URNs of dependents deleted ahead of a delete-before-replace: their next create is reported as a replace. */
  readonly #replacedFirst = new Set<string>();
  #rootUrn = "";
  #stackOutputs: PropertyMap | undefined;
  #failed = false;
  #inflight = new Set<Promise<unknown>>();

  constructor(private readonly ctx: RunContext) {
    this.#old = ctx.store.indexByUrn();
  }

  /** True when a step failed or the program reported an error. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Marks the run as failed (e.g. the program logged an error). */
  markFailed(): void {
    this.#failed = true;
  }

  /** Engine.SetRootResource: the Stack's URN. */
  setRoot(urn: string): void {
    this.#rootUrn = urn;
  }

  /** Waits for every registration in progress (the program may exit while answers are in flight). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** ResourceMonitor.RegisterResource. */
  register(reg: Registration): Promise<MonitorAnswer> {
    return this.#track(this.#register(reg));
  }

  /** ResourceMonitor.ReadResource (`Resource.get`). */
  read(req: ReadRequestInfo): Promise<MonitorAnswer> {
    return this.#track(this.#read(req));
  }

  async #register(reg: Registration): Promise<MonitorAnswer> {
    const { ctx } = this;
    const urn = makeUrn(ctx.opts.stack, ctx.config.project, reg.type, reg.name, reg.parent);
    if (this.#registered.has(urn)) {
      this.#failed = true;
      ctx.fail(
        urn,
        reg.type,
        "create",
        `duplicate resource URN: another resource named "${reg.name}" of this type and parent was registered`,
      );
      return { ok: false, urn };
    }
    let settle!: () => void;
    const entry: { state?: ResourceState; done: Promise<void> } = { done: new Promise<void>((r) => (settle = r)) };
    this.#registered.set(urn, entry);
    let prior: ResourceState | undefined;
    try {
      // The SDK already waits for the resources an input depends on; also wait for explicit dependencies and
      // the parent so ordering never rests on the SDK's scheduling alone.
      await Promise.all([reg.parent, ...reg.dependencies].map((u) => this.#registered.get(u)?.done));
      // The real engine (no --continue-on-error) cancels the deployment when a step fails, so no later
      // registration gets a step. SDKs from 3.276 go on registering the dependents of a failed resource with
      // unknown inputs; without this they would be created with those unknowns.
      if (this.#failed) return { ok: false, urn };
      const aliasUrns = computeAliasUrns(
        {
          stack: ctx.opts.stack,
          project: ctx.config.project,
          type: reg.type,
          name: reg.name,
          parentUrn: reg.parent,
          parentAliases: this.#aliases.get(reg.parent) ?? [],
        },
        reg.aliases,
      );
      this.#aliases.set(urn, aliasUrns);
      if (reg.type === ROOT_STACK_TYPE && !reg.parent) this.#rootUrn ||= urn;
      prior = this.#claimPrior(urn, aliasUrns);
      const goal: Goal = {
        urn,
        type: reg.type,
        custom: reg.custom,
        parent: reg.parent,
        dependencies: reg.dependencies,
        propertyDependencies: reg.propertyDependencies,
        protect: reg.protect,
        retainOnDelete: reg.retainOnDelete,
        additionalSecretOutputs: reg.additionalSecretOutputs,
      };
      const answer = reg.custom ? await this.#customStep(goal, reg, prior) : this.#componentStep(goal, reg, prior);
      entry.state = answer.state;
      return { ok: true, urn, id: answer.id, object: answer.object };
    } catch (e) {
      this.#failed = true;
      if (e instanceof StepFailure && e.reported) return { ok: false, urn };
      const op: StepRecord["op"] = e instanceof StepFailure ? e.op : prior && !prior.external ? "update" : "create";
      ctx.fail(urn, reg.type, op, describeError(e), e instanceof StepFailure ? e.token : undefined);
      return { ok: false, urn };
    } finally {
      settle();
    }
  }

  /** Finds the old state of a registration: by its URN, else by the first unclaimed alias. */
  #claimPrior(urn: string, aliasUrns: string[]): ResourceState | undefined {
    for (const candidate of [urn, ...aliasUrns]) {
      const prior = this.#old.get(candidate);
      if (!prior || this.#claimed.has(prior)) continue;
      this.#claimed.add(prior);
      if (candidate !== urn) this.#renamed.set(candidate, urn);
      return prior;
    }
    return undefined;
  }

  #componentStep(
    goal: Goal,
    reg: Registration,
    prior: ResourceState | undefined,
  ): { id: string; object: PropertyMap; state: ResourceState } {
    const { ctx } = this;
    const state: ResourceState = { ...goal, id: "", inputs: reg.object, outputs: prior?.outputs ?? {}, external: false };
    const op = prior ? "same" : "create";
    const name = reg.name;
    const note = prior && prior.urn !== goal.urn ? `(renamed from ${parseUrn(prior.urn).name})` : undefined;
    if (ctx.dryRun) ctx.renderer.planned(op, goal.type, name, undefined, note);
    else {
      ctx.store.upsert(state, prior);
      if (!prior || !sameRecord(prior, state)) ctx.store.markDirty();
      ctx.renderer.stepDone(state, op, goal.type, name, undefined, note);
    }
    ctx.record({ urn: goal.urn, type: goal.type, name, op });
    return { id: "", object: reg.object, state };
  }

  /**
   * A custom resource's step: the provider's check and diff, {@link plan}, then the step shown (preview) or applied.
   */
  async #customStep(
    goal: Goal,
    reg: Registration,
    priorState: ResourceState | undefined,
  ): Promise<{ id: string; object: PropertyMap; state?: ResourceState }> {
    const { ctx } = this;
    if (!reg.type.startsWith(DYNAMIC_TYPE_PREFIX)) {
      throw new StepError(
        `${reg.type} is not a dynamic resource: the local engine runs dynamic providers only (use the Pulumi CLI for provider packages)`,
      );
    }
    if (reg.importId) throw new StepError("the import option is not supported by the local engine (nor by dynamic providers)");
    // A resource previously read with Resource.get and now declared is a new managed resource.
    const prior = priorState?.external ? undefined : priorState;
    const plugin = await ctx.plugin();
    ctx.learnSecrets(reg.object);
    const secretIn = new Set(secretKeys(reg.object));
    const oldInputs = prior ? unwrapMap(prior.inputs) : {};
    let news = unwrapMap(reg.object);
    if (prior && reg.ignoreChanges.length > 0) {
      news = applyIgnoreChanges(oldInputs, news, reg.ignoreChanges);
      for (const p of reg.ignoreChanges) {
        const top = parsePropertyPath(p)[0];
        if (typeof top === "string" && containsSecret(prior.inputs[top])) secretIn.add(top);
      }
    }
    const check = await plugin.check(goal.urn, oldInputs, news);
    const diff =
      prior && check.failures.length === 0
        ? await plugin.diff(goal.urn, prior.id, unwrapMap(prior.outputs), check.inputs, oldInputs)
        : undefined;
    const step = plan(
      {
        protect: goal.protect,
        deleteBeforeReplace: reg.deleteBeforeReplace,
        replaceOnChanges: reg.replaceOnChanges,
        secretInputs: secretIn,
        deletedAhead: this.#replacedFirst.has(goal.urn),
      },
      prior,
      check,
      diff,
    );
    if (step.op === "refused") throw new StepFailure(step.as, step.message);

    const name = reg.name;
    const secretOut = [...secretIn, ...reg.additionalSecretOutputs];
    const keys = step.op === "update" || step.op === "replace" ? step.changedKeys : undefined;
    const renamed = prior && prior.urn !== goal.urn ? `(renamed from ${parseUrn(prior.urn).name})` : undefined;
    const note =
      step.op === "replace" && step.deleteBeforeReplace && prior
        ? "(delete before replace)"
        : step.op === "update" && step.retry
          ? "(retrying after initialization errors)"
          : renamed;
    const record = (): void =>
      ctx.record({ urn: goal.urn, type: goal.type, name, op: step.op, ...(keys ? { changedKeys: changedKeyNames(keys) } : {}) });
    // Same: the prior id and outputs, with this registration's inputs and options.
    const keep = (): ResourceState => ({
      ...goal,
      id: prior!.id,
      inputs: step.inputs,
      outputs: markSecretKeys(prior!.outputs, secretOut),
      external: false,
    });

    if (ctx.dryRun) {
      if (step.op === "replace" && step.deleteBeforeReplace && prior) {
        for (const d of await this.#dependentReplacements(prior, false)) {
          ctx.renderer.line(
            `    info: ${d.type} ${parseUrn(d.urn).name} will be replaced first: it depends on ${name}, which is deleted before it is replaced`,
          );
        }
      }
      ctx.renderer.planned(step.op, goal.type, name, keys, note);
      record();
      // The dynamic provider does not preview: creates, updates and replacements answer with their inputs.
      if (step.op !== "same") return { id: step.op === "update" ? prior!.id : "", object: step.inputs };
      const same = keep();
      return { id: same.id, object: same.outputs, state: same };
    }

    if (step.op === "same") {
      const same = keep();
      ctx.store.upsert(same, prior);
      // A no-op run must not even serialize the state: only a record that really changed schedules a write.
      if (!sameRecord(prior!, same)) ctx.store.markDirty();
      ctx.renderer.stepDone(same, "same", goal.type, name, undefined, note);
      record();
      return { id: same.id, object: same.outputs, state: same };
    }
    if (step.op === "replace" && step.deleteBeforeReplace && prior) {
      await this.#replaceDependentsFirst(prior);
      if (!(await deleteResource(this.ctx, prior, { replacing: true }))) {
        throw new StepFailure("replace", "the old resource could not be deleted", undefined, true);
      }
    }
    const state = await applyWrite(ctx, step, goal, name, step.op === "update" ? prior : undefined, check.inputs, secretOut, note);
    if (step.op === "replace" && !step.deleteBeforeReplace && prior) {
      // Create-before-delete: the old resource stays in the state, flagged, until its deferred deletion. A flagged
      // copy replaces it: the prior state is never changed, so what the run started from stays as it was read.
      const old: ResourceState = { ...prior, pendingReplacement: true };
      ctx.store.upsert(old, prior);
      this.#deferred.push(old);
      ctx.store.markDirty();
    }
    record();
    return { id: state.id, object: state.outputs, state };
  }

  /**
   * The dependents a delete-before-replace of `x` replaces too, as the real engine computes them
   * (calculateDependentReplacements): for each resource of the previous state whose inputs came from `x`, those
   * inputs are set to unknown and the provider's diff says whether that requires a replacement; transitively.
   * Only resources this run has not registered yet are considered.
   *
   * @param claim take them (they will be deleted now and created again when the program registers them).
   */
  async #dependentReplacements(x: ResourceState, claim = true): Promise<ResourceState[]> {
    const plugin = await this.ctx.plugin();
    const found: ResourceState[] = [];
    const seen = new Set<ResourceState>([x]);
    const queue = [x];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const d of [...this.#old.values()]) {
        if (seen.has(d) || this.#claimed.has(d) || !d.custom || d.external) continue;
        const props = Object.entries(d.propertyDependencies)
          .filter(([, urns]) => urns.includes(current.urn))
          .map(([k]) => k);
        if (props.length === 0) continue;
        const news = unwrapMap(d.inputs);
        for (const k of props) news[k] = UNKNOWN_SENTINEL;
        const diff = await plugin.diff(d.urn, d.id, unwrapMap(d.outputs), news, unwrapMap(d.inputs));
        if (diff.replaces.length === 0 || this.#claimed.has(d)) continue;
        seen.add(d);
        if (claim) this.#claimed.add(d);
        found.push(d);
        queue.push(d);
      }
    }
    return found;
  }

  /** Deletes, dependents first, what a delete-before-replace of `x` replaces too (see {@link #dependentReplacements}). */
  async #replaceDependentsFirst(x: ResourceState): Promise<void> {
    const { ctx } = this;
    const dependents = await this.#dependentReplacements(x);
    if (dependents.length === 0) return;
    const guarded = dependents.filter((d) => d.protect);
    if (guarded.length > 0) {
      throw new StepFailure(
        "replace",
        `cannot replace it delete-before-replace: ${guarded.map((d) => parseUrn(d.urn).name).join(", ")} ` +
          `depend(s) on it, would be replaced too, and are protected`,
      );
    }
    for (const d of dependents) {
      this.#old.delete(d.urn);
      this.#replacedFirst.add(d.urn);
    }
    const outcome = await runDeletes(
      dependents,
      (r) => deleteResource(this.ctx, r, { replacing: true }),
      () => ctx.stopped,
    );
    if (outcome.failed.length > 0 || outcome.skipped.length > 0) {
      throw new StepFailure(
        "replace",
        "the resources that depend on it could not be deleted first",
        undefined,
        outcome.skipped.length === 0,
      );
    }
  }

  /** ResourceMonitor.RegisterResourceOutputs: component and stack outputs. */
  registerOutputs(urn: string, outputs: PropertyMap): void {
    this.ctx.learnSecrets(outputs);
    if (!this.ctx.dryRun && !this.ctx.store.canEncrypt && secretKeys(outputs).length > 0) {
      // Refused here, with a clear message, rather than by every later state write.
      this.#failed = true;
      const type = urn === this.#rootUrn ? ROOT_STACK_TYPE : parseUrn(urn).type;
      this.ctx.fail(urn, type, "update", "its outputs hold secrets, which the state must encrypt: set PULUMI_CONFIG_PASSPHRASE");
      return;
    }
    if (urn === this.#rootUrn) {
      this.#stackOutputs = outputs;
      return;
    }
    const entry = this.#registered.get(urn);
    const state = entry?.state;
    if (entry && state && !this.ctx.dryRun && !deepEqual(state.outputs, outputs)) {
      entry.state = { ...state, outputs };
      this.ctx.store.upsert(entry.state, state);
      this.ctx.store.markDirty();
    }
  }

  async #read(req: ReadRequestInfo): Promise<MonitorAnswer> {
    const { ctx } = this;
    const urn = makeUrn(ctx.opts.stack, ctx.config.project, req.type, req.name, req.parent);
    let settle!: () => void;
    const entry: { state?: ResourceState; done: Promise<void> } = { done: new Promise<void>((r) => (settle = r)) };
    if (this.#registered.has(urn)) {
      this.#failed = true;
      ctx.fail(urn, req.type, "read", `duplicate resource URN: another resource named "${req.name}" was registered`);
      return { ok: false, urn };
    }
    this.#registered.set(urn, entry);
    try {
      if (!req.type.startsWith(DYNAMIC_TYPE_PREFIX)) throw new StepError(`${req.type} is not a dynamic resource: cannot read it`);
      const prior = this.#claimPrior(urn, []);
      const plugin = await ctx.plugin();
      ctx.learnSecrets(req.properties);
      if (!ctx.dryRun && !ctx.store.canEncrypt && (secretKeys(req.properties).length > 0 || req.additionalSecretOutputs.length > 0)) {
        throw new StepError("this resource has secret values, which the state must encrypt: set PULUMI_CONFIG_PASSPHRASE");
      }
      const props = unwrapMap(req.properties);
      const res = await plugin.read(urn, req.id, props, props);
      if (!res.id) throw new StepError(`resource ${req.id} does not exist (the provider's read found nothing)`);
      const secretOut = [...secretKeys(req.properties), ...req.additionalSecretOutputs];
      const outputs = markSecretKeys(res.outputs, secretOut);
      const state: ResourceState = {
        urn,
        type: req.type,
        custom: true,
        id: res.id,
        parent: req.parent,
        inputs: Object.keys(res.inputs).length ? markSecretKeys(res.inputs, secretOut) : req.properties,
        outputs,
        dependencies: req.dependencies,
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        external: true,
        additionalSecretOutputs: req.additionalSecretOutputs,
      };
      ctx.learnSecrets(outputs);
      if (!ctx.dryRun) {
        ctx.store.upsert(state, prior);
        ctx.store.markDirty();
      }
      entry.state = state;
      ctx.renderer.planned("read", req.type, req.name);
      ctx.record({ urn, type: req.type, name: req.name, op: "read" });
      return { ok: true, urn, id: res.id, object: outputs };
    } catch (e) {
      this.#failed = true;
      ctx.fail(urn, req.type, "read", describeError(e));
      return { ok: false, urn };
    } finally {
      settle();
    }
  }

  /**
   * After the program exited: on success, deletes what the program no longer declares and the old halves of
   * replacements (dependents first; protect checked for the whole set before anything is deleted), records the
   * stack outputs, and rewrites references to renamed URNs. On failure nothing is deleted and the previous
   * stack outputs stay.
   */
  async finish(programOk: boolean): Promise<void> {
    const { ctx } = this;
    if (!programOk || this.#failed) return;
    const removed = [...this.#old.values()].filter((r) => !this.#claimed.has(r));
    const leftovers = ctx.store.state.resources.filter((r) => r.pendingReplacement && !this.#deferred.includes(r));
    const replaced = [...this.#deferred, ...leftovers];
    const refused = [...removed, ...replaced].filter((r) => r.protect && !r.external);
    if (refused.length > 0) {
      for (const r of refused) {
        ctx.fail(
          r.urn,
          r.type,
          "delete",
          "cannot delete a protected resource; remove the protect option (and run up) before removing it from the program",
        );
      }
      this.#failed = true;
      return;
    }
    if (ctx.dryRun) {
      for (const r of removed) {
        const { name } = parseUrn(r.urn);
        ctx.renderer.planned("delete", r.type, name, undefined, r.retainOnDelete ? "(retained: not deleted from the provider)" : undefined);
        ctx.record({ urn: r.urn, type: r.type, name, op: "delete" });
      }
      return;
    }
    const replacedSet = new Set(replaced);
    const outcome = await runDeletes(
      [...removed, ...replaced],
      (r) => deleteResource(this.ctx, r, { replacing: replacedSet.has(r), record: !replacedSet.has(r) }),
      () => ctx.stopped,
    );
    for (const r of outcome.skipped) {
      ctx.fail(r.urn, r.type, "delete", "not deleted: a resource that depends on it could not be deleted (or the run was cancelled)");
    }
    if (outcome.failed.length > 0 || outcome.skipped.length > 0) {
      this.#failed = true;
      return;
    }
    ctx.store.state.outputs = this.#stackOutputs ?? {};
    if (this.#renamed.size > 0) {
      const renamed = (u: string): boolean => this.#renamed.has(u);
      for (const r of [...ctx.store.state.resources]) {
        if (!renamed(r.parent) && !r.dependencies.some(renamed)) continue;
        const dependencies = r.dependencies.map((u) => this.#renamed.get(u) ?? u);
        ctx.store.upsert({ ...r, dependencies, parent: this.#renamed.get(r.parent) ?? r.parent }, r);
      }
    }
    ctx.store.markDirty(0);
  }

  /** The stack outputs the program registered (for display), or undefined if it never did. */
  get stackOutputs(): PropertyMap | undefined {
    return this.#stackOutputs;
  }
}

/** True when two records would be stored identically (so nothing needs writing). */
export function sameRecord(a: ResourceState, b: ResourceState): boolean {
  return (
    a.urn === b.urn &&
    a.type === b.type &&
    a.custom === b.custom &&
    a.id === b.id &&
    a.parent === b.parent &&
    a.protect === b.protect &&
    a.retainOnDelete === b.retainOnDelete &&
    a.external === b.external &&
    !a.pendingReplacement === !b.pendingReplacement &&
    (a.initErrors?.length ?? 0) === (b.initErrors?.length ?? 0) &&
    deepEqual(a.dependencies, b.dependencies) &&
    deepEqual(a.propertyDependencies, b.propertyDependencies) &&
    deepEqual(a.additionalSecretOutputs, b.additionalSecretOutputs) &&
    deepEqual(a.inputs, b.inputs) &&
    deepEqual(a.outputs, b.outputs)
  );
}
