/**
 * The plugin's provider: serves `webex-wholesale:index:*` by calling each resource's operations
 * module, the same code the dynamic providers' `__provider` runs. What it adds is only what a
 * package provider has and a dynamic one has not: configuration under the `webex-wholesale:`
 * namespace, `customTimeouts`, `pulumi import` by id, a detailed diff, and the `getCustomerOrg`
 * invoke. It holds no rule of its own.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { CONFIG_TABLE, ProviderSettingsSchema, type SettingName } from "../config";
import { deepEqual } from "../resources/common/change-rules";
import { contextFor } from "../resources/common/client-cache";
import { withMessage } from "../resources/common/errors";
import { escapeControl } from "../text";
import { lookupCustomerOrg, checkLookupArgs } from "../lookups/customer-org";
import { PACKAGE_NAME, PLUGIN_RESOURCES, resourceByToken, type PluginResource } from "./catalog";
import { CUSTOMER_ORG_LOOKUP } from "./lookup-schema";
import { schemaText } from "./package-schema";

/** The setting names, in the configuration table's order. */
const SETTING_NAMES = Object.keys(CONFIG_TABLE) as SettingName[];

/** A property's change as the plugin reports it in a detailed diff. */
export type PropertyChange = "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";

/** What the plugin's diff returns: the operations' verdict plus the changed keys and a detailed diff. */
export interface PluginDiffResult extends provider.DiffResult {
  /** Top-level inputs whose value differs (the engine applies `replaceOnChanges` to these). */
  readonly diffs: string[];
  /** Per changed input, what the change does. */
  readonly detailedDiff: Record<string, PropertyChange>;
}

/**
 * Rewrites the stack-config keys the operations name (`webex:accessToken`) to the plugin's
 * (`webex-wholesale:accessToken`), so a message tells a Python or YAML user the key they set. The
 * environment variables are the same for both.
 */
export function pluginWording(message: string): string {
  return message.replace(/\bwebex:(\w+)/g, (whole, key: string) =>
    SETTING_NAMES.includes(key as SettingName) ? `${PACKAGE_NAME}:${key}` : whole,
  );
}

/**
 * Runs `f`; what it throws is reworded ({@link pluginWording}) into a copy of the error (same class
 * and fields), never in place: the operations may reject several calls with one shared error.
 */
async function reworded<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const message = pluginWording(e.message);
    throw message === e.message ? e : withMessage(e, message);
  }
}

/** A configuration value as the engine sends it: a string, or JSON for numbers and booleans. */
function configString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** The resource of a URN (`urn:pulumi:stack::project::webex-wholesale:index:CustomerOrg::name`). */
function resourceOfUrn(urn: string): PluginResource {
  const type = urn.split("::")[2]?.split("$").pop() ?? "";
  const r = resourceByToken(type);
  if (r === undefined)
    throw new Error(
      `${PACKAGE_NAME}: unknown resource type ${type}; this plugin serves ${PLUGIN_RESOURCES.map((x) => x.token).join(", ")}`,
    );
  return r;
}

/** How one top-level input changed between old outputs and new inputs, or undefined when it did not. */
function changeOf(
  key: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  replaces: readonly string[],
): PropertyChange | undefined {
  const before = olds[key];
  const after = news[key];
  if (before === undefined && after === undefined) return undefined;
  if (deepEqual(before, after)) return undefined;
  const base = before === undefined ? "add" : after === undefined ? "delete" : "update";
  return replaces.includes(key) ? `${base}-replace` : base;
}

/**
 * The plugin's provider object. One per plugin process (the engine starts one process per
 * provider resource, default or explicit).
 */
export class WholesaleProvider implements provider.Provider {
  /** Keys the settings the operations read (`configure` fills it; the environment is the fallback). */
  private readonly owner = {};
  /** The configured settings by name, as strings. */
  private settings: Partial<Record<SettingName, string>> = {};
  /** Owners whose provisioning timeout a resource's `customTimeouts` replaced, by seconds. */
  private readonly timed = new Map<number, object>();

