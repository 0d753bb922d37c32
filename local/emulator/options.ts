/**
 * Options of `startEmulator`, the CLI and `PUT /__admin/config`, as zod schemas (the single
 * source of their types).
 */
import { z } from "zod";
import { FixturesInputSchema } from "./core/state";

/** Injectable faults (`faults.kinds` and `X-Emulator-Scenario`). */
export const FaultKindSchema = z.enum(["500", "503", "hang", "reset", "commit-then-500", "commit-then-drop"]);

/** One injectable fault kind. */
export type FaultKind = z.output<typeof FaultKindSchema>;

/**
 * Values of the `X-Emulator-Scenario` request header: a fault kind, a forced `429`/`423`, or an
 * asynchronous outcome of a customer write.
 */
export const ScenarioSchema = z.enum([...FaultKindSchema.options, "429", "423", "provisioned_with_errors", "error"]);

/** One forced scenario. */
export type Scenario = z.output<typeof ScenarioSchema>;

/** Latency added before answering API routes: a number of ms, or fixed ± jitter (uniform in [max(0, fixed − jitter), fixed + jitter]). */
export const LatencySchema = z.union([z.number().min(0), z.object({ fixed: z.number().min(0), jitter: z.number().min(0).default(0) })]);

/** Token bucket per token; `false` (or 0 rate) disables it. */
export const RateLimitSchema = z.union([z.literal(false), z.object({ perSecond: z.number().min(0), burst: z.number().int().min(1) })]);

/** Seeded fault injector: each API request fails with `probability`, with a kind drawn from `kinds`. */
export const FaultsSchema = z.object({
  probability: z.number().min(0).max(1),
  kinds: z.array(FaultKindSchema).min(1),
  seed: z.number().int().optional(),
});

/** What can change at runtime (`PUT /__admin/config`, `EmulatorAdmin.configure`). */
export const RuntimeConfigSchema = z.object({
  latencyMs: LatencySchema,
  rateLimit: RateLimitSchema,
  faults: z.union([FaultsSchema, z.literal(false)]),
  provisioningDelayMs: z.number().min(0),
});

/** The runtime configuration in force. */
export type RuntimeConfig = z.output<typeof RuntimeConfigSchema>;

/** A partial runtime configuration, as `PUT /__admin/config` takes it. */
export const RuntimeConfigPatchSchema = RuntimeConfigSchema.partial();

/** A partial runtime configuration. */
export type RuntimeConfigPatch = z.input<typeof RuntimeConfigPatchSchema>;

/** The reference's default rate limit: 20 requests/s, burst 40. */
export const DEFAULT_RATE_LIMIT = { perSecond: 20, burst: 40 } as const;

/** Options of `startEmulator`. */
export const EmulatorOptionsSchema = z.object({
  /** TCP port; 0 (default) picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Interface; loopback by default so nothing outside the machine can reach it. */
  host: z.string().default("127.0.0.1"),
  /**
   * The origin written into `Location` and `Link` (`https://emu.example:8443`) when clients reach the
   * emulator through another address than the one it listens on; by default the listening origin.
   * The request's `Host` header is never used: the real API does not echo it.
   */
  publicUrl: z
    .url()
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  /** The partner token (all scopes). Generated when absent. */
  token: z.string().min(8).optional(),
  /** The admin token for `/__admin/*`. Generated when absent. */
  adminToken: z.string().min(8).optional(),
  /** JSON file to load at start and keep up to date (atomic writes). */
  stateFile: z.string().min(1).optional(),
  /** How long customer writes stay `provisioning`/`updating`/`deleting` (default 200 ms). */
  provisioningDelayMs: z.number().min(0).default(200),
  latencyMs: LatencySchema.default(0),
  rateLimit: RateLimitSchema.default(DEFAULT_RATE_LIMIT),
  faults: FaultsSchema.optional(),
  fixtures: FixturesInputSchema.optional(),
  /** Seed of the state's PRNG (ids); random when absent. */
  seed: z.number().int().optional(),
  /** Receives one line per API request (method, path, status, time; never a token). */
  log: z.custom<(line: string) => void>((v) => typeof v === "function", "must be a function").optional(),
});

/** Options of `startEmulator` (all optional). */
export type EmulatorOptions = z.input<typeof EmulatorOptionsSchema>;
