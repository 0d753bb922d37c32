/**
 * The provider's configuration table (resources.md, "Configuration") as data plus one zod schema.
 *
 * Every setting is read inside provider methods, never captured in the serialized provider: stack
 * config delivered by the plugin's `configure` wins, else the environment variable, else the
 * default. Keeping the table as data lets the reference and the error messages name both spellings of
 * each setting from one place.
 */
import { z } from "zod";

/** Default API root: the public Webex API. */
export const DEFAULT_BASE_URL = "https://webexapis.com";

/** Default time create/update/delete wait for a terminal status (resources.md: 1800 s). */
export const DEFAULT_PROVISIONING_TIMEOUT_SECONDS = 1800;

/**
 * Default per-request timeout. A project addition: a hung connection must not stall a run for the
 * client's generic default, and the fault-injection suite needs it short.
 */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

/** One row of the configuration table. */
export interface ConfigEntry {
  /** Stack configuration key, namespaced (`webex:…`), as given to `pulumi config set`. */
  readonly key: string;
  /** Environment variable read when the stack configuration does not set the key. */
  readonly env: string;
  /** Default, as a person would write it, or undefined when there is none. */
  readonly defaultValue?: string;
  /** Whether the value is a credential: never logged, never echoed in an error. */
  readonly secret: boolean;
  /** What the setting does, for the README and for error messages. */
  readonly description: string;
}

/**
 * The configuration table, keyed by the setting's field name in {@link ProviderSettings}.
 * `maxRequestsPerSecond` is a project addition: client-side pacing shared by every resource of the
 * process, useful when a partner's token carries a known low rate limit; unset means no pacing
 * until the first 429, after which the client pauses every request and learns a rate (see the
 * client's `RateGate`). `rateShareFile` is another: it lets a coordinator move a running stack's
 * rate (`provider/client/rate-share-file.ts`).
 */
export const CONFIG_TABLE = {
  accessToken: {
    key: "webex:accessToken",
    env: "WEBEX_ACCESS_TOKEN",
    secret: true,
    description: "Partner administrator's bearer token (set it with `pulumi config set --secret`).",
  },
  baseUrl: {
    key: "webex:baseUrl",
    env: "WEBEX_BASE_URL",
    defaultValue: DEFAULT_BASE_URL,
    secret: false,
    description: "API root, at most 2,048 characters; `http://` is refused except for loopback hosts (a local emulator).",
  },
  subPartnerOrgId: {
    key: "webex:subPartnerOrgId",
    env: "WEBEX_SUB_PARTNER_ORG_ID",
    secret: false,
    description:
      "Sent as `onBehalfOfSubPartnerOrgId` on every call (a master partner acting for a sub-partner); checked once per run against `GET /v1/wholesale/subPartners`, so a wrong id fails the preview with the valid ones; at most 256 characters.",
  },
  provisioningTimeoutSeconds: {
    key: "webex:provisioningTimeoutSeconds",
    env: "WEBEX_PROVISIONING_TIMEOUT_SECONDS",
    defaultValue: String(DEFAULT_PROVISIONING_TIMEOUT_SECONDS),
    secret: false,
    description: "How long create, update and delete wait for a terminal status.",
  },
  requestTimeoutSeconds: {
    key: "webex:requestTimeoutSeconds",
    env: "WEBEX_REQUEST_TIMEOUT_SECONDS",
    defaultValue: String(DEFAULT_REQUEST_TIMEOUT_SECONDS),
    secret: false,
    description:
      "How long one HTTP request may take before it is abandoned (then retried when safe, or looked up by its natural key when it was a create).",
  },
  clientRules: {
    key: "webex:clientRules",
    env: "WEBEX_CLIENT_RULES",
    defaultValue: "strict",
    secret: false,
    description:
      "`strict`: the service's change rules are refused at preview; `server`: diff refuses nothing and leaves judgement to the API.",
  },
  maxRequestsPerSecond: {
    key: "webex:maxRequestsPerSecond",
    env: "WEBEX_MAX_REQUESTS_PER_SECOND",
    secret: false,
    description:
      "Client-side pacing of API calls, shared by every resource of the process (a token bucket of this rate). Unset: no pacing until the API answers 429; then every resource pauses until `Retry-After` and the client paces itself at a rate learnt from the limit.",
  },
  rateShareFile: {
    key: "webex:rateShareFile",
    env: "WEBEX_RATE_SHARE_FILE",
    secret: false,
    description:
      'A JSON file `{ "perSecond": n }` that moves the pacing rate while the stack runs: `npm run catalog` writes one per running shard so the shards share the partner\'s limit as they start and finish. Needs `webex:maxRequestsPerSecond` (the rate until the file gives one). Re-read at most every 0.5 s, only when a request is paced; a missing or garbled file keeps the last good rate.',
  },
} as const satisfies Record<string, ConfigEntry>;

