/**
 * Seeded fault injector: with probability `p` an API request gets a fault of a kind drawn
 * uniformly from `kinds`. Same seed, same sequence of requests → same faults.
 */
import type { z } from "zod";
import { Rng } from "./core/random";
import type { FaultKind, FaultsSchema } from "./options";

/** Draws faults for API requests. */
export class FaultInjector {
  private config: z.output<typeof FaultsSchema> | false;
  private rng: Rng;

  /** `false` (or undefined) injects nothing. */
  constructor(config: z.output<typeof FaultsSchema> | false | undefined) {
    this.config = config ?? false;
    this.rng = new Rng(this.config === false ? 1 : (this.config.seed ?? 1));
  }

  /** Replaces the configuration and restarts the sequence from its seed. */
  configure(config: z.output<typeof FaultsSchema> | false): void {
    this.config = config;
    this.rng = new Rng(config === false ? 1 : (config.seed ?? 1));
  }

  /** The fault for the next API request, or undefined. */
  roll(): FaultKind | undefined {
    const c = this.config;
    if (c === false || c.probability <= 0) return undefined;
    if (this.rng.next() >= c.probability) return undefined;
    return c.kinds[Math.floor(this.rng.next() * c.kinds.length)];
  }
}
