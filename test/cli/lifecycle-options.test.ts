// Pulumi's resource options under the REAL Pulumi CLI: aliases, removal, protect, retainOnDelete,
// ignoreChanges and a user's deleteBeforeReplace: false, each judged by what the emulator received
// (its request log and state) and by what pulumi printed and exited with. The cases run in order on
// one stack, each editing the program as a user would.
import { expect } from "chai";
import { describeWithCli, tail, useCliProgram } from "./support";

/** The program: a template, customers keyed by logical name, one meetings user on the first customer. */
type Customer = { name: string; externalId: string; line1?: string; opts?: string };
type User = { email: string; opts?: string };

function program(customers: readonly Customer[], user?: User): string {
  const lines = [
    `import { CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";`,
    `const template = new OnboardingTemplate("smb", { templateName: "SMB Options", serviceProviderAdmin: "ops@partner.example", countryCode: "FR", defaultEmailLanguage: "fr_FR", wholesaleSubscriptionId: "Sub-EMEA-0001", emailBrandName: "Partner Voice" });`,
    `const customers: Record<string, CustomerOrg> = {};`,
  ];
  for (const c of customers) {
    lines.push(
      `customers[${JSON.stringify(c.externalId)}] = new CustomerOrg(${JSON.stringify(c.name)}, { provisioningId: template.provisioningId, externalId: ${JSON.stringify(c.externalId)}, companyName: "Company ${c.externalId}", adminEmail: "admin@${c.externalId}.example", language: "fr_FR", supportedLocationConfirmed: true, address: { line1: ${JSON.stringify(c.line1 ?? "1 rue du Port")}, city: "Marseille", postalCode: "13002", country: "FR" }, packages: [{ name: "webex_meetings" }] }${c.opts ? `, ${c.opts}` : ""});`,
    );
  }
  if (user) {
    lines.push(
      `new CustomerUser("meetings-user", { customerId: customers["opt-a"].id, email: ${JSON.stringify(user.email)}, firstName: "Nina", lastName: "Roux", package: "webex_meetings" }${user.opts ? `, ${user.opts}` : ""});`,
    );
  }
  return lines.join("\n") + "\n";
}

const A: Customer = { name: "opt-a", externalId: "opt-a" };
const B: Customer = { name: "opt-b", externalId: "opt-b" };
const C: Customer = { name: "opt-c", externalId: "opt-c" };
const D: Customer = { name: "opt-d", externalId: "opt-d" };
const RENAMED_A: Customer = { ...A, name: "alpha", opts: `{ aliases: [{ name: "opt-a" }] }` };

