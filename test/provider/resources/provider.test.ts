/**
 * The providers as Pulumi serializes them into `__provider`: small, free of the token even after
 * `configure` ran on the same object, and working once deserialized (the loader finds the
 * implementation by package name from the working directory).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { CustomerLocationProvider } from "../../../provider/resources/customer-location/provider";
import { CustomerOrgProvider } from "../../../provider/resources/customer-org/provider";
import { CustomerUserProvider } from "../../../provider/resources/customer-user/provider";
import { OnboardingTemplateProvider } from "../../../provider/resources/onboarding-template/provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => pulumi.dynamic.ResourceProvider } = require("require-from-string");

const TOKEN = "tok_SECRET_provider_serialization_77";

/** Upper bound on `__provider`'s size; measured ≈ 4.2–4.3 KB, most of it the serializer's per-method wrappers. */
const MAX_PROVIDER_CHARS = 5000;

const providers = [
  {
    name: "OnboardingTemplateProvider",
    make: () => new OnboardingTemplateProvider(),
    valid: {
      templateName: "T",
      serviceProviderAdmin: "ops@p.example",
      countryCode: "fr",
      wholesaleSubscriptionId: "S",
      emailBrandName: "B",
    },
    bad: { countryCode: "ZZ" },
    badProperty: "countryCode",
  },
  {
    name: "CustomerOrgProvider",
    make: () => new CustomerOrgProvider(),
    valid: {
      provisioningId: "p",
      externalId: "e",
      companyName: "C",
      adminEmail: "a@c.example",
      supportedLocationConfirmed: true,
      address: { line1: "1", city: "Paris", country: "fr" },
      packages: [{ name: "webex_meetings" }],
    },
    bad: { packages: [{ name: "webex_meetings", quantity: 0 }] },
    badProperty: "packages[0].quantity",
  },
  {
    name: "CustomerLocationProvider",
    make: () => new CustomerLocationProvider(),
    valid: {
      customerId: "c",
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_US",
      announcementLanguage: "en_US",
      address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "us" },
    },
    bad: { calling: { numbers: [{ number: "303-555-0100" }] } },
    badProperty: "calling.numbers[0].number",
  },
  {
    name: "CustomerUserProvider",
    make: () => new CustomerUserProvider(),
    valid: { customerId: "c", email: "u@c.example", firstName: "U", lastName: "V", package: "webex_meetings" },
    bad: { email: "not-an-email" },
    badProperty: "email",
  },
];

describe("serialized providers (__provider)", () => {
  for (const p of providers) {
    describe(p.name, () => {
      it(`is below ${MAX_PROVIDER_CHARS} characters and holds no token, even after configure ran on the same object`, async () => {
        const provider = p.make();
        await provider.configure!({
          config: { get: (k: string) => (k === "webex:accessToken" ? TOKEN : undefined), require: () => TOKEN },
        } as never);
        const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        expect(text.length).to.be.below(MAX_PROVIDER_CHARS);
        expect(text).not.to.include(TOKEN);
        expect(containsSecrets).to.equal(false);
        // Captures nothing but the loader: no client, no zod, no config.
        expect(text).not.to.match(/axios|zod|createClient|accessToken/);
      });

      it("deserialized, checks inputs with the implementation it loads by package name (no I/O)", async () => {
        const { text } = await pulumi.runtime.serializeFunction(() => p.make(), { allowSecrets: true });
        const revived = requireFromString(text).handler();
        const good = await revived.check!({}, p.valid);
        expect(good.failures ?? []).to.deep.equal([]);
        const bad = await revived.check!({}, { ...p.valid, ...p.bad });
        expect(bad.failures!.map((f) => f.property)).to.deep.equal([p.badProperty]);
      });

      it("check never throws, whatever it is given", async () => {
        const provider = p.make();
        for (const news of [{}, { a: 1 }, { packages: "x", address: 5 }, { __provider: "x" }]) {
          const result = await provider.check!({}, news);
          expect(result.failures!.length, JSON.stringify(news)).to.be.greaterThan(0);
        }
      });
    });
  }
});
