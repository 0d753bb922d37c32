// Property-based tests of check and diff (issue 7's fuzz bullet): ≥ 10 000 generated inputs per
// resource on each, near-valid and garbage alike, with Pulumi's unknown sentinel sprinkled in.
// No network: check and diff are pure.
import { expect } from "chai";
import fc from "fast-check";
import { z } from "zod";
import { PACKAGE_NAMES } from "../../../provider/packages";
import { RefusedChangeError, type ClientRules, type DiffOutcome } from "../../../provider/resources/common/change-rules";
import type { CheckFailure } from "../../../provider/resources/common/failures";
import { UNKNOWN, containsUnknown } from "../../../provider/resources/common/unknown";
import { checkCustomerLocation } from "../../../provider/resources/customer-location/check";
import { diffCustomerLocation } from "../../../provider/resources/customer-location/diff";
import { CustomerLocationArgsSchema } from "../../../provider/resources/customer-location/schema";
import { checkCustomerOrg } from "../../../provider/resources/customer-org/check";
import { diffCustomerOrg } from "../../../provider/resources/customer-org/diff";
import { CustomerOrgArgsSchema } from "../../../provider/resources/customer-org/schema";
import { checkCustomerUser } from "../../../provider/resources/customer-user/check";
import { diffCustomerUser } from "../../../provider/resources/customer-user/diff";
import { CustomerUserArgsSchema } from "../../../provider/resources/customer-user/schema";
import { checkOnboardingTemplate } from "../../../provider/resources/onboarding-template/check";
import { diffOnboardingTemplate } from "../../../provider/resources/onboarding-template/diff";
import { OnboardingTemplateArgsSchema } from "../../../provider/resources/onboarding-template/schema";
import { orgArgs, templateArgs, userArgs } from "./check-fixtures";
import { locationArgs } from "./customer-location/fixtures";

const RUNS = 10_000;
// Fixed seed: a failure reproduces; change it to explore further.
const SEED = 20261126;

type Json = Record<string, unknown>;
type Check = (news: Json) => { inputs: Json; failures: CheckFailure[] };
type Diff = (olds: Json, news: Json, opts: { clientRules: ClientRules }) => DiffOutcome;

/** Every field name the schema knows, at any depth: a failure may name one that is missing. */
function fieldNames(schema: z.ZodType, into = new Set<string>()): Set<string> {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodObject) {
    for (const [k, f] of Object.entries(s.shape as Record<string, z.ZodType>)) {
      into.add(k);
      fieldNames(f, into);
    }
  } else if (s instanceof z.ZodArray) fieldNames(s.element as z.ZodType, into);
  else if (s instanceof z.ZodDiscriminatedUnion) for (const o of s.options as z.ZodType[]) fieldNames(o, into);
  return into;
}

/** `packages[1].quantity` → ["packages", 1, "quantity"]. */
function parsePath(property: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(property)) !== null) out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  return out;
}

function resolve(value: unknown, path: (string | number)[]): { found: boolean; value: unknown } {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== "object" || !Object.prototype.hasOwnProperty.call(at, key)) return { found: false, value: undefined };
    at = (at as Record<string | number, unknown>)[key];
  }
  // Present, even if the user wrote `undefined` there (a list element, an explicit key).
  return { found: true, value: at };
}

/** The failure's path exists in the input, or names a known field missing from an object that exists. */
function pathIsAccountable(input: unknown, f: CheckFailure, fields: Set<string>): boolean {
  if (f.property === "") return false;
  const path = parsePath(f.property);
  if (path.length === 0) return false;
  if (resolve(input, path).found) return true;
  const last = path[path.length - 1]!;
  if (typeof last !== "string" || !fields.has(last)) return false;
  if (path.length === 1) return true;
  const parent = resolve(input, path.slice(0, -1));
  return parent.found && typeof parent.value === "object" && parent.value !== null && !Array.isArray(parent.value);
}

// ---- arbitraries ----------------------------------------------------------------------------

const garbage = fc.oneof(
  fc.constantFrom(null, UNKNOWN, "", [], {}, NaN, Infinity, -0, true, false, [UNKNOWN], { name: UNKNOWN }, [1, "a"], { a: { b: 1 } }),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 60, maxLength: 130 }),
  fc.anything({ maxDepth: 1, maxKeys: 2 }),
);

/** A value for a field: mostly the valid one, sometimes unknown, absent, or garbage. */
function around<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(UNKNOWN) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: garbage },
  );
}

const email = fc.constantFrom("admin@acme.example", "ada@acme.example", "bad-email", "x@y.co");
const country = fc.constantFrom("US", "us", "CA", "FR", "fr", "GB", "XX", "USA");
const quantity = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -2, max: 200 }),
  fc.constant(2.5),
  fc.constant(UNKNOWN),
  fc.constant("10"),
);
const packageName = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...PACKAGE_NAMES) },
  { weight: 1, arbitrary: around(fc.constantFrom("webex_teams", "")) },
);
const packageEntry = around(fc.record({ name: around(packageName), quantity }, { requiredKeys: ["name"] }));
const address = around(
  fc.record(
    {
      line1: around(fc.constantFrom("1 Main St", "l".repeat(51))),
      line2: around(fc.constantFrom("Suite 5", "l".repeat(51))),
      city: around(fc.constant("Springfield")),
      stateOrProvince: around(fc.constantFrom("CA", "ON")),
      postalCode: around(fc.constantFrom("94105", "K1A 0B1")),
      country: around(country),
    },
    { requiredKeys: [] },
  ),
);
const timeZone = fc.constantFrom("America/New_York", "Europe/Paris", "Mars/Olympus", "UTC");
const locale = fc.constantFrom("en_US", "fr_FR", "english");

const orgArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        provisioningId: around(fc.constantFrom("prov-1", "prov-2")),
        externalId: around(fc.constantFrom("acme-001", "acme-002", "e".repeat(65))),
        existingOrgId: around(fc.constant("org-9")),
        companyName: around(fc.constantFrom("Acme", "Acme Corp", "100% Acme")),
        adminEmail: around(email),
        language: around(locale),
        supportedLocationConfirmed: around(fc.constantFrom(true, false)),
        address,
        packages: around(fc.array(packageEntry, { maxLength: 5 })),
        headquarters: around(
          fc.record(
            { name: around(fc.constant("HQ")), timeZone: around(timeZone), address, language: around(locale) },
            { requiredKeys: [] },
          ),
        ),
        meetingsTimeZone: around(timeZone),
        __provider: fc.constant("serialized provider"),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(garbage, fc.constant(orgArgs())) },
);

const userArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        customerId: around(fc.constantFrom("cust-1", "cust-2")),
        email: around(email),
        firstName: around(fc.constantFrom("Ada", "Augusta", "")),
        lastName: around(fc.constantFrom("Lovelace", "King")),
        package: around(packageName),
        administrator: around(fc.boolean()),
        locationId: around(fc.constantFrom("loc-1", "loc-2")),
        phoneNumber: around(fc.constantFrom("+14155550100", "+14155550199", "4155550100")),
        extension: around(fc.constantFrom("0100", "1", "12345678901")),
        locationNumbers: around(fc.constantFrom(["+14155550100"], ["+14155550199"], [], ["4155550100"])),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(garbage, fc.constant(userArgs())) },
);

const phone = fc.constantFrom("+13035550100", "+13035550101", "+13035550102", "303-555-0100");
const locationArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        customerId: around(fc.constantFrom("cust-1", "cust-2")),
        name: around(fc.constantFrom("Denver", "Headquarters", "")),
        timeZone: around(fc.constantFrom("America/Denver", "Europe/Paris", "Mountain")),
        preferredLanguage: around(locale),
        announcementLanguage: around(fc.constantFrom("en_US", "en_us", "fr_FR", "english")),
        address: around(
          fc.record(
            {
              address1: around(fc.constantFrom("1 Main St", "")),
              city: around(fc.constant("Denver")),
              state: around(fc.constantFrom("CO", "")),
              postalCode: around(fc.constant("80202")),
              country: around(country),
            },
            { requiredKeys: [] },
          ),
        ),
        notes: around(fc.constant("n")),
        calling: around(
          fc.record(
            {
              pstnConnectionId: around(fc.constantFrom("lgw-1", "ccp-integrated")),
              pstnConnectionType: around(fc.constantFrom("LOCAL_GATEWAY", "INTEGRATED_CCP", "CISCO_PSTN", "SIP")),
              numbers: around(
                fc.array(fc.record({ number: around(phone), state: around(fc.constantFrom("ACTIVE", "INACTIVE", "ON")) }), {
                  maxLength: 3,
                }),
              ),
              mainNumber: around(phone),
              forceDisable: around(fc.boolean()),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(garbage, fc.constant(locationArgs())) },
);

const templateArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        templateName: around(fc.constantFrom("SMB EMEA", "t".repeat(81))),
        serviceProviderAdmin: around(email),
        countryCode: around(country),
        defaultEmailLanguage: around(locale),
        wholesaleSubscriptionId: around(fc.constant("Sub-123")),
        pstnProviderId: around(fc.constant("pstn-7")),
        authentication: around(
          fc.oneof(
            fc.record({ type: around(fc.constantFrom("webex", "partnerSaml", "partnerOidc", "ldap")) }),
            fc.record({ type: fc.constant("partnerSaml"), idpEntityId: around(fc.constant("urn:idp")) }),
            fc.record({ type: fc.constant("partnerOidc"), idpName: around(fc.constant("idp")) }),
          ),
        ),
        emailBrandName: around(fc.constantFrom("Partner Voice", "b".repeat(61))),
        allowAdminInviteEmails: around(fc.boolean()),
        allowWebexToWebexCalls: around(fc.boolean()),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(garbage, fc.constant(templateArgs())) },
);

// ---- properties -----------------------------------------------------------------------------

