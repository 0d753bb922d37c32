// Preview precision (issue 13): for each change a team makes (a quantity bump, a user added, a user
// removed, a site's number added and removed, a template change), the preview lists exactly the
// resources the up then writes, at the API, no more and no fewer. Small scale: the bench program
// with 3 customers × 3 users and a site of 2 numbers each.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { comparePrecision, parseChanges, stateIds, writtenChanges } from "../../bench/preview-precision";
import { failureText, useScenario } from "./harness";

describe("e2e: a preview lists exactly what up writes", function () {
  this.timeout(600_000);
  const s = useScenario("preview-precision", undefined, "bench/program");
  const readState = () => (existsSync(s.stateFile) ? readFileSync(s.stateFile, "utf8") : undefined);

  before(async function () {
    this.timeout(600_000);
    s.config = {
      "webex-bench:customers": "3",
      "webex-bench:usersPerCustomer": "3",
      "webex-bench:prefix": "prec",
      "webex-bench:siteNumbers": "2",
    };
    const r = await s.run("up");
    expect(r.ok, failureText(r)).to.equal(true);
  });

  const changes: { name: string; config: Record<string, string>; expected: string[] }[] = [
    {
      name: "a quantity bump on every customer",
      config: { "webex-bench:quantityBump": "1" },
      expected: ["update prec-c0001", "update prec-c0002", "update prec-c0003"],
    },
    { name: "a user added", config: { "webex-bench:extraUsers": "1" }, expected: ["create user0004@prec-c0001.example"] },
    { name: "a user removed", config: { "webex-bench:extraUsers": "0" }, expected: ["delete user0004@prec-c0001.example"] },
    // Numbers go to and from a location below its path (POST/DELETE …/locations/{id}/numbers): updates of the site.
    {
      name: "a number added to every site",
      config: { "webex-bench:siteNumbers": "3" },
      expected: ["update prec-c0001/site", "update prec-c0002/site", "update prec-c0003/site"],
    },
    {
      name: "that number removed from every site",
      config: { "webex-bench:siteNumbers": "2" },
      expected: ["update prec-c0001/site", "update prec-c0002/site", "update prec-c0003/site"],
    },
    { name: "a template change", config: { "webex-bench:templateRevision": "1" }, expected: ["update prec-template"] },
  ];
  for (const c of changes) {
    it(`${c.name}: the preview's plan equals the up's writes`, async () => {
      Object.assign(s.config, c.config);
      const plan = await s.run("preview");
      expect(plan.ok, failureText(plan)).to.equal(true);
      const planned = parseChanges(s.lastOutput.join("\n"));
      const before = stateIds(readState());
      // The request log spans the scenario: this up's writes are the ones logged after it started.
      const started = Date.now();
      const up = await s.run("up");
      expect(up.ok, failureText(up)).to.equal(true);
      const writes = (await s.requestLog()).filter((e) => e.method !== "GET" && Date.parse(e.time) >= started);
      const written = writtenChanges(writes, before, stateIds(readState()));
      const result = comparePrecision(planned, written.changes, written.unattributed);
      expect(result.written, `what up wrote: ${writes.map((w) => `${w.method} ${w.path}`).join(", ")}`).to.deep.equal(c.expected);
      expect(result, JSON.stringify(result)).to.include({ exact: true });
    });
  }
});

describe("preview precision: the comparison itself", () => {
  it("a preview that lists users up does not write is not exact, and says which", () => {
    const planned = [
      { name: "c1", op: "update" as const },
      { name: "u1", op: "update" as const },
    ];
    const before = new Map([
      ["id-c1", "c1"],
      ["id-u1", "u1"],
    ]);
    const written = writtenChanges([{ method: "PUT", path: "/v1/wholesale/customers/id-c1" }], before, before);
    const result = comparePrecision(planned, written.changes, written.unattributed);
    expect(result).to.deep.include({ exact: false, notWritten: ["update u1"], notPlanned: [] });
  });

  it("a write the preview did not list, or one tied to no resource, is not exact", () => {
    const before = new Map([["id-c1", "c1"]]);
    const after = new Map([...before, ["id-u2", "u2"]]);
    const written = writtenChanges(
      [
        { method: "POST", path: "/v1/wholesale/subscribers" },
        { method: "POST", path: "/v1/wholesale/subscribers" },
      ],
      before,
      after,
    );
    const result = comparePrecision([], written.changes, written.unattributed);
    expect(result).to.deep.include({ exact: false, notPlanned: ["create u2"], unattributed: ["POST (no new resource in state)"] });
  });

  it("a write below a resource's path (numbers added to or removed from a location) is an update of it, not a create or delete", () => {
    const before = new Map([["id-l1", "l1"]]);
    const written = writtenChanges(
      [
        { method: "POST", path: "/v1/telephony/config/locations/id-l1/numbers?orgId=o" },
        { method: "DELETE", path: "/v1/telephony/config/locations/id-l1/numbers?orgId=o" },
      ],
      before,
      before,
    );
    expect(written).to.deep.equal({ changes: [{ name: "l1", op: "update" }], unattributed: [] });
  });
});
