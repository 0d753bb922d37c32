// The step generator against a fake provider (no SDK, no plugin process): what it records in the state. The prior
// state is frozen, so a step that changes it in place instead of recording a new value fails.
import { expect } from "chai";

import type { ResourceState } from "../../../local/engine/state-schema";
import { StateStore } from "../../../local/engine/state-store";
import { StepGenerator } from "../../../local/engine/step-generator";
import { FakeProviderContext, fakeProvider, registration } from "./fake-provider";
import { resource, useStateDir } from "./state-fixtures";

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

describe("local engine: step generator", () => {
  const paths = useStateDir("engine-steps-");

  /** Opens the state holding `prior` as a previous run left it, with every loaded record frozen. */
  async function loadedWith(prior: ResourceState): Promise<StateStore> {
    const first = StateStore.open(paths.file, "proj", "dev", undefined);
    first.upsert(prior);
    await first.close();
    first.release();
    const store = StateStore.open(paths.file, "proj", "dev", undefined);
    for (const r of store.state.resources) deepFreeze(r);
    return store;
  }

  it("a create-before-delete replacement flags a copy of the old resource and never changes the prior state", async () => {
    const store = await loadedWith(resource("a", { outputs: { name: "a" } }));
    const prior = store.state.resources[0]!;
    const before = JSON.stringify(prior);
    const provider = fakeProvider();
    const ctx = new FakeProviderContext(store, provider.host, paths.dir);
    try {
      const gen = new StepGenerator(ctx);
      const answer = await gen.register(registration("a", { name: "a2" }));
      expect(answer, ctx.errors.join("\n")).to.include({ ok: true, id: "new-id-1" });
      // Until the deferred delete, the state holds the old half, flagged, and the replacement.
      const flagged = store.state.resources.map((r) => `${r.id}${r.pendingReplacement ? " (old half)" : ""}`);
      expect(flagged).to.deep.equal(["a-id (old half)", "new-id-1"]);
      expect(store.state.resources[0], "the old half is a new record").to.not.equal(prior);

      await gen.finish(true);
      expect(ctx.errors).to.deep.equal([]);
      expect(provider.calls).to.deep.equal(["create:a", "delete:a-id"]);
      expect(store.state.resources.map((r) => r.id)).to.deep.equal(["new-id-1"]);
      expect(JSON.stringify(prior), "the prior state as it was read").to.equal(before);
      expect(prior.pendingReplacement).to.equal(undefined);
    } finally {
      ctx.renderer.close();
      store.release();
    }
  });

  it("an unchanged resource keeps its id and outputs and schedules no write", async () => {
    const store = await loadedWith(resource("a", { outputs: { name: "a", extra: "kept" } }));
    const provider = fakeProvider();
    const ctx = new FakeProviderContext(store, provider.host, paths.dir);
    try {
      const gen = new StepGenerator(ctx);
      const answer = await gen.register(registration("a", resource("a").inputs));
      expect(answer, ctx.errors.join("\n")).to.deep.include({ ok: true, id: "a-id", object: { name: "a", extra: "kept" } });
      await gen.finish(true);
      await store.close();
      expect(provider.calls).to.deep.equal([]);
      expect(store.writes, "a no-op run writes nothing").to.equal(0);
    } finally {
      ctx.renderer.close();
      store.release();
    }
  });
});
