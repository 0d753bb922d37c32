// examples/multi-site end to end under the stand-in engine: two sites with numbers and a user on each;
// the main number moved and the old one removed in one update; refused changes fail preview with
// 0 API calls; destroy disables calling where Webex allows it and keeps the records.
import { expect } from "chai";
import { changes, failureText, stepCounts, useScenario, writes } from "./harness";

describe("e2e: examples/multi-site", function () {
  this.timeout(180_000);
  const s = useScenario("multi-site", "examples/multi-site");

  const sites = async () => Object.values((await s.state()).locations ?? {}) as Array<Record<string, unknown>>;

  it("up: the headquarters adopted (not duplicated), a second site created, numbers and main numbers set, a user on each", async () => {
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create).to.equal(6);
    const all = await sites();
    expect(all.map((l) => l.name).sort()).to.deep.equal(["Denver", "Headquarters"]);
    expect(r.outputs.mainNumbers).to.deep.equal({ headquarters: "+15125550100", denver: "+13035550100" });
    const state = await s.state();
    const peter = Object.values(state.subscribers).find((u) => u.email === "peter@initech.example");
    expect(peter?.locationId).to.equal((r.outputs.locations as Record<string, string>).denver);
    expect((await s.invariants()).ok).to.equal(true);
  });

  it("a second up changes nothing and writes nothing", async () => {
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(changes(r)).to.equal(0);
    expect(writes(await s.requests())).to.equal(0);
  });

  const refused: { name: string; from: string; to: string; property: RegExp }[] = [
    {
      name: "removing Denver's main number without naming another",
      from: `numbers: [{ number: "+13035550100" }, { number: "+13035550101" }, { number: "+13035550102" }],`,
      to: `numbers: [{ number: "+13035550101" }, { number: "+13035550102" }],`,
      property: /calling\.(numbers|mainNumber)/,
    },
    {
      name: "numbers on a declared integrated PSTN",
      from: `pstnConnectionId: "ccp-partner",`,
      to: `pstnConnectionId: "ccp-partner", pstnConnectionType: "INTEGRATED_CCP",`,
      property: /calling\.numbers.*INTEGRATED_CCP/,
    },
    {
      name: "removing from Denver the number its user holds",
      from: `numbers: [{ number: "+13035550100" }, { number: "+13035550101" }, { number: "+13035550102" }],`,
      to: `numbers: [{ number: "+13035550100" }, { number: "+13035550102" }],`,
      property: /locationNumbers.*drops \+13035550101, which this user holds.*remove the user/,
    },
    {
      name: "a user's number its site does not declare",
      from: `phoneNumber: "+13035550101",`,
      to: `phoneNumber: "+13035550199",`,
      property: /phoneNumber.*\+13035550199 is not one of the numbers/,
    },
  ];
  for (const c of refused) {
    it(`${c.name}: refused at preview, 0 API calls`, async () => {
      s.edit("index.ts", c.from, c.to);
      try {
        await s.resetRequests();
        const r = await s.run("preview");
        expect(r.ok, "preview must fail").to.equal(false);
        expect(failureText(r)).to.match(c.property);
        expect((await s.requests()).total, "nothing is sent").to.equal(0);
      } finally {
        s.edit("index.ts", c.to, c.from);
      }
    });
  }

  it("moving Denver's main number and removing the old one is one update", async () => {
    s.edit(
      "index.ts",
      `numbers: [{ number: "+13035550100" }, { number: "+13035550101" }, { number: "+13035550102" }],\n    mainNumber: "+13035550100",`,
      `numbers: [{ number: "+13035550101" }, { number: "+13035550102" }],\n    mainNumber: "+13035550102",`,
    );
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect([stepCounts(r).update, stepCounts(r).create, stepCounts(r).delete, stepCounts(r).replace]).to.deep.equal([1, 0, 0, 0]);
    expect((r.outputs.mainNumbers as Record<string, string>).denver).to.equal("+13035550102");
    const denver = (await sites()).find((l) => l.name === "Denver")!;
    expect(JSON.stringify(denver)).to.not.include("+13035550100");
  });

  it("destroy: users removed, calling disabled (the last calling location keeps it), records kept, customer deleted", async () => {
    const r = await s.run("destroy");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).delete).to.equal(6);
    // Destroyed together, one of the two sites is the org's last calling location: it keeps calling (the
    // customer's deletion takes it); the other is disabled. Either may be the one, so both lines are looked for.
    const output = s.lastOutput.join("\n");
    expect(output).to.match(/CustomerLocation (Denver|Headquarters): warning: Webex Calling disabled; the location record stays/);
    expect(output).to.match(
      /CustomerLocation (Denver|Headquarters): warning: calling stays enabled: this is the org's last calling location/,
    );
  });
});
