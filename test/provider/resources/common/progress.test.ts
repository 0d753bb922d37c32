import { expect } from "chai";
import { progressReporter, writeWarning } from "../../../../provider/resources/common/progress";
import { captureProgress } from "../progress-capture";

describe("progress lines", () => {
  let lines: string[];
  let restore: () => void;
  beforeEach(() => {
    lines = [];
    restore = captureProgress(lines);
  });
  afterEach(() => restore());

  it("writes one line per status change, repeats only after the interval, with elapsed seconds", () => {
    let t = 0;
    const r = progressReporter("CustomerOrg", "acme-001", { now: () => t, everyMs: 10_000 });
    const steps: [number, string][] = [
      [0, "provisioning"],
      [2_000, "provisioning"],
      [12_000, "provisioning"],
      [13_000, "provisioned"],
    ];
    for (const [at, status] of steps) {
      t = at;
      r.report(status);
    }
    expect(lines).to.deep.equal([
      "[webex] CustomerOrg acme-001: provisioning (0s)",
      "[webex] CustomerOrg acme-001: provisioning (12s)",
      "[webex] CustomerOrg acme-001: provisioned (13s)",
    ]);
  });

  it("by default a wait whose status does not change writes a heartbeat at most once a minute (30 min of 30-s polls: 31 lines)", () => {
    let t = 0;
    const r = progressReporter("CustomerOrg", "acme-001", { now: () => t });
    for (t = 0; t <= 30 * 60_000; t += 30_000) r.report("provisioning");
    expect(lines).to.have.length(31);
    expect(lines[1]).to.equal("[webex] CustomerOrg acme-001: provisioning (60s)");
  });

  it("warnings are always written", () => {
    writeWarning("CustomerUser", "ada@acme.example", "status pending_user_migration");
    expect(lines).to.deep.equal(["[webex] CustomerUser ada@acme.example: warning: status pending_user_migration"]);
  });
});
