import { expect } from "chai";
import { stateString, toPlain, unchangedSettledStatus } from "../../../../provider/resources/common/state";

describe("state helpers", () => {
  it("toPlain drops undefined at any depth (Pulumi's Struct refuses it)", () => {
    expect(toPlain({ a: undefined, b: { c: undefined, d: 1 }, e: [1] })).to.deep.equal({ b: { d: 1 }, e: [1] });
  });

  describe("unchangedSettledStatus (update without an API call: a migration of state's shape)", () => {
    const settled = ["provisioned", "pending_rpl_review"];
    const cases: { name: string; olds: Record<string, unknown>; changed: string[]; expect: string | undefined }[] = [
      { name: "no change on a settled object → its status", olds: { status: "provisioned" }, changed: [], expect: "provisioned" },
      { name: "a changed input → the server must be read", olds: { status: "provisioned" }, changed: ["packages"], expect: undefined },
      { name: "a busy object → the server must be read", olds: { status: "provisioning" }, changed: [], expect: undefined },
      { name: "no status in state (older version) → the server must be read", olds: {}, changed: [], expect: undefined },
      { name: "a non-string status → the server must be read", olds: { status: 3 }, changed: [], expect: undefined },
    ];
    for (const c of cases) {
      it(c.name, () => expect(unchangedSettledStatus(c.olds, c.changed, settled)).to.equal(c.expect));
    }
    it("stateString keeps strings and drops anything else", () => {
      expect(stateString({ a: "x", b: 1, c: null }, "a")).to.equal("x");
      expect(stateString({ a: "x", b: 1, c: null }, "b")).to.equal(undefined);
      expect(stateString({ a: "x", b: 1, c: null }, "c")).to.equal(undefined);
      expect(stateString({}, "missing")).to.equal(undefined);
    });
  });
});