/** Name of a setting (a key of {@link CONFIG_TABLE}). */
export type SettingName = keyof typeof CONFIG_TABLE;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Whether `url` is https, or http to a loopback host (an emulator on this machine). */
function isAllowedBaseUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "https:") return true;
  return parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname);
}

/**
 * The longest API root accepted: 2 KB, the URL length proxies and servers commonly accept (the real
 * root, `https://webexapis.com`, is 21). Longer is a mistake (a file pasted into the setting), and is
 * refused before it is normalised or parsed.
 */
export const MAX_BASE_URL_LENGTH = 2048;

/** The longest sub-partner org id accepted: ids of the API are at most 256 characters. */
export const MAX_SUB_PARTNER_ORG_ID_LENGTH = 256;

/** Empty strings mean "not set", so `WEBEX_SUB_PARTNER_ORG_ID=` does not send an empty id. */
const subPartnerOrgId = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .max(MAX_SUB_PARTNER_ORG_ID_LENGTH, {
      error: (iss) =>
        `${CONFIG_TABLE.subPartnerOrgId.key} (${CONFIG_TABLE.subPartnerOrgId.env}) is ${String((iss.input as string).length)} characters long; an org id is at most ${MAX_SUB_PARTNER_ORG_ID_LENGTH}: give the sub-partner's org id`,
    })
    .optional(),
);

/**
 * Settings that need no credential: what `check` and `diff` may read. Values arrive as strings
 * (stack config and environment alike), hence the coercions.
 */
export const RuleSettingsSchema = z.object({
  clientRules: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.trim().toLowerCase() : undefined),
    z
      .enum(["strict", "server"], {
        error: `${CONFIG_TABLE.clientRules.key} (${CONFIG_TABLE.clientRules.env}) must be "strict" or "server"`,
      })
      .default("strict"),
  ),
});

/** The rule settings after defaults. */
export type RuleSettings = z.output<typeof RuleSettingsSchema>;

