/**
 * Shared set-up of the provider-method tests: a configured provider (token only through
 * `configure`), nock with real network refused, clients given to each provider with a 0-ms sleep
 * for every poll (fresh for each test), and captured progress lines. Tests talk to 127.0.0.1 only.
 */
import nock from "nock";
import { ClientCache, useClients, type ClientTuning } from "../../../provider/resources/common/client-cache";
import type { WebexResourceProvider } from "../../../provider/resources/common/provider";
import { captureProgress } from "./progress-capture";

/** The fake API root every provider-method test uses (loopback, intercepted by nock). */
export const BASE = "http://127.0.0.1:18181";
/** The token; every test asserts it appears in no error, output or progress line. */
export const TOKEN = "tok_SECRET_do_not_leak_5d1f";

/** What `configure` receives: the stack config holding the token and the base URL. */
export function configureRequest(extra: Record<string, string> = {}) {
  const values: Record<string, string> = { "webex:accessToken": TOKEN, "webex:baseUrl": BASE, ...extra };
  return { config: { get: (key: string) => values[key], require: (key: string) => values[key]! } };
}

/** Encodes an id for a path, as the client does. */
export function enc(id: string): string {
  return encodeURIComponent(id);
}

/** The client options of the provider-method tests: no waiting, one attempt per request. */
export const TEST_TUNING: ClientTuning = { sleep: async () => undefined, coldInitialDelayMs: 0, maxAttempts: 1 };

/** The current test's clients, shared by its providers (as a program's providers share the process's). */
let testClients = new ClientCache(TEST_TUNING);

/**
 * `provider` using the current test's clients, or, given `tuning`, clients of its own tuned so.
 * @returns `provider`.
 */
export function withTestClients<P extends object>(provider: P, tuning?: ClientTuning): P {
  useClients(provider, tuning === undefined ? testClients : new ClientCache(tuning));
  return provider;
}

/** Installs the per-test hooks; returns the captured progress lines (reset before each test). */
export function useProviderHarness(): { lines: string[] } {
  const captured = { lines: [] as string[] };
  let restoreSink: () => void = () => undefined;
  const savedEnv = { ...process.env };
  beforeEach(() => {
    // The environment must not supply settings: only configure does.
    for (const key of Object.keys(process.env)) if (key.startsWith("WEBEX_")) delete process.env[key];
    nock.disableNetConnect();
    testClients = new ClientCache(TEST_TUNING);
    captured.lines.length = 0;
    restoreSink = captureProgress(captured.lines);
  });
  afterEach(() => {
    restoreSink();
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    process.env = { ...savedEnv };
    for (const line of captured.lines) if (line.includes(TOKEN)) throw new Error(`progress line leaks the token: ${line}`);
    if (pending.length > 0) throw new Error(`unused nock interceptors: ${pending.join(", ")}`);
  });
  return captured;
}

/** Asserts nothing about `value` (an error or outputs) contains the token, enumerable or not. */
export function containsToken(value: unknown): boolean {
  if (value instanceof Error) {
    const fields = Object.getOwnPropertyNames(value).map((k) => {
      try {
        return JSON.stringify((value as unknown as Record<string, unknown>)[k]) ?? "";
      } catch {
        return String((value as unknown as Record<string, unknown>)[k]);
      }
    });
    return [value.message, value.stack ?? "", ...fields].some((t) => t.includes(TOKEN));
  }
  return JSON.stringify(value ?? null).includes(TOKEN);
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function thrownBy(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to throw");
}

/**
 * A provider seen with untyped inputs and outputs: the operations tests hand it partial inputs and
 * state written by earlier versions on purpose, and read outputs without narrowing them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseProvider = WebexResourceProvider<any, any>;
