/**
 * The benchmark workload: a deterministic catalog of one onboarding template, `customers` customer
 * organisations and `usersPerCustomer` users each, expressed in the resources' public argument
 * names (resources.md). The bench Pulumi program (`bench/program`), the sequential baseline
 * (`bench/baseline.ts`) and the reliability suite all build their objects from this one function,
 * so the three measure exactly the same work.
 *
 * Deterministic on purpose: two runs of the same size declare the same logical names, emails and
 * extensions, so a rerun after a crash or a fault converges instead of creating a second catalog.
 */
import { z } from "zod";

/** Options of {@link generateCatalog}: the shape of the catalog and the quantity bump to apply. */
export const CatalogOptionsSchema = z.object({
  /** Number of customer organisations. */
  customers: z.number().int().min(1).max(10_000),
  /** Users per customer organisation. */
  usersPerCustomer: z.number().int().min(0).max(1_000),
  /**
   * Added to every customer's `webex_calling` quantity: 0 for the initial catalog, 1 for the
   * "raise one quantity on every customer" step. Quantities may only go up (resources.md).
   */
  quantityBump: z.number().int().min(0).default(0),
  /** Users added to the first customer beyond `usersPerCustomer` (the "a user added" change of the preview-precision phase). */
  extraUsers: z.number().int().min(0).max(1_000).default(0),
  /** Revision of the template's `emailBrandName` (the "a template change" step); 0 is the initial name. */
  templateRevision: z.number().int().min(0).default(0),
  /**
   * Numbers of one extra location per customer (a site beside the headquarters, on a local gateway,
   * its first number the main one); 0: no extra location.
   */
  siteNumbers: z.number().int().min(0).max(100).default(0),
  /** Prefix of names, external ids and email domains, so two catalogs can share one emulator. */
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,20}$/)
    .default("bench"),
});

/** What callers pass to {@link generateCatalog}. */
export type CatalogOptions = z.input<typeof CatalogOptionsSchema>;

/** Arguments of the catalog's one `OnboardingTemplate`, in resource (public) names. */
export interface TemplateSpec {
  /** Logical (Pulumi) name of the resource. */
  readonly logicalName: string;
  readonly templateName: string;
  readonly serviceProviderAdmin: string;
  readonly countryCode: string;
  readonly defaultEmailLanguage: string;
  readonly wholesaleSubscriptionId: string;
  readonly emailBrandName: string;
}

/** The packages the benchmark catalog uses (a calling one and a non-calling one). */
export type BenchPackage = "webex_calling" | "webex_meetings";

/** One customer package: name and (for limitable packages of a limited customer) quantity. */
export interface PackageSpec {
  readonly name: BenchPackage;
  readonly quantity?: number;
}

/** Arguments of one `CustomerOrg` except `provisioningId`, which comes from the template. */
export interface CustomerSpec {
  readonly logicalName: string;
  readonly externalId: string;
  readonly companyName: string;
  readonly adminEmail: string;
  readonly language: string;
  readonly supportedLocationConfirmed: true;
  readonly address: {
    readonly line1: string;
    readonly city: string;
    readonly stateOrProvince: string;
    readonly postalCode: string;
    readonly country: string;
  };
  readonly packages: readonly PackageSpec[];
  readonly headquarters: { readonly name: string; readonly timeZone: string };
  readonly users: readonly UserSpec[];
  /** The customer's extra location, when the catalog has them (`siteNumbers` > 0). */
  readonly site?: SiteSpec;
}

/** Arguments of one `CustomerLocation` except `customerId`, which comes from its customer. */
export interface SiteSpec {
  /** Logical (Pulumi) name of the resource. */
  readonly logicalName: string;
  readonly name: string;
  readonly timeZone: string;
  readonly preferredLanguage: string;
  readonly announcementLanguage: string;
  readonly address: {
    readonly address1: string;
    readonly city: string;
    readonly state: string;
    readonly postalCode: string;
    readonly country: string;
  };
  readonly calling: {
    readonly pstnConnectionId: string;
    readonly pstnConnectionType: "LOCAL_GATEWAY";
    readonly numbers: readonly { readonly number: string }[];
    readonly mainNumber: string;
  };
}

/** Arguments of one `CustomerUser` except `customerId` and `locationId`, which come from its customer. */
export interface UserSpec {
  readonly logicalName: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly package: BenchPackage;
  /** Present for calling packages only (a calling package needs a number or an extension). */
  readonly extension?: string;
}

