/**
 * The pure half of the operations contract ({@link PureOperations}): `configure`, `check` and
 * `diff`, the same three steps for every resource, built once from the resource's data (its input
 * validation and its rule table). They do no I/O, so a preview refuses before anything is sent.
 */
import { diffByRules, refusalFailures, type ResourceRules } from "./change-rules";
import type { CheckFailure } from "./check-engine";
import { isUnsettled } from "./state";
import type { PureOperations } from "./operations-abi";
import { refusalsInCheck, rememberConfiguration, ruleSettingsFor } from "./settings";

/**
 * What a resource supplies to {@link pureOperations}: data and pure functions only.
 * @typeParam I the resource's checked inputs; its rule table names each of their keys.
 */
export interface PureOperationsSpec<I extends object> {
  /** The resource's change rules, judged by both `check` (refusals) and `diff` (changes). */
  rules: ResourceRules<keyof I & string>;
  /**
   * Validates new inputs (types, formats, unknown keys, rules across fields); never throws.
   * `previous` (the previous inputs, empty on create) is for the rules that leave a change to the rule table.
   */
  validate(news: Record<string, unknown>, previous: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] };
  /**
   * Stored statuses that count as settled. A resource whose stored status is outside them (an
   * error, a timed-out create) is a change even with unchanged inputs: a refresh clears the
   * engine's record of the failed create, and only this keeps the next `up` retrying it.
   * Absent: the status never makes a change (the template has none).
   */
  settledStatuses?: readonly string[];
  /**
   * True when the stored outputs show the object has lost what the unchanged inputs still ask for
   * (a location whose calling was disabled outside the program, or by an interrupted destroy): a
   * change, so `update` brings it back. Pure, like the rest. Absent: never.
   */
  drifted?(olds: Record<string, unknown>, news: Record<string, unknown>): boolean;
}

/**
 * Builds `configure`, `check` and `diff` for one resource.
 * - `check` validates `news`; with valid inputs, a change from the previous inputs (`olds`) that
 *   the service refuses is a failure too, in `strict` mode: the engine checks before every diff of
 *   a preview or up but never during a refresh, so refusals stop a preview before anything is
 *   sent while a refresh absorbs drift.
 * - `diff` judges the rule table in `server` mode: refusals are `check`'s, because a refresh calls
 *   `diff` with the refreshed outputs and drift must never fail it.
 */
export function pureOperations<I extends object, O extends object>(spec: PureOperationsSpec<I>): PureOperations<I, O> {
  const { rules, validate, settledStatuses, drifted } = spec;
  return {
    configure(owner, req) {
      rememberConfiguration(owner, req);
    },
    check(owner, olds, news) {
      const { inputs, failures } = validate(news, olds);
      // Without failures, `validate` returned the schema's output, `I` (values still unknown at
      // preview aside); with failures, Pulumi reports them and never uses the inputs as `I`.
      const checked = inputs as I;
      if (failures.length > 0) return { inputs: checked, failures };
      return { inputs: checked, failures: refusalFailures(rules, olds, inputs, ruleSettingsFor(owner)) };
    },
    diff(owner, _id, olds, news) {
      const { changes, replaces, deleteBeforeReplace } = diffByRules(rules, olds, news, {
        clientRules: "server",
        refusalsInCheck: refusalsInCheck(owner),
      });
      const unsettled = settledStatuses !== undefined && isUnsettled(olds, settledStatuses);
      return { changes: changes || unsettled || drifted?.(olds, news) === true, replaces, deleteBeforeReplace };
    },
  };
}
