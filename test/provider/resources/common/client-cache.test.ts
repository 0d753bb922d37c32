import { expect } from "chai";
import nock from "nock";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRateShareFile } from "../../../../provider/client/rate-share-file";
import { API, steppingClock, useNock } from "../../client/helpers";
import { ClientCache, contextFor, useClients } from "../../../../provider/resources/common/client-cache";
import { rememberConfiguration } from "../../../../provider/resources/common/settings";
import type { ProviderSettings } from "../../../../provider/config";

const base: ProviderSettings = {
  accessToken: "tok_A_secret",
  baseUrl: "http://127.0.0.1:9",
  clientRules: "strict",
  provisioningTimeoutSeconds: 60,
  requestTimeoutSeconds: 30,
  subPartnerOrgId: undefined,
  maxRequestsPerSecond: undefined,
};

describe("client cache (one client per process per base URL, token, sub-partner and pacing)", () => {
  let clients: ClientCache;
  beforeEach(() => (clients = new ClientCache()));

  const cases: { name: string; other: Partial<ProviderSettings>; same: boolean }[] = [
    { name: "identical settings share one client (pacing and estimates are shared)", other: {}, same: true },
    { name: "timeouts and rules do not split clients", other: { provisioningTimeoutSeconds: 5, clientRules: "server" }, same: true },
    { name: "another token gets its own client", other: { accessToken: "tok_B_secret" }, same: false },
    { name: "another base URL gets its own client", other: { baseUrl: "http://127.0.0.1:10" }, same: false },
    { name: "another sub-partner gets its own client", other: { subPartnerOrgId: "sub" }, same: false },
    { name: "another pacing gets its own client", other: { maxRequestsPerSecond: 5 }, same: false },
    {
      name: "another rate-share file gets its own client",
      other: { maxRequestsPerSecond: 5, rateShareFile: "/run/s-1.json" },
      same: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = clients.clientFor(base).client;
      const b = clients.clientFor({ ...base, ...c.other }).client;
      expect(a === b).to.equal(c.same);
    });
  }

  it("a rate-share file without a starting rate is refused, naming both settings and what to set", () => {
    expect(() => clients.clientFor({ ...base, rateShareFile: "/run/s-0.json" })).to.throw(
      /webex:rateShareFile \(WEBEX_RATE_SHARE_FILE\) is set without webex:maxRequestsPerSecond \(WEBEX_MAX_REQUESTS_PER_SECOND\): set that too/,
    );
  });

  it("building a client with a rate-share file reads nothing yet (the file may not exist)", () => {
    const client = clients.clientFor({ ...base, maxRequestsPerSecond: 4, rateShareFile: "/nonexistent/dir/s-0.json" }).client;
    expect(client).to.be.an("object");
  });

  describe("a client's pacing follows its rate-share file", () => {
    useNock();
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "client-share-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("paces at the file's rate, not the starting one, and follows a rewrite", async () => {
      const file = join(dir, "s-0.json");
      writeRateShareFile(file, 0.25);
      const clock = steppingClock();
      const own = new ClientCache({ now: clock.now, sleep: clock.sleep });
      const { client } = own.clientFor({ ...base, baseUrl: API, maxRequestsPerSecond: 1, rateShareFile: file });
      nock(API).get("/v1/wholesale/customers/c1").times(5).reply(200, { id: "c1", status: "provisioned" });
      for (let k = 0; k < 3; k++) await client.customers.get("c1");
      // 0.25/s from the file (4 s apart), where the starting 1/s would have been 1 s apart.
      expect(clock.sleeps).to.deep.equal([4000, 4000]);
      writeRateShareFile(file, 2);
      await new Promise((r) => setTimeout(r, 600)); // past the reader's 0.5 s between looks
      for (let k = 0; k < 2; k++) await client.customers.get("c1");
      // The slot reserved at 0.25/s is kept, less the new burst's tolerance (burst 2 at 2/s: 500 ms);
      // then 500 ms apart at 2/s.
      expect(clock.sleeps.slice(2)).to.deep.equal([3500, 500]);
    });
  });

  it("contextFor reads the owner's configuration and converts the timeout to ms", () => {
    const owner = {};
    rememberConfiguration(owner, {
      config: {
        get: (k: string) =>
          (
            ({ "webex:accessToken": "tok_C", "webex:baseUrl": "http://127.0.0.1:9", "webex:provisioningTimeoutSeconds": "90" }) as Record<
              string,
              string
            >
          )[k],
      },
    });
    const ctx = contextFor(owner);
    expect(ctx.timeoutMs).to.equal(90_000);
    expect(ctx.client.baseUrl).to.equal("http://127.0.0.1:9");
    expect(contextFor(owner).client).to.equal(ctx.client);
  });

  it("a provider object given its own clients (useClients) uses them, with their tuning; others share the process's", () => {
    const config = { config: { get: (k: string) => ({ "webex:accessToken": "tok_D", "webex:baseUrl": "http://127.0.0.1:9" })[k] } };
    const sleep = async () => undefined;
    const own = new ClientCache({ sleep });
    const [a, b] = [{}, {}];
    rememberConfiguration(a, config);
    rememberConfiguration(b, config);
    useClients(a, own);
    expect(contextFor(a).client).to.equal(own.clientFor(contextFor(a).settings).client);
    expect(contextFor(a).sleep).to.equal(sleep);
    expect(contextFor(b).client).not.to.equal(contextFor(a).client);
    expect(contextFor(b).sleep).to.equal(undefined);
  });
});
