import { expect } from "chai";
import { checkCustomerOrg } from "../../../../provider/resources/customer-org/check";
import { CustomerOrgArgsSchema, type CustomerOrgInputs } from "../../../../provider/resources/customer-org/schema";
import { differencesFromServer, fromWireAddress, toCreateBody, toUpdateBody } from "../../../../provider/resources/customer-org/wire";

/** Checked inputs from what a user writes (so the defaults the wire relies on are applied). */
function inputs(args: Record<string, unknown>): CustomerOrgInputs {
  const { inputs: checked, failures } = checkCustomerOrg(args);
  expect(failures).to.deep.equal([]);
  return CustomerOrgArgsSchema.parse(checked);
}

const BASE = {
  provisioningId: "p",
  externalId: "e-1",
  companyName: "Acme",
  adminEmail: "a@acme.example",
  supportedLocationConfirmed: true,
  address: { line1: "1 Rue", line2: "Bât B", city: "Paris", postalCode: "75001", country: "fr" },
  packages: [{ name: "webex_meetings" }],
};
const WIRE_ADDRESS = { addressLine1: "1 Rue", addressLine2: "Bât B", city: "Paris", zipOrPostalCode: "75001", country: "FR" };

describe("CustomerOrg ↔ wire (resources.md, Public ↔ wire names)", () => {
  const cases: { name: string; args: Record<string, unknown>; create: Record<string, unknown> }[] = [
    {
      name: "unlimited meetings-only customer: no limits, no calling location",
      args: BASE,
      create: {
        provisioningId: "p",
        externalId: "e-1",
        packages: ["webex_meetings"],
        address: WIRE_ADDRESS,
        customerInfo: { name: "Acme", primaryEmail: "a@acme.example", language: "en_US" },
      },
    },
    {
      name: "attach an existing org: orgId sent, no customerInfo",
      args: { ...BASE, companyName: undefined, adminEmail: undefined, existingOrgId: "org-9" },
      create: { provisioningId: "p", externalId: "e-1", orgId: "org-9", packages: ["webex_meetings"], address: WIRE_ADDRESS },
    },
    {
      name: "meetings time zone → provisioningParameters.meetings.timezone",
      args: { ...BASE, meetingsTimeZone: "Europe/Paris" },
      create: {
        provisioningId: "p",
        externalId: "e-1",
        packages: ["webex_meetings"],
        address: WIRE_ADDRESS,
        customerInfo: { name: "Acme", primaryEmail: "a@acme.example", language: "en_US" },
        provisioningParameters: { meetings: { timezone: "Europe/Paris" } },
      },
    },
    {
      name: "headquarters with its own name, address, language (lower-cased) and emergency id",
      args: {
        ...BASE,
        language: "fr_FR",
        packages: [{ name: "webex_calling" }, { name: "cisco_calling_plan" }],
        headquarters: {
          name: "Siège",
          address: { line1: "2 Rue", city: "Lyon", country: "FR" },
          timeZone: "Europe/Paris",
          language: "fr_FR",
          emergencyLocationIdentifier: "ELIN-1",
        },
      },
      create: {
        provisioningId: "p",
        externalId: "e-1",
        packages: ["webex_calling", "cisco_calling_plan"],
        address: WIRE_ADDRESS,
        customerInfo: { name: "Acme", primaryEmail: "a@acme.example", language: "fr_FR" },
        provisioningParameters: {
          calling: {
            location: {
              name: "Siège",
              address: { addressLine1: "2 Rue", city: "Lyon", country: "FR" },
              timezone: "Europe/Paris",
              language: "fr_fr",
              emergencyLocationIdentifier: "ELIN-1",
            },
          },
        },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const i = inputs(c.args);
      expect(toCreateBody(i)).to.deep.equal(c.create);
      const update = toUpdateBody(i) as Record<string, unknown>;
      expect(update, "the PUT carries the complete desired state, never what cannot change").not.to.have.any.keys(
        "provisioningId",
        "customerInfo",
        "orgId",
      );
      expect(update.packages).to.deep.equal(c.create.packages);
      expect(update.provisioningParameters).to.deep.equal(c.create.provisioningParameters);
    });
  }

  it("fromWireAddress maps back and leaves absent fields absent", () => {
    expect(fromWireAddress({ addressLine1: "1", city: "c", country: "US" })).to.deep.equal({ line1: "1", city: "c", country: "US" });
  });

  it("differencesFromServer compares only what GET returns, ignoring case and package order", () => {
    const i = inputs({
      ...BASE,
      packages: [{ name: "webex_meetings" }, { name: "webex_calling" }],
      headquarters: { timeZone: "Europe/Paris" },
    });
    const agreeing = {
      id: "x",
      status: "provisioned",
      externalId: "e-1",
      address: { ...WIRE_ADDRESS, city: "PARIS" },
      packages: ["webex_calling", "webex_meetings"],
    };
    expect(differencesFromServer(i, agreeing)).to.deep.equal([]);
    expect(differencesFromServer(i, { ...agreeing, externalId: "e-2", packages: ["webex_calling"] })).to.have.length(2);
  });
});
