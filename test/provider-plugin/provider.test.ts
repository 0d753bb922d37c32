/**
 * The plugin's provider object in-process (no gRPC, no build): what it answers for hostile input,
 * whatever its size or its characters (issue 23): a failure stays one short line per problem.
 */
import { expect } from "chai";
import { MAX_BASE_URL_LENGTH } from "../../provider/config";
import { CUSTOMER_PACKAGE_NAMES } from "../../provider/packages";
import { WholesaleProvider } from "../../provider/plugin/provider";
import { orgArgs } from "../provider/resources/check-fixtures";

const ORG = "urn:pulumi:dev::p::webex-wholesale:index:CustomerOrg::acme";

describe("the plugin's provider object, given hostile input", () => {
  const plugin = new WholesaleProvider("0.0.0");

  it("refuses a 1 MB baseUrl with one failure under the plugin's key", () => {
    const { failures } = plugin.checkConfig({ baseUrl: "https://" + "a".repeat(1_000_000) + ".example" });
    expect(failures).to.have.length(1);
    expect(failures![0]!.property).to.equal("baseUrl");
    expect(failures![0]!.reason).to.include(`webex-wholesale:baseUrl (WEBEX_BASE_URL) is 1000016 characters long`);
    expect(failures![0]!.reason).to.include(`at most ${MAX_BASE_URL_LENGTH}`);
  });

  it("escapes ESC and RLO in the name of an unknown setting", () => {
    const { failures } = plugin.checkConfig({ "\u001b[31mbase\u202eUrl": "x" });
    expect(failures!.map((f) => f.property)).to.deep.equal(["\\x1b[31mbase\\u202eUrl"]);
  });

  it("escapes ESC and RLO in a failure's property path from a resource's check", async () => {
    const { failures } = await plugin.check(ORG, {}, { ...orgArgs(), "\u001b]0;x\u0007\u202e": 1 });
    expect(failures!.map((f) => f.property)).to.deep.equal(['["\\u001b]0;x\\u0007\\u202e"]']);
  });

  it("answers 100,000 packages with one failure, quickly", async () => {
    const packages = Array.from({ length: 100_000 }, () => ({ name: "webex_calling", quantity: 1 }));
    const started = Date.now();
    const { failures } = await plugin.check(ORG, {}, { ...orgArgs(), packages });
    expect(failures).to.deep.equal([
      { property: "packages", reason: `lists more than the ${CUSTOMER_PACKAGE_NAMES.length} packages there are: list each package once` },
    ]);
    expect(Date.now() - started).to.be.below(2000);
  });
});
