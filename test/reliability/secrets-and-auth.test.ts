// Secrets and authentication (issue 7): a wrong token gives one clear error and no retry storm;
// `http://` to a non-loopback host is refused before any request; no run artifact (state file,
// engine log with the provider's lines, output, error messages) holds a token. The fault and
// crash scenarios scan their own artifacts the same way.
import { expect } from "chai";
import nock from "nock";

import { createClient } from "../../provider/client";

import { canaryToken, expectCleanEnd, expectNoTokenIn, openDeployment, TYPES, stateResources } from "./support/deployment";
import { withDeployment } from "./support/scenarios";

describe("reliability: authentication and secrets", function () {
  this.timeout(120_000);

  it("a wrong token: one clear error naming the token problem, one request per attempted resource, no retry, no token in any artifact", async () => {
    const wrongToken = canaryToken();
    await withDeployment({ customers: 2, usersPerCustomer: 2, engineToken: wrongToken }, async (d) => {
      const run = await d.run("up");
      expectCleanEnd(run);
      expect(run.exitCode).to.equal(1);
      const output = `${run.stdout}\n${run.stderr}`;
      expect(output).to.match(/401/);
      expect(output).to.match(/access token/i);
      expect(output).to.match(/1 failed/);
      // Customers and users wait for the template, so only the template was attempted.
      const counters = await d.emulator.admin.counters();
      expect(counters.byStatus["401"] ?? 0, JSON.stringify(counters)).to.equal(counters.total);
      expect(counters.total, `requests sent with a wrong token: ${JSON.stringify(counters.byRoute)}`).to.be.within(1, 2);
      expect(stateResources(d.stateFile).template, "nothing recorded for the failed template").to.deep.equal([]);
      expectNoTokenIn(d, wrongToken);
      expectNoTokenIn(d);
    });
  });

  it("the token scan fails when a file it should scan is missing, instead of passing on nothing", async () => {
    const d = await openDeployment({ customers: 1, usersPerCustomer: 1 });
    try {
      // A run that left neither state file nor log (as a crashed or misconfigured engine could).
      d.runs.push({ exitCode: 0, stdout: "", stderr: "" } as (typeof d.runs)[number]);
      expect(() => expectNoTokenIn(d))
        .to.throw(/missing/)
        .with.property("message")
        .that.includes("state.json");
    } finally {
      await d.close();
    }
  });

  it("a successful run keeps the token out of state, log and output", async () => {
    await withDeployment({ customers: 1, usersPerCustomer: 2 }, async (d) => {
      const run = await d.run("up");
      expect(run.exitCode, run.stdout.slice(-2000)).to.equal(0);
      const state = stateResources(d.stateFile);
      expect(state.customer.map((r) => r.type)).to.deep.equal([TYPES.customer]);
      expectNoTokenIn(d);
    });
  });

  describe("http:// to a non-loopback host is refused before any request", () => {
    beforeEach(() => nock.disableNetConnect());
    afterEach(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    const refused = [
      { name: "public host name", baseUrl: "http://partner-gateway.example" },
      { name: "private IPv4 address", baseUrl: "http://10.1.2.3:8080" },
      { name: "name that merely starts with localhost", baseUrl: "http://localhost.example.com" },
      { name: "name that merely starts with 127", baseUrl: "http://127.0.0.1.example.com" },
    ];
    for (const c of refused) {
      it(`refuses ${c.name} (${c.baseUrl}) with a client error naming the rule, without sending anything`, async () => {
        const token = canaryToken();
        const scope = nock(c.baseUrl).get(/.*/).reply(200, { items: [] }).post(/.*/).reply(201, {});
        let thrown: unknown;
        try {
          const client = createClient({ baseUrl: c.baseUrl, accessToken: token });
          await client.customers.get("any-id");
        } catch (e) {
          thrown = e;
        }
        expect(thrown).to.be.instanceOf(Error);
        expect((thrown as Error).message).to.match(/https|loopback/i);
        expect((thrown as Error).message).not.to.include(token);
        expect(JSON.stringify(thrown)).not.to.include(token);
        expect(scope.isDone(), "a request reached the host").to.equal(false);
      });
    }

    it("accepts http:// to 127.0.0.1 (the emulator)", () => {
      expect(() => createClient({ baseUrl: "http://127.0.0.1:1", accessToken: canaryToken() })).not.to.throw();
    });
  });

  it("the engine refuses a non-loopback http:// base URL: one clear error, nothing recorded, no token anywhere", async () => {
    await withDeployment(
      { customers: 1, usersPerCustomer: 1, config: { "webex:baseUrl": "http://partner-gateway.example" } },
      async (d) => {
        const run = await d.run("up");
        expectCleanEnd(run);
        expect(run.exitCode).to.equal(1);
        expect(run.stdout + run.stderr).to.match(/webex:baseUrl.*https:\/\/.*loopback/);
        const state = stateResources(d.stateFile);
        expect(state.template.length + state.customer.length + state.user.length, "resources recorded").to.equal(0);
        expectNoTokenIn(d);
      },
    );
  });
});
