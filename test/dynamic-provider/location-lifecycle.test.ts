/**
 * CustomerLocation at plugin level: its provider serialized as `dynamic.Resource` does, run by
 * Pulumi's own dynamic-provider plugin over gRPC against the emulator, token only through
 * Configure: check (no call) → create → diff → update (main number moved, old one removed) → a
 * refused change failing check with 0 calls → read → delete (calling disabled, record kept).
 */
import { expect } from "chai";
import { startEmulator } from "../../local/emulator";
import { CustomerLocationProvider, CustomerOrgProvider, OnboardingTemplateProvider } from "../../provider";
import { assertBuildIsFresh, PROJECT, serializeProvider, startPlugin, type Plugin } from "./plugin-harness";

const urn = (type: string, name: string) => `urn:pulumi:dev::${PROJECT}::pulumi-nodejs:dynamic/webex:${type}::${name}`;

describe("CustomerLocation through the dynamic-provider plugin over gRPC against the emulator", function () {
  this.timeout(120_000);
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let plugin: Plugin;
  const code: Record<string, string> = {};

  before(async () => {
    assertBuildIsFresh();
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
    code.OnboardingTemplate = await serializeProvider(new OnboardingTemplateProvider());
    code.CustomerOrg = await serializeProvider(new CustomerOrgProvider());
    code.CustomerLocation = await serializeProvider(new CustomerLocationProvider());
    plugin = await startPlugin();
    await plugin.configure({ "webex:accessToken": emu.token, "webex:baseUrl": emu.url, "webex:provisioningTimeoutSeconds": "60" });
  });
  after(async () => {
    await plugin?.close();
    await emu?.close();
  });

  async function created(type: string, name: string, args: Record<string, unknown>) {
    const checked = await plugin.check(urn(type, name), {}, { ...args, __provider: code[type]! });
    expect(checked.failures).to.deep.equal([]);
    return { ...(await plugin.create(urn(type, name), checked.inputs)), inputs: checked.inputs };
  }

  it("check → create → update by difference → refused change at check → read → delete", async () => {
    expect(code.CustomerLocation!.length).to.be.below(5000);
    expect(code.CustomerLocation).to.not.include(emu.token);
    const template = await created("OnboardingTemplate", "smb", {
      templateName: "SMB",
      serviceProviderAdmin: "ops@partner.example",
      countryCode: "us",
      wholesaleSubscriptionId: "Sub-1",
      emailBrandName: "Partner Voice",
    });
    const customer = await created("CustomerOrg", "acme-001", {
      provisioningId: template.outs.provisioningId,
      externalId: "acme-001",
      companyName: "Acme",
      adminEmail: "admin@acme.example",
      supportedLocationConfirmed: true,
      address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
      packages: [{ name: "webex_calling", quantity: 10 }],
      headquarters: { timeZone: "America/Chicago" },
    });

    const args = {
      customerId: customer.id,
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_US",
      announcementLanguage: "en_US",
      address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
      calling: { pstnConnectionId: "lgw-1", numbers: [{ number: "+13035550100" }, { number: "+13035550101" }], mainNumber: "+13035550100" },
    };
    await emu.admin.resetCounters();
    const checked = await plugin.check(urn("CustomerLocation", "denver"), {}, { ...args, __provider: code.CustomerLocation! });
    expect(checked.failures).to.deep.equal([]);
    expect((await emu.admin.counters()).total, "check makes no API call").to.equal(0);
    const loc = await plugin.create(urn("CustomerLocation", "denver"), checked.inputs);
    expect(loc.outs).to.include({ locationId: loc.id, pstnConnectionType: "LOCAL_GATEWAY", mainNumber: "+13035550100" });
    expect(loc.outs.__provider).to.equal(code.CustomerLocation);

    const moved = { ...checked.inputs, calling: { ...args.calling, numbers: [{ number: "+13035550101" }], mainNumber: "+13035550101" } };
    const movedChecked = await plugin.check(urn("CustomerLocation", "denver"), checked.inputs, moved);
    expect(movedChecked.failures).to.deep.equal([]);
    expect((await plugin.diff(urn("CustomerLocation", "denver"), loc.id, loc.outs, movedChecked.inputs)).changes).to.equal(2);
    const outs = await plugin.update(urn("CustomerLocation", "denver"), loc.id, loc.outs, movedChecked.inputs);
    expect(outs).to.deep.include({ mainNumber: "+13035550101", inventory: [{ number: "+13035550101", state: "ACTIVE" }] });

    // Removing the main number without naming another: refused by check (what preview calls), nothing sent.
    await emu.admin.resetCounters();
    const refused = await plugin.check(urn("CustomerLocation", "denver"), movedChecked.inputs, {
      ...movedChecked.inputs,
      calling: { pstnConnectionId: "lgw-1", numbers: [] },
    });
    expect(refused.failures.map((f) => f.property)).to.deep.equal(["calling.numbers"]);
    expect(refused.failures[0]!.reason).to.match(/main number.*Instead,/);
    expect((await emu.admin.counters()).total, "nothing is sent").to.equal(0);

    const read = await plugin.read(urn("CustomerLocation", "denver"), loc.id, outs);
    expect(read.id).to.equal(loc.id);
    expect(read.props).to.include({ mainNumber: "+13035550101" });

    await plugin.delete(urn("CustomerLocation", "denver"), loc.id, outs);
    expect(plugin.stderr()).to.match(/CustomerLocation Denver: warning: Webex Calling disabled; the location record stays/);
    const after = await plugin.read(urn("CustomerLocation", "denver"), loc.id, outs);
    expect(after.id, "the record stays").to.equal(loc.id);
    expect(after.props).to.deep.include({ inventory: [] });
  });
});
