/**
 * A multi-site customer: the headquarters it is created with and a second site, each with its
 * PSTN connection, numbers and main number, and a calling user on each holding one of its numbers.
 * Rules are checked at preview (see README.md): a main number removed without a successor, numbers
 * on an integrated PSTN, a user's number its site does not declare.
 */
import { CustomerLocation, CustomerOrg, CustomerUser, OnboardingTemplate } from "pulumi-webex-wholesale";

const template = new OnboardingTemplate("smb-us", {
  templateName: "SMB US",
  serviceProviderAdmin: "ops@partner.example",
  countryCode: "US",
  wholesaleSubscriptionId: "Sub-US-0001",
  emailBrandName: "Partner Voice",
});

const customer = new CustomerOrg("initech-003", {
  provisioningId: template.provisioningId,
  externalId: "initech-003",
  companyName: "Initech",
  adminEmail: "bill@initech.example",
  supportedLocationConfirmed: true,
  address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
  packages: [{ name: "webex_calling" }],
  headquarters: { timeZone: "America/Chicago" },
});

const address = (address1: string, city: string, state: string, postalCode: string) => ({
  address1,
  city,
  state,
  postalCode,
  country: "US",
});

// Same name as the headquarters the customer was created with: adopted, not created again.
const headquarters = new CustomerLocation("initech-003/Headquarters", {
  customerId: customer.id,
  name: "Headquarters",
  timeZone: "America/Chicago",
  preferredLanguage: "en_US",
  announcementLanguage: "en_US",
  address: address("1 Main St", "Austin", "TX", "78701"),
  calling: {
    pstnConnectionId: "lgw-1",
    numbers: [{ number: "+15125550100" }, { number: "+15125550101" }],
    mainNumber: "+15125550100",
  },
});

const denver = new CustomerLocation("initech-003/Denver", {
  customerId: customer.id,
  name: "Denver",
  timeZone: "America/Denver",
  preferredLanguage: "en_US",
  announcementLanguage: "en_US",
  address: address("1600 Glenarm Pl", "Denver", "CO", "80202"),
  calling: {
    pstnConnectionId: "ccp-partner",
    numbers: [{ number: "+13035550100" }, { number: "+13035550101" }, { number: "+13035550102" }],
    mainNumber: "+13035550100",
  },
});

const bill = new CustomerUser("bill@initech.example", {
  customerId: customer.id,
  email: "bill@initech.example",
  firstName: "Bill",
  lastName: "Lumbergh",
  package: "webex_calling",
  administrator: true,
  locationId: headquarters.locationId,
  locationNumbers: headquarters.numbers,
  phoneNumber: "+15125550101",
  extension: "1001",
});

const peter = new CustomerUser("peter@initech.example", {
  customerId: customer.id,
  email: "peter@initech.example",
  firstName: "Peter",
  lastName: "Gibbons",
  package: "webex_calling",
  locationId: denver.locationId,
  locationNumbers: denver.numbers,
  phoneNumber: "+13035550101",
  extension: "2001",
});

export const customerId = customer.customerId;
export const locations = { headquarters: headquarters.locationId, denver: denver.locationId };
export const mainNumbers = { headquarters: headquarters.mainNumber, denver: denver.mainNumber };
export const userIds = { bill: bill.userId, peter: peter.userId };
