/**
 * `getCustomerOrg`, the plain TypeScript lookup the package exports (the plugin's invoke runs the
 * same lookup), against the emulator: by externalId, by customerId, no match, and bad arguments.
 */
import { expect } from "chai";
import { startEmulator } from "../../local/emulator";
import { getCustomerOrg } from "../../provider";

describe("getCustomerOrg (TypeScript function) against the emulator", function () {
  this.timeout(60_000);
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let config: { get(key: string): string | undefined };
  let id: string;

  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0 });
    const values: Record<string, string> = { "webex:accessToken": emu.token, "webex:baseUrl": emu.url };
    config = { get: (key) => values[key] };
    const api = (path: string, body: object) =>
      fetch(`${emu.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const template = (await (
      await api("/v1/wholesale/onboardingTemplates", {
        name: "T",
        serviceProviderAdmin: "ops@partner.example",
        country: "FR",
        defaultEmailLanguage: "fr_FR",
        wholesaleSubscriptionId: "S",
        emailBrandName: "B",
      })
    ).json()) as { provisioningId?: string };
    const posted = await api("/v1/wholesale/customers", {
      provisioningId: template.provisioningId,
      externalId: "lookup-001",
      packages: ["webex_meetings"],
      address: { addressLine1: "1 rue du Port", city: "Marseille", zipOrPostalCode: "13002", country: "FR" },
      customerInfo: { name: "Lookup", primaryEmail: "a@lookup.example", language: "fr_FR" },
    });
    expect(posted.status, await posted.clone().text()).to.equal(202);
    id = decodeURIComponent(posted.headers.get("location")!.split("/").pop()!);
  });

  after(async () => emu?.close());

  it("finds a customer by externalId and by customerId, with what GET returns", async () => {
    const found = await getCustomerOrg({ externalId: "lookup-001" }, { config });
    expect(found).to.deep.include({ customerId: id, externalId: "lookup-001", packages: ["webex_meetings"] });
    expect(found.address).to.deep.include({ line1: "1 rue du Port", country: "FR" });
    expect((await getCustomerOrg({ customerId: id }, { config })).externalId).to.equal("lookup-001");
  });

  it("fails clearly when nothing matches, and on bad arguments without a request", async () => {
    await expect(getCustomerOrg({ externalId: "nobody" }, { config })).to.be.rejectedWith(/no customer has externalId "nobody"/);
    await expect(getCustomerOrg({ customerId: "no-such-id" }, { config })).to.be.rejectedWith(/no customer has customerId "no-such-id"/);
    await emu.admin.resetCounters();
    await expect(getCustomerOrg({}, { config })).to.be.rejectedWith(/give externalId or customerId/);
    expect((await emu.admin.counters()).total).to.equal(0);
  });
});
