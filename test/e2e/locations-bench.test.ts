// The benchmark's sites (issue 25, item 9): one extra location per customer with 10 numbers. The
// catalog generator gives every site distinct, valid numbers; the lower bound counts the sites'
// requests; and the bench program, run on the stand-in engine, makes at least that many (a bound
// above what the product sends would be no bound).
import { expect } from "chai";
import { SITE_CREATE_REQUESTS, SITE_DISABLE_REQUESTS, phaseBounds } from "../../bench/lower-bound";
import { generateCatalog } from "../../bench/workload";
import { failureText, stepCounts, useScenario } from "./harness";

const settings = { minLatencyMs: 10, provisioningMs: 1000, rate: false as const };

describe("bench: one extra location per customer with 10 numbers", function () {
  this.timeout(180_000);

  it("each customer's site has 10 distinct E.164 numbers, the first its main number, none shared across customers or prefixes", () => {
    const a = generateCatalog({ customers: 30, usersPerCustomer: 1, siteNumbers: 10 });
    const b = generateCatalog({ customers: 30, usersPerCustomer: 1, siteNumbers: 10, prefix: "other" });
    const numbers = [...a.customers, ...b.customers].flatMap((c) => c.site!.calling.numbers.map((n) => n.number));
    expect(numbers).to.have.length(600);
    expect(new Set(numbers).size).to.equal(600);
    for (const n of numbers) expect(n).to.match(/^\+1[2-9]\d{9}$/);
    for (const c of a.customers) expect(c.site!.calling.mainNumber).to.equal(c.site!.calling.numbers[0]!.number);
    expect(generateCatalog({ customers: 2, usersPerCustomer: 1 }).customers.every((c) => c.site === undefined)).to.equal(true);
  });

  it("the lower bound counts the sites' requests and their chain; without sites it is unchanged", () => {
    const [plain, sites] = [phaseBounds(100, 10, settings), phaseBounds(100, 10, settings, 10)];
    const by = (list: typeof plain, phase: string) => list.find((b) => b.phase === phase)!;
    expect(by(sites, "up").minRequests - by(plain, "up").minRequests).to.equal(100 * SITE_CREATE_REQUESTS);
    expect(by(sites, "destroy").minRequests - by(plain, "destroy").minRequests).to.equal(100 * SITE_DISABLE_REQUESTS);
    expect(by(sites, "bumpUp")).to.deep.equal(by(plain, "bumpUp"));
    // Chains: five site writes after provisioning instead of one user POST; the disable job before the customer's DELETE.
    expect(by(sites, "up").chainMs - by(plain, "up").chainMs).to.equal(4 * 10);
    expect(by(sites, "destroy").chainMs - by(plain, "destroy").chainMs).to.equal(3 * 10 + 1000 - 10);
    expect(phaseBounds(100, 10, settings, 0)).to.deep.equal(plain);
  });

  describe("the bench program on the stand-in engine", () => {
    const s = useScenario("locations-bench", undefined, "bench/program");
    before(() => {
      s.config = {
        "webex-bench:customers": "2",
        "webex-bench:usersPerCustomer": "1",
        "webex-bench:siteNumbers": "10",
        "webex-bench:prefix": "lb",
      };
    });

    it("up creates a site with 10 numbers per customer, sending at least the bound's requests", async () => {
      await s.resetRequests();
      const r = await s.run("up");
      expect(r.ok, failureText(r)).to.equal(true);
      expect(stepCounts(r).create).to.equal(1 + 2 + 2 + 2);
      const sites = Object.values((await s.state()).locations);
      expect(sites.map((l) => [l.name, l.numbers.length, l.numbers.every((n) => n.state === "ACTIVE")])).to.deep.equal([
        ["lb-c0001 site", 10, true],
        ["lb-c0002 site", 10, true],
      ]);
      const up = phaseBounds(2, 1, settings, 10).find((b) => b.phase === "up")!;
      expect((await s.requests()).total).to.be.at.least(up.minRequests);
    });

    it("destroy disables calling at each site, sending at least the bound's requests", async () => {
      await s.resetRequests();
      const r = await s.run("destroy");
      expect(r.ok, failureText(r)).to.equal(true);
      const destroy = phaseBounds(2, 1, settings, 10).find((b) => b.phase === "destroy")!;
      expect((await s.requests()).total).to.be.at.least(destroy.minRequests);
    });
  });
});
