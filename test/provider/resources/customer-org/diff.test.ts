import { expect } from "chai";
import { checkCustomerOrg } from "../../../../provider/resources/customer-org/check";
import { diffCustomerOrg } from "../../../../provider/resources/customer-org/diff";
import { CUSTOMER_ORG_SCHEMA_VERSION } from "../../../../provider/resources/customer-org/schema";
import { RefusedChangeError, refusalFailures } from "../../../../provider/resources/common/change-rules";
import { customerOrgRules } from "../../../../provider/resources/customer-org/rules";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { orgArgs, setPath, stateOf, unlimitedOrgArgs } from "../check-fixtures";
import { runDiffCases, type DiffCase } from "../diff-cases";

/** Checked inputs, as the provider's check returns them. */
function checked(args: Record<string, unknown>): Record<string, unknown> {
  const { inputs, failures } = checkCustomerOrg(args);
  expect(failures, "fixture must be valid").to.deep.equal([]);
  return inputs;
}

const computed = {
  customerId: "cust-1",
  orgId: "org-1",
  status: "provisioned",
  limited: true,
  adminPackage: "webex_calling",
  headquartersLocationId: "loc-1",
  schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION,
};
const state = (args = orgArgs()) => stateOf(checked(args), computed);
const news = (path: (string | number)[], v: unknown) => checked(setPath(orgArgs(), path, v));
const same = () => checked(orgArgs());
const update = (...changedKeys: string[]) => ({ changes: true, changedKeys });
const none = { changes: false, changedKeys: [] };