/** Every setting, after defaults and validation: what operations that call the API use. */
export const ProviderSettingsSchema = RuleSettingsSchema.extend({
  accessToken: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z
      .string({
        error: `no access token: set the stack config ${CONFIG_TABLE.accessToken.key} (pulumi config set --secret ${CONFIG_TABLE.accessToken.key} <token>) or the environment variable ${CONFIG_TABLE.accessToken.env}`,
      })
      .min(1, {
        error: `the access token is empty: set the stack config ${CONFIG_TABLE.accessToken.key} or the environment variable ${CONFIG_TABLE.accessToken.env}`,
      }),
  ),
  baseUrl: z.preprocess(
    (v) =>
      v === "" || v === undefined
        ? DEFAULT_BASE_URL
        : typeof v === "string" && v.length <= MAX_BASE_URL_LENGTH
          ? v.trim().replace(/\/+$/, "")
          : v,
    z
      .string()
      .max(MAX_BASE_URL_LENGTH, {
        error: (iss) =>
          `${CONFIG_TABLE.baseUrl.key} (${CONFIG_TABLE.baseUrl.env}) is ${String((iss.input as string).length)} characters long; an API root is at most ${MAX_BASE_URL_LENGTH}: give the root only, e.g. ${DEFAULT_BASE_URL}`,
        abort: true,
      })
      .refine(isAllowedBaseUrl, {
        error: `${CONFIG_TABLE.baseUrl.key} (${CONFIG_TABLE.baseUrl.env}) must be an https:// URL, or http:// to a loopback host such as 127.0.0.1`,
      }),
  ),
  subPartnerOrgId,
  provisioningTimeoutSeconds: z.preprocess(
    (v) => (v === "" || v === undefined ? DEFAULT_PROVISIONING_TIMEOUT_SECONDS : Number(v)),
    z
      .number({
        error: `${CONFIG_TABLE.provisioningTimeoutSeconds.key} (${CONFIG_TABLE.provisioningTimeoutSeconds.env}) must be a whole number of seconds ≥ 1`,
      })
      .int()
      .positive({
        error: `${CONFIG_TABLE.provisioningTimeoutSeconds.key} (${CONFIG_TABLE.provisioningTimeoutSeconds.env}) must be a whole number of seconds ≥ 1`,
      })
      .refine(Number.isFinite),
  ),
  requestTimeoutSeconds: z.preprocess(
    (v) => (v === "" || v === undefined ? DEFAULT_REQUEST_TIMEOUT_SECONDS : Number(v)),
    z
      .number({
        error: `${CONFIG_TABLE.requestTimeoutSeconds.key} (${CONFIG_TABLE.requestTimeoutSeconds.env}) must be a number of seconds > 0`,
      })
      .positive({
        error: `${CONFIG_TABLE.requestTimeoutSeconds.key} (${CONFIG_TABLE.requestTimeoutSeconds.env}) must be a number of seconds > 0`,
      })
      .refine(Number.isFinite),
  ),
  maxRequestsPerSecond: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z
      .number({
        error: `${CONFIG_TABLE.maxRequestsPerSecond.key} (${CONFIG_TABLE.maxRequestsPerSecond.env}) must be a number > 0`,
      })
      .positive({
        error: `${CONFIG_TABLE.maxRequestsPerSecond.key} (${CONFIG_TABLE.maxRequestsPerSecond.env}) must be a number > 0`,
      })
      .refine(Number.isFinite)
      .optional(),
  ),
  rateShareFile: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string({ error: `${CONFIG_TABLE.rateShareFile.key} (${CONFIG_TABLE.rateShareFile.env}) must be a file path` })
      .max(4096, {
        error: `${CONFIG_TABLE.rateShareFile.key} (${CONFIG_TABLE.rateShareFile.env}) is longer than a path can be: give the file's path`,
      })
      .optional(),
  ),
});

/** Every setting after defaults and validation. */
export type ProviderSettings = z.output<typeof ProviderSettingsSchema>;

/**
 * The configuration table as Markdown, for the resource reference, docs/resources.md (resources.md, "Configuration", plus the
 * project's `webex:maxRequestsPerSecond` and `webex:rateShareFile`). Generated from {@link CONFIG_TABLE} so the docs cannot
 * drift from what the provider reads.
 */
export function configTableMarkdown(): string {
  const rows = Object.values(CONFIG_TABLE).map((e: ConfigEntry) => {
    const key = e.secret ? `\`${e.key}\` (set with \`--secret\`)` : `\`${e.key}\``;
    const fallback = e.defaultValue !== undefined ? `\`${e.defaultValue}\`` : e.secret ? "none: a clear error naming both" : "none";
    return `| ${key} | \`${e.env}\` | ${fallback} | ${e.description.replace(/\|/g, "\\|")} |`;
  });
  return ["| config key | environment | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
