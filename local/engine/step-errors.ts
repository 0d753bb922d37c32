/**
 * The errors of a step, and how anything thrown inside one reads in the run's output.
 */
import type { StepRecord } from "./options";

/** A step that cannot proceed, with a message meant for the person running the deployment. */
export class StepError extends Error {
  override name = "StepError";
}

/** A failure inside a step, carrying the kind of step and the renderer token of its progress line. */
export class StepFailure extends StepError {
  /**
   * @param op the kind of step that failed.
   * @param token the renderer token of the step's progress line.
   * @param reported the failure was already reported (only the run's status must change).
   */
  constructor(
    readonly op: StepRecord["op"],
    message: string,
    readonly token?: object,
    readonly reported = false,
  ) {
    super(message);
  }
}

/** A readable one-line message for anything thrown inside a step. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