  /**
   * @param version the plugin's version (the npm package's).
   */
  constructor(readonly version: string) {
    this.applySettings();
  }

  /** The package schema (generated, the same text as `schema.json`). */
  async getSchema(): Promise<string> {
    return schemaText(this.version);
  }

  /**
   * Takes the provider configuration the engine sends: the `variables` map
   * (`webex-wholesale:config:<key>` → string) and, for keys absent there, the `args` struct.
   * Unknown keys are ignored; values are kept as strings, as stack config and the environment give them.
   */
  configure(variables: Record<string, string>, args: Record<string, unknown>): void {
    const next: Partial<Record<SettingName, string>> = {};
    for (const name of SETTING_NAMES) {
      const value = variables[`${PACKAGE_NAME}:config:${name}`] ?? variables[`${PACKAGE_NAME}:${name}`] ?? configString(args[name]);
      if (value !== undefined && value !== "") next[name] = value;
    }
    this.settings = next;
    this.timed.clear();
    this.applySettings();
  }

  /**
   * Checks the configured settings against the service, once per run: a `webex:subPartnerOrgId` the
   * partner does not manage fails `Configure`, before any `Check` of a preview (see
   * `resources/common/sub-partner.ts`; the check is the same for every resource, so one runs it).
   */
  async verifyConfiguration(): Promise<void> {
    await PLUGIN_RESOURCES[0]?.operations.verifyConfiguration(this.owner);
  }

  /** Hands the settings to every operations module under `owner` (with an optional timeout override). */
  private applySettings(owner: object = this.owner, overrides: Partial<Record<SettingName, string>> = {}): void {
    const values = { ...this.settings, ...overrides };
    // The operations read the `webex:` keys of the configuration table.
    const source = { config: { get: (key: string) => values[SETTING_NAMES.find((n) => CONFIG_TABLE[n].key === key) as SettingName] } };
    for (const r of PLUGIN_RESOURCES) r.operations.configure(owner, source);
  }

  /**
   * The owner whose provisioning timeout is `timeoutSeconds` (a resource's `customTimeouts`), or
   * the configured one when the engine sent none (0).
   */
  private ownerFor(timeoutSeconds: number | undefined): object {
    if (timeoutSeconds === undefined || !(timeoutSeconds > 0)) return this.owner;
    const seconds = Math.max(1, Math.ceil(timeoutSeconds));
    let owner = this.timed.get(seconds);
    if (owner === undefined) {
      owner = {};
      this.applySettings(owner, { provisioningTimeoutSeconds: String(seconds) });
      this.timed.set(seconds, owner);
    }
    return owner;
  }

  /**
   * Validates the provider configuration without I/O (`CheckConfig`): every key but the token is
   * checked against the configuration schema; the token may come from the environment at run time.
   * Failures name the `webex-wholesale:` key.
   */
  checkConfig(news: Record<string, unknown>): provider.CheckResult {
    const raw: Record<string, string> = {};
    for (const name of SETTING_NAMES) {
      const value = configString(news[name]);
      if (value !== undefined && value !== "") raw[name] = value;
    }
    const parsed = ProviderSettingsSchema.omit({ accessToken: true }).safeParse(raw);
    const failures = parsed.success
      ? []
      : parsed.error.issues.map((issue) => ({ property: String(issue.path[0] ?? ""), reason: pluginWording(issue.message) }));
    const unknownKeys = Object.keys(news).filter((k) => k !== "version" && !SETTING_NAMES.includes(k as SettingName));
    for (const key of unknownKeys) {
      // The key is the program's text, shown on a terminal.
      failures.push({
        property: escapeControl(key),
        reason: `is not a ${PACKAGE_NAME} setting; the settings are ${SETTING_NAMES.join(", ")}`,
      });
    }
    return { inputs: news, failures };
  }

  /** What a configuration change does (`DiffConfig`): an update of the provider, never a replacement. */
  diffConfig(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; diffs: string[] } {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    const diffs = [...keys].filter((k) => !deepEqual(olds[k], news[k]));
    return { changes: diffs.length > 0, diffs };
  }

