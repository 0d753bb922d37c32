// The quickstart example under the REAL Pulumi CLI (built by `npm run pulumi:install`), installed
// from `npm pack` into a folder outside this repository, against the emulator. Cases run in order
// on one stack, as a user's successive commands would.
import { expect } from "chai";
import { describeWithCli, tail, useCliProgram } from "./support";

describeWithCli("real Pulumi CLI: quickstart installed from npm pack", function () {
  this.timeout(300_000);
  const p = useCliProgram("quickstart", "examples/quickstart");

  it("preview from empty makes no API call", async () => {
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["preview", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/\+ 5 to create/);
    expect((await p.requests()).total).to.equal(0);
  });

  it("up from empty creates the template, the customer and both users, with the token from `config set --secret`", async () => {
    const r = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/\+ 5 created/);
    const state = await p.emulator.admin.state();
    expect(Object.keys(state.templates)).to.have.length(1);
    expect(Object.values(state.customers).map((c) => c.externalId)).to.deep.equal(["quickstart-001"]);
    expect(Object.keys(state.subscribers)).to.have.length(2);
    expect((await p.emulator.admin.invariants()).ok).to.equal(true);
  });

  it("a no-change up makes no write, and a preview makes no API call", async () => {
    await p.emulator.admin.resetCounters();
    const up = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(up.code, tail(up)).to.equal(0);
    expect(up.output).to.match(/5 unchanged/);
    expect((await p.requests()).writes).to.equal(0);
    await p.emulator.admin.resetCounters();
    const preview = await p.pulumi(["preview", "--non-interactive"]);
    expect(preview.code, tail(preview)).to.equal(0);
    expect((await p.requests()).total).to.equal(0);
  });

  it("a refused change fails `pulumi preview` with the rule's message and a non-zero exit, sending nothing", async () => {
    p.edit("index.ts", `companyName: "Quickstart Bistro"`, `companyName: "Quickstart Brasserie"`);
    try {
      await p.emulator.admin.resetCounters();
      const r = await p.pulumi(["preview", "--non-interactive"]);
      expect(r.code, tail(r)).to.not.equal(0);
      expect(r.output).to.include("companyName");
      expect(r.output).to.include("keep the current `companyName` in the program; rename the organisation in Control Hub if needed");
      expect((await p.requests()).total).to.equal(0);
    } finally {
      p.edit("index.ts", `companyName: "Quickstart Brasserie"`, `companyName: "Quickstart Bistro"`);
    }
  });

  it("the token is encrypted in the stack file, in no resource's state even with --show-secrets, and in no output", async () => {
    const plain = await p.pulumi(["stack", "export"]);
    expect(plain.code, tail(plain)).to.equal(0);
    const exported = await p.pulumi(["stack", "export", "--show-secrets"]);
    expect(exported.code, tail(exported)).to.equal(0);
    const deployment = JSON.parse(exported.output) as { deployment: { resources: { urn: string; type: string }[] } };
    const webexResources = deployment.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/webex:"));
    expect(webexResources).to.have.length(4);
    for (const r of webexResources) expect(JSON.stringify(r), r.urn).to.not.include(p.emulator.token);
    // Decrypted, the stack's config (the token included) is the default `pulumi-nodejs` provider's
    // inputs: the real engine gives that provider the whole stack config. That one place is the
    // engine's, encrypted at rest (checked by the plain export below), not the package's.
    const holders = deployment.deployment.resources.filter((r) => JSON.stringify(r).includes(p.emulator.token)).map((r) => r.type);
    expect(holders).to.deep.equal(["pulumi:providers:pulumi-nodejs"]);
    p.transcript.pop(); // that export printed it on purpose
    const shown = await p.pulumi(["config", "--show-secrets"]);
    expect(shown.output, "the secret is readable through config, so the check below can fail").to.include(p.emulator.token);
    p.transcript.pop(); // so did that
    for (const run of p.transcript) expect(run, run.split("\n")[0]).to.not.include(p.emulator.token);
  });

  it("the WEBEX_ACCESS_TOKEN environment fallback works when the stack has no token", async () => {
    const rm = await p.pulumi(["config", "rm", "webex:accessToken"]);
    expect(rm.code, tail(rm)).to.equal(0);
    // A new user needs the API, so the run needs a token.
    p.edit(
      "index.ts",
      "export const provisioningId",
      `new CustomerUser("lea@quickstart-bistro.example", { customerId: customer.id, email: "lea@quickstart-bistro.example", firstName: "Lea", lastName: "Morel", package: "webex_meetings" });\nexport const provisioningId`,
    );
    const noToken = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(noToken.code, tail(noToken)).to.not.equal(0);
    expect(noToken.output).to.include("no access token: set the stack config webex:accessToken");
    const r = await p.pulumi(["up", "--yes", "--non-interactive"], { WEBEX_ACCESS_TOKEN: p.emulator.token });
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/\+ 1 created/);
    expect(Object.keys((await p.emulator.admin.state()).subscribers)).to.have.length(3);
  });

  it("a user left waiting (a free Webex account: pending_user_migration) succeeds, and the CLI shows the provider's warning line naming the user", async () => {
    // The emulator treats free.account@example.com as a free Webex account (its subscriber answers 202).
    const email = "free.account@example.com";
    p.edit(
      "index.ts",
      "export const provisioningId",
      `new CustomerUser("${email}", { customerId: customer.id, email: "${email}", firstName: "Free", lastName: "Account", package: "webex_meetings" });\nexport const provisioningId`,
    );
    const r = await p.pulumi(["up", "--yes", "--non-interactive"], { WEBEX_ACCESS_TOKEN: p.emulator.token });
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/\+ 1 created/);
    // The dynamic-provider plugin's stderr is the only channel the real CLI shows (README, "Warnings and
    // progress are plain lines"): the line reaches the person running `up` as the stack's diagnostic
    // (the CLI prints it while it runs and again in the summary), naming the user and what to do.
    const warning = `[webex] CustomerUser ${email}: warning: status pending_user_migration`;
    const summary = r.output.slice(r.output.indexOf("Diagnostics:"));
    expect(r.output.indexOf("Diagnostics:"), tail(r)).to.be.greaterThan(-1);
    const lines = summary.split("\n").filter((l) => l.includes(warning));
    expect(lines, tail(r)).to.have.length(1);
    expect(lines[0]).to.include("accept the move by email");
    expect(summary.slice(0, summary.indexOf(warning))).to.include("pulumi:pulumi:Stack");
  });

  it("destroy deletes users, then the customer, then the template", async () => {
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["destroy", "--yes", "--non-interactive"], { WEBEX_ACCESS_TOKEN: p.emulator.token });
    expect(r.code, tail(r)).to.equal(0);
    const deletes = (await p.emulator.admin.requests()).filter((q) => q.method === "DELETE").map((q) => q.route.split("/")[3]);
    expect(deletes).to.deep.equal(["subscribers", "subscribers", "subscribers", "subscribers", "customers", "onboardingTemplates"]);
    const state = await p.emulator.admin.state();
    expect(Object.keys(state.customers)).to.have.length(0);
    expect(Object.keys(state.templates)).to.have.length(0);
  });
});
