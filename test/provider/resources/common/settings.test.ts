import { expect } from "chai";
import {
  CONFIG_TABLE,
  DEFAULT_BASE_URL,
  DEFAULT_PROVISIONING_TIMEOUT_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
} from "../../../../provider/config";
import { ConfigurationError } from "../../../../provider/resources/common/errors";
import { providerSettingsFor, rememberConfiguration, ruleSettingsFor } from "../../../../provider/resources/common/settings";

/** A ConfigureRequest whose stack config holds `values` (namespaced keys). */
function configureRequest(values: Record<string, string>) {
  return { config: { get: (key: string) => values[key] } };
}

const TOKEN = "tok-SECRET-1234567890";

describe("provider settings (stack config, else environment, else default)", () => {
  const cases: {
    name: string;
    stack: Record<string, string> | undefined;
    env: Record<string, string>;
    expect: Record<string, unknown>;
  }[] = [
    {
      name: "token from the environment, every other setting defaulted",
      stack: undefined,
      env: { WEBEX_ACCESS_TOKEN: TOKEN },
      expect: {
        accessToken: TOKEN,
        baseUrl: DEFAULT_BASE_URL,
        provisioningTimeoutSeconds: DEFAULT_PROVISIONING_TIMEOUT_SECONDS,
        requestTimeoutSeconds: DEFAULT_REQUEST_TIMEOUT_SECONDS,
        clientRules: "strict",
        subPartnerOrgId: undefined,
        maxRequestsPerSecond: undefined,
        rateShareFile: undefined,
      },
    },
    {
      name: "stack config wins over the environment",
      stack: { "webex:accessToken": "from-stack", "webex:baseUrl": "http://127.0.0.1:8080/", "webex:clientRules": "server" },
      env: { WEBEX_ACCESS_TOKEN: "from-env", WEBEX_BASE_URL: "https://example.invalid", WEBEX_CLIENT_RULES: "strict" },
      expect: { accessToken: "from-stack", baseUrl: "http://127.0.0.1:8080", clientRules: "server" },
    },
    {
      name: "environment fills what the stack config leaves out",
      stack: { "webex:accessToken": "from-stack" },
      env: {
        WEBEX_SUB_PARTNER_ORG_ID: "sub-1",
        WEBEX_PROVISIONING_TIMEOUT_SECONDS: "60",
        WEBEX_MAX_REQUESTS_PER_SECOND: "2.5",
        WEBEX_REQUEST_TIMEOUT_SECONDS: "0.5",
        WEBEX_RATE_SHARE_FILE: "/run/shares/s-0.json",
      },
      expect: {
        accessToken: "from-stack",
        subPartnerOrgId: "sub-1",
        provisioningTimeoutSeconds: 60,
        maxRequestsPerSecond: 2.5,
        requestTimeoutSeconds: 0.5,
        rateShareFile: "/run/shares/s-0.json",
      },
    },
    {
      name: "empty values count as unset",
      stack: { "webex:accessToken": TOKEN, "webex:subPartnerOrgId": "", "webex:rateShareFile": " " },
      env: { WEBEX_SUB_PARTNER_ORG_ID: "", WEBEX_BASE_URL: "" },
      expect: { subPartnerOrgId: undefined, baseUrl: DEFAULT_BASE_URL, rateShareFile: undefined },
    },
    {
      name: "clientRules is case-insensitive",
      stack: { "webex:accessToken": TOKEN, "webex:clientRules": " Server " },
      env: {},
      expect: { clientRules: "server" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const owner = {};
      if (c.stack) rememberConfiguration(owner, configureRequest(c.stack));
      const settings = providerSettingsFor(owner, c.env);
      for (const [key, value] of Object.entries(c.expect)) {
        expect((settings as Record<string, unknown>)[key], key).to.deep.equal(value);
      }
    });
  }

  const failures: { name: string; stack: Record<string, string>; env: Record<string, string>; mentions: string[] }[] = [
    { name: "no token anywhere", stack: {}, env: {}, mentions: ["webex:accessToken", "WEBEX_ACCESS_TOKEN"] },
    {
      name: "plain http to a remote host",
      stack: { "webex:accessToken": TOKEN, "webex:baseUrl": "http://webexapis.com" },
      env: {},
      mentions: ["webex:baseUrl", "WEBEX_BASE_URL", "https://"],
    },
    {
      name: "a base URL that is not a URL",
      stack: { "webex:accessToken": TOKEN },
      env: { WEBEX_BASE_URL: "not a url" },
      mentions: ["webex:baseUrl"],
    },
    {
      name: "a timeout that is not a whole positive number",
      stack: { "webex:accessToken": TOKEN, "webex:provisioningTimeoutSeconds": "-5" },
      env: {},
      mentions: ["webex:provisioningTimeoutSeconds", "WEBEX_PROVISIONING_TIMEOUT_SECONDS"],
    },
    {
      name: "a timeout that is not a number at all",
      stack: { "webex:accessToken": TOKEN, "webex:provisioningTimeoutSeconds": "half an hour" },
      env: {},
      mentions: ["webex:provisioningTimeoutSeconds", "WEBEX_PROVISIONING_TIMEOUT_SECONDS"],
    },
    {
      name: "an unknown clientRules value",
      stack: { "webex:accessToken": TOKEN, "webex:clientRules": "lenient" },
      env: {},
      mentions: ["webex:clientRules", "strict", "server"],
    },
    {
      name: "a request timeout that is not a positive number",
      stack: { "webex:accessToken": TOKEN, "webex:requestTimeoutSeconds": "never" },
      env: {},
      mentions: ["webex:requestTimeoutSeconds", "WEBEX_REQUEST_TIMEOUT_SECONDS"],
    },
    {
      name: "a pacing rate of zero",
      stack: { "webex:accessToken": TOKEN },
      env: { WEBEX_MAX_REQUESTS_PER_SECOND: "0" },
      mentions: ["webex:maxRequestsPerSecond"],
    },
  ];
  for (const c of failures) {
    it(`refuses ${c.name} with a message naming the setting, never the token`, () => {
      const owner = {};
      rememberConfiguration(owner, configureRequest(c.stack));
      let thrown: unknown;
      try {
        providerSettingsFor(owner, c.env);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).to.be.instanceOf(ConfigurationError);
      const message = (thrown as Error).message;
      for (const m of c.mentions) expect(message).to.include(m);
      expect(message).not.to.include(TOKEN);
      expect(JSON.stringify(thrown)).not.to.include(TOKEN);
    });
  }

  it("keeps only the webex:* keys of the configuration table from the stack config", () => {
    const owner = {};
    const asked: string[] = [];
    rememberConfiguration(owner, { config: { get: (k: string) => (asked.push(k), undefined) } });
    expect(asked.sort()).to.deep.equal(
      Object.values(CONFIG_TABLE)
        .map((e) => e.key)
        .sort(),
    );
  });

  it("rule settings need no token (a preview validates without credentials)", () => {
    const owner = {};
    rememberConfiguration(owner, configureRequest({ "webex:clientRules": "server" }));
    expect(ruleSettingsFor(owner, {})).to.deep.equal({ clientRules: "server" });
    expect(ruleSettingsFor({}, {})).to.deep.equal({ clientRules: "strict" });
  });

  it("keeps each provider object's configuration apart and stores nothing on the object", () => {
    const a = {};
    const b = {};
    rememberConfiguration(a, configureRequest({ "webex:accessToken": "token-a" }));
    rememberConfiguration(b, configureRequest({ "webex:accessToken": "token-b" }));
    expect(providerSettingsFor(a, {}).accessToken).to.equal("token-a");
    expect(providerSettingsFor(b, {}).accessToken).to.equal("token-b");
    expect(JSON.stringify(a) + Object.getOwnPropertyNames(a).join()).not.to.include("token-a");
  });
});
