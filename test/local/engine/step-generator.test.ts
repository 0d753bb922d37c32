// The step generator against a fake provider (no SDK, no plugin process): what it records in the state. The prior
// state is frozen, so a step that changes it in place instead of recording a new value fails.
import * as path from "node:path";

import { expect } from "chai";

import type { Registration } from "../../../local/engine/monitor-server";
import { EngineOptionsSchema } from "../../../local/engine/options";
import type { PluginHost } from "../../../local/engine/plugin-host";
import { Redactor, Renderer } from "../../../local/engine/renderer";
import { RunContext } from "../../../local/engine/run-context";
import type { PropertyMap, SdkModules } from "../../../local/engine/sdk";
import type { ResourceState } from "../../../local/engine/state-schema";
import { StateStore } from "../../../local/engine/state-store";
import { StepGenerator } from "../../../local/engine/step-generator";
import { resource, useStateDir } from "./state-fixtures";

/** A provider whose diff replaces on any change of `name`, and whose creates number their ids. */
function fakeProvider(): { calls: string[]; host: PluginHost } {
  const calls: string[] = [];
  let created = 0;
  const host = {
    check: (_urn: string, _olds: PropertyMap, news: PropertyMap) => Promise.resolve({ inputs: news, failures: [] }),
    diff: (_urn: string, _id: string, olds: PropertyMap, news: PropertyMap) =>
      Promise.resolve(
        olds["name"] === news["name"]
          ? { changes: "none", replaces: [], deleteBeforeReplace: false }
          : { changes: "some", replaces: ["name"], deleteBeforeReplace: false },
      ),
    create: (urn: string, inputs: PropertyMap, onStart?: () => void) => {
      onStart?.();
      calls.push(`create:${urn.split("::").pop()}`);
      return Promise.resolve({ id: `new-id-${++created}`, outputs: inputs });
    },
    delete: (_urn: string, id: string, _outputs: PropertyMap, _inputs: PropertyMap, onStart?: () => void) => {
      onStart?.();
      calls.push(`delete:${id}`);
      return Promise.resolve();
    },
  };
  return { calls, host: host as unknown as PluginHost };
}

/** A run context whose plugin is `host` (the rest is the engine's own). */
class FakeProviderContext extends RunContext {
  constructor(
    store: StateStore,
    private readonly host: PluginHost,
    dir: string,
  ) {
    const opts = EngineOptionsSchema.parse({ operation: "up", cwd: dir, stack: "dev", parallel: 4 });
    const redactor = new Redactor();
    const renderer = new Renderer(() => undefined, path.join(dir, "dev.log"), redactor, false);
    super(
      opts,
      {} as SdkModules,
      { project: "proj", typescript: false, main: ".", values: {}, secretKeys: [] },
      store,
      renderer,
      redactor,
      {},
    );
  }

  override plugin(): Promise<PluginHost> {
    return Promise.resolve(this.host);
  }
}

/** A registration of the resource `name` (see {@link resource}) with these inputs. */
function registration(name: string, object: PropertyMap): Registration {
  const r = resource(name);
  return {
    type: r.type,
    name,
    parent: "",
    custom: true,
    object,
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: undefined,
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    dependencies: [],
    propertyDependencies: {},
    aliases: [],
    importId: "",
    provider: "",
  };
}

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
