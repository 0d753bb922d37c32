// examples/catalog end to end, the GitOps flow: the program stays as committed and each step is a
// change to the catalog file, as a pull request would make it. The program reads a copy of the
// example's customers.yaml through the `catalogFile` stack setting.
import { expect } from "chai";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { ROOT, changes, stepCounts, failureText, useScenario, writes } from "./harness";

describe("e2e: examples/catalog", function () {
  this.timeout(120_000);
  const s = useScenario("catalog", undefined, "examples/catalog");
  let catalog: string;

  before(() => {
    catalog = s.workFile("customers.yaml");
    copyFileSync(join(ROOT, "examples/catalog/customers.yaml"), catalog);
    s.config = { "webex-catalog:catalogFile": catalog };
  });

  const subscribers = async () => Object.values((await s.state()).subscribers);
  const customerByExternalId = async (externalId: string) =>
    Object.values((await s.state()).customers).find((c) => c.externalId === externalId)!;

  it("up creates every template, customer and user of the catalog", async () => {
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(stepCounts(r).create).to.equal(1 + 7); // the deletion guard, then the catalog
    const state = await s.state();
    expect(Object.values(state.templates).map((t) => t.name)).to.deep.equal(["SMB EMEA"]);
    const customers = Object.values(state.customers);
    expect(customers.map((c) => c.externalId).sort()).to.deep.equal(["initech-010", "umbrella-011"]);
    expect(customers.every((c) => c.status === "provisioned")).to.equal(true);
    expect(Object.values(state.subscribers)).to.have.length(4);
    expect(r.outputs.counts).to.deep.equal({ templates: 1, customers: 2, locations: 0, users: 4 });
    const ids = r.outputs.customerIds as Record<string, string>;
    for (const c of customers) expect(ids[c.externalId]).to.equal(c.id);
  });

  it("a second up changes nothing and writes nothing", async () => {
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect(changes(r)).to.equal(0);
    expect(writes(await s.requests())).to.equal(0);
  });

  it("moving a user to another customer replaces it, deleting the old one first", async () => {
    const umbrella = await customerByExternalId("umbrella-011");
    const before = (await subscribers()).find((u) => u.email === "karim@initech.example")!;
    s.edit(
      catalog,
      "  - email: karim@initech.example\n    customer: initech-010",
      "  - email: karim@initech.example\n    customer: umbrella-011",
    );
    const logStart = (await s.requestLog()).length;
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect([stepCounts(r).replace, stepCounts(r).create, stepCounts(r).delete, stepCounts(r).update]).to.deep.equal([1, 0, 0, 0]);
    const written = (await s.requestLog())
      .slice(logStart)
      .filter((e) => e.method !== "GET")
      .map((e) => `${e.method} ${e.route}`);
    expect(written).to.deep.equal(["DELETE /v1/wholesale/subscribers/{id}", "POST /v1/wholesale/subscribers"]);
    // The API refuses a second user with the same email: the move can only have succeeded
    // with the old user deleted before the new one was created.
    const karim = (await subscribers()).filter((u) => u.email === "karim@initech.example");
    expect(karim.map((u) => u.customerId)).to.deep.equal([umbrella.id]);
    expect(karim[0]!.id).not.to.equal(before.id);
    expect(await subscribers()).to.have.length(4);
  });

  it("raising a quantity in the catalog is one update: one PUT", async () => {
    s.edit(catalog, "quantity: 5", "quantity: 8");
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    expect([stepCounts(r).update, changes(r)]).to.deep.equal([1, 1]);
    const requests = await s.requests();
    expect([requests.PUT, requests.POST, requests.DELETE]).to.deep.equal([1, 0, 0]);
    expect((await customerByExternalId("initech-010")).limits).to.deep.equal({ webex_meetings: 8 });
  });

  const refused: { name: string; from: string; to: string; property: RegExp }[] = [
    { name: "lowering a quantity", from: "quantity: 8", to: "quantity: 6", property: /packages\[webex_meetings\]\.quantity/ },
    { name: "renaming a user", from: "firstName: Léa", to: "firstName: Lea", property: /firstName/ },
  ];
  for (const c of refused) {
    it(`${c.name} is refused at preview, naming the property, and nothing is written`, async () => {
      s.edit(catalog, c.from, c.to);
      await s.resetRequests();
      const r = await s.run("preview");
      s.edit(catalog, c.to, c.from);
      expect(r.ok).to.equal(false);
      expect(failureText(r)).to.match(c.property);
      expect(writes(await s.requests())).to.equal(0);
    });
  }

  it("a bad catalog sends nothing at all and lists every problem with its path", async () => {
    const bad = s.workFile("bad.yaml");
    writeFileSync(
      bad,
      stringify({
        templates: [
          { name: "t", serviceProviderAdmin: "ops@p.example", countryCode: "FR", wholesaleSubscriptionId: "S", emailBrandName: "P" },
        ],
        customers: [
          {
            externalId: "bad-1",
            template: "t",
            companyName: "Bad",
            adminEmail: "a@bad.example",
            supportedLocationConfirmed: true,
            address: { line1: "1 rue", city: "Lyon", country: "FR" },
            packages: [{ name: "webex_meetings", quantity: 0 }],
          },
          {
            externalId: "bad-2",
            template: "nope",
            companyName: "Bad 2",
            adminEmail: "b@bad.example",
            supportedLocationConfirmed: true,
            address: { line1: "2 rue", city: "Lyon", country: "FR" },
            packages: [{ name: "webex_meetings", quantitiy: 3 }],
          },
        ],
        users: [{ email: "a@bad.example", customer: "bad-1", firstName: "A", lastName: "B", package: "webex_meetings" }],
      }),
    );
    s.config = { "webex-catalog:catalogFile": bad };
    await s.resetRequests();
    const r = await s.run("up");
    s.config = { "webex-catalog:catalogFile": catalog };
    expect(r.ok).to.equal(false);
    expect((await s.requests()).total).to.equal(0);
    const text = failureText(r);
    for (const path of [
      "customers[0].packages[0].quantity",
      "customers[1].template",
      "customers[1].packages[0].quantitiy",
      "users[0].administrator",
    ]) {
      expect(text).to.contain(path);
    }
    expect(text).to.match(/nothing was sent to the API/);
    // Nothing was deleted either: the previous catalog's objects are all still there.
    expect(await subscribers()).to.have.length(4);
  });

  it("a customer key renamed with its old key in aliases is updated in place, not recreated", async () => {
    const before = await customerByExternalId("initech-010");
    s.edit(catalog, "  - externalId: initech-010\n", "  - externalId: initech-france-010\n    aliases: [initech-010]\n");
    // Its users follow the new key (how many depends on the moves made above).
    const text = readFileSync(catalog, "utf8");
    expect(text).to.contain("    customer: initech-010\n");
    writeFileSync(catalog, text.split("    customer: initech-010\n").join("    customer: initech-france-010\n"));
    await s.resetRequests();
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
    const counts = stepCounts(r);
    expect([counts.create, counts.delete, counts.replace, counts.update]).to.deep.equal([0, 0, 0, 1]);
    const requests = await s.requests();
    expect([requests.POST, requests.DELETE, requests.PUT]).to.deep.equal([0, 0, 1]);
    const after = await customerByExternalId("initech-france-010");
    expect(after.id).to.equal(before.id);
    expect((r.outputs.customerIds as Record<string, string>)["initech-france-010"]).to.equal(before.id);
  });

  it("destroy leaves the emulator empty", async () => {
    const r = await s.run("destroy");
    expect(r.ok, failureText(r)).to.equal(true);
    const state = await s.state();
    expect([Object.keys(state.templates), Object.keys(state.customers), Object.keys(state.subscribers)]).to.deep.equal([[], [], []]);
    expect(await s.invariants()).to.include({ ok: true });
  });
});
