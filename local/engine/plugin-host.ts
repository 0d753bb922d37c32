/**
 * Hosts the SDK's own dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`): one process per run,
 * started in the program directory (modules required inside provider methods resolve from its cwd) with
 * `PULUMI_NODEJS_PROJECT`, configured once with the whole namespaced stack config, and driven over gRPC.
 * Every call goes through a semaphore: that is the run's `--parallel` bound.
 */
import { spawn, type ChildProcess } from "node:child_process";

import { CHILD_PRELOAD_IMPORT, childEnv, forEachLine, trackPeakRss } from "./child-process";
import { Semaphore } from "./semaphore";
import { fromStruct, toStruct, type PropertyMap, type SdkModules } from "./sdk";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";

const START_TIMEOUT_MS = 60_000;
const WRITES = new Set(["create", "update", "delete"]);

/** A failure reported by the provider for one call. */
export class ProviderError extends Error {
  override name = "ProviderError";
  /**
   * @param message the provider's own message.
   * @param initFailure set when the resource was created but failed to initialize (ErrorResourceInitFailed):
   *   it exists, with this id and these outputs, and must be recorded.
   */
  constructor(
    message: string,
    readonly initFailure?: { id: string; properties: PropertyMap; reasons: string[] },
  ) {
    super(message);
  }
}

/** What a Diff answered: the plugin maps `changes` true/false/undefined to SOME/NONE/UNKNOWN. */
export type DiffAnswer = { changes: "unknown" | "none" | "some"; replaces: string[]; deleteBeforeReplace: boolean };

/** Options to start the plugin. */
export type PluginHostOptions = {
  sdk: SdkModules;
  /** Program directory: the plugin's cwd. */
  cwd: string;
  project: string;
  /** Whole namespaced config, secrets in plaintext (Configure is the only way they reach the plugin). */
  config: Record<string, string>;
  /** Extra environment for the plugin. */
  env: Record<string, string>;
  /** Receives every line the plugin prints (its progress messages go to stderr). */
  onLine: (line: string) => void;
  /** Bound of concurrent calls. */
  parallel: number;
  /** Checked when a write (create, update, delete) gets its slot: a cancelled run sends no new write. */
  isCancelled?: () => boolean;
};

type Callback<R> = (err: (Error & { code?: number; details?: string; metadata?: { get(k: string): unknown[] } }) | null, res: R) => void;

/** A running dynamic-provider plugin. */
export class PluginHost {
  readonly semaphore: Semaphore;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #rss: { stop: () => void; peak: () => number };

  private constructor(
    private readonly sdk: SdkModules,
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    parallel: number,
    private readonly isCancelled: () => boolean,
  ) {
    this.semaphore = new Semaphore(parallel);
    this.#rss = trackPeakRss(child.pid);
    child.on("exit", (code, signal) => {
      this.#exit = { code, signal };
      this.#rss.stop();
    });
  }

