// A step's errors: the failure carries the kind of step and whether it was already reported; anything thrown reads
// as one line.
import { expect } from "chai";

import { StepError, StepFailure, describeError } from "../../../local/engine/step-errors";

describe("local engine: step errors", () => {
  it("a step failure is a step error carrying its step, its progress token and whether it was reported", () => {
    const token = {};
    const f = new StepFailure("replace", "the old resource could not be deleted", token, true);
    expect(f).to.be.instanceOf(StepError);
    expect(f).to.include({ op: "replace", token, reported: true, message: "the old resource could not be deleted", name: "StepError" });
    expect(new StepFailure("create", "x").reported).to.equal(false);
  });

  it("describes an error by its message and anything else by its text", () => {
    expect([new Error("boom"), "text", 42, undefined].map(describeError)).to.deep.equal(["boom", "text", "42", "undefined"]);
  });
});
