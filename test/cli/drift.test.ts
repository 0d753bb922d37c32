// Drift under the REAL Pulumi CLI (issue 11.1): changes made on the server through the emulator's
// admin API (as an administrator would in Control Hub) are absorbed by `pulumi refresh --yes`,
// `pulumi preview --refresh` and `pulumi up --refresh --yes`: the real engine calls the provider's
// diff with refreshed outputs as olds during a refresh, and no refusal may fire there. Objects
// deleted outside Pulumi are dropped by a refresh and recreated by the next `up`.
import { expect } from "chai";
import type { State } from "../../local/emulator/core/state";
import { describeWithCli, tail, useCliProgram } from "./support";

const REFUSAL = /refused|keep the current/i;

describeWithCli("real Pulumi CLI: refresh, preview --refresh and up --refresh after drift", function () {
  this.timeout(300_000);
  const p = useCliProgram("drift", "examples/quickstart", async () => {
    const r = await p.up();
    expect(r.output).to.match(/\+ 5 created/);
  });
  /** Changes the quickstart customer on the server, as Control Hub would, without an API request. */
  const drift = async (change: (c: State["customers"][string], s: State) => void) => {
    const s = await p.emulator.admin.state();
    const c = Object.values(s.customers).find((x) => x.externalId === "quickstart-001")!;
    change(c, s);
    await p.emulator.admin.replaceState(s);
  };
  const customer = async () => Object.values((await p.emulator.admin.state()).customers).find((x) => x.externalId === "quickstart-001");
  const writesSince = async (mark: number) => (await p.log(mark)).filter((l) => !l.startsWith("GET "));

  it("a package added on the server: `pulumi refresh --yes` succeeds and records it; the next `up` sends one PUT back to the program's packages", async () => {
    await drift((c) => c.packages.push("webex_calling"));
    const mark = await p.mark();
    const refresh = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
    expect(refresh.code, tail(refresh)).to.equal(0);
    expect(refresh.output).to.not.match(REFUSAL);
    expect(refresh.output).to.match(/~ 1 updated/);
    expect(await writesSince(mark)).to.deep.equal([]);
    const stored = (await p.exported()).find((r) => r.urn.endsWith("::quickstart-001"))!;
    expect(JSON.stringify(stored.outputs?.packages)).to.include("webex_calling");

    const up = await p.up();
    expect(up.output).to.match(/~ 1 updated/);
    expect(await writesSince(mark)).to.deep.equal(["PUT /v1/wholesale/customers/{id}"]);
    expect((await customer())!.packages).to.deep.equal(["webex_meetings"]);
  });

  it("`pulumi preview --refresh` after a package added on the server succeeds, sends no write and shows the update", async () => {
    await drift((c) => c.packages.push("webex_calling"));
    const mark = await p.mark();
    const r = await p.pulumi(["preview", "--refresh", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.not.match(REFUSAL);
    expect(r.output).to.match(/~ 1 to update/);
    expect(await writesSince(mark)).to.deep.equal([]);
  });

  it("`pulumi up --refresh --yes` after the same drift succeeds with exactly one PUT", async () => {
    const mark = await p.mark();
    const r = await p.pulumi(["up", "--refresh", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.not.match(REFUSAL);
    expect(await writesSince(mark)).to.deep.equal(["PUT /v1/wholesale/customers/{id}"]);
    expect((await customer())!.packages).to.deep.equal(["webex_meetings"]);
  });

  it("`address.country` changed on the server: `pulumi refresh --yes` succeeds; the program, which would move it back, is refused in check (preview and preview --refresh), sending nothing", async () => {
    await drift((c) => {
      c.address = { ...c.address, country: "BE" };
    });
    let mark = await p.mark();
    const refresh = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
    expect(refresh.code, tail(refresh)).to.equal(0);
    expect(refresh.output).to.not.match(REFUSAL);
    expect(refresh.output).to.match(/~ 1 updated/);
    expect(await writesSince(mark)).to.deep.equal([]);

    // The refresh step itself absorbs the drift; what fails is the program's own change back to
    // "FR", judged by check (a property path and the rule's sentence), before anything is sent.
    for (const args of [
      ["preview", "--non-interactive"],
      ["preview", "--refresh", "--non-interactive"],
    ]) {
      mark = await p.mark();
      const refused = await p.pulumi(args);
      expect(refused.code, tail(refused)).to.not.equal(0);
      expect(refused.output).to.include("property address.country value");
      expect(refused.output).to.include("keep the current `address.country`");
      expect(await writesSince(mark)).to.deep.equal([]);
    }
    // Put the server back as it was, and let a refresh record that.
    await drift((c) => {
      c.address = { ...c.address, country: "FR" };
    });
    const back = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
    expect(back.code, tail(back)).to.equal(0);
    const again = await p.pulumi(["preview", "--non-interactive"]);
    expect(again.code, tail(again)).to.equal(0);
    expect(again.output).to.not.match(/to update/);
  });

  it("objects deleted outside Pulumi: refresh drops them from state, the next `up` recreates them", async () => {
    await drift((c, s) => {
      for (const [id, sub] of Object.entries(s.subscribers)) if (sub.customerId === c.id) delete s.subscribers[id];
      delete s.customers[c.id];
      s.inFlight = s.inFlight.filter((x) => x !== c.id);
    });
    let mark = await p.mark();
    const refresh = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
    expect(refresh.code, tail(refresh)).to.equal(0);
    expect(refresh.output).to.match(/- 3 deleted/);
    expect(await writesSince(mark)).to.deep.equal([]);
    const urns = (await p.exported()).map((r) => r.urn);
    expect(urns.filter((u) => u.includes("webex:CustomerOrg") || u.includes("webex:CustomerUser"))).to.deep.equal([]);

    mark = await p.mark();
    const up = await p.up();
    expect(up.output).to.match(/\+ 3 created/);
    const posts = (await writesSince(mark)).filter((l) => l === "POST /v1/wholesale/customers" || l === "POST /v1/wholesale/subscribers");
    expect(posts).to.deep.equal(["POST /v1/wholesale/customers", "POST /v1/wholesale/subscribers", "POST /v1/wholesale/subscribers"]);
    expect((await customer())?.status).to.equal("provisioned");
    expect((await p.emulator.admin.invariants()).ok).to.equal(true);
  });
});
