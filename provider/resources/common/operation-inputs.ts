/**
 * What `create` and `update` start from: the typed inputs, checked again (a program may call the
 * provider directly), and for `update` the change judged once, now that every value is known, with
 * what the previous state carries over.
 */
import type { DiffOptions } from "./change-rules";
import { ruleSettingsFor } from "./settings";
import { stateString, withoutProviderField } from "./state";

/** What a resource's pure `check` returns. */
export type CheckFunction = (news: Record<string, unknown>) => {
  inputs: Record<string, unknown>;
  failures: readonly { property: string; reason: string }[];
};

/**
 * The typed inputs of create/update: runs the resource's `check` again (Pulumi already did, but a
 * program may call the provider directly) and parses the result with its zod schema.
 * @throws Error listing every failure with its property path.
 */
export function parseInputs<T>(
  kind: string,
  check: CheckFunction,
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
  },
  news: Record<string, unknown>,
): T {
  const checked = check(withoutProviderField(news));
  if (checked.failures.length > 0) {
    throw new Error(`${kind}: invalid inputs: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
  const parsed = schema.safeParse(withoutProviderField(checked.inputs));
  if (!parsed.success) {
    throw new Error(
      `${kind}: invalid inputs: ${parsed.error.issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

/** What a resource supplies to {@link startUpdate}. */
export interface UpdateSpec<I, P extends string> {
  /** Its typed inputs from what the engine sent (`parseInputs` with its check and schema). */
  parse(news: Record<string, unknown>): I;
  /** Its diff; in `strict` mode it throws for a change the service refuses. */
  judge(olds: Record<string, unknown>, news: Record<string, unknown>, opts: DiffOptions): { changedKeys: readonly string[] };
  /** The string outputs of the previous state that the update carries over (ids the API gave). */
  carried: readonly P[];
}

/**
 * The start every `update` shares: typed inputs; the change judged once, now that every value is
 * known, so a refused change throws here in `strict` mode (a preview could not judge unknowns);
 * and the carried outputs of the previous state (undefined when absent, as in an older state).
 * @returns `inputs`, the `changedKeys` and the `previous` carried outputs.
 */
export function startUpdate<I, P extends string>(
  owner: object,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  spec: UpdateSpec<I, P>,
): { inputs: I; changedKeys: readonly string[]; previous: Record<P, string | undefined> } {
  const inputs = spec.parse(news);
  const { changedKeys } = spec.judge(olds, news, ruleSettingsFor(owner));
  const previous = Object.fromEntries(spec.carried.map((k) => [k, stateString(olds, k)])) as Record<P, string | undefined>;
  return { inputs, changedKeys, previous };
}
