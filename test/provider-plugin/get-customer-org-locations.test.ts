/**
 * `getCustomerOrg` returns the customer's locations: the headquarters provisioning made and a site
 * added through the Locations API, each with its id, name, time zone and address; none for a
 * customer whose org does not exist yet.
 */
import { expect } from "chai";
import { startEmulator } from "../../local/emulator";
import { getCustomerOrg } from "../../provider";

const ADDRESS = { addressLine1: "1 Main Street", city: "Springfield", stateOrProvince: "IL", zipOrPostalCode: "62701", country: "US" };

describe("getCustomerOrg returns the customer's locations", function () {
  this.timeout(60_000);
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let config: { get(key: string): string | undefined };
  const api = async (method: string, path: string, body?: object) => {
    const r = await fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    expect(r.status, `${method} ${path}: ${text}`).to.be.lessThan(300);
    return { headers: r.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  let siteId: string;

  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0 });
    const values: Record<string, string> = { "webex:accessToken": emu.token, "webex:baseUrl": emu.url };
    config = { get: (key) => values[key] };
    const template = await api("POST", "/v1/wholesale/onboardingTemplates", {
      name: "T",
      serviceProviderAdmin: "ops@partner.example",
      country: "US",
      defaultEmailLanguage: "en_US",
      wholesaleSubscriptionId: "S",
      emailBrandName: "B",
    });
    await api("POST", "/v1/wholesale/customers", {
      provisioningId: template.body.provisioningId,
      externalId: "sites-001",
      packages: ["webex_calling"],
      address: ADDRESS,
      customerInfo: { name: "Sites", primaryEmail: "a@sites.example", language: "en_US" },
      provisioningParameters: {
        calling: { location: { name: "Head Office", address: ADDRESS, timezone: "America/Chicago", language: "en_us" } },
      },
    });
    const found = await getCustomerOrg({ externalId: "sites-001" }, { config });
    const site = await api("POST", `/v1/locations?orgId=${encodeURIComponent(found.orgId!)}`, {
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_us",
      announcementLanguage: "en_us",
      address: { address1: "1600 Blake St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
    });
    siteId = String(site.body.id);
  });

  after(async () => emu?.close());

  it("lists the headquarters and the added site, by externalId and by customerId alike", async () => {
    const found = await getCustomerOrg({ externalId: "sites-001" }, { config });
    const byName = Object.fromEntries(found.locations.map((l) => [l.name, l]));
    expect(Object.keys(byName).sort()).to.deep.equal(["Denver", "Head Office"]);
    expect(byName["Denver"]).to.deep.include({ locationId: siteId, timeZone: "America/Denver" });
    expect(byName["Denver"]!.address).to.deep.include({ address1: "1600 Blake St", city: "Denver", state: "CO", country: "US" });
    expect(byName["Head Office"]!.locationId).to.be.a("string").and.not.equal(siteId);
    expect(byName["Head Office"]!.timeZone).to.equal("America/Chicago");
    const byId = await getCustomerOrg({ customerId: found.customerId }, { config });
    expect(byId.locations).to.deep.equal(found.locations);
  });
});
