// Test helpers: a run context whose plugin is a fake provider (no SDK, no plugin process), and registrations of the
// resources of state-fixtures.
import * as path from "node:path";

import type { Registration } from "../../../local/engine/monitor-server";
import { EngineOptionsSchema } from "../../../local/engine/options";
import type { PluginHost } from "../../../local/engine/plugin-host";
import { Redactor, Renderer } from "../../../local/engine/renderer";
import { RunContext } from "../../../local/engine/run-context";
import type { PropertyMap, SdkModules } from "../../../local/engine/sdk";
import type { StateStore } from "../../../local/engine/state-store";
import { resource } from "./state-fixtures";

/**
 * A provider whose diff replaces on any change of `name`, and whose creates number their ids.
 *
 * @param onCall runs when a create or delete reaches the provider, before it answers.
 */
export function fakeProvider(onCall: (call: string) => void = () => undefined): { calls: string[]; host: PluginHost } {
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
      onCall(calls.at(-1)!);
      return Promise.resolve({ id: `new-id-${++created}`, outputs: inputs });
    },
    delete: (_urn: string, id: string, _outputs: PropertyMap, _inputs: PropertyMap, onStart?: () => void) => {
      onStart?.();
      calls.push(`delete:${id}`);
      onCall(calls.at(-1)!);
      return Promise.resolve();
    },
  };
  return { calls, host: host as unknown as PluginHost };
}

/** A run context whose plugin is `host` (the rest is the engine's own). */
export class FakeProviderContext extends RunContext {
  /** @param signal cancels the run, as `EngineOptions.signal`. */
  constructor(
    store: StateStore,
    private readonly host: PluginHost,
    dir: string,
    signal?: AbortSignal,
  ) {
    const opts = EngineOptionsSchema.parse({ operation: "up", cwd: dir, stack: "dev", parallel: 4, signal });
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
export function registration(name: string, object: PropertyMap): Registration {
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
