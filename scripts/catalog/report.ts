/**
 * What `npm run catalog` prints: one status line per shard while it runs, and a final table. Pure
 * formatting; the command decides when to print.
 */
import { escapeControl } from "../../provider/text";

/** A shard's run as the report shows it. */
export type ShardStatus = {
  /** The stack name. */
  readonly stack: string;
  readonly state: "waiting" | "running" | "ok" | "failed" | "cancelled";
  /** Changes by kind (`create`, `update`, `delete`...), without unchanged resources. */
  readonly changes: Readonly<Record<string, number>>;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** The rate share the shard runs with (requests per second), when one is set. */
  readonly rate?: number;
  /** The last line the shard's engine printed (progress), or its error when it failed. */
  readonly last?: string;
};

/** `create 3, update 1`, or `no changes`. */
export function formatChanges(changes: Readonly<Record<string, number>>): string {
  const parts = Object.entries(changes)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

const seconds = (s: ShardStatus, now: number) =>
  s.startedAt === undefined ? "" : `${(((s.endedAt ?? now) - s.startedAt) / 1000).toFixed(1)} s`;

/** One line for a shard: `catalog-shard-1  running  12.0 s  rate 5/s  + webex:CustomerOrg acme-001 created`. */
export function progressLine(s: ShardStatus, now: number): string {
  const rate = s.rate === undefined ? "" : `rate ${s.rate}/s`;
  const last = s.last === undefined ? "" : escapeControl(s.last).slice(0, 100);
  return [s.stack, s.state, seconds(s, now), rate, last].filter(Boolean).join("  ");
}

/** The final table: shard, changes, duration, result; columns padded to their widest cell. */
export function finalTable(statuses: readonly ShardStatus[], now: number): string {
  const rows = [
    ["shard", "changes", "duration", "result"],
    ...statuses.map((s) => [s.stack, formatChanges(s.changes), seconds(s, now), s.state]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
