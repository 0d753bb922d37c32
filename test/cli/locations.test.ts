// Locations under the real Pulumi CLI, with the package installed from `npm pack`: the steps of
// test/e2e/locations.test.ts (stand-in engine), on a TypeScript program that declares the same
// customer, sites and users from the same catalog (test/e2e/locations-catalog.ts), written as JSON
// the program reads at every run.
import { expect } from "chai";
import { parse } from "yaml";
import type { State } from "../../local/emulator/core/state";
import { AUSTIN, CUSTOMER, DENVER, NUMBERS, locationsCatalog, type Variation } from "../e2e/locations-catalog";
import { describeWithCli, tail, useCliProgram, type CliProgram } from "./support";

/** The program: the catalog's template, customer, locations and users, as resources. */
const PROGRAM = [
  `import { readFileSync } from "node:fs";`,
  `import { CustomerLocation, CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";`,
  `const c = JSON.parse(readFileSync(__dirname + "/catalog.json", "utf8"));`,
  `const { name, ...templateArgs } = c.templates[0];`,
  `const template = new OnboardingTemplate(name, { ...templateArgs, templateName: name });`,
  `const { template: _t, locations, ...customerArgs } = c.customers[0];`,
  `const customer = new CustomerOrg(customerArgs.externalId, { ...customerArgs, provisioningId: template.provisioningId });`,
  `const sites: Record<string, CustomerLocation> = {};`,
  `export const locationIds: Record<string, unknown> = {};`,
  `for (const l of locations) {`,
  `  const key = customerArgs.externalId + "/" + l.name;`,
  `  sites[l.name] = new CustomerLocation(key, { ...l, customerId: customer.id });`,
  `  locationIds[key] = sites[l.name].locationId;`,
  `}`,
  `for (const { customer: _c, location, number, ...args } of c.users) {`,
  `  const site = sites[location];`,
  `  new CustomerUser(args.email, { ...args, customerId: customer.id, locationId: site.locationId, phoneNumber: number, locationNumbers: site.numbers });`,
  `}`,
].join("\n");

describeWithCli("real CLI: locations, numbers and users at two sites", function () {
  this.timeout(600_000);
  const write = (p: CliProgram, v: Variation) => p.write("catalog.json", JSON.stringify(parse(locationsCatalog(v))));
  const p = useCliProgram("locations", "examples/quickstart", async (prog) => {
    prog.write("index.ts", PROGRAM);
    write(prog, {});
  });

  const state = () => p.emulator.admin.state();
  const site = (s: State, name: string) => {
    const customer = Object.values(s.customers).find((c) => c.externalId === CUSTOMER)!;
    return Object.values(s.locations).find((l) => l.customerId === customer.id && l.name === name)!;
  };
  const numbersOf = async (name: string) =>
    site(await state(), name)
      .numbers.map((n) => n.phoneNumber)
      .sort();
  const user = async (email: string) => Object.values((await state()).subscribers).find((u) => u.email === email);

  it("up creates two sites with their numbers and main numbers, and a user on each with its number", async () => {
    await p.up();
    const s = await state();
    const [denver, austin] = [site(s, "Denver"), site(s, "Austin")];
    const out = await p.pulumi(["stack", "output", "locationIds", "--json"]);
    expect(JSON.parse(out.output)).to.deep.equal({ [DENVER]: denver.id, [AUSTIN]: austin.id });
    expect(await numbersOf("Denver")).to.deep.equal([...NUMBERS.denver]);
    expect(await numbersOf("Austin")).to.deep.equal([...NUMBERS.austin]);
    expect([denver.mainNumber, austin.mainNumber]).to.deep.equal([NUMBERS.denver[0], NUMBERS.austin[0]]);
    const ada = (await user("ada@multisite.example"))!;
    const bob = (await user("bob@multisite.example"))!;
    expect([ada.locationId, ada.primaryPhoneNumber]).to.deep.equal([denver.id, NUMBERS.denver[1]]);
    expect([bob.locationId, bob.primaryPhoneNumber]).to.deep.equal([austin.id, NUMBERS.austin[1]]);
  });

  it("a second up writes nothing", async () => {
    await p.emulator.admin.resetCounters();
    await p.up();
    expect((await p.requests()).writes).to.equal(0);
  });

  it("changing the main number, then removing a number (no longer the main one)", async () => {
    write(p, { denverMain: NUMBERS.denver[2] });
    await p.up();
    expect(site(await state(), "Denver").mainNumber).to.equal(NUMBERS.denver[2]);
    write(p, { denverMain: NUMBERS.denver[2], denverNumbers: NUMBERS.denver.slice(1) });
    await p.up();
    expect(await numbersOf("Denver")).to.deep.equal(NUMBERS.denver.slice(1));
  });

  it("removing the main number is refused at preview, with 0 API calls", async () => {
    write(p, { denverMain: null, denverNumbers: [NUMBERS.denver[1]] });
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["preview", "--non-interactive"]);
    expect(r.code, tail(r)).to.not.equal(0);
    expect(r.output).to.include(`${NUMBERS.denver[2]} is the location's main number`);
    expect((await p.requests()).total).to.equal(0);
  });

  it("numbers on an integrated PSTN are refused at preview, with 0 API calls", async () => {
    write(p, { denverMain: NUMBERS.denver[2], denverNumbers: NUMBERS.denver.slice(1), integratedWithNumbers: true });
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["preview", "--non-interactive"]);
    expect(r.code, tail(r)).to.not.equal(0);
    expect(r.output).to.include("INTEGRATED_CCP");
    expect((await p.requests()).total).to.equal(0);
  });

  it("removing from a site the number its user holds is refused at preview, with 0 API calls", async () => {
    write(p, { denverMain: NUMBERS.denver[2], denverNumbers: [NUMBERS.denver[2]] });
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["preview", "--non-interactive"]);
    expect(r.code, tail(r)).to.not.equal(0);
    expect(r.output).to.include(`drops ${NUMBERS.denver[1]}, which this user holds`);
    expect((await p.requests()).total).to.equal(0);
  });

  it("removing a site while someone else's user is there fails BLOCKED, naming the reason", async () => {
    const s = await state();
    const bob = (await user("bob@multisite.example"))!;
    const outsider = { ...bob, id: "outsider-1", email: "carol@multisite.example", primaryPhoneNumber: undefined, extension: "3001" };
    await p.emulator.admin.replaceState({ ...s, subscribers: { ...s.subscribers, [outsider.id]: outsider } });
    write(p, { denverMain: NUMBERS.denver[2], denverNumbers: NUMBERS.denver.slice(1), austin: false });
    const r = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.not.equal(0);
    expect(r.output).to.include("the precheck answers BLOCKED (1 user still placed there)");
    expect(await user("bob@multisite.example")).to.equal(undefined);
    expect(site(await state(), "Austin").calling).to.equal(true);
  });

  it("once the users are gone, the site's removal disables calling there and keeps the record, saying so", async () => {
    const s = await state();
    const { ["outsider-1"]: _gone, ...rest } = s.subscribers;
    await p.emulator.admin.replaceState({ ...s, subscribers: rest });
    const r = await p.up();
    expect(r.output).to.match(/Webex Calling disabled/);
    const austin = site(await state(), "Austin");
    expect(austin, "the record stays").to.not.equal(undefined);
    expect(austin.calling === false || (austin.disabling !== undefined && austin.disabling.dueAt <= Date.now())).to.equal(true);
  });

  it("destroy", async () => {
    const r = await p.pulumi(["destroy", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    const s = await state();
    expect([Object.keys(s.customers), Object.keys(s.subscribers)]).to.deep.equal([[], []]);
  });
});
