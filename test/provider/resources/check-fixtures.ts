// Valid inputs and states shared by the resources' check, diff, docs and fuzz tests. Each test
// derives its cases from these by changing one thing, so a case names exactly what it breaks.

/** A valid OnboardingTemplate, as a user writes it (defaults left out). */
export function templateArgs(): Record<string, unknown> {
  return {
    templateName: "SMB EMEA",
    serviceProviderAdmin: "ops@partner.example",
    countryCode: "FR",
    wholesaleSubscriptionId: "Sub-123",
    emailBrandName: "Partner Voice",
  };
}

/** A valid limited CustomerOrg with calling, as a user writes it. */
export function orgArgs(): Record<string, unknown> {
  return {
    provisioningId: "prov-1",
    externalId: "acme-001",
    companyName: "Acme",
    adminEmail: "admin@acme.example",
    supportedLocationConfirmed: true,
    address: { line1: "1 Main St", city: "San Francisco", stateOrProvince: "CA", postalCode: "94105", country: "US" },
    packages: [
      { name: "webex_calling", quantity: 100 },
      { name: "webex_meetings", quantity: 50 },
    ],
    headquarters: { timeZone: "America/Los_Angeles" },
  };
}

/** A valid unlimited CustomerOrg without calling. */
export function unlimitedOrgArgs(): Record<string, unknown> {
  return {
    ...orgArgs(),
    packages: [{ name: "webex_meetings" }],
    headquarters: undefined,
  };
}

/** A valid CustomerUser with a calling package. */
export function userArgs(): Record<string, unknown> {
  return {
    customerId: "cust-1",
    email: "ada@acme.example",
    firstName: "Ada",
    lastName: "Lovelace",
    package: "webex_calling",
    phoneNumber: "+14155550100",
    extension: "0100",
  };
}

/** Returns a deep copy of `value` with `path` set to `v` (undefined deletes the key). */
export function setPath(value: Record<string, unknown>, path: (string | number)[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (v === undefined && !Array.isArray(at)) delete at[last];
  else at[last] = v;
  return copy;
}

/** The state a create would have written for checked `inputs` (computed outputs added). */
export function stateOf(inputs: Record<string, unknown>, computed: Record<string, unknown>): Record<string, unknown> {
  return { ...inputs, ...computed, __provider: "exports.handler = ...serialized provider..." };
}