/** The whole catalog. */
export interface Catalog {
  readonly template: TemplateSpec;
  readonly customers: readonly CustomerSpec[];
}

/** Base `webex_calling` quantity; large enough for every calling user of the largest catalog. */
export const BASE_CALLING_QUANTITY = 1_000;
/** `webex_meetings` quantity; never changed by the benchmark. */
export const MEETINGS_QUANTITY = 1_000;

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/**
 * Builds the catalog. Two of every three users hold `webex_calling` (with an extension, so they
 * need the customer's headquarters location), the third `webex_meetings`; every customer is
 * *limited* (both limitable packages carry a quantity) so the quantity bump is a legal update.
 *
 * @example
 * const { template, customers } = generateCatalog({ customers: 10, usersPerCustomer: 5 });
 */
export function generateCatalog(options: CatalogOptions): Catalog {
  const { customers, usersPerCustomer, quantityBump, prefix, extraUsers, templateRevision, siteNumbers } =
    CatalogOptionsSchema.parse(options);
  // A number is in one inventory across every org: catalogs of different prefixes sharing an
  // emulator get different area codes (200-899), and each customer its own block of 1000.
  const area = 200 + ([...prefix].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % 700);
  const template: TemplateSpec = {
    logicalName: `${prefix}-template`,
    templateName: `${prefix} template`,
    serviceProviderAdmin: `ops@${prefix}-partner.example`,
    countryCode: "US",
    defaultEmailLanguage: "en_US",
    wholesaleSubscriptionId: `${prefix}-subscription`,
    emailBrandName: templateRevision === 0 ? `${prefix} voice` : `${prefix} voice r${templateRevision}`,
  };
  const list: CustomerSpec[] = [];
  for (let c = 1; c <= customers; c++) {
    const key = `${prefix}-c${pad(c, 4)}`;
    const domain = `${key}.example`;
    const users: UserSpec[] = [];
    for (let u = 1; u <= usersPerCustomer + (c === 1 ? extraUsers : 0); u++) {
      const calling = u % 3 !== 0;
      // Logical names derive from the email, as resources.md recommends, so they stay stable.
      const email = `user${pad(u, 4)}@${domain}`;
      users.push({
        logicalName: email,
        email,
        firstName: "User",
        lastName: `Number ${u}`,
        package: calling ? "webex_calling" : "webex_meetings",
        ...(calling ? { extension: `1${pad(u, 4)}` } : {}),
      });
    }
    list.push({
      logicalName: key,
      externalId: key,
      companyName: `${prefix} customer ${c}`,
      adminEmail: `admin@${domain}`,
      language: "en_US",
      supportedLocationConfirmed: true,
      address: {
        line1: `${c} Market Street`,
        city: "San Francisco",
        stateOrProvince: "CA",
        postalCode: "94105",
        country: "US",
      },
      packages: [
        { name: "webex_calling", quantity: BASE_CALLING_QUANTITY + quantityBump },
        { name: "webex_meetings", quantity: MEETINGS_QUANTITY },
      ],
      headquarters: { name: "Headquarters", timeZone: "America/Los_Angeles" },
      users,
      ...(siteNumbers > 0 ? { site: siteOf(key, c, area, siteNumbers) } : {}),
    });
  }
  return { template, customers: list };
}

/** The extra location of customer number `c`: `count` numbers from +1 <area> <c, 4 digits> <n, 3 digits>. */
function siteOf(key: string, c: number, area: number, count: number): SiteSpec {
  const numbers = Array.from({ length: count }, (_, n) => ({ number: `+1${area}${pad(c % 10_000, 4)}${pad(n, 3)}` }));
  return {
    logicalName: `${key}/site`,
    // Unique across customers, so the site is named by its customer wherever ids are compared.
    name: `${key} site`,
    timeZone: "America/Denver",
    preferredLanguage: "en_US",
    announcementLanguage: "en_US",
    address: { address1: `${c} Blake Street`, city: "Denver", state: "CO", postalCode: "80202", country: "US" },
    calling: { pstnConnectionId: "lgw-1", pstnConnectionType: "LOCAL_GATEWAY", numbers, mainNumber: numbers[0]!.number },
  };
}

/** Number of objects (template + customers + users) in a catalog of the given shape. */
export function objectCount(customers: number, usersPerCustomer: number): number {
  return 1 + customers + customers * usersPerCustomer;
}
