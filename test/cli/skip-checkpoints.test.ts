// `PULUMI_SKIP_CHECKPOINTS=true` under the REAL Pulumi CLI, which the README recommends for large
// stacks: the engine then saves state once, at the end of the run (pkg/backend/snapshot.go,
// `unsafeServiceLoop`). What that costs on a crash, and why it is still safe with this provider:
// - a run killed with SIGKILL leaves the checkpoint as it was before the run (nothing it created,
//   no pending operation), and the next `up` adopts every customer and user the killed run created,
//   by externalId and by email: 0 duplicates, and a no-change `up` after it writes nothing;
// - a killed `destroy` leaves a state that records what the service no longer has: a plain `up` sees
//   nothing to do, so a refresh must come first (npm start does it on its own, docs/operating.md);
// - a run that fails (one customer ends in error) still saves what it did: the final save runs.
import { expect } from "chai";
import { describeWithCli, tail, useCliProgram } from "./support";

const SKIP = { PULUMI_SKIP_CHECKPOINTS: "true" };

/** A customer on the suite's template with two users (the first its administrator). */
function customer(externalId: string): string {
  const v = externalId.replace(/-/g, "_");
  const user = (who: string, admin: boolean) =>
    `new CustomerUser(${JSON.stringify(`${who}@${externalId}.example`)}, { customerId: ${v}.id, email: ${JSON.stringify(`${who}@${externalId}.example`)}, firstName: ${JSON.stringify(who)}, lastName: "Skip", package: "webex_meetings"${admin ? ", administrator: true" : ""} });`;
  return [
    `const ${v} = new CustomerOrg(${JSON.stringify(externalId)}, { provisioningId: template.provisioningId, externalId: ${JSON.stringify(externalId)}, companyName: "Skip ${externalId}", adminEmail: "admin@${externalId}.example", language: "fr_FR", supportedLocationConfirmed: true, address: { line1: "3 rue du Port", city: "Marseille", postalCode: "13002", country: "FR" }, packages: [{ name: "webex_meetings" }] });`,
    user("admin", true),
    user("hugo", false),
  ].join("\n");
}

function program(externalIds: readonly string[]): string {
  return [
    `import { CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";`,
    `const template = new OnboardingTemplate("smb", { templateName: "SMB Skip", serviceProviderAdmin: "ops@partner.example", countryCode: "FR", defaultEmailLanguage: "fr_FR", wholesaleSubscriptionId: "Sub-EMEA-0001", emailBrandName: "Partner Voice" });`,
    ...externalIds.map(customer),
  ].join("\n");
}

