// Under the REAL Pulumi CLI (issue 27): a `webex:subPartnerOrgId` the partner does not manage fails
// `pulumi preview` before anything is written, listing the valid ids (the provider's configure checks it
// once against GET /v1/wholesale/subPartners; check and diff do no I/O); a managed one previews as usual.
import { expect } from "chai";
import { DEFAULT_SUB_PARTNERS } from "../../local/emulator/core/state";
import { describeWithCli, tail, useCliProgram } from "./support";

describeWithCli("real Pulumi CLI: webex:subPartnerOrgId is checked at preview", function () {
  this.timeout(300_000);
  const p = useCliProgram("sub-partner", "examples/quickstart");
  const valid = DEFAULT_SUB_PARTNERS[0]?.orgId ?? "";

  it("a wrong id fails the preview with the valid ones; only GET subPartners reaches the API", async () => {
    expect((await p.pulumi(["config", "set", "webex:subPartnerOrgId", "not-a-sub-partner"])).code).to.equal(0);
    const mark = await p.mark();
    const r = await p.pulumi(["preview", "--non-interactive"]);
    expect(r.code, tail(r)).to.not.equal(0);
    expect(r.output).to.include("webex:subPartnerOrgId").and.include("not-a-sub-partner").and.include(valid);
    expect(new Set(await p.log(mark))).to.deep.equal(new Set(["GET /v1/wholesale/subPartners"]));
  });

  it("a managed sub-partner previews the creates", async () => {
    expect((await p.pulumi(["config", "set", "webex:subPartnerOrgId", valid])).code).to.equal(0);
    const r = await p.pulumi(["preview", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/\+ 5 to create/);
  });
});
