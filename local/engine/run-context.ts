/**
 * What every part of one run shares: options, SDK, configuration, state, output, the (lazily started) plugin,
 * and the record of steps and errors that becomes the {@link EngineResult}.
 */
import { PluginHost } from "./plugin-host";
import { secretStrings } from "./property-values";
import type { ResolvedEngineOptions, StepRecord, Summary } from "./options";
import type { ResolvedConfig } from "./project-config";
import type { Redactor, Renderer } from "./renderer";
import type { PropertyMap, SdkModules } from "./sdk";
import type { StateStore } from "./state-store";
import { parseUrn } from "./urn";

/** Shared state of one run. */
export class RunContext {
  readonly steps: StepRecord[] = [];
  readonly errors: string[] = [];
  readonly summary: Summary = { create: 0, update: 0, replace: 0, delete: 0, same: 0, read: 0, failed: 0 };
  #plugin: Promise<PluginHost> | undefined;
  #pluginHost: PluginHost | undefined;

  constructor(
    readonly opts: ResolvedEngineOptions,
    readonly sdk: SdkModules,
    readonly config: ResolvedConfig,
    readonly store: StateStore,
    readonly renderer: Renderer,
    readonly redactor: Redactor,
    readonly env: Record<string, string>,
  ) {}

  /** True for `preview`: nothing may reach create, update or delete. */
  get dryRun(): boolean {
    return this.opts.operation === "preview";
  }

  /** True once the caller asked to stop. */
  get cancelled(): boolean {
    return this.opts.signal?.aborted ?? false;
  }

  /** True once no new provider write may start: the run was cancelled, or a state write failed. */
  get stopped(): boolean {
    return this.cancelled || this.store.writeFailure !== undefined;
  }

  /** The plugin, started on first use (once per run). */
  plugin(): Promise<PluginHost> {
    this.#plugin ??= PluginHost.start({
      sdk: this.sdk,
      cwd: this.opts.cwd,
      project: this.config.project,
      config: this.config.values,
      env: this.env,
      parallel: this.opts.parallel,
      isCancelled: () => this.stopped,
      onLine: (line) => this.renderer.line(`    provider: ${line}`),
    }).then((host) => {
      this.#pluginHost = host;
      return host;
    });
    return this.#plugin;
  }

  /** Stops the plugin, also when it is still starting (a failed run must not leave a plugin process behind). */
  async closePlugin(): Promise<void> {
    if (!this.#plugin) return;
    const host = await this.#plugin.catch(() => undefined);
    await host?.close();
  }

  /** The started plugin, if any (for closing and metrics). */
  get startedPlugin(): PluginHost | undefined {
    return this.#pluginHost;
  }

  /** Records a finished step and counts it. */
  record(step: StepRecord): void {
    this.steps.push(step);
    this.summary[step.op]++;
  }

  /** Records a failed step: reported, counted, and listed in the errors. */
  fail(urn: string, type: string, op: StepRecord["op"], message: string, token?: object): void {
    const name = urn ? parseUrn(urn).name : "";
    const text = this.redactor.redact(message);
    this.steps.push({ urn, type, name, op, error: text });
    this.summary.failed++;
    this.errors.push(urn ? `${type} ${name} (${urn}): ${text}` : text);
    this.renderer.stepFailed(token, type, name, text);
  }

  /**
   * Records an error that belongs to no single resource.
   *
   * @param immediate also print it now (otherwise it appears in the final Diagnostics only, which suits long
   *   program stack traces).
   */
  error(message: string, immediate = true): void {
    const text = this.redactor.redact(message);
    this.errors.push(text);
    if (immediate) this.renderer.line(` error: ${text}`);
    else this.renderer.log(` error: ${text}`);
  }

  /** Makes sure the secret values inside `maps` are never printed. */
  learnSecrets(...maps: PropertyMap[]): void {
    for (const m of maps) this.redactor.add(secretStrings(m));
  }
}
