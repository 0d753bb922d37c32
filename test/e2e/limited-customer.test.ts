// examples/limited-customer end to end: quantities go up as one update; going down, or dropping
// quantities, is refused at preview with the property named and nothing written.
import { expect } from "chai";
import { changes, stepCounts, failureText, useScenario, writes } from "./harness";

describe("e2e: examples/limited-customer", function () {
  this.timeout(120_000);
  const s = useScenario("limited-customer", "examples/limited-customer");

  it("up creates a limited customer with its headquarters, and users placed there", async () => {
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create).to.equal(4);
    const state = await s.state();
    const [customer, ...others] = Object.values(state.customers);
    expect(others).to.be.empty;
    expect(customer!.externalId).to.equal("globex-002");
    expect(customer!.limits).to.deep.equal({ webex_calling: 10, webex_meetings: 20 });
    expect(customer!.headquarters?.id).to.be.a("string");
    const admin = Object.values(state.subscribers).find((u) => u.email === "ines@globex.example");
    expect(admin?.locationId).to.equal(customer!.headquarters!.id);
    expect(r.outputs.limited).to.equal(true);
    expect(r.outputs.headquartersLocationId).to.equal(customer!.headquarters!.id);
  });

  it("a second up changes nothing and writes nothing", async () => {
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(changes(r)).to.equal(0);
    expect(writes(await s.requests())).to.equal(0);
  });

  it("raising a quantity is one update: one PUT, and its preview lists exactly that update", async () => {
    s.edit("index.ts", `{ name: "webex_calling", quantity: 10 }`, `{ name: "webex_calling", quantity: 15 }`);
    const plan = await s.run("preview");
    expect(plan.ok, failureText(plan)).to.equal(true);
    const planned = plan.steps.filter((step) => step.op !== "same" && step.type !== "pulumi:pulumi:Stack");
    // The calling user takes its locationId from the customer's headquartersLocationId, unknown
    // while the customer updates: a preview that listed that user would not be what up writes.
    expect(planned.map((step) => [step.name, step.op])).to.deep.equal([["globex-002", "update"]]);
    expect(planned[0]?.changedKeys).to.deep.equal(["packages"]);
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect([stepCounts(r).update, stepCounts(r).create, stepCounts(r).replace, stepCounts(r).delete]).to.deep.equal([1, 0, 0, 0]);
    const requests = await s.requests();
    expect([requests.PUT, requests.POST, requests.DELETE]).to.deep.equal([1, 0, 0]);
    const [customer] = Object.values((await s.state()).customers);
    expect(customer!.limits).to.deep.equal({ webex_calling: 15, webex_meetings: 20 });
  });

  const refused: { name: string; from: string; to: string; property: RegExp }[] = [
    {
      name: "lowering a quantity",
      from: `{ name: "webex_meetings", quantity: 20 }`,
      to: `{ name: "webex_meetings", quantity: 12 }`,
      property: /packages\[webex_meetings\]\.quantity/,
    },
    {
      name: "limited → unlimited (dropping every quantity)",
      from: `{ name: "webex_calling", quantity: 15 },\n    { name: "webex_meetings", quantity: 20 },`,
      to: `{ name: "webex_calling" },\n    { name: "webex_meetings" },`,
      property: /packages\[webex_(calling|meetings)\]\.quantity|quantit/,
    },
  ];
  for (const c of refused) {
    it(`${c.name} is refused at preview, naming the property, and nothing is written`, async () => {
      s.edit("index.ts", c.from, c.to);
      await s.resetRequests();
      const r = await s.run("preview");
      s.edit("index.ts", c.to, c.from);
      expect(r.ok).to.equal(false);
      expect(failureText(r)).to.match(c.property);
      expect(failureText(r)).to.match(/globex-002/);
      expect(writes(await s.requests())).to.equal(0);
    });
  }

  it("destroy leaves the emulator empty", async () => {
    const r = await s.run("destroy");
    expect(r.ok, failureText(r)).to.equal(true);
    const state = await s.state();
    expect([Object.keys(state.templates), Object.keys(state.customers), Object.keys(state.subscribers)]).to.deep.equal([[], [], []]);
    expect(await s.invariants()).to.include({ ok: true });
  });
});
