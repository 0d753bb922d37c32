// Locations end to end on the stand-in engine, through the catalog (`npm start`'s program): two
// sites with numbers and a user on each, then the changes one pull request at a time. The
// same steps run under the real Pulumi CLI in test/cli/locations.test.ts.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { AUSTIN, CUSTOMER, DENVER, NUMBERS, locationsCatalog, type Variation } from "./locations-catalog";
import { changes, failureText, stepCounts, useScenario, writes } from "./harness";

describe("e2e: locations, numbers and users at two sites (stand-in engine)", function () {
  this.timeout(180_000);
  const s = useScenario("locations", undefined, "examples/catalog");
  let catalog: string;
  const write = (v: Variation) => writeFileSync(catalog, locationsCatalog(v));

  before(() => {
    catalog = s.workFile("customers.yaml");
    s.config = { "webex-catalog:catalogFile": catalog };
  });

  const site = async (name: string) => {
    const state = await s.state();
    const customer = Object.values(state.customers).find((c) => c.externalId === CUSTOMER)!;
    return Object.values(state.locations).find((l) => l.customerId === customer.id && l.name === name)!;
  };
  const user = async (email: string) => Object.values((await s.state()).subscribers).find((u) => u.email === email);
  const numbersOf = async (name: string) => (await site(name)).numbers.map((n) => n.phoneNumber).sort();

  it("up creates two sites with their numbers and main numbers, and a user on each with its number", async () => {
    write({});
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create).to.equal(1 + 1 + 1 + 2 + 2); // guard, template, customer, locations, users
    const ids = r.outputs.locationIds as Record<string, string>;
    const denver = await site("Denver");
    const austin = await site("Austin");
    expect([ids[DENVER], ids[AUSTIN]]).to.deep.equal([denver.id, austin.id]);
    expect([denver.pstn?.type, austin.pstn?.type]).to.deep.equal(["LOCAL_GATEWAY", "LOCAL_GATEWAY"]);
    expect(await numbersOf("Denver")).to.deep.equal([...NUMBERS.denver]);
    expect(await numbersOf("Austin")).to.deep.equal([...NUMBERS.austin]);
    expect(denver.numbers.every((n) => n.state === "ACTIVE")).to.equal(true);
    expect([denver.mainNumber, austin.mainNumber]).to.deep.equal([NUMBERS.denver[0], NUMBERS.austin[0]]);
    const ada = (await user("ada@multisite.example"))!;
    const bob = (await user("bob@multisite.example"))!;
    expect([ada.locationId, ada.primaryPhoneNumber]).to.deep.equal([denver.id, NUMBERS.denver[1]]);
    expect([bob.locationId, bob.primaryPhoneNumber]).to.deep.equal([austin.id, NUMBERS.austin[1]]);
    expect(await s.invariants()).to.include({ ok: true });
  });

  it("a second up changes nothing and writes nothing", async () => {
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(changes(r)).to.equal(0);
    expect(writes(await s.requests())).to.equal(0);
  });

  it("changing the main number is an update of that site only", async () => {
    write({ denverMain: NUMBERS.denver[2] });
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect([stepCounts(r).update, stepCounts(r).replace, stepCounts(r).create, stepCounts(r).delete]).to.deep.equal([1, 0, 0, 0]);
    expect((await site("Denver")).mainNumber).to.equal(NUMBERS.denver[2]);
  });

  it("removing a number (no longer the main one) removes it from the site's inventory", async () => {
    write({ denverMain: NUMBERS.denver[2], denverNumbers: NUMBERS.denver.slice(1) });
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).update).to.equal(1);
    expect(await numbersOf("Denver")).to.deep.equal(NUMBERS.denver.slice(1));
  });

  it("removing the main number is refused at preview, with 0 API calls", async () => {
    write({ denverMain: null, denverNumbers: [NUMBERS.denver[1]] });
    await s.resetRequests();
    const r = await s.run("preview");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.include(`${NUMBERS.denver[2]} is the location's main number`);
    expect((await s.requests()).total).to.equal(0);
    expect(await numbersOf("Denver")).to.deep.equal(NUMBERS.denver.slice(1));
  });

  it("numbers on an integrated PSTN are refused at preview, with 0 API calls", async () => {
    write({ denverMain: NUMBERS.denver[2], denverNumbers: NUMBERS.denver.slice(1), integratedWithNumbers: true });
    await s.resetRequests();
    const r = await s.run("preview");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.match(/customers\[0\]\.locations\[2\]\.calling\.numbers \(line \d+.*INTEGRATED_CCP/);
    expect((await s.requests()).total).to.equal(0);
  });

  it("removing a site while someone else's user is there fails BLOCKED, naming the reason; the site keeps calling", async () => {
    // A user added in Control Hub at Austin: the program cannot see it, only the precheck can.
    const state = await s.state();
    const austin = await site("Austin");
    const bob = (await user("bob@multisite.example"))!;
    const outsider = { ...bob, id: "outsider-1", email: "carol@multisite.example", primaryPhoneNumber: undefined, extension: "3001" };
    await s.replaceState({ ...state, subscribers: { ...state.subscribers, [outsider.id]: outsider } });
    write({
      denverMain: NUMBERS.denver[2],
      denverNumbers: NUMBERS.denver.slice(1),
      austin: false,
      remove: { locations: [AUSTIN], users: ["bob@multisite.example"] },
    });
    const r = await s.run("up");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.include("the precheck answers BLOCKED (1 user still placed there)");
    // The program's own user went first (it depends on the site); the site is still calling.
    expect(await user("bob@multisite.example")).to.equal(undefined);
    expect((await site("Austin")).calling).to.equal(true);
    expect((await site("Austin")).id).to.equal(austin.id);
  });

  it("once the users are gone, removing the site disables calling there and keeps the record, saying so", async () => {
    const state = await s.state();
    const { ["outsider-1"]: _gone, ...rest } = state.subscribers;
    await s.replaceState({ ...state, subscribers: rest });
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).delete).to.equal(1);
    const austin = await site("Austin");
    expect(austin, "the record stays").to.not.equal(undefined);
    // The emulator applies a finished disable job lazily: calling ended once the job is due, which
    // the provider waited for (it polls the job to COMPLETED).
    expect(austin.calling === false || (austin.disabling !== undefined && austin.disabling.dueAt <= Date.now())).to.equal(true);
    expect(s.lastOutput.join("\n")).to.match(/Webex Calling disabled/);
    expect(await s.invariants()).to.include({ ok: true });
  });

  it("destroy removes everything the program made; the sites' records stay with the customer gone", async () => {
    const r = await s.run("destroy");
    expect(r.ok, failureText(r)).to.equal(true);
    const state = await s.state();
    expect([Object.keys(state.customers), Object.keys(state.subscribers)]).to.deep.equal([[], []]);
    expect(await s.invariants()).to.include({ ok: true });
  });
});