describeWithCli(
  "real Pulumi CLI: resource options (aliases, removal, protect, retainOnDelete, ignoreChanges, deleteBeforeReplace)",
  function () {
    this.timeout(300_000);
    const p = useCliProgram("options", "examples/quickstart", async () => {
      p.write("index.ts", program([A, B, C, D], { email: "nina@opt-a.example" }));
      const r = await p.up();
      expect(r.output).to.match(/\+ 7 created/);
      expect(Object.keys(await customerIds()).sort()).to.deep.equal(["opt-a", "opt-b", "opt-c", "opt-d"]);
    });
    const customerIds = async () =>
      Object.fromEntries(Object.values((await p.emulator.admin.state()).customers).map((c) => [c.externalId, c.id]));
    const writesIn = (log: string[]) => log.filter((l) => !l.startsWith("GET "));

    it("renaming through `aliases` moves the URN and sends nothing (no DELETE, no POST)", async () => {
      p.write("index.ts", program([RENAMED_A, B, C, D], { email: "nina@opt-a.example" }));
      const mark = await p.mark();
      await p.up();
      expect(writesIn(await p.log(mark))).to.deep.equal([]);
      const urns = (await p.exported()).map((r) => r.urn);
      expect(urns.some((u) => u.endsWith("::alpha"))).to.equal(true);
      expect(urns.some((u) => u.endsWith("::opt-a"))).to.equal(false);
      expect(Object.keys(await customerIds())).to.include("opt-a");
    });

    it("removing a resource from the program sends its DELETE", async () => {
      const idC = (await customerIds())["opt-c"];
      p.write("index.ts", program([RENAMED_A, B, D], { email: "nina@opt-a.example" }));
      const mark = await p.mark();
      const r = await p.up();
      expect(r.output).to.match(/- 1 deleted/);
      expect(writesIn(await p.log(mark))).to.deep.equal(["DELETE /v1/wholesale/customers/{id}"]);
      expect(await customerIds()).to.not.have.property("opt-c");
      expect(Object.values(await customerIds())).to.not.include(idC);
    });

    it("`protect` refuses the removal and the destroy with Pulumi's message, sending nothing", async () => {
      const protectedB: Customer = { ...B, opts: `{ protect: true }` };
      p.write("index.ts", program([RENAMED_A, protectedB, D], { email: "nina@opt-a.example" }));
      let mark = await p.mark();
      await p.up();
      expect(writesIn(await p.log(mark))).to.deep.equal([]);
      expect((await p.exported()).find((r) => r.urn.endsWith("::opt-b"))?.protect).to.equal(true);

      p.write("index.ts", program([RENAMED_A, D], { email: "nina@opt-a.example" }));
      mark = await p.mark();
      const removal = await p.pulumi(["up", "--yes", "--non-interactive"]);
      expect(removal.code, tail(removal)).to.not.equal(0);
      expect(removal.output).to.match(/opt-b[\s\S]*is currently marked for protection|protected/);
      expect(writesIn(await p.log(mark))).to.deep.equal([]);

      mark = await p.mark();
      const destroy = await p.pulumi(["destroy", "--yes", "--non-interactive"]);
      expect(destroy.code, tail(destroy)).to.not.equal(0);
      expect(destroy.output).to.match(/protect/);
      expect(writesIn(await p.log(mark))).to.deep.equal([]);
      expect(Object.keys(await customerIds()).sort()).to.deep.equal(["opt-a", "opt-b", "opt-d"]);
    });

    it("`retainOnDelete` drops the resource from state without sending a DELETE", async () => {
      const protectedB: Customer = { ...B, opts: `{ protect: true }` };
      const retainedD: Customer = { ...D, opts: `{ retainOnDelete: true }` };
      p.write("index.ts", program([RENAMED_A, protectedB, retainedD], { email: "nina@opt-a.example" }));
      let mark = await p.mark();
      await p.up();
      expect(writesIn(await p.log(mark))).to.deep.equal([]);

      p.write("index.ts", program([RENAMED_A, protectedB], { email: "nina@opt-a.example" }));
      mark = await p.mark();
      const r = await p.up();
      expect(r.output).to.match(/1 deleted/);
      expect(writesIn(await p.log(mark))).to.deep.equal([]);
      expect((await p.exported()).some((x) => x.urn.endsWith("::opt-d"))).to.equal(false);
      expect(await customerIds()).to.have.property("opt-d");
    });

    it("`ignoreChanges` keeps a changed input from being written; without it the same change is one PUT", async () => {
      const protectedB: Customer = { ...B, opts: `{ protect: true }` };
      const movedA: Customer = {
        ...RENAMED_A,
        line1: "9 quai des Belges",
        opts: `{ aliases: [{ name: "opt-a" }], ignoreChanges: ["address"] }`,
      };
      p.write("index.ts", program([movedA, protectedB], { email: "nina@opt-a.example" }));
      await p.emulator.admin.resetCounters();
      const preview = await p.pulumi(["preview", "--non-interactive"]);
      expect(preview.code, tail(preview)).to.equal(0);
      expect((await p.requests()).total).to.equal(0);
      let mark = await p.mark();
      const up = await p.up();
      expect(up.output).to.not.match(/~ 1 updated/);
      expect(writesIn(await p.log(mark))).to.deep.equal([]);
      const id = (await customerIds())["opt-a"];
      expect((await p.emulator.admin.state()).customers[id].address.addressLine1).to.equal("1 rue du Port");

      // The control: the same edit without ignoreChanges is written (so the check above could fail).
      p.write("index.ts", program([{ ...movedA, opts: RENAMED_A.opts }, protectedB], { email: "nina@opt-a.example" }));
      mark = await p.mark();
      await p.up();
      expect(writesIn(await p.log(mark))).to.deep.equal(["PUT /v1/wholesale/customers/{id}"]);
      expect((await p.emulator.admin.state()).customers[id].address.addressLine1).to.equal("9 quai des Belges");
    });

    it("a user's `deleteBeforeReplace: false` creates the replacement before deleting the old one; the provider's default deletes first", async () => {
      const protectedB: Customer = { ...B, opts: `{ protect: true }` };
      const a: Customer = { ...RENAMED_A, line1: "9 quai des Belges" };
      const subscriberWrites = async (mark: number) =>
        (await p.log(mark)).filter((l) => l === "POST /v1/wholesale/subscribers" || l === "DELETE /v1/wholesale/subscribers/{id}");

      p.write("index.ts", program([a, protectedB], { email: "nina.roux@opt-a.example", opts: `{ deleteBeforeReplace: false }` }));
      let mark = await p.mark();
      let r = await p.up();
      expect(r.output).to.match(/\+-1 replaced|1 replaced/);
      expect(await subscriberWrites(mark)).to.deep.equal(["POST /v1/wholesale/subscribers", "DELETE /v1/wholesale/subscribers/{id}"]);

      p.write("index.ts", program([a, protectedB], { email: "n.roux@opt-a.example" }));
      mark = await p.mark();
      r = await p.up();
      expect(r.output).to.match(/1 replaced/);
      expect(await subscriberWrites(mark)).to.deep.equal(["DELETE /v1/wholesale/subscribers/{id}", "POST /v1/wholesale/subscribers"]);
      const emails = Object.values((await p.emulator.admin.state()).subscribers).map((s) => s.email);
      expect(emails).to.deep.equal(["n.roux@opt-a.example"]);
    });
  },
);
