/**
 * One provisioning client per process per (base URL, token, sub-partner, pacing), shared by every
 * resource of a provider: they then share the client's pacing and its 429 pause (a burst of 500
 * users does not become 500 independent retry storms) and its provisioning-time estimates (the
 * tenth customer's first poll comes when the first nine took to provision).
 *
 * With `webex:rateShareFile`, the client's pacing follows that file (`rate-share-file.ts`); the file
 * is read only when a request is paced, never in check or diff, which build no client.
 *
 * The cache key holds a hash of the token, never the token. Clients are built from the settings
 * inside provider methods, never captured in `__provider`.
 */
import { createHash } from "node:crypto";
import { createClient, type ClientOptions, type ProvisioningClient } from "../../client";
import { rateShareReader } from "../../client/rate-share-file";
import { CONFIG_TABLE, type ProviderSettings } from "../../config";
import { ConfigurationError } from "./errors";
import { providerSettingsFor } from "./settings";
import { guardDynamicProviderProcess } from "./engine-gone";
import { assertSupportedSdk } from "./sdk-version";

/** What every operation works with: settings resolved for its provider object, and the shared client. */
export interface OperationContext {
  /** The resolved settings. */
  readonly settings: ProviderSettings;
  /** The process-wide client for these settings. */
  readonly client: ProvisioningClient;
  /** How long create/update/delete wait for a terminal status, ms. */
  readonly timeoutMs: number;
  /** Per-process memo for lookups that never change (headquarters location of an org, ...). */
  readonly memo: Map<string, Promise<unknown>>;
  /** Sleep for the operations' own polls (the client's, unless one was injected). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Client options an embedding caller may inject for one provider object's operations (a clock, a
 * sleep, a retry budget; tests pass a 0-ms sleep). Never the token or URL: those are settings.
 */
export type ClientTuning = Pick<ClientOptions, "sleep" | "maxAttempts" | "requestTimeoutMs" | "coldInitialDelayMs" | "now" | "random">;

/** Stable, non-reversible stand-in for the token in the cache key. */
function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 32);
}

/** One set of shared clients, one per (base URL, token, sub-partner, pacing), built on first use. */
export class ClientCache {
  private readonly clients = new Map<string, { client: ProvisioningClient; memo: Map<string, Promise<unknown>> }>();

  /** @param tuning client options for every client this cache builds. */
  constructor(readonly tuning: ClientTuning = {}) {}

  /** The shared client for `settings`, built on first use. */
  clientFor(settings: ProviderSettings): { client: ProvisioningClient; memo: Map<string, Promise<unknown>> } {
    const key = [
      settings.baseUrl,
      tokenHash(settings.accessToken),
      settings.subPartnerOrgId ?? "",
      settings.maxRequestsPerSecond ?? "",
      settings.rateShareFile ?? "",
      settings.requestTimeoutSeconds,
    ].join("|");
    let entry = this.clients.get(key);
    if (entry === undefined) {
      const rps = settings.maxRequestsPerSecond;
      const shareFile = settings.rateShareFile;
      if (shareFile !== undefined && rps === undefined) {
        throw new ConfigurationError(
          `${CONFIG_TABLE.rateShareFile.key} (${CONFIG_TABLE.rateShareFile.env}) is set without ${CONFIG_TABLE.maxRequestsPerSecond.key} (${CONFIG_TABLE.maxRequestsPerSecond.env}): set that too, to the rate to start with until the file gives one`,
        );
      }
      const client = createClient({
        ...this.tuning,
        baseUrl: settings.baseUrl,
        accessToken: settings.accessToken,
        subPartnerOrgId: settings.subPartnerOrgId,
        requestTimeoutMs: this.tuning.requestTimeoutMs ?? settings.requestTimeoutSeconds * 1000,
        // A burst of one second's worth keeps short programs fast while holding the average rate;
        // unset leaves the client to its shared 429 pause and the rate it learns from it.
        rateLimit: rps === undefined ? undefined : { perSecond: rps, burst: Math.max(1, Math.ceil(rps)) },
        // The coordinator's file moves the rate while the stack runs; the gate asks before each paced request.
        rateSupplier: shareFile === undefined || rps === undefined ? undefined : rateShareReader(shareFile, rps),
      });
      entry = { client, memo: new Map() };
      this.clients.set(key, entry);
    }
    return entry;
  }
}

/** The process's clients: every provider object's, unless one was given its own. */
const processClients = new ClientCache();
/** Provider objects given their own clients ({@link useClients}). */
const injected = new WeakMap<object, ClientCache>();

/**
 * Makes the operations of the provider object `owner` use `clients` instead of the process's
 * (dependency injection: the caller that owns the object supplies the clock, sleep or retry budget).
 */
export function useClients(owner: object, clients: ClientCache): void {
  injected.set(owner, clients);
}

/**
 * The operation context of a provider object: its settings (configure, else environment) and the
 * shared client (the process's, or those given to it by {@link useClients}).
 * @throws ConfigurationError when the token is missing or a setting is invalid.
 */
export function contextFor(owner: object): OperationContext {
  assertSupportedSdk();
  guardDynamicProviderProcess(); // exit quietly once the engine is gone (engine-gone.ts)
  const settings = providerSettingsFor(owner);
  const clients = injected.get(owner) ?? processClients;
  const { client, memo } = clients.clientFor(settings);
  return { settings, client, memo, timeoutMs: settings.provisioningTimeoutSeconds * 1000, sleep: clients.tuning.sleep };
}

/**
 * Memoises a lookup for the life of the process (per client): `memo(ctx, key, load)` runs `load`
 * once per key; a failed load is forgotten so the next call tries again.
 */
export function memoize<T>(ctx: OperationContext, key: string, load: () => Promise<T>): Promise<T> {
  const existing = ctx.memo.get(key) as Promise<T> | undefined;
  if (existing !== undefined) return existing;
  const promise = load();
  ctx.memo.set(key, promise);
  promise.catch(() => ctx.memo.delete(key));
  return promise;
}
