// The provider writes of a step, against a fake provider: the pending operation is durable before the provider is
// called, the outcome is recorded and durable before the step returns, no write starts once the run must stop, and
// a retained resource leaves the state without reaching the provider.
import { expect } from "chai";

import type { Step } from "../../../local/engine/planner";
import { makeSecret } from "../../../local/engine/property-values";
import { applyWrite, deleteResource, type Goal } from "../../../local/engine/provider-writes";
import type { ResourceState } from "../../../local/engine/state-schema";
import { StateStore } from "../../../local/engine/state-store";
import { readStoredState } from "../../../local/engine/state-journal";
import { StepFailure } from "../../../local/engine/step-errors";
import { FakeProviderContext, fakeProvider } from "./fake-provider";
import { resource, useStateDir } from "./state-fixtures";

type Stored = { resources: Array<{ id: string }>; pending: Array<{ op: string }> };

function goalOf(r: ResourceState): Goal {
  const { urn, type, custom, parent, dependencies, propertyDependencies, protect, retainOnDelete, additionalSecretOutputs } = r;
  return { urn, type, custom, parent, dependencies, propertyDependencies, protect, retainOnDelete, additionalSecretOutputs };
}

describe("local engine: provider writes", () => {
  const paths = useStateDir("engine-writes-");
  let store: StateStore;
  let ctx: FakeProviderContext | undefined;
  beforeEach(() => (store = StateStore.open(paths.file, "proj", "dev", undefined)));
  afterEach(() => {
    ctx?.renderer.close();
    store.release();
  });

  it("a create is pending on disk when the provider gets it, and recorded on disk when it returns", async () => {
    const seen: Stored[] = [];
    const provider = fakeProvider(() => seen.push(readStoredState(paths.file)!.raw as Stored));
    ctx = new FakeProviderContext(store, provider.host, paths.dir);
    const r = resource("a");
    const step: Step = { op: "create", inputs: r.inputs };
    const state = await applyWrite(ctx, step, goalOf(r), "a", undefined, r.inputs, [], undefined);
    expect(seen.map((s) => s.pending.map((p) => p.op))).to.deep.equal([["create"]]);
    expect(state.id).to.equal("new-id-1");
    const stored = readStoredState(paths.file)!.raw as Stored;
    expect(stored.resources.map((x) => x.id)).to.deep.equal(["new-id-1"]);
    expect(stored.pending).to.deep.equal([]);
  });

  it("starts no write once the run is cancelled, nor one whose secrets the state cannot encrypt", async () => {
    const provider = fakeProvider();
    const abort = new AbortController();
    abort.abort();
    ctx = new FakeProviderContext(store, provider.host, paths.dir, abort.signal);
    const r = resource("a");
    const step: Step = { op: "create", inputs: r.inputs };
    const cancelled = await applyWrite(ctx, step, goalOf(r), "a", undefined, r.inputs, [], undefined).catch((e: unknown) => e);
    expect(cancelled).to.be.instanceOf(StepFailure).and.have.property("message", "cancelled before the provider was called");
    const secret: Step = { op: "create", inputs: { token: makeSecret("x") } };
    const refused = await applyWrite(ctx, secret, goalOf(r), "a", undefined, {}, [], undefined).catch((e: unknown) => e);
    expect(refused)
      .to.be.an("error")
      .with.property("message")
      .that.match(/set PULUMI_CONFIG_PASSPHRASE/);
    expect(provider.calls).to.deep.equal([]);
    expect(store.state.pending).to.deep.equal([]);
  });

  it("a delete is pending on disk when the provider gets it; a retained resource leaves the state only", async () => {
    const seen: Stored[] = [];
    const provider = fakeProvider(() => seen.push(readStoredState(paths.file)!.raw as Stored));
    ctx = new FakeProviderContext(store, provider.host, paths.dir);
    const a = resource("a");
    const kept = resource("kept", { retainOnDelete: true });
    store.upsert(a);
    store.upsert(kept);
    expect(await deleteResource(ctx, a)).to.equal(true);
    expect(await deleteResource(ctx, kept)).to.equal(true);
    expect(provider.calls).to.deep.equal(["delete:a-id"]);
    expect(seen.map((s) => s.pending.map((p) => p.op))).to.deep.equal([["delete"]]);
    expect(store.state.resources).to.deep.equal([]);
    expect(ctx.steps.map((s) => `${s.op}:${s.name}`)).to.deep.equal(["delete:a", "delete:kept"]);
  });
});
