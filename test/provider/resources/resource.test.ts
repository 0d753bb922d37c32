/**
 * The resource classes under `pulumi.runtime.setMocks`: type tokens, the inputs sent (with a small
 * `__provider` and no token), and every declared output resolving. The mock runs the REAL serialized
 * provider's check and create against an in-process emulator, so the code stored in state is the
 * code exercised.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { startEmulator } from "../../../local/emulator";
import { CustomerOrg, CustomerUser, OnboardingTemplate } from "../../../provider";
import { ClientCache, useClients } from "../../../provider/resources/common/client-cache";
import { captureProgress } from "./progress-capture";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => pulumi.dynamic.ResourceProvider } = require("require-from-string");

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** The value of an Output (the mocks resolve them). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("resource classes under setMocks, running the serialized providers against the emulator", () => {
  let emu: Emulator;
  const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  // The deserialized providers' operations run on clients with a short cold start.
  const clients = new ClientCache({ coldInitialDelayMs: 10 });
  let restoreSink: () => void;
  const savedEnv = { ...process.env };

  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 20 });
    restoreSink = captureProgress();
    // The mocks have no configure call: the deserialized providers read the environment.
    process.env.WEBEX_ACCESS_TOKEN = emu.token;
    process.env.WEBEX_BASE_URL = emu.url;
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          const provider = requireFromString(String(args.inputs.__provider)).handler();
          useClients(provider, clients);
          const { __provider: _code, ...news } = args.inputs;
          const checked = await provider.check!({}, news);
          if ((checked.failures ?? []).length > 0) throw new Error(JSON.stringify(checked.failures));
          const created = await provider.create(checked.inputs);
          return { id: created.id, state: created.outs };
        },
        call: () => ({}),
      },
      "proj",
      "stack",
      false,
    );
  });

  after(async () => {
    restoreSink();
    process.env = { ...savedEnv };
    await emu.close();
  });

  it("registers each class with its own type token and resolves every declared output", async () => {
    const template = new OnboardingTemplate("smb", {
      templateName: "SMB",
      serviceProviderAdmin: "ops@partner.example",
      countryCode: "fr",
      wholesaleSubscriptionId: "Sub-1",
      emailBrandName: "Partner Voice",
    });
    const customer = new CustomerOrg("acme-001", {
      provisioningId: template.provisioningId,
      externalId: "acme-001",
      companyName: "Acme",
      adminEmail: "admin@acme.example",
      supportedLocationConfirmed: true,
      address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
      packages: [{ name: "webex_calling" }],
      headquarters: { timeZone: "America/Chicago" },
    });
    const user = new CustomerUser("admin@acme.example", {
      customerId: customer.customerId,
      email: "admin@acme.example",
      firstName: "Ada",
      lastName: "Lovelace",
      package: "webex_calling",
      administrator: true,
      extension: "0100",
      locationId: customer.headquartersLocationId,
    });

    const outputs = {
      templateId: await valueOf(template.templateId),
      provisioningId: await valueOf(template.provisioningId),
      countryCode: await valueOf(template.countryCode),
      customerId: await valueOf(customer.customerId),
      status: await valueOf(customer.status),
      orgId: await valueOf(customer.orgId),
      adminPackage: await valueOf(customer.adminPackage),
      limited: await valueOf(customer.limited),
      headquartersLocationId: await valueOf(customer.headquartersLocationId),
      customerSchemaVersion: await valueOf(customer.schemaVersion),
      userId: await valueOf(user.userId),
      userStatus: await valueOf(user.status),
      assignedLocationId: await valueOf(user.assignedLocationId),
      personId: await valueOf(user.personId),
    };
    for (const [k, v] of Object.entries(outputs)) expect(v, k).not.to.equal(undefined);
    expect(outputs.countryCode).to.equal("FR");
    expect(outputs.status).to.equal("provisioned");
    expect(outputs.adminPackage).to.equal("webex_calling");
    expect(outputs.limited).to.equal(false);
    expect(outputs.assignedLocationId).to.equal(outputs.headquartersLocationId);
    expect(await valueOf(user.id)).to.equal(outputs.userId);

    expect(registered.map((r) => r.type)).to.have.members([
      "pulumi-nodejs:dynamic/webex:OnboardingTemplate",
      "pulumi-nodejs:dynamic/webex:CustomerOrg",
      "pulumi-nodejs:dynamic/webex:CustomerUser",
    ]);
    for (const r of registered) {
      expect(JSON.stringify(r.inputs)).not.to.include(emu.token);
      expect(String(r.inputs.__provider).length).to.be.below(5000);
    }
    const state = await emu.admin.state();
    expect(JSON.stringify(state)).to.include("acme-001");
  });
});
