// The planner decides each custom resource's step from the options, the prior state and the provider's check and
// diff answers, as the real engine's step generator does (step_generator.go). One table, one row per rule; each
// row states the step it must give.
import { expect } from "chai";

import { makeSecret } from "../../../local/engine/property-values";
import { plan, type CheckAnswer, type PlanRegistration, type Step } from "../../../local/engine/planner";
import type { DiffAnswer } from "../../../local/engine/plugin-host";
import { resource } from "./state-fixtures";

const REG: PlanRegistration = { protect: false, replaceOnChanges: [], secretInputs: new Set() };
const PRIOR = resource("r", { inputs: { name: "r", size: 1 }, outputs: { name: "r", size: 1, id: "r-id" } });
const SAME_INPUTS: CheckAnswer = { inputs: { name: "r", size: 1 }, failures: [] };
const BIGGER: CheckAnswer = { inputs: { name: "r", size: 2 }, failures: [] };
const diff = (changes: DiffAnswer["changes"], replaces: string[] = [], deleteBeforeReplace = false): DiffAnswer => ({
  changes,
  replaces,
  deleteBeforeReplace,
});
const SIZE_CHANGED = { added: [], changed: ["size"], removed: [] };

type Row = {
  name: string;
  reg?: Partial<PlanRegistration>;
  prior?: typeof PRIOR;
  check: CheckAnswer;
  diff?: DiffAnswer;
  /** The step, without `inputs` unless the row is about them. */
  step: Partial<Step> & { op: Step["op"] };
};