const cases: DiffCase[] = [
  { name: "no change", olds: state(), news: same(), expect: none },
  {
    name: "__provider differs only (provider upgrade)",
    olds: { ...state(), __provider: "older code" },
    news: { ...same(), __provider: "newer code" },
    expect: none,
  },
  { name: "computed outputs are never compared", olds: { ...state(), status: "updating", limited: false }, news: same(), expect: none },
  {
    name: "packages in another order",
    olds: state(),
    news: news(
      ["packages"],
      [
        { name: "webex_meetings", quantity: 50 },
        { name: "webex_calling", quantity: 100 },
      ],
    ),
    expect: none,
  },
  {
    name: "provisioningId changed",
    olds: state(),
    news: news(["provisioningId"], "prov-2"),
    expect: { refused: { property: "provisioningId", oldValue: "prov-1", newValue: "prov-2", says: /template/ } },
  },
  { name: "externalId changed", olds: state(), news: news(["externalId"], "acme-002"), expect: update("externalId") },
  {
    name: "existingOrgId set after creation",
    olds: state(),
    news: news(["existingOrgId"], "org-9"),
    expect: { refused: { property: "existingOrgId", oldValue: undefined, newValue: "org-9", says: /attached/ } },
  },
  {
    name: "existingOrgId removed after creation",
    olds: state({ ...orgArgs(), existingOrgId: "org-9" }),
    news: same(),
    expect: { refused: { property: "existingOrgId", oldValue: "org-9", newValue: undefined, says: /existingOrgId/ } },
  },
  {
    name: "companyName changed",
    olds: state(),
    news: news(["companyName"], "Acme Corp"),
    expect: {
      refused: { property: "companyName", oldValue: "Acme", newValue: "Acme Corp", says: /cannot rename a customer.*Control Hub/ },
    },
  },
  {
    name: "adminEmail changed",
    olds: state(),
    news: news(["adminEmail"], "it@acme.example"),
    expect: {
      refused: { property: "adminEmail", oldValue: "admin@acme.example", newValue: "it@acme.example", says: /first administrator/ },
    },
  },
  {
    name: "language changed",
    olds: state(),
    news: news(["language"], "fr_FR"),
    expect: { refused: { property: "language", oldValue: "en_US", newValue: "fr_FR", says: /language/ } },
  },
  {
    name: "supportedLocationConfirmed absent from state (checked only)",
    olds: { ...state(), supportedLocationConfirmed: undefined },
    news: same(),
    expect: none,
  },
  { name: "address.line1 changed", olds: state(), news: news(["address", "line1"], "2 Main St"), expect: update("address") },
  { name: "address.line2 added", olds: state(), news: news(["address", "line2"], "Suite 5"), expect: update("address") },
  {
    name: "address.country changed (data residency)",
    olds: state(),
    news: checked(setPath(orgArgs(), ["address"], { line1: "9 Rue", city: "Paris", country: "FR" })),
    expect: { refused: { property: "address.country", oldValue: "US", newValue: "FR", says: /data resides/ } },
  },
  {
    name: "package added (with its quantity)",
    olds: state(),
    news: news(["packages", 2], { name: "cisco_calling_plan" }),
    expect: update("packages"),
  },
  {
    name: "package removed",
    olds: state(),
    news: news(["packages"], [{ name: "webex_calling", quantity: 100 }]),
    expect: update("packages"),
  },
  { name: "quantity raised", olds: state(), news: news(["packages", 0, "quantity"], 150), expect: update("packages") },
  {
    name: "quantity lowered",
    olds: state(),
    news: news(["packages", 0, "quantity"], 80),
    expect: {
      refused: {
        property: "packages[webex_calling].quantity",
        oldValue: 100,
        newValue: 80,
        says: /greater than the one currently assigned.*keep quantity 100 or raise it.*clientRules/,
      },
    },
  },
  {
    name: "limited → unlimited",
    olds: state(),
    news: checked(setPath(orgArgs(), ["packages"], [{ name: "webex_calling" }, { name: "webex_meetings" }])),
    expect: { refused: { property: "packages[webex_calling].quantity", oldValue: 100, newValue: undefined, says: /cannot be disabled/ } },
  },
  {
    name: "unlimited → limited",
    olds: stateOf(checked(unlimitedOrgArgs()), { ...computed, limited: false }),
    news: checked(setPath(unlimitedOrgArgs(), ["packages"], [{ name: "webex_meetings", quantity: 20 }])),
    expect: {
      refused: {
        property: "packages[webex_meetings].quantity",
        oldValue: undefined,
        newValue: 20,
        says: /created unlimited|without package quantities/,
      },
    },
  },
  {
    name: "headquarters changed after creation",
    olds: state(),
    news: news(["headquarters", "timeZone"], "America/New_York"),
    expect: {
      refused: {
        property: "headquarters",
        oldValue: { name: "Headquarters", timeZone: "America/Los_Angeles" },
        newValue: { name: "Headquarters", timeZone: "America/New_York" },
        says: /Control Hub/,
      },
    },
  },
  {
    name: "headquarters added with a first calling package",
    olds: stateOf(checked(unlimitedOrgArgs()), { ...computed, limited: false }),
    news: checked({
      ...unlimitedOrgArgs(),
      packages: [{ name: "webex_meetings" }, { name: "webex_calling" }],
      headquarters: { timeZone: "Europe/Paris" },
    }),
    expect: update("packages", "headquarters"),
  },
  {
    name: "meetingsTimeZone set after creation",
    olds: state(),
    news: news(["meetingsTimeZone"], "Europe/Paris"),
    expect: { refused: { property: "meetingsTimeZone", oldValue: undefined, newValue: "Europe/Paris", says: /meetings time zone/ } },
  },
  {
    name: "meetingsTimeZone changed",
    olds: state({ ...orgArgs(), meetingsTimeZone: "Europe/Paris" }),
    news: news(["meetingsTimeZone"], "Europe/Berlin"),
    expect: { refused: { property: "meetingsTimeZone", oldValue: "Europe/Paris", newValue: "Europe/Berlin", says: /meetings time zone/ } },
  },
  // Unknowns during preview: a change, never refused.
  { name: "unknown packages", olds: state(), news: { ...same(), packages: UNKNOWN }, expect: update("packages") },
  { name: "unknown quantity", olds: state(), news: news(["packages", 0, "quantity"], UNKNOWN), expect: update("packages") },
  { name: "unknown companyName (refused field)", olds: state(), news: { ...same(), companyName: UNKNOWN }, expect: update("companyName") },
  {
    name: "unknown provisioningId (template being replaced)",
    olds: state(),
    news: { ...same(), provisioningId: UNKNOWN },
    expect: update("provisioningId"),
  },
  { name: "unknown address.country", olds: state(), news: news(["address", "country"], UNKNOWN), expect: update("address") },
  // Absent old values.
  {
    name: "absent old language (older state) counts as unchanged",
    olds: { ...state(), language: undefined, schemaVersion: 0 },
    news: news(["language"], "fr_FR"),
    expect: update(),
  },
  {
    name: "absent old packages (state from a get) counts as unchanged",
    olds: { ...state(), packages: undefined, schemaVersion: undefined },
    news: news(["packages", 0, "quantity"], 1),
    expect: none,
  },
  {
    name: "absent old meetingsTimeZone in state without schemaVersion counts as unchanged",
    olds: { ...state(), schemaVersion: undefined },
    news: news(["meetingsTimeZone"], "Europe/Paris"),
    expect: none,
  },
  {
    name: "absent old address.country counts as unchanged in older state",
    olds: setPath({ ...state(), schemaVersion: 0 }, ["address", "country"], undefined),
    news: same(),
    expect: update(),
  },
  // Versions and the escape hatch.
  {
    name: "state of an older schemaVersion is migrated by an update",
    olds: { ...state(), schemaVersion: CUSTOMER_ORG_SCHEMA_VERSION - 1 },
    news: same(),
    expect: update(),
  },
  {
    name: "clientRules=server: quantity lowered is an update",
    olds: state(),
    news: news(["packages", 0, "quantity"], 80),
    clientRules: "server",
    expect: update("packages"),
  },
  {
    name: "clientRules=server: companyName changed is an update",
    olds: state(),
    news: news(["companyName"], "Acme Corp"),
    clientRules: "server",
    expect: update("companyName"),
  },
];

