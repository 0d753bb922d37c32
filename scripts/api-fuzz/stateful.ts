/**
 * What schemathesis's stateful phase did, read from its NDJSON event stream (its JSON report has
 * no link figures): scenarios, links followed, and each failed check with the operation its step
 * called.
 */

/** The name schemathesis's report gives every failure of its stateful phase. */
export const STATEFUL_LABEL = "Stateful tests";

/** What the stateful phase of one spec did with the declared links. */
export interface StatefulStats {
  /** Scenarios that ran to an end (schemathesis's "Scenarios" line). */
  readonly scenarios: number;
  /** Links this project declared on the spec. */
  readonly declared: number;
  /** Distinct declared links followed at least once: a step sent with a value taken from a real 2xx answer. */
  readonly followed: number;
  /** Steps that followed a link, and how many of them the emulator answered with a 2xx. */
  readonly transitions: number;
  readonly succeeded: number;
  /** `"<code> <operation>"` of every failed check of the phase: the operation the failing step called. */
  readonly failures: ReadonlySet<string>;
}

/** One stateful scenario as the NDJSON report writes it (the fields read here). */
interface ScenarioEvent {
  readonly phase: string;
  readonly status: string | null;
  readonly is_final: boolean;
  readonly recorder: {
    readonly cases?: Record<string, { readonly transition?: { readonly id: string } | null; readonly is_transition_applied?: boolean }>;
    readonly interactions?: Record<string, { readonly response?: { readonly status_code: number } | null }>;
    readonly checks?: Record<
      string,
      readonly {
        readonly status: string;
        readonly failure_info?: { readonly failure: { readonly code: string; readonly operation: string } } | null;
      }[]
    >;
  };
}

/**
 * Counts, from schemathesis's NDJSON event stream, the scenarios and the link-following steps of
 * its stateful phase. A step counts as following a link when schemathesis applied a value the link
 * extracted (it sometimes generates the value instead, to explore); counted as schemathesis's own
 * "API Links: N covered" line counts, which the JSON report does not carry.
 */
export function statefulStats(ndjson: string, declared: number): StatefulStats {
  let scenarios = 0;
  let transitions = 0;
  let succeeded = 0;
  const followed = new Set<string>();
  const failures = new Set<string>();
  for (const line of ndjson.split("\n")) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const event = (JSON.parse(line) as { ScenarioFinished: ScenarioEvent }).ScenarioFinished;
    if (event.phase !== "stateful") continue;
    for (const checks of Object.values(event.recorder.checks ?? {})) {
      for (const check of checks) {
        const failure = check.failure_info?.failure;
        if (check.status === "failure" && failure !== undefined) failures.add(`${failure.code} ${failure.operation}`);
      }
    }
    if (event.is_final || event.recorder.cases === undefined) continue;
    if (event.status === null || event.status === "skip" || event.status === "interrupted") continue;
    scenarios++;
    for (const [id, step] of Object.entries(event.recorder.cases)) {
      if (step.transition == null || step.is_transition_applied !== true) continue;
      transitions++;
      followed.add(step.transition.id);
      const status = event.recorder.interactions?.[id]?.response?.status_code;
      if (status !== undefined && status >= 200 && status < 300) succeeded++;
    }
  }
  return { scenarios, declared, followed: followed.size, transitions, succeeded, failures };
}
