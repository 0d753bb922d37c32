// A customer that ends `provisioned_with_errors` under the REAL Pulumi CLI (issue 11.2): the failed
// `up` records it, and the next `up` retries it with exactly one PUT, both straight away and after a
// `pulumi refresh --yes` (a successful read clears the engine's init errors, so only the provider's
// own diff can ask for the retry).
import { expect } from "chai";
import { describeWithCli, tail, useCliProgram } from "./support";

describeWithCli("real Pulumi CLI: a customer that ends provisioned_with_errors is retried with one PUT", function () {
  this.timeout(300_000);
  const p = useCliProgram("failed", "examples/quickstart");
  const status = async (externalId: string) =>
    Object.values((await p.emulator.admin.state()).customers).find((c) => c.externalId === externalId)?.status;
  const customerWrites = async (mark: number) => (await p.log(mark)).filter((l) => !l.startsWith("GET ") && l.includes("/customers"));

  /**
   * Writes a program of `externalIds` (the earlier cases' customers stay) and makes the create of
   * the last one end `provisioned_with_errors`; that `up` fails after one POST of it.
   */
  async function failedCreate(...externalIds: string[]): Promise<void> {
    const failing = externalIds[externalIds.length - 1];
    await p.emulator.admin.loadFixtures({ asyncOutcomes: { [failing]: "provisioned_with_errors" } });
    p.write(
      "index.ts",
      [
        `import { CustomerOrg, OnboardingTemplate } from "pulumi-webex-wholesale";`,
        `const template = new OnboardingTemplate("smb", { templateName: "SMB Failing", serviceProviderAdmin: "ops@partner.example", countryCode: "FR", defaultEmailLanguage: "fr_FR", wholesaleSubscriptionId: "Sub-EMEA-0001", emailBrandName: "Partner Voice" });`,
        ...externalIds.map(
          (id) =>
            `new CustomerOrg(${JSON.stringify(id)}, { provisioningId: template.provisioningId, externalId: ${JSON.stringify(id)}, companyName: "Failing ${id}", adminEmail: "admin@${id}.example", language: "fr_FR", supportedLocationConfirmed: true, address: { line1: "3 rue du Port", city: "Marseille", postalCode: "13002", country: "FR" }, packages: [{ name: "webex_meetings" }] });`,
        ),
      ].join("\n"),
    );
    const mark = await p.mark();
    const up = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(up.code, tail(up)).to.not.equal(0);
    expect(up.output).to.include("provisioned_with_errors");
    expect((await customerWrites(mark)).filter((l) => l === "POST /v1/wholesale/customers")).to.have.length(1);
    expect((await customerWrites(mark)).filter((l) => l.startsWith("PUT ") || l.startsWith("DELETE "))).to.deep.equal([]);
    expect(await status(failing)).to.equal("provisioned_with_errors");
    // Later writes of this customer succeed (the fault was the create's only).
    await p.emulator.admin.loadFixtures({ asyncOutcomes: {} });
  }

  it("the next `up` retries it with exactly one PUT", async () => {
    await failedCreate("failing-001");
    const mark = await p.mark();
    const r = await p.up();
    expect(r.output).to.match(/~ 1 updated/);
    expect(await customerWrites(mark)).to.deep.equal(["PUT /v1/wholesale/customers/{id}"]);
    expect(await status("failing-001")).to.equal("provisioned");
    const again = await p.mark();
    await p.up();
    expect(await customerWrites(again)).to.deep.equal([]);
  });

  it("after a `pulumi refresh --yes` in between, the next `up` still retries it with exactly one PUT", async () => {
    await failedCreate("failing-001", "failing-002");
    let mark = await p.mark();
    const refresh = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
    expect(refresh.code, tail(refresh)).to.equal(0);
    expect(await customerWrites(mark)).to.deep.equal([]);
    expect(await status("failing-002")).to.equal("provisioned_with_errors");

    mark = await p.mark();
    const preview = await p.pulumi(["preview", "--non-interactive"]);
    expect(preview.code, tail(preview)).to.equal(0);
    expect(preview.output).to.match(/~ 1 to update/);
    expect(await p.log(mark)).to.deep.equal([]);

    const r = await p.up();
    expect(r.output).to.match(/~ 1 updated/);
    expect(await customerWrites(mark)).to.deep.equal(["PUT /v1/wholesale/customers/{id}"]);
    expect(await status("failing-002")).to.equal("provisioned");
  });
});
