/**
 * Quickstart: one onboarding template, one customer organisation created from it, and two users,
 * the first of them the customer's full administrator.
 */
import { CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";

// Common settings for a group of customers. Against the public Webex API templates are created in
// Partner Hub: drop this resource and pass the template's provisioningId to the customer instead.
const template = new OnboardingTemplate("smb-emea", {
  templateName: "SMB EMEA",
  serviceProviderAdmin: "ops@partner.example",
  countryCode: "FR",
  defaultEmailLanguage: "fr_FR",
  wholesaleSubscriptionId: "Sub-EMEA-0001",
  emailBrandName: "Partner Voice",
});

// The logical name is the customer's externalId: a stable key, so the resource's URN never has to
// change. To rename it anyway, add `{ aliases: [{ name: "<old name>" }] }` as the third argument.
const customer = new CustomerOrg("quickstart-001", {
  provisioningId: template.provisioningId,
  externalId: "quickstart-001",
  companyName: "Quickstart Bistro",
  adminEmail: "claire@quickstart-bistro.example",
  language: "fr_FR",
  supportedLocationConfirmed: true, // "I verify this customer is in a supported location"
  address: { line1: "3 rue du Port", city: "Marseille", postalCode: "13002", country: "FR" },
  packages: [{ name: "webex_meetings" }], // no quantity: an unlimited customer
});

// The customer's adminEmail is its first full administrator: declaring it lets preview check the
// administrator rules (she must hold the customer's highest package).
// `customer.id` (equal to its `customerId` output) stays known during a preview that updates the
// customer, whereas computed outputs are unknown then: the users' plan shows no spurious replace.
const admin = new CustomerUser("claire@quickstart-bistro.example", {
  customerId: customer.id,
  email: "claire@quickstart-bistro.example",
  firstName: "Claire",
  lastName: "Morel",
  package: "webex_meetings",
  administrator: true,
});

const user = new CustomerUser("hugo@quickstart-bistro.example", {
  customerId: customer.id,
  email: "hugo@quickstart-bistro.example",
  firstName: "Hugo",
  lastName: "Morel",
  package: "webex_meetings",
});

export const provisioningId = template.provisioningId;
export const customerId = customer.customerId;
export const customerStatus = customer.status;
export const userIds = { admin: admin.userId, user: user.userId };
