import { expect } from "chai";

import { dependentCounts, runDeletes } from "../../../local/engine/delete-scheduler";
import type { ResourceState } from "../../../local/engine/state-schema";

const urn = (n: string) => `urn:pulumi:dev::p::t::${n}`;
function res(name: string, deps: string[] = [], parent = ""): ResourceState {
  return {
    urn: urn(name),
    type: "t",
    custom: true,
    id: name,
    parent: parent ? urn(parent) : "",
    inputs: {},
    outputs: {},
    dependencies: deps.map(urn),
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    external: false,
    additionalSecretOutputs: [],
  };
}
const nameOf = (r: ResourceState) => r.urn.split("::").pop()!;

describe("local engine: delete scheduler", () => {
  // a <- b <- c (c depends on b, b on a); d child of a; e independent.
  const set = () => [res("a"), res("b", ["a"]), res("c", ["b"]), res("d", [], "a"), res("e")];

  it("counts, for each resource, the members that depend on it", () => {
    const counts = dependentCounts(set());
    expect([...counts].map(([r, n]) => `${nameOf(r)}=${n}`)).to.deep.equal(["a=2", "b=1", "c=0", "d=0", "e=0"]);
  });

  it("deletes dependents and children before what they depend on, independent ones concurrently", async () => {
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const outcome = await runDeletes(set(), async (r) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((done) => setTimeout(done, 5));
      inFlight--;
      order.push(nameOf(r));
      return true;
    });
    expect(outcome.deleted).to.have.length(5);
    const before = (x: string, y: string) => expect(order.indexOf(x), `${x} before ${y} in ${order}`).to.be.lessThan(order.indexOf(y));
    before("c", "b");
    before("b", "a");
    before("d", "a");
    expect(maxInFlight).to.be.at.least(2);
  });

  it("does not delete what a failed deletion depends on", async () => {
    const outcome = await runDeletes(set(), async (r) => nameOf(r) !== "c");
    expect(outcome.failed.map(nameOf)).to.deep.equal(["c"]);
    expect(outcome.skipped.map(nameOf).sort()).to.deep.equal(["a", "b"]);
    expect(outcome.deleted.map(nameOf).sort()).to.deep.equal(["d", "e"]);
  });

  it("starts nothing once stopped", async () => {
    const outcome = await runDeletes(
      set(),
      async () => true,
      () => true,
    );
    expect(outcome.deleted).to.deep.equal([]);
    expect(outcome.skipped).to.have.length(5);
  });
});
