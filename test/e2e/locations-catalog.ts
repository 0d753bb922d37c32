// The catalog both engines' location suites run (test/e2e/locations.test.ts on the stand-in engine,
// test/cli/locations.test.ts under the real Pulumi CLI): one calling customer with two sites, numbers
// at each and a user on each. Each step of the suites is a variation of it, as a pull request would
// make, written as data so a step names only what it changes.
import { stringify } from "yaml";

/** The customer's key, and the location keys (`<externalId>/<name>`). */
export const CUSTOMER = "multisite-001";
/** Location keys as the catalog, its outputs and `remove:` name them. */
export const DENVER = `${CUSTOMER}/Denver`;
export const AUSTIN = `${CUSTOMER}/Austin`;

/** The numbers of each site; the first is the main number at the start. */
export const NUMBERS = {
  denver: ["+13035550100", "+13035550101", "+13035550102"],
  austin: ["+15125550100", "+15125550101"],
} as const;

/** What a step changes. */
export type Variation = {
  /** Denver's numbers (default: all of NUMBERS.denver). */
  readonly denverNumbers?: readonly string[];
  /** Denver's main number; null: not declared (default: the first of NUMBERS.denver). */
  readonly denverMain?: string | null;
  /** Austin and its user are declared (default true). */
  readonly austin?: boolean;
  /** A third site on an integrated PSTN, declared with numbers (refused). */
  readonly integratedWithNumbers?: boolean;
  /** Keys under `remove:`. */
  readonly remove?: { readonly locations?: readonly string[]; readonly users?: readonly string[] };
};

const address = (address1: string, city: string, state: string, postalCode: string) => ({
  address1,
  city,
  state,
  postalCode,
  country: "US",
});

/** The catalog YAML for a variation. */
export function locationsCatalog(v: Variation = {}): string {
  const denverNumbers = v.denverNumbers ?? NUMBERS.denver;
  const denverMain = v.denverMain === undefined ? NUMBERS.denver[0] : v.denverMain;
  const site = (name: string, tz: string, addr: ReturnType<typeof address>, calling: Record<string, unknown>) => ({
    name,
    timeZone: tz,
    preferredLanguage: "en_US",
    announcementLanguage: "en_US",
    address: addr,
    calling,
  });
  const locations = [
    site("Denver", "America/Denver", address("1600 Blake St", "Denver", "CO", "80202"), {
      pstnConnectionId: "lgw-1",
      pstnConnectionType: "LOCAL_GATEWAY",
      numbers: denverNumbers.map((number) => ({ number })),
      ...(denverMain === null ? {} : { mainNumber: denverMain }),
    }),
    ...(v.austin === false
      ? []
      : [
          site("Austin", "America/Chicago", address("500 Congress Ave", "Austin", "TX", "78701"), {
            pstnConnectionId: "lgw-1",
            pstnConnectionType: "LOCAL_GATEWAY",
            numbers: NUMBERS.austin.map((number) => ({ number })),
            mainNumber: NUMBERS.austin[0],
          }),
        ]),
    ...(v.integratedWithNumbers
      ? [
          site("Boston", "America/New_York", address("1 Federal St", "Boston", "MA", "02110"), {
            pstnConnectionId: "ccp-integrated",
            pstnConnectionType: "INTEGRATED_CCP",
            numbers: [{ number: "+16175550100" }],
          }),
        ]
      : []),
  ];
  const user = (email: string, firstName: string, location: string, number: string, administrator = false) => ({
    email,
    customer: CUSTOMER,
    firstName,
    lastName: "Example",
    package: "webex_calling",
    ...(administrator ? { administrator: true } : {}),
    location,
    number,
  });
  return stringify({
    templates: [
      {
        name: "us-calling",
        serviceProviderAdmin: "ops@partner.example",
        countryCode: "US",
        wholesaleSubscriptionId: "Sub-US-0001",
        emailBrandName: "Partner Voice",
      },
    ],
    customers: [
      {
        externalId: CUSTOMER,
        template: "us-calling",
        companyName: "Multisite Inc",
        adminEmail: "ada@multisite.example",
        supportedLocationConfirmed: true,
        address: { line1: "100 Main Street", city: "Springfield", stateOrProvince: "IL", postalCode: "62701", country: "US" },
        packages: [{ name: "webex_calling" }],
        headquarters: { timeZone: "America/Chicago" },
        locations,
      },
    ],
    users: [
      user("ada@multisite.example", "Ada", "Denver", NUMBERS.denver[1], true),
      ...(v.austin === false ? [] : [user("bob@multisite.example", "Bob", "Austin", NUMBERS.austin[1])]),
    ],
    ...(v.remove ? { remove: v.remove } : {}),
  });
}
