// examples/quickstart end to end: the local engine runs an unmodified copy of the example against
// the emulator; each step checks what reached the API through the emulator's admin view.
import { expect } from "chai";
import { changes, stepCounts, failureText, useScenario, writes } from "./harness";

describe("e2e: examples/quickstart", function () {
  this.timeout(120_000);
  const s = useScenario("quickstart", "examples/quickstart");
  let customerId: string;

  it("up creates the template, the customer and both users", async () => {
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create).to.equal(4);
    const state = await s.state();
    const customers = Object.values(state.customers);
    expect(customers.map((c) => [c.externalId, c.status])).to.deep.equal([["quickstart-001", "provisioned"]]);
    expect(Object.values(state.templates).map((t) => t.name)).to.deep.equal(["SMB EMEA"]);
    const users = Object.values(state.subscribers);
    expect(users.map((u) => u.email).sort()).to.deep.equal(["claire@quickstart-bistro.example", "hugo@quickstart-bistro.example"]);
    customerId = customers[0]!.id;
    expect(users.every((u) => u.customerId === customerId)).to.equal(true);
    expect(r.outputs.customerId).to.equal(customerId);
  });

  it("a second up changes nothing and writes nothing", async () => {
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(changes(r)).to.equal(0);
    expect(stepCounts(r).same).to.equal(4);
    expect(writes(await s.requests())).to.equal(0);
  });

  it("renaming a user (firstName) is refused at preview, naming the property, and writes nothing", async () => {
    s.edit("index.ts", `firstName: "Hugo"`, `firstName: "Hugues"`);
    await s.resetRequests();
    const r = await s.run("preview");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.match(/firstName/);
    expect(failureText(r)).to.match(/hugo@quickstart-bistro\.example/);
    expect(writes(await s.requests())).to.equal(0);
    s.edit("index.ts", `firstName: "Hugues"`, `firstName: "Hugo"`);
  });

  it("renaming the customer's logical name with aliases keeps it: no DELETE reaches the API", async () => {
    s.edit("index.ts", `new CustomerOrg("quickstart-001", {`, `new CustomerOrg("quickstart-bistro", {`);
    s.edit(
      "index.ts",
      `packages: [{ name: "webex_meetings" }], // no quantity: an unlimited customer\n});`,
      `packages: [{ name: "webex_meetings" }], // no quantity: an unlimited customer\n}, { aliases: [{ name: "quickstart-001" }] });`,
    );
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create + stepCounts(r).delete + stepCounts(r).replace).to.equal(0);
    const requests = await s.requests();
    expect(requests.DELETE).to.equal(0);
    expect(requests.POST).to.equal(0);
    expect(Object.values((await s.state()).customers).map((c) => c.id)).to.deep.equal([customerId]);
    expect(r.outputs.customerId).to.equal(customerId);
  });

  it("destroy leaves the emulator empty", async () => {
    const r = await s.run("destroy");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).delete).to.equal(4);
    const state = await s.state();
    expect([Object.keys(state.templates), Object.keys(state.customers), Object.keys(state.subscribers)]).to.deep.equal([[], [], []]);
    expect(await s.invariants()).to.include({ ok: true });
  });
});
