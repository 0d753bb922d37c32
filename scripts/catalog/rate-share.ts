/**
 * How the partner's one rate limit (`webex:maxRequestsPerSecond`) is divided between shards that
 * run at once. Pure.
 *
 * With share files (`webex:rateShareFile`, the pool's default), a running shard's share moves: every
 * running shard gets an even share ({@link evenShare}), re-divided whenever one starts or finishes, so
 * the last shard of a run has the whole limit. Without them a shard's share is fixed for its run (the
 * provider reads its settings once), and {@link shareFor} gives a starting shard what the running
 * ones leave free. Either way the shares of the shards running at any moment never add up to more
 * than the limit.
 */

/** Rounds a share down to a thousandth, so that the sum of shares never exceeds the limit by rounding. */
const roundDown = (share: number): number => Math.max(0.001, Math.floor(share * 1000) / 1000);

/**
 * The share of `total` requests per second for a shard that starts now, when shares are fixed.
 * @param total the partner's limit (requests per second).
 * @param running the shares of the shards running now.
 * @param waiting the shards not yet started, this one included (≥ 1).
 * @param pool the most shards that run at once.
 * @returns the free rate divided between the pool slots that the waiting shards will fill.
 * @example shareFor(10, [], 3, 2) // 5: two of the three shards start now, half each
 */
export function shareFor(total: number, running: readonly number[], waiting: number, pool: number): number {
  const free = total - running.reduce((a, b) => a + b, 0);
  const slots = Math.max(1, Math.min(pool - running.length, waiting));
  return roundDown(free / slots);
}

/**
 * Each running shard's share of `total` when shares follow the running shards.
 * @param total the partner's limit (requests per second).
 * @param running how many shards run (≥ 1).
 * @returns `total ÷ running`, rounded down to a thousandth.
 * @example evenShare(10, 3) // 3.333
 */
export function evenShare(total: number, running: number): number {
  return roundDown(total / Math.max(1, running));
}
