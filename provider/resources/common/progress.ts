/**
 * Progress lines for long waits (`[webex] CustomerOrg acme-001: provisioning (12s)`).
 *
 * The dynamic-provider plugin has no connection to the engine: `@pulumi/pulumi/cmd/dynamic-provider`
 * never hands its engine address to the SDK's runtime settings, so `pulumi.log` falls back to the
 * console, and provider methods receive no URN to attach a line to. Progress and warnings therefore
 * go to stderr, which the real CLI (3.146+) shows as stack-level info lines, never as a warning on
 * the resource. Lines are bounded: one when the status changes, else a heartbeat at most once a
 * minute, so 100 customers provisioning for 30 minutes write about 3,000 lines at most, not 6,000. A line never contains a credential: callers pass only the
 * resource kind, its natural key and the status.
 */

import { escapeControl } from "../../text";

/**
 * Writes one line to stderr, prefixed with `[webex]`, in one write (so concurrent operations never
 * interleave within a line). Statuses and warnings come from the API: control characters are
 * escaped, so the line stays one line in the terminal's colours.
 */
export function writeProgress(text: string): void {
  process.stderr.write(`[webex] ${escapeControl(text)}\n`);
}

/** A warning line (`pending_rpl_review`, `pending_user_migration`): shown whatever the throttle. */
export function writeWarning(kind: string, label: string, text: string): void {
  writeProgress(`${kind} ${label}: warning: ${text}`);
}

/** The longest a wait stays silent while its status does not change: a heartbeat a minute. */
export const HEARTBEAT_MS = 60_000;

/** Reports the status of one object while a create/update/delete waits for it. */
export interface ProgressReporter {
  /** Called with each polled status; writes a line when it changed or `everyMs` passed. */
  report(status: string): void;
}

/**
 * A reporter for one wait.
 * @param kind resource kind, e.g. `CustomerOrg`.
 * @param label the object's natural key, e.g. its externalId or email.
 * @param opts `now` (ms clock) and `everyMs` (minimum interval between repeated lines; 60 s).
 */
export function progressReporter(kind: string, label: string, opts: { now?: () => number; everyMs?: number } = {}): ProgressReporter {
  const now = opts.now ?? Date.now;
  const everyMs = opts.everyMs ?? HEARTBEAT_MS;
  const started = now();
  let lastStatus: string | undefined;
  let lastAt = -Infinity;
  return {
    report(status: string): void {
      const at = now();
      if (status === lastStatus && at - lastAt < everyMs) return;
      lastStatus = status;
      lastAt = at;
      writeProgress(`${kind} ${label}: ${status} (${Math.round((at - started) / 1000)}s)`);
    },
  };
}