const resources: { name: string; arb: fc.Arbitrary<unknown>; check: Check; diff: Diff; schema: z.ZodType; computed: Json }[] = [
  {
    name: "OnboardingTemplate",
    arb: templateArb,
    check: checkOnboardingTemplate,
    diff: diffOnboardingTemplate,
    schema: OnboardingTemplateArgsSchema,
    computed: { templateId: "t", provisioningId: "p" },
  },
  {
    name: "CustomerOrg",
    arb: orgArb,
    check: checkCustomerOrg,
    diff: diffCustomerOrg,
    schema: CustomerOrgArgsSchema,
    computed: { customerId: "c", status: "provisioned", limited: true },
  },
  {
    name: "CustomerLocation",
    arb: locationArb,
    check: checkCustomerLocation,
    diff: diffCustomerLocation,
    schema: CustomerLocationArgsSchema,
    computed: { locationId: "l", orgId: "o", pstnConnectionType: "INTEGRATED_CCP", mainNumber: "+13035550100" },
  },
  {
    name: "CustomerUser",
    arb: userArb,
    check: checkCustomerUser,
    diff: diffCustomerUser,
    schema: CustomerUserArgsSchema,
    computed: { userId: "u", status: "provisioned" },
  },
];

/** Runs counted across the whole file, printed at the end. */
const counts: Record<string, number> = {};
/** How many generated inputs check accepted and diff refused, printed at the end. */
const outcomes: Record<string, number> = {};

describe(`fuzz: check and diff (${RUNS} generated inputs per resource on each)`, function () {
  // CPU-bound: a few seconds on a quiet machine, past mocha's 20 s default on a loaded CI runner.
  // The runs are seeded, so a longer limit hides no flakiness of the code under test.
  this.timeout(180_000);
  after(() => {
    console.log(
      `      fuzz runs: ${Object.entries(counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
    );
    console.log(
      `      of which: ${Object.entries(outcomes)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
    );
  });

  for (const r of resources) {
    const fields = fieldNames(r.schema);

    it(`${r.name} check: accepts or answers with accountable failures, never throws, normalises idempotently`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(r.arb, (input) => {
          counts[`${r.name}.check`] = (counts[`${r.name}.check`] ?? 0) + 1;
          // Plain conditions in the loop: chai on each of ~10^5 values costs seconds.
          const { inputs, failures } = r.check(input as Json);
          if (typeof inputs !== "object" || inputs === null) expect.fail(`inputs not an object for ${JSON.stringify(input)}`);
          for (const f of failures) {
            if (typeof f.reason !== "string" || f.reason === "" || !pathIsAccountable(input, f, fields)) {
              expect.fail(`unaccountable failure ${JSON.stringify(f)} for input ${JSON.stringify(input)}`);
            }
          }
          if (failures.length === 0) {
            accepted++;
            // Checking checked inputs again changes nothing (normalisation is idempotent).
            const again = r.check(inputs);
            expect(again.failures).to.deep.equal([]);
            expect(again.inputs).to.deep.equal(inputs);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // The arbitraries must reach both sides; a generator that only made garbage would prove little.
      outcomes[`${r.name}.check accepted`] = accepted;
      expect(accepted, "accepted inputs").to.be.greaterThan(RUNS / 100);
    });

    it(`${r.name} diff: an outcome or a RefusedChangeError naming a property, nothing else`, () => {
      let refused = 0;
      fc.assert(
        fc.property(
          r.arb,
          r.arb,
          fc.constantFrom(0, 1, 2, undefined),
          fc.constantFrom<ClientRules>("strict", "strict", "server"),
          (a, b, version, clientRules) => {
            counts[`${r.name}.diff`] = (counts[`${r.name}.diff`] ?? 0) + 1;
            const olds = { ...r.check(a as Json).inputs, ...r.computed, schemaVersion: version };
            const news = r.check(b as Json).inputs;
            let out: DiffOutcome;
            try {
              out = r.diff(olds, news, { clientRules });
            } catch (err) {
              const e = err as RefusedChangeError;
              if (
                !(err instanceof RefusedChangeError) ||
                clientRules !== "strict" ||
                e.property === "" ||
                !e.message.includes(e.property)
              ) {
                expect.fail(`unexpected throw ${String(err)} in ${clientRules} mode for ${JSON.stringify({ olds, news })}`);
              }
              refused++;
              return;
            }
            const migrate = typeof version === "number" && version < 1;
            if (
              typeof out.changes !== "boolean" ||
              out.changes !== (out.changedKeys.length > 0 || migrate) ||
              !out.replaces.every((k) => out.changedKeys.includes(k)) ||
              (out.deleteBeforeReplace && out.replaces.length === 0)
            ) {
              expect.fail(`inconsistent outcome ${JSON.stringify(out)} for ${JSON.stringify({ olds, news })}`);
            }
            // A known state against itself is never a change (nor a refusal); state never holds unknowns.
            if (!containsUnknown(olds) && r.diff(olds, { ...olds, status: "other" }, { clientRules }).changedKeys.length > 0) {
              expect.fail(`state differs from itself: ${JSON.stringify(olds)}`);
            }
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
      outcomes[`${r.name}.diff refused`] = refused;
      if (r.name !== "OnboardingTemplate") expect(refused, "refusals reached").to.be.greaterThan(0);
    });
  }
});
