// A wrong webex:subPartnerOrgId fails the preview (issue 27): the provider's configure checks it once
// against GET /v1/wholesale/subPartners and lists the valid ones; a right one previews as usual.
import { expect } from "chai";
import { DEFAULT_SUB_PARTNERS } from "../../local/emulator/core/state";
import { failureText, useScenario, writes } from "./harness";

describe("e2e: webex:subPartnerOrgId is checked at preview", function () {
  this.timeout(120_000);
  const s = useScenario("sub-partner", "examples/quickstart");
  const valid = DEFAULT_SUB_PARTNERS[0]?.orgId ?? "";

  it("an org the partner does not manage fails the preview, listing the valid ones, and writes nothing", async () => {
    s.config = { "webex:subPartnerOrgId": "not-a-sub-partner" };
    await s.resetRequests();
    const started = Date.now();
    const r = await s.run("preview");
    expect(r.ok).to.equal(false);
    expect(failureText(r)).to.include("webex:subPartnerOrgId").and.include("not-a-sub-partner").and.include(valid);
    expect(writes(await s.requests())).to.equal(0);
    const sent = (await s.requestLog()).filter((e) => Date.parse(e.time) >= started);
    expect(sent.map((e) => `${e.method} ${e.route}`)).to.deep.equal(["GET /v1/wholesale/subPartners"]);
  });

  it("a sub-partner it manages previews the creates as usual, after one GET subPartners", async () => {
    s.config = { "webex:subPartnerOrgId": valid };
    const started = Date.now();
    const r = await s.run("preview");
    expect(r.ok, failureText(r)).to.equal(true);
    const sent = (await s.requestLog()).filter((e) => Date.parse(e.time) >= started);
    expect(sent.filter((e) => e.route.endsWith("/subPartners"))).to.have.length(1);
  });
});
