import { expect } from "chai";
import {
  CONFIG_TABLE,
  configTableMarkdown,
  MAX_BASE_URL_LENGTH,
  MAX_SUB_PARTNER_ORG_ID_LENGTH,
  ProviderSettingsSchema,
} from "../../provider/config";

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
      ["`webex:rateShareFile`", "none"],
    ];
    for (const [key, fallback] of rows) {
      const line = lines.find((l) => l.startsWith(`| ${key} |`));
      expect(line, key).to.be.a("string");
      expect(line!.split(" | ")[2]).to.equal(fallback);
    }
  });
});

describe("setting sizes", () => {
  const settings = (over: Record<string, string>) => ProviderSettingsSchema.safeParse({ accessToken: "t", ...over });
  const reasons = (over: Record<string, string>) => {
    const r = settings(over);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it(`refuses a baseUrl over ${MAX_BASE_URL_LENGTH} characters, saying how long it is and what to give, before parsing it`, () => {
    const long = "https://" + "/".repeat(1_000_000) + "x";
    expect(reasons({ baseUrl: long })).to.deep.equal([
      `webex:baseUrl (WEBEX_BASE_URL) is ${long.length} characters long; an API root is at most ${MAX_BASE_URL_LENGTH}: give the root only, e.g. https://webexapis.com`,
    ]);
  });

  it(`accepts a baseUrl of exactly ${MAX_BASE_URL_LENGTH} characters`, () => {
    const exact = "https://a.example/" + "p".repeat(MAX_BASE_URL_LENGTH - "https://a.example/".length);
    expect(settings({ baseUrl: exact }).success).to.equal(true);
  });

  it(`refuses a subPartnerOrgId over ${MAX_SUB_PARTNER_ORG_ID_LENGTH} characters and accepts one at the limit`, () => {
    expect(reasons({ subPartnerOrgId: "o".repeat(MAX_SUB_PARTNER_ORG_ID_LENGTH + 1) })[0]).to.match(
      /^webex:subPartnerOrgId \(WEBEX_SUB_PARTNER_ORG_ID\) is 257 characters long; an org id is at most 256/,
    );
    expect(settings({ subPartnerOrgId: "o".repeat(MAX_SUB_PARTNER_ORG_ID_LENGTH) }).success).to.equal(true);
  });
});