const rows: Row[] = [
  { name: "no prior state: create", check: BIGGER, step: { op: "create" } },
  {
    name: "no prior state, deleted ahead of a delete-before-replace it depends on: its create completes the replacement",
    reg: { deletedAhead: true },
    check: BIGGER,
    step: { op: "replace", replaces: [], deleteBeforeReplace: true },
  },
  {
    name: "a check failure without prior state: refused as a create, naming the property",
    check: {
      inputs: {},
      failures: [
        { property: "size", reason: "must be positive" },
        { property: "", reason: "bad" },
      ],
    },
    step: { op: "refused", as: "create", message: "check failed: size: must be positive; bad" },
  },
  {
    name: "a check failure with prior state: refused as an update",
    prior: PRIOR,
    check: { inputs: {}, failures: [{ property: "size", reason: "must be positive" }] },
    step: { op: "refused", as: "update", message: "check failed: size: must be positive" },
  },
  { name: "diff NONE: same", prior: PRIOR, check: SAME_INPUTS, diff: diff("none"), step: { op: "same" } },
  {
    name: "diff NONE although inputs differ: same (the provider decides), with the new inputs",
    prior: PRIOR,
    check: BIGGER,
    diff: diff("none"),
    step: { op: "same", inputs: { name: "r", size: 2 } },
  },
  { name: "diff NONE with replaces: still same", prior: PRIOR, check: SAME_INPUTS, diff: diff("none", ["size"]), step: { op: "same" } },
  {
    name: "diff NONE after a partial create (init errors): the empty update that retries it",
    prior: { ...PRIOR, initErrors: ["provisioning failed"] },
    check: SAME_INPUTS,
    diff: diff("none"),
    step: { op: "update", retry: true, changedKeys: { added: [], changed: [], removed: [] } },
  },
  {
    name: "diff SOME without replaces: update, with the keys the engine found changed",
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some"),
    step: { op: "update", retry: false, changedKeys: SIZE_CHANGED },
  },
  {
    name: "diff SOME with init errors: an ordinary update",
    prior: { ...PRIOR, initErrors: ["x"] },
    check: BIGGER,
    diff: diff("some"),
    step: { op: "update", retry: false },
  },
  {
    name: "diff SOME with replaces: create-before-delete replacement",
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some", ["size"]),
    step: { op: "replace", replaces: ["size"], deleteBeforeReplace: false, changedKeys: SIZE_CHANGED },
  },
  {
    name: "the provider asks delete-before-replace",
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some", ["size"], true),
    step: { op: "replace", deleteBeforeReplace: true },
  },
  {
    name: "the program's deleteBeforeReplace: false overrides the provider's true",
    reg: { deleteBeforeReplace: false },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some", ["size"], true),
    step: { op: "replace", deleteBeforeReplace: false },
  },
  {
    name: "the program's deleteBeforeReplace: true applies though the provider did not ask",
    reg: { deleteBeforeReplace: true },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some", ["size"]),
    step: { op: "replace", deleteBeforeReplace: true },
  },
  {
    name: "a replacement of a resource the program protects: refused as a replace, naming the key",
    reg: { protect: true },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some", ["size"]),
    step: {
      op: "refused",
      as: "replace",
      message:
        "cannot replace a protected resource (a change to size requires a replacement); remove the protect option first if the replacement is intended",
    },
  },
  {
    name: "a replacement of a resource protected in the prior state: refused",
    prior: { ...PRIOR, protect: true },
    check: BIGGER,
    diff: diff("some", ["size"]),
    step: { op: "refused", as: "replace" },
  },
  {
    name: "an update of a protected resource goes ahead",
    reg: { protect: true },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some"),
    step: { op: "update" },
  },
  {
    name: "diff UNKNOWN (no diff method), equal inputs: the engine finds them the same",
    prior: PRIOR,
    check: SAME_INPUTS,
    diff: diff("unknown"),
    step: { op: "same" },
  },
  {
    name: "diff UNKNOWN, changed inputs: update",
    prior: PRIOR,
    check: BIGGER,
    diff: diff("unknown"),
    step: { op: "update", changedKeys: SIZE_CHANGED },
  },
  {
    name: "diff UNKNOWN, a changed key listed in replaceOnChanges: replace",
    reg: { replaceOnChanges: ["size"] },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("unknown"),
    step: { op: "replace", replaces: ["size"], deleteBeforeReplace: false },
  },
  {
    name: "diff UNKNOWN, replaceOnChanges on an unchanged key: update",
    reg: { replaceOnChanges: ["name"] },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("unknown"),
    step: { op: "update" },
  },
  {
    name: "a provider's own diff (SOME): replaceOnChanges has no effect",
    reg: { replaceOnChanges: ["*"] },
    prior: PRIOR,
    check: BIGGER,
    diff: diff("some"),
    step: { op: "update" },
  },
  {
    name: "secret inputs come back marked secret",
    reg: { secretInputs: new Set(["token"]) },
    check: { inputs: { name: "r", token: "t0k" }, failures: [] },
    step: { op: "create", inputs: { name: "r", token: makeSecret("t0k") } },
  },
  {
    name: "a secret made plain with the same value: no change for the engine's own comparison",
    prior: resource("r", { inputs: { name: "r", token: makeSecret("t0k") } }),
    check: { inputs: { name: "r", token: "t0k" }, failures: [] },
    diff: diff("unknown"),
    step: { op: "same" },
  },
];

describe("local engine: planner", () => {
  for (const row of rows) {
    it(row.name, () => {
      const step = plan({ ...REG, ...row.reg }, row.prior, row.check, row.diff);
      expect(step).to.deep.include(row.step);
      if (!row.prior && step.op === "replace") expect(step.changedKeys, "no old inputs to compare").to.equal(undefined);
      if (step.op !== "refused" && !("inputs" in row.step)) {
        expect(step.inputs, "the checked inputs").to.deep.equal(row.check.inputs);
      }
    });
  }

  it("is pure: it changes neither the prior state nor the check answer", () => {
    const prior = structuredClone({ ...PRIOR, initErrors: ["x"] });
    const check = structuredClone(BIGGER);
    plan({ ...REG, secretInputs: new Set(["size"]) }, prior, check, diff("some", ["size"]));
    expect(prior).to.deep.equal({ ...PRIOR, initErrors: ["x"] });
    expect(check).to.deep.equal(BIGGER);
  });
});