describe("CustomerOrg diff", () => {
  runDiffCases(diffCustomerOrg, cases);

  it("names every refused property in one message", () => {
    const changed = checked({ ...setPath(orgArgs(), ["packages", 0, "quantity"], 10), companyName: "Other" });
    expect(() => diffCustomerOrg(state(), changed, { clientRules: "strict" }))
      .to.throw(RefusedChangeError)
      .with.property("message")
      .that.matches(/Refused changes \(2\)/)
      .and.include("companyName")
      .and.include("packages[webex_calling].quantity");
  });

  it("refusalFailures (check's refusals) judges the previous inputs: the same sentence, with the property path", () => {
    const refused = news(["companyName"], "X");
    const error = (() => {
      try {
        diffCustomerOrg(state(), refused, { clientRules: "strict" });
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a refusal");
    })();
    expect(refusalFailures(customerOrgRules, same(), refused, { clientRules: "strict" })).to.deep.equal([
      { property: "companyName", reason: error.message },
    ]);
    expect(refusalFailures(customerOrgRules, same(), news(["externalId"], "acme-9"), { clientRules: "strict" })).to.deep.equal([]);
    expect(refusalFailures(customerOrgRules, same(), refused, { clientRules: "server" }), "server mode").to.deep.equal([]);
    expect(refusalFailures(customerOrgRules, {}, refused, { clientRules: "strict" }), "create: no previous inputs").to.deep.equal([]);
    const imported = { ...same(), companyName: undefined, adminEmail: undefined };
    expect(
      refusalFailures(customerOrgRules, imported, same(), { clientRules: "strict" }),
      "an input absent from the previous inputs (an import's read cannot see it) is unknown history, not a change",
    ).to.deep.equal([]);
  });

  it("diff is pure: it changes neither olds nor news", () => {
    const olds = state();
    const n = news(["packages", 0, "quantity"], 150);
    const before = JSON.stringify([olds, n]);
    diffCustomerOrg(olds, n, { clientRules: "strict" });
    expect(JSON.stringify([olds, n])).to.equal(before);
  });
});