  /** Validates and normalises inputs by the resource's own `check` (olds passed through). */
  async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<provider.CheckResult> {
    const r = resourceOfUrn(urn);
    const result = await reworded(() => r.operations.check(this.owner, olds ?? {}, news ?? {}));
    return {
      inputs: result.inputs,
      failures: (result.failures ?? []).map((f) => ({ property: f.property, reason: pluginWording(f.reason) })),
    };
  }

  /**
   * The resource's own diff (a refused change throws, failing preview with its message), plus the
   * changed top-level inputs and a detailed diff so `replaceOnChanges` and the CLI's display work.
   */
  async diff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<PluginDiffResult> {
    const r = resourceOfUrn(urn);
    const verdict = await reworded(() => r.operations.diff(this.owner, id, olds, news));
    const replaces = verdict.replaces ?? [];
    const detailedDiff: Record<string, PropertyChange> = {};
    if (verdict.changes === true) {
      for (const key of Object.keys(r.args.shape)) {
        const change = changeOf(key, olds, news, replaces);
        if (change !== undefined) detailedDiff[key] = change;
      }
    }
    return { ...verdict, diffs: Object.keys(detailedDiff), detailedDiff };
  }

  /** Creates (or adopts) the object; `timeoutSeconds` is the resource's `customTimeouts.create`. */
  async create(urn: string, inputs: Record<string, unknown>, timeoutSeconds?: number): Promise<provider.CreateResult> {
    const r = resourceOfUrn(urn);
    return reworded(() => r.operations.create(this.ownerFor(timeoutSeconds), inputs));
  }

  /**
   * Reads the object. With no properties (`pulumi import` by id), the outputs carry
   * `schemaVersion` 0: what the API does not return (names, quantities, template) is unknown, so
   * the next `up` compares only what is known, refuses nothing on a missing value, and migrates the
   * state to the program's inputs without an API call when they agree with the server.
   */
  async read(id: string, urn: string, props?: Record<string, unknown>): Promise<provider.ReadResult> {
    const r = resourceOfUrn(urn);
    const imported = props === undefined || Object.keys(props).length === 0;
    const result = await reworded(() => r.operations.read(this.owner, id, props ?? {}));
    if (!result.id) {
      // An import of an id that does not exist must fail (the engine only sees "no outputs" as
      // missing, and the SDK host always sends some); a refresh of a deleted object answers gone.
      if (imported) throw new Error(`${r.name} ${id} does not exist (the API answered 404): check the id you import`);
      return { id: "", props: {} };
    }
    const outs = imported ? { ...result.props, schemaVersion: 0 } : result.props;
    return { id: result.id, props: outs, inputs: result.inputs };
  }

  /** Updates the object; `timeoutSeconds` is the resource's `customTimeouts.update`. */
  async update(
    id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    timeoutSeconds?: number,
  ): Promise<provider.UpdateResult> {
    const r = resourceOfUrn(urn);
    return reworded(() => r.operations.update(this.ownerFor(timeoutSeconds), id, olds, news));
  }

  /** Deletes the object; `timeoutSeconds` is the resource's `customTimeouts.delete`. */
  async delete(id: string, urn: string, props: Record<string, unknown>, timeoutSeconds?: number): Promise<void> {
    const r = resourceOfUrn(urn);
    return reworded(() => r.operations.remove(this.ownerFor(timeoutSeconds), id, props));
  }

  /** `webex-wholesale:index:getCustomerOrg`: bad arguments are failures, not errors. */
  async invoke(fn: string, inputs: Record<string, unknown>): Promise<provider.InvokeResult> {
    if (fn !== CUSTOMER_ORG_LOOKUP.token)
      throw new Error(`${PACKAGE_NAME}: unknown function ${fn}; this plugin serves ${CUSTOMER_ORG_LOOKUP.token}`);
    const failures = checkLookupArgs(inputs);
    if (failures.length > 0) return { failures };
    return { outputs: await reworded(() => lookupCustomerOrg(contextFor(this.owner), inputs)) };
  }
}
