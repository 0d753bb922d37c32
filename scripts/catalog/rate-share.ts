/**
 * How the partner's one rate limit (`webex:maxRequestsPerSecond`) is divided between shards that
 * run at once. Pure.
 *
 * A running shard's share is fixed for its run: the provider reads its settings once, when the
 * engine configures it. So the rate a shard frees when it finishes goes to the shards that start
 * after it, and the shares of the shards running at any moment never add up to more than the limit.
 */

/**
 * The share of `total` requests per second for a shard that starts now.
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
  // Rounded down to a thousandth so that the sum of shares never exceeds the limit by rounding.
  return Math.max(0.001, Math.floor((free / slots) * 1000) / 1000);
}
