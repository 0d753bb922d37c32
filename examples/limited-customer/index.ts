/**
 * A limited customer: every limitable package carries a quantity (the number of licences the
 * partner sells it). Quantities only go up: raising one is an update, lowering one, or dropping
 * quantities altogether, is refused at preview (see README.md).
 */
import { CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";

const template = new OnboardingTemplate("smb-emea", {
  templateName: "SMB EMEA",
  serviceProviderAdmin: "ops@partner.example",
  countryCode: "FR",
  defaultEmailLanguage: "fr_FR",
  wholesaleSubscriptionId: "Sub-EMEA-0001",
  emailBrandName: "Partner Voice",
});

const customer = new CustomerOrg("globex-002", {
  provisioningId: template.provisioningId,
  externalId: "globex-002",
  companyName: "Globex Lyon",
  adminEmail: "ines@globex.example",
  language: "fr_FR",
  supportedLocationConfirmed: true,
  address: { line1: "20 quai Perrache", city: "Lyon", postalCode: "69002", country: "FR" },
  packages: [
    { name: "webex_calling", quantity: 10 },
    { name: "webex_meetings", quantity: 20 },
    { name: "cisco_calling_plan" }, // an add-on: never carries a quantity
  ],
  // A calling package needs a headquarters location; it is created with the customer.
  headquarters: { timeZone: "Europe/Paris" },
});

// webex_calling is the customer's highest package, so its administrator holds it.
// `customer.id` (= its `customerId`) stays known while a preview updates the customer; computed
// outputs such as `headquartersLocationId` do not, but a user's location cannot change while its
// package stays calling (check refuses it), so such a preview does not list this user.
const admin = new CustomerUser("ines@globex.example", {
  customerId: customer.id,
  email: "ines@globex.example",
  firstName: "Inès",
  lastName: "Bernard",
  package: "webex_calling",
  administrator: true,
  extension: "1001",
  // Handing over the headquarters' id spares the provider a location lookup per user.
  locationId: customer.headquartersLocationId.apply((id) => id!),
});

const user = new CustomerUser("theo@globex.example", {
  customerId: customer.id,
  email: "theo@globex.example",
  firstName: "Théo",
  lastName: "Garnier",
  package: "webex_meetings",
});

export const customerId = customer.customerId;
export const limited = customer.limited;
export const headquartersLocationId = customer.headquartersLocationId;
export const userIds = { admin: admin.userId, user: user.userId };
