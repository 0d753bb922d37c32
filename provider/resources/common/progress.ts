/**
 * Progress lines for long waits (`[webex] CustomerOrg acme-001: provisioning (12s)`).
 *
 * The dynamic-provider plugin has no connection to the engine (pulumi.log does not reach it from
 * provider methods), so progress goes to stderr, which the engines show beside the step. Lines are
 * throttled: one when the status changes, else one every `everyMs`, so a 30-minute provisioning
 * writes a few hundred lines at most. A line never contains a credential: callers pass only the
 * resource kind, its natural key and the status.
 */

/** Where progress lines go; replaceable for tests. */
export type ProgressSink = (line: string) => void;

const stderrSink: ProgressSink = (line) => {
  process.stderr.write(line + "\n");
};

let sink: ProgressSink = stderrSink;

/**
 * Replaces the process-wide progress sink (tests capture lines with it).
 * @returns a function restoring the previous sink.
 */
export function setProgressSink(next: ProgressSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/** Writes one line through the current sink, prefixed with `[webex]`. */
export function writeProgress(text: string): void {
  sink(`[webex] ${text}`);
}

/** A warning line (`pending_rpl_review`, `pending_user_migration`): shown whatever the throttle. */
export function writeWarning(kind: string, label: string, text: string): void {
  writeProgress(`${kind} ${label}: warning: ${text}`);
}

/** Reports the status of one object while a create/update/delete waits for it. */
export interface ProgressReporter {
  /** Called with each polled status; writes a line when it changed or `everyMs` passed. */
  report(status: string): void;
}

/**
 * A reporter for one wait.
 * @param kind resource kind, e.g. `CustomerOrg`.
 * @param label the object's natural key, e.g. its externalId or email.
 * @param opts `now` (ms clock) and `everyMs` (minimum interval between repeated lines; 10 s).
 */
export function progressReporter(
  kind: string,
  label: string,
  opts: { now?: () => number; everyMs?: number } = {},
): ProgressReporter {
  const now = opts.now ?? Date.now;
  const everyMs = opts.everyMs ?? 10_000;
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
