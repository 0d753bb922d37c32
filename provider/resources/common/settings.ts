/**
 * Where provider methods find their configuration: what the plugin passed to `configure` for this
 * provider object, else the environment (resources.md, "Configuration").
 *
 * The configured values live in a WeakMap keyed by the provider object, not on the object itself:
 * a provider instance is serialized by value into `__provider`, so anything stored on it could end
 * up in Pulumi state were the same instance configured and then serialized in one process.
 */
import { z } from "zod";
import {
  CONFIG_TABLE,
  ProviderSettingsSchema,
  RuleSettingsSchema,
  type ProviderSettings,
  type RuleSettings,
  type SettingName,
} from "../../config";
import { ConfigurationError } from "./errors";

/** The part of Pulumi's `ConfigureRequest` this module reads (`req.config.get("webex:…")`). */
export interface ConfigSource {
  /** The stack configuration; `get` takes a namespaced key and returns its string value. */
  readonly config: { get(key: string): string | undefined };
}

type RawSettings = Partial<Record<SettingName, string>>;

const configured = new WeakMap<object, RawSettings>();

const SETTING_NAMES = Object.keys(CONFIG_TABLE) as SettingName[];

/**
 * Remembers the `webex:*` stack configuration for `owner` (a provider object). Only the keys of the
 * configuration table are kept, so the rest of the stack config (other secrets) is never retained.
 */
export function rememberConfiguration(owner: object, req: ConfigSource): void {
  const raw: RawSettings = {};
  for (const name of SETTING_NAMES) {
    const value = req.config.get(CONFIG_TABLE[name].key);
    if (value !== undefined && value !== "") raw[name] = value;
  }
  configured.set(owner, raw);
}

/** Stack config first, else the environment variable, for every setting. */
function rawSettings(owner: object, env: NodeJS.ProcessEnv): RawSettings {
  const fromStack = configured.get(owner) ?? {};
  const raw: RawSettings = {};
  for (const name of SETTING_NAMES) {
    const value = fromStack[name] ?? env[CONFIG_TABLE[name].env];
    if (value !== undefined && value !== "") raw[name] = value;
  }
  return raw;
}

/** Joins zod's messages; never the input (which, for the token, is a secret). */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join("; ");
}

/**
 * Settings `check` and `diff` need (no credential, so a preview without a token still validates).
 * @throws ConfigurationError when a value is invalid.
 */
export function ruleSettingsFor(owner: object, env: NodeJS.ProcessEnv = process.env): RuleSettings {
  const parsed = RuleSettingsSchema.safeParse(rawSettings(owner, env));
  if (!parsed.success) throw new ConfigurationError(describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Whether `check` refuses the rule table's refused changes (`webex:clientRules=strict`, the
 * default), for `diff`'s `refusalsInCheck` option (change-rules.ts). An invalid setting counts as strict:
 * `check` reports it, and `diff`, which a refresh also calls, must not throw for it.
 */
export function refusalsInCheck(owner: object): boolean {
  const parsed = RuleSettingsSchema.safeParse(rawSettings(owner, process.env));
  return !parsed.success || parsed.data.clientRules !== "server";
}

/**
 * Every setting, for operations that call the API.
 * @throws ConfigurationError naming `webex:accessToken` and `WEBEX_ACCESS_TOKEN` when no token is
 *   configured, or naming the offending setting when a value is invalid.
 */
export function providerSettingsFor(owner: object, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const parsed = ProviderSettingsSchema.safeParse(rawSettings(owner, env));
  if (!parsed.success) throw new ConfigurationError(describeIssues(parsed.error));
  return parsed.data;
}
