import { expect } from "chai";
import { CONFIG_TABLE, configTableMarkdown } from "../../provider/config";

describe("configuration table", () => {
  it("renders one Markdown row per setting with its key, environment variable and default", () => {
    const lines = configTableMarkdown().split("\n");
    expect(lines).to.have.length(2 + Object.keys(CONFIG_TABLE).length);
    const rows: [string, string][] = [
      ["`webex:accessToken` (set with `--secret`)", "none: a clear error naming both"],
      ["`webex:baseUrl`", "`https://webexapis.com`"],
      ["`webex:provisioningTimeoutSeconds`", "`1800`"],
      ["`webex:requestTimeoutSeconds`", "`30`"],
      ["`webex:clientRules`", "`strict`"],
      ["`webex:maxRequestsPerSecond`", "none"],
    ];
    for (const [key, fallback] of rows) {
      const line = lines.find((l) => l.startsWith(`| ${key} |`));
      expect(line, key).to.be.a("string");
      expect(line!.split(" | ")[2]).to.equal(fallback);
    }
  });
});