describeWithCli("real Pulumi CLI: PULUMI_SKIP_CHECKPOINTS=true, killed and failed runs", function () {
  this.timeout(300_000);
  const p = useCliProgram("skipcp", "examples/quickstart", async () => {
    p.write("index.ts", program([]));
    await p.up();
  });
  const names = async () => (await p.exported()).map((r) => r.urn.split("::").pop());
  /** Customers per externalId and subscribers per email at the emulator, for the duplicate checks. */
  async function atEmulator() {
    const state = await p.emulator.admin.state();
    const count = (keys: string[]) => keys.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});
    return {
      customers: count(Object.values(state.customers).map((c) => c.externalId ?? "")),
      users: count(Object.values(state.subscribers).map((s) => s.email)),
    };
  }

  it("SIGKILL mid-run: the checkpoint is as before the run, and the next `up` adopts what the killed run created (0 duplicates)", async () => {
    // Slow answers, so the run is still going when the first user create reaches the emulator.
    await p.emulator.admin.configure({ latencyMs: 400, provisioningDelayMs: 1_500 });
    const before = await names();
    p.write("index.ts", program(["skip-001", "skip-002"]));
    const mark = await p.mark();
    const run = p.start(["up", "--yes", "--non-interactive"], SKIP);
    for (let i = 0; i < 1200 && !(await p.log(mark)).includes("POST /v1/wholesale/subscribers"); i++)
      await new Promise((r) => setTimeout(r, 50));
    process.kill(-run.child.pid!, "SIGKILL"); // the whole run: CLI, language host and provider plugin
    const killed = await run.done;
    expect(killed.signal, tail(killed)).to.equal("SIGKILL");
    const created = await atEmulator();
    expect(Object.keys(created.users), "users the killed run created").to.not.be.empty;
    await p.emulator.admin.configure({ latencyMs: 0, provisioningDelayMs: 50 });

    const cancel = await p.pulumi(["cancel", "--yes", "--stack", "dev"]);
    expect(cancel.code, tail(cancel)).to.equal(0);
    // The trade-off: the killed run recorded nothing, not even a pending create.
    expect(await names()).to.deep.equal(before);
    const exported = JSON.parse((await p.pulumi(["stack", "export"])).output) as { deployment: { pending_operations?: unknown[] } };
    expect(exported.deployment.pending_operations ?? []).to.deep.equal([]);

    // The next `up` finds each customer by externalId and each user by email: nothing twice.
    const next = await p.mark();
    await p.pulumi(["up", "--yes", "--non-interactive"], SKIP).then((r) => expect(r.code, tail(r)).to.equal(0));
    const after = await atEmulator();
    expect(after.customers).to.deep.equal({ "skip-001": 1, "skip-002": 1 });
    expect(
      Object.values(after.users).every((n) => n === 1),
      JSON.stringify(after.users),
    ).to.equal(true);
    expect(Object.keys(after.users)).to.have.length(4);
    // Customers are looked up by externalId before any POST; a user's POST meets its email and is adopted.
    const customerPosts = (await p.log(next)).filter((l) => l === "POST /v1/wholesale/customers");
    expect(customerPosts, "customer creates in the rerun").to.have.length(2 - Object.keys(created.customers).length);
    expect((await p.emulator.admin.invariants()).ok).to.equal(true);
    expect(await names()).to.include.members(["skip-001", "skip-002", "admin@skip-001.example", "hugo@skip-002.example"]);

    const quiet = await p.mark();
    await p.pulumi(["up", "--yes", "--non-interactive"], SKIP).then((r) => expect(r.code, tail(r)).to.equal(0));
    expect((await p.log(quiet)).filter((l) => !l.startsWith("GET "))).to.deep.equal([]);
  });

  it("a destroy killed with SIGKILL: a plain `up` then reports the deleted resources unchanged; `refresh --clear-pending-creates` first makes `up` recreate them", async () => {
    p.write("index.ts", program(["skip-001", "skip-002"]));
    await p.pulumi(["up", "--yes", "--non-interactive"], SKIP).then((r) => expect(r.code, tail(r)).to.equal(0));
    const recorded = await names();
    // Slow answers, so the destroy is still going when the first deletes have reached the emulator.
    await p.emulator.admin.configure({ latencyMs: 400 });
    const mark = await p.mark();
    const run = p.start(["destroy", "--yes", "--non-interactive"], SKIP);
    for (let i = 0; i < 1200 && (await p.log(mark)).filter((l) => l.startsWith("DELETE ")).length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    process.kill(-run.child.pid!, "SIGKILL");
    expect((await run.done).signal).to.equal("SIGKILL");
    await p.emulator.admin.configure({ latencyMs: 0 });
    const gone = await atEmulator();
    expect(Object.keys(gone.users).length, "users the killed destroy deleted").to.be.below(4);
    const cancel = await p.pulumi(["cancel", "--yes", "--stack", "dev"]);
    expect(cancel.code, tail(cancel)).to.equal(0);
    // The state was saved before the destroy: it still records everything.
    expect(await names()).to.deep.equal(recorded);

    // The hazard docs/operating.md warns about: `up` trusts the state and changes nothing.
    const blind = await p.pulumi(["preview", "--non-interactive"], SKIP);
    expect(blind.code, tail(blind)).to.equal(0);
    expect(blind.output).to.not.match(/\+ \d+ to create/);

    const refresh = await p.pulumi(["refresh", "--clear-pending-creates", "--yes", "--non-interactive"], SKIP);
    expect(refresh.code, tail(refresh)).to.equal(0);
    await p.pulumi(["up", "--yes", "--non-interactive"], SKIP).then((r) => expect(r.code, tail(r)).to.equal(0));
    const after = await atEmulator();
    expect(after.customers).to.deep.equal({ "skip-001": 1, "skip-002": 1 });
    expect(Object.keys(after.users).sort()).to.deep.equal([
      "admin@skip-001.example",
      "admin@skip-002.example",
      "hugo@skip-001.example",
      "hugo@skip-002.example",
    ]);
  });

  it("a failed run still saves what it did: the customer created beside the failing one, and the failed one, are in state", async () => {
    await p.emulator.admin.loadFixtures({ asyncOutcomes: { "skip-004": "error" } });
    try {
      p.write("index.ts", program(["skip-001", "skip-002", "skip-003", "skip-004"]));
      const up = await p.pulumi(["up", "--yes", "--non-interactive"], SKIP);
      expect(up.code, tail(up)).to.not.equal(0);
      const saved = await names();
      // The engine starts no step after the failure, so skip-003's users wait for the next `up`.
      expect(saved).to.include.members(["skip-003", "skip-004"]);
      expect(saved).to.not.include("admin@skip-004.example");
      expect((await p.exported()).find((r) => r.urn.endsWith("::skip-003"))?.outputs?.status).to.equal("provisioned");
    } finally {
      await p.emulator.admin.loadFixtures({ asyncOutcomes: {} });
    }
  });
});