  /** Starts the plugin, waits for its port and configures it. */
  static async start(o: PluginHostOptions): Promise<PluginHost> {
    const { sdk } = o;
    const child = spawn(process.execPath, ["--import", CHILD_PRELOAD_IMPORT, sdk.dynamicProviderEntry, "127.0.0.1:0"], {
      cwd: o.cwd,
      // The plugin's PULUMI_CONFIG holds no project config (as under the real engine): secrets reach the
      // provider through Configure only.
      env: childEnv(o.env, { PULUMI_NODEJS_PROJECT: o.project, PULUMI_CONFIG: "{}", PULUMI_CONFIG_SECRET_KEYS: "[]" }),
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, as the Pulumi CLI starts every plugin (cmdutil.RegisterProcessGroup): a
      // signal to the engine's group (a closed terminal, a CI runner's SIGTERM) reaches the engine only.
      detached: true,
    });
    forEachLine(child.stderr!, o.onLine);
    const port = await new Promise<string>((resolve, reject) => {
      let first = true;
      forEachLine(child.stdout!, (line) => {
        if (first) {
          first = false;
          resolve(line.trim());
        } else o.onLine(line);
      });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the dynamic-provider plugin exited during start-up (code ${code})`)));
      // It normally prints its port within a couple of seconds; a silent plugin must not hang the run.
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the dynamic-provider plugin did not start within ${START_TIMEOUT_MS / 1000}s`));
      }, START_TIMEOUT_MS);
      timer.unref();
      child.stdout!.once("data", () => clearTimeout(timer));
    });
    if (!/^\d+$/.test(port)) {
      child.kill();
      throw new Error(`the dynamic-provider plugin printed ${JSON.stringify(port)} instead of its port`);
    }
    const client = new sdk.providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, sdk.grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": -1,
      "grpc.max_send_message_length": -1,
    });
    const host = new PluginHost(sdk, child, client, o.parallel, o.isCancelled ?? (() => false));
    const req = new sdk.providerPb.ConfigureRequest();
    req.setArgs(toStruct(sdk, o.config));
    req.setAcceptsecrets(true);
    req.setAcceptresources(false);
    await host.#call<unknown>("configure", req, true);
    return host;
  }

  /** Peak RSS of the plugin process, in bytes. */
  get peakRssBytes(): number {
    return this.#rss.peak();
  }

  /**
   * @param onStart called when the call really starts (it has its slot), so elapsed times shown for a step do
   *   not include the wait for the parallelism bound.
   */
  #call<R>(method: string, req: unknown, bypassSemaphore = false, onStart?: () => void): Promise<R> {
    const invoke = (): Promise<R> =>
      new Promise<R>((resolve, reject) => {
        if (WRITES.has(method) && this.isCancelled()) {
          reject(new ProviderError("cancelled before the provider was called"));
          return;
        }
        onStart?.();
        const fn = (this.client as unknown as Record<string, (r: unknown, cb: Callback<R>) => void>)[method]!;
        fn.call(this.client, req, (err, res) => (err ? reject(this.#toProviderError(err)) : resolve(res)));
      });
    return bypassSemaphore ? invoke() : this.semaphore.run(invoke);
  }

  #toProviderError(err: Error & { code?: number; details?: string; metadata?: { get(k: string): unknown[] } }): ProviderError {
    if (this.#exit || err.code === this.sdk.grpc.status.UNAVAILABLE) {
      const how = this.#exit ? ` (exit code ${this.#exit.code ?? this.#exit.signal})` : "";
      return new ProviderError(`the dynamic-provider plugin is not reachable${how}: ${err.details ?? err.message}`);
    }
    const message = err.details || err.message;
    const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
    if (raw instanceof Uint8Array) {
      try {
        const status = this.sdk.statusPb.Status.deserializeBinary(raw);
        for (const any of status.getDetailsList()) {
          if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
          const d = this.sdk.providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
          return new ProviderError(message, {
            id: d.getId(),
            properties: fromStruct(d.getProperties()),
            reasons: d.getReasonsList().length ? d.getReasonsList() : [message],
          });
        }
      } catch {
        // Undecodable details: report the plain message.
      }
    }
    return new ProviderError(message);
  }

  /** Check: validates and normalizes inputs; `olds` are the previous inputs. */
  async check(
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
  ): Promise<{ inputs: PropertyMap; failures: Array<{ property: string; reason: string }> }> {
    const req = new this.sdk.providerPb.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(this.sdk, olds));
    req.setNews(toStruct(this.sdk, news));
    const res = await this.#call<InstanceType<SdkModules["providerPb"]["CheckResponse"]>>("check", req);
    return {
      inputs: res.getInputs() ? fromStruct(res.getInputs()) : news,
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** Diff: `olds` are the previous outputs, `news` the checked inputs. */
  async diff(urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<DiffAnswer> {
    const req = new this.sdk.providerPb.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(this.sdk, olds));
    req.setNews(toStruct(this.sdk, news));
    req.setOldInputs(toStruct(this.sdk, oldInputs));
    const res = await this.#call<InstanceType<SdkModules["providerPb"]["DiffResponse"]>>("diff", req);
    const c = res.getChanges();
    return {
      changes: c === 1 ? "none" : c === 2 ? "some" : "unknown",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  /** Create: returns the new id and outputs. */
  async create(urn: string, inputs: PropertyMap, onStart?: () => void): Promise<{ id: string; outputs: PropertyMap }> {
    const req = new this.sdk.providerPb.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(this.sdk, inputs));
    const res = await this.#call<InstanceType<SdkModules["providerPb"]["CreateResponse"]>>("create", req, false, onStart);
    if (!res.getId()) throw new ProviderError("the provider's create returned no id");
    return { id: res.getId(), outputs: fromStruct(res.getProperties()) };
  }

  /** Update: returns the new outputs. */
  async update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
    onStart?: () => void,
  ): Promise<PropertyMap> {
    const req = new this.sdk.providerPb.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(this.sdk, olds));
    req.setNews(toStruct(this.sdk, news));
    req.setOldInputs(toStruct(this.sdk, oldInputs));
    const res = await this.#call<InstanceType<SdkModules["providerPb"]["UpdateResponse"]>>("update", req, false, onStart);
    return fromStruct(res.getProperties());
  }

  /** Read: an empty `id` in the answer means the resource no longer exists. */
  async read(
    urn: string,
    id: string,
    properties: PropertyMap,
    inputs: PropertyMap,
  ): Promise<{ id: string; outputs: PropertyMap; inputs: PropertyMap }> {
    const req = new this.sdk.providerPb.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(this.sdk, properties));
    req.setInputs(toStruct(this.sdk, inputs));
    const res = await this.#call<InstanceType<SdkModules["providerPb"]["ReadResponse"]>>("read", req);
    return { id: res.getId(), outputs: fromStruct(res.getProperties()), inputs: fromStruct(res.getInputs()) };
  }

  /** Delete: the provider treats an already-missing resource as success. */
  async delete(urn: string, id: string, outputs: PropertyMap, oldInputs: PropertyMap, onStart?: () => void): Promise<void> {
    const req = new this.sdk.providerPb.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(this.sdk, outputs));
    req.setOldInputs(toStruct(this.sdk, oldInputs));
    await this.#call<unknown>("delete", req, false, onStart);
  }

  /** Closes the connection and stops the plugin, waiting for it to exit (at most ~2 s, then SIGKILL). */
  async close(): Promise<void> {
    this.client.close();
    if (this.#exit) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
  }
}
