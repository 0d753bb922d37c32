// Interrupted runs under the REAL Pulumi CLI (issue 11.3), with the emulator's provisioning slowed so
// that a customer's create is in flight when the signal comes: one SIGINT stops `pulumi up`
// gracefully; a SIGKILL of the whole run (a lost CI runner) leaves the file backend's lock and a
// pending create, and the operator's steps written in the README ("After a killed run") recover it
// with 0 duplicate customers at the emulator.
import { expect } from "chai";
import { describeWithCli, tail, useCliProgram } from "./support";

/** One customer on the quickstart template, keyed by `externalId`. */
const customer = (externalId: string) =>
  `new CustomerOrg(${JSON.stringify(externalId)}, { provisioningId: template.provisioningId, externalId: ${JSON.stringify(externalId)}, companyName: "Company ${externalId}", adminEmail: "admin@${externalId}.example", language: "fr_FR", supportedLocationConfirmed: true, address: { line1: "3 rue du Port", city: "Marseille", postalCode: "13002", country: "FR" }, packages: [{ name: "webex_meetings" }] });`;

function program(externalIds: readonly string[]): string {
  return [
    `import { CustomerOrg, OnboardingTemplate } from "pulumi-webex-wholesale";`,
    `const template = new OnboardingTemplate("smb", { templateName: "SMB Killed", serviceProviderAdmin: "ops@partner.example", countryCode: "FR", defaultEmailLanguage: "fr_FR", wholesaleSubscriptionId: "Sub-EMEA-0001", emailBrandName: "Partner Voice" });`,
    ...externalIds.map(customer),
  ].join("\n");
}

describeWithCli("real Pulumi CLI: SIGINT and SIGKILL of `pulumi up` mid-create", function () {
  this.timeout(300_000);
  const p = useCliProgram("killed", "examples/quickstart", async () => {
    p.write("index.ts", program([]));
    await p.up();
  });
  const customersAt = async (externalId: string) =>
    Object.values((await p.emulator.admin.state()).customers).filter((c) => c.externalId === externalId);
  /** Resolves once the emulator has received a customer create (the create is then in flight). */
  async function customerPostSeen(mark: number): Promise<void> {
    for (let i = 0; i < 1200; i++) {
      if ((await p.log(mark)).includes("POST /v1/wholesale/customers")) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("no customer create reached the emulator");
  }

  it("one SIGINT: pulumi stops gracefully (non-zero exit), the in-flight create is recorded, and the stack stays usable", async () => {
    await p.emulator.admin.configure({ provisioningDelayMs: 8_000 });
    p.write("index.ts", program(["sigint-001"]));
    const mark = await p.mark();
    const run = p.start(["up", "--yes", "--non-interactive"]);
    await customerPostSeen(mark);
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code, tail(r)).to.not.equal(0);
    expect(r.output).to.match(/cancel/i);
    // The engine waited for the create in flight: it is in state, provisioned, with no pending operation.
    const state = JSON.parse((await p.pulumi(["stack", "export"])).output) as {
      deployment: { resources: { urn: string; outputs?: { status?: string } }[]; pending_operations?: unknown[] };
    };
    expect(state.deployment.pending_operations ?? []).to.deep.equal([]);
    expect(state.deployment.resources.find((x) => x.urn.endsWith("::sigint-001"))?.outputs?.status).to.equal("provisioned");
    await p.emulator.admin.configure({ provisioningDelayMs: 50 });
    const next = await p.mark();
    const up = await p.up();
    expect(up.output).to.not.match(/locked/);
    expect((await p.log(next)).filter((l) => !l.startsWith("GET "))).to.deep.equal([]);
    expect(await customersAt("sigint-001")).to.have.length(1);
  });

  it("SIGKILL mid-create: the lock error, `pulumi cancel`, then `up` warns of the pending create and adopts it (0 duplicates); `refresh --clear-pending-creates` clears the warning", async () => {
    await p.emulator.admin.configure({ provisioningDelayMs: 15_000 });
    p.write("index.ts", program(["sigint-001", "killed-001"]));
    const mark = await p.mark();
    const run = p.start(["up", "--yes", "--non-interactive"]);
    await customerPostSeen(mark);
    process.kill(-run.child.pid!, "SIGKILL"); // the whole run: CLI, language host and provider plugin
    const killed = await run.done;
    expect(killed.signal).to.equal("SIGKILL");
    expect(await customersAt("killed-001")).to.have.length(1);
    await p.emulator.admin.configure({ provisioningDelayMs: 50 });

    // 1. The next command meets the lock, until `pulumi cancel`.
    const locked = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(locked.code, tail(locked)).to.not.equal(0);
    expect(locked.output).to.include(
      "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
    );
    const cancel = await p.pulumi(["cancel", "--yes", "--stack", "dev"]);
    expect(cancel.code, tail(cancel)).to.equal(0);

    // The interrupted create is a pending operation of the checkpoint.
    type Exported = { deployment: { pending_operations?: { type: string; resource: { urn: string } }[] } };
    const pending = async () =>
      ((JSON.parse((await p.pulumi(["stack", "export"])).output) as Exported).deployment.pending_operations ?? []).map((o) => [
        o.type,
        o.resource.urn.split("::").pop(),
      ]);
    expect(await pending()).to.deep.equal([["creating", "killed-001"]]);

    // 2. `up` again warns with the lines the README quotes, finds the customer by its externalId
    //    and adopts it: no second POST, one customer at the emulator.
    const next = await p.mark();
    const up = await p.up();
    expect(up.output).to.include("Attempting to deploy or update resources with 1 pending operations from previous deployment.");
    expect(up.output).to.match(/\* urn:pulumi:dev::[^\s]*::killed-001, interrupted while creating/);
    expect(up.output).to.match(/\+ 1 created/);
    expect((await p.log(next)).filter((l) => l === "POST /v1/wholesale/customers")).to.deep.equal([]);
    expect(await customersAt("killed-001")).to.have.length(1);
    expect((await customersAt("killed-001"))[0].status).to.equal("provisioned");
    expect((await p.emulator.admin.invariants()).ok).to.equal(true);

    // 3. The pending create survives that up (the real engine keeps it in every checkpoint) until
    //    `pulumi refresh --clear-pending-creates`; then an up warns no more and writes nothing.
    expect(await pending()).to.deep.equal([["creating", "killed-001"]]);
    const clear = await p.pulumi(["refresh", "--clear-pending-creates", "--yes", "--stack", "dev", "--non-interactive"]);
    expect(clear.code, tail(clear)).to.equal(0);
    expect(await pending()).to.deep.equal([]);
    const last = await p.mark();
    const quiet = await p.up();
    expect(quiet.output).to.not.include("pending operations");
    expect((await p.log(last)).filter((l) => !l.startsWith("GET "))).to.deep.equal([]);
  });
});
