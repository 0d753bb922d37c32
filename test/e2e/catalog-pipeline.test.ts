// The catalog's sample pipeline (examples/catalog/.github/workflows/pulumi.yml): its pull-request
// preview runs without the Webex token, which is only safe because check and diff do no I/O. Proved
// here on the local engine: after an `up`, a catalog change previews with no token and no request
// reaching the API. The workflow itself is checked for what the README promises of it.
import { expect } from "chai";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import pkg from "../../package.json";
import { ROOT, failureText, stepCounts, useScenario } from "./harness";

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = {
  if?: string;
  environment?: string;
  env?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
};
const WORKFLOW = join(ROOT, "examples/catalog/.github/workflows/pulumi.yml");

describe("the catalog's sample pipeline", function () {
  this.timeout(120_000);
  const workflow = parse(readFileSync(WORKFLOW, "utf8")) as { env: Record<string, string>; jobs: Record<string, Job> };
  const { preview, up } = workflow.jobs;

  it("gives the pull-request preview no Webex token, and only the up job the token, per environment", () => {
    const text = (v: unknown) => JSON.stringify(v);
    expect(text(workflow.env) + text(preview)).not.to.match(/WEBEX_ACCESS_TOKEN|webex:accessToken/);
    expect(text(preview.steps)).not.to.match(/refresh/); // a refresh reads from the API: it would need the token
    expect(up.environment, "the token is an environment secret: one per stack").to.match(/matrix\.environment/);
    expect(up.steps.at(-1)!.env).to.deep.equal({
      WEBEX_ACCESS_TOKEN: "${{ secrets.WEBEX_ACCESS_TOKEN }}",
      // The deletion guard is lifted only by a hand-started run that asks for it, never by a push.
      WEBEX_CATALOG_ALLOW_DELETES: "${{ github.event_name == 'workflow_dispatch' && inputs.allow-deletes && 'true' || 'false' }}",
    });
  });

  it("runs one up at a time per stack, never cancelled halfway, with 64 steps in parallel (checkpoints on)", () => {
    expect(up.concurrency).to.deep.equal({ group: "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(up.steps.at(-1)!.with).to.include({ command: "up", "stack-name": "${{ matrix.stack }}", parallel: 64 });
  });

  it("uses a Node the package supports", () => {
    const lowest = Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]);
    expect(Number(workflow.env.NODE_VERSION)).to.be.at.least(lowest);
    for (const job of [preview, up]) {
      expect(job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))!.with).to.include({
        "node-version": "${{ env.NODE_VERSION }}",
      });
    }
  });

  describe("preview without a token (local engine, emulator)", () => {
    const s = useScenario("catalog-pipeline", undefined, "examples/catalog");
    let catalog: string;
    before(() => {
      catalog = s.workFile("customers.yaml");
      copyFileSync(join(ROOT, "examples/catalog/customers.yaml"), catalog);
      s.config = { "webex-catalog:catalogFile": catalog };
    });

    it("after an up, a catalog change previews with no token and sends nothing to the API", async () => {
      const first = await s.run("up");
      expect(first.ok, failureText(first)).to.equal(true);
      s.edit(catalog, "quantity: 5", "quantity: 8");
      await s.resetRequests();
      const saved = process.env.WEBEX_ACCESS_TOKEN;
      delete process.env.WEBEX_ACCESS_TOKEN; // the plugin would otherwise read it from the environment
      try {
        const r = await s.run("preview", { withoutToken: true });
        expect(r.ok, failureText(r)).to.equal(true);
        expect(stepCounts(r)).to.include({ update: 1, create: 0, replace: 0, delete: 0 });
      } finally {
        if (saved !== undefined) process.env.WEBEX_ACCESS_TOKEN = saved;
      }
      expect((await s.requests()).total, "requests during the preview").to.equal(0);
    });

    it("a refused change still fails that preview, with the property named", async () => {
      s.edit(catalog, "quantity: 8", "quantity: 3"); // below the 5 in state: a lowered quantity
      const r = await s.run("preview", { withoutToken: true });
      expect(r.ok).to.equal(false);
      expect(failureText(r)).to.match(/packages\[webex_meetings\]\.quantity/);
      expect((await s.requests()).total).to.equal(0);
    });
  });
});
