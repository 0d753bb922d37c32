import { expect } from "chai";
import { checkCustomerUser } from "../../../../provider/resources/customer-user/check";
import { diffCustomerUser } from "../../../../provider/resources/customer-user/diff";
import { CUSTOMER_USER_SCHEMA_VERSION } from "../../../../provider/resources/customer-user/schema";
import { RefusedChangeError } from "../../../../provider/resources/common/change-rules";
import { UNKNOWN } from "../../../../provider/resources/common/unknown";
import { stateOf, userArgs } from "../check-fixtures";
import { runDiffCases, type DiffCase } from "../diff-cases";

function checked(args: Record<string, unknown>): Record<string, unknown> {
  const { inputs, failures } = checkCustomerUser(args);
  expect(failures, "fixture must be valid").to.deep.equal([]);
  return inputs;
}

const computed = {
  userId: "user-1",
  personId: "person-1",
  status: "provisioned",
  assignedLocationId: "loc-1",
  schemaVersion: CUSTOMER_USER_SCHEMA_VERSION,
};
const state = (args: Record<string, unknown> = userArgs()) => stateOf(checked(args), computed);
const admin = (args: Record<string, unknown> = userArgs()) => ({ ...args, administrator: true });
const meetings = () => ({ ...userArgs(), package: "webex_meetings", phoneNumber: undefined, extension: undefined });
const with_ = (changes: Record<string, unknown>, base: Record<string, unknown> = userArgs()) => checked({ ...base, ...changes });
const HELD = "+14155550100";
const OTHER = "+14155550101";
/** A user placed at a location that declares `numbers` (its phoneNumber is HELD). */
const sited = (numbers: string[] = [HELD, OTHER]) => ({ ...userArgs(), locationNumbers: numbers });
/** HELD dropped by the location: new inputs as `check` passes them on (it leaves this case to the rule). */
const dropped = () => ({ ...checked(sited()), locationNumbers: [OTHER] });
const update = (...changedKeys: string[]) => ({ changes: true, changedKeys });
const none = { changes: false, changedKeys: [] };

const cases: DiffCase[] = [
  { name: "no change", olds: state(), news: with_({}), expect: none },
  { name: "__provider differs only", olds: { ...state(), __provider: "old" }, news: { ...with_({}), __provider: "new" }, expect: none },
  {
    name: "customerId changed: replace, deleting first",
    olds: state(),
    news: with_({ customerId: "cust-2" }),
    expect: { changes: true, changedKeys: ["customerId"], replaces: ["customerId"], deleteBeforeReplace: true },
  },
  {
    name: "email changed: replace, deleting first",
    olds: state(),
    news: with_({ email: "ada.l@acme.example" }),
    expect: { changes: true, changedKeys: ["email"], replaces: ["email"], deleteBeforeReplace: true },
  },
  {
    name: "firstName changed",
    olds: state(),
    news: with_({ firstName: "Augusta" }),
    expect: { refused: { property: "firstName", oldValue: "Ada", newValue: "Augusta", says: /cannot change a user's name.*Control Hub/ } },
  },
  {
    name: "lastName changed",
    olds: state(),
    news: with_({ lastName: "King" }),
    expect: { refused: { property: "lastName", oldValue: "Lovelace", newValue: "King", says: /name/ } },
  },
  { name: "package raised (non-administrator)", olds: state(), news: with_({ package: "webex_suite" }), expect: update("package") },
  { name: "package lowered (non-administrator)", olds: state(), news: with_({ package: "webex_voice" }), expect: update("package") },
  {
    name: "administrator's package raised",
    olds: state(admin()),
    news: with_({ package: "webex_suite" }, admin()),
    expect: update("package"),
  },
  {
    name: "administrator's package lowered by adminRank",
    olds: state(admin()),
    news: with_({ package: "webex_calling_standard" }, admin()),
    expect: {
      refused: {
        property: "package",
        oldValue: "webex_calling",
        newValue: "webex_calling_standard",
        says: /downgrading a full administrator's package/,
      },
    },
  },
  {
    name: "administrator's package lowered while un-declaring the administrator in the same step",
    olds: state(admin()),
    news: with_({ package: "webex_voice", administrator: false }),
    expect: {
      refused: { property: "package", oldValue: "webex_calling", newValue: "webex_voice", says: /Control Hub.*`administrator: false`/ },
    },
  },
  {
    name: "newly declared administrator with a lower package",
    olds: state(),
    news: with_({ package: "webex_voice" }, admin()),
    expect: { refused: { property: "package", oldValue: "webex_calling", newValue: "webex_voice", says: /administrator/ } },
  },
  { name: "administrator declared", olds: state(), news: with_({}, admin()), expect: update("administrator") },
  {
    name: "locationId changed without a package move",
    olds: state({ ...userArgs(), locationId: "loc-1" }),
    news: with_({ locationId: "loc-2" }),
    expect: { refused: { property: "locationId", oldValue: "loc-1", newValue: "loc-2", says: /webex_meetings to a calling package/ } },
  },
  {
    name: "phoneNumber changed without a package move",
    olds: state(),
    news: with_({ phoneNumber: "+14155550199" }),
    expect: { refused: { property: "phoneNumber", oldValue: "+14155550100", newValue: "+14155550199", says: /phoneNumber/ } },
  },
  {
    name: "extension added without a package move",
    olds: state({ ...userArgs(), extension: undefined }),
    news: with_({}),
    expect: { refused: { property: "extension", oldValue: undefined, newValue: "0100", says: /extension/ } },
  },
  {
    name: "moved from webex_meetings to a calling package with number and location",
    olds: state(meetings()),
    news: with_({ locationId: "loc-1" }),
    expect: update("package", "locationId", "phoneNumber", "extension"),
  },
  {
    name: "moved from calling to webex_meetings, number removed",
    olds: state(),
    news: checked(meetings()),
    expect: update("package", "phoneNumber", "extension"),
  },
  {
    name: "moved between calling packages with a new number",
    olds: state(),
    news: with_({ package: "webex_suite", phoneNumber: "+14155550199" }),
    expect: {
      refused: { property: "phoneNumber", oldValue: "+14155550100", newValue: "+14155550199", says: /only when the package moves/ },
    },
  },
  // The user's location drops a number (rule location-drops-held-number).
  {
    name: "its location drops the number this user holds",
    olds: state(sited()),
    news: dropped(),
    expect: {
      refused: {
        property: "locationNumbers",
        oldValue: [HELD, OTHER],
        newValue: [OTHER],
        says: /drops \+14155550100, which this user holds.*first move this user to another number \(or off calling\) or remove the user, run up/,
      },
      // locationNumbers changes nothing on the service: the API judges the location's removal.
      serverChanges: false,
    },
  },
  {
    name: "its location drops the number this user gives up in the same update (moved off calling)",
    olds: state(sited()),
    news: checked({ ...meetings(), locationNumbers: [OTHER] }),
    expect: { refused: { property: "locationNumbers", oldValue: [HELD, OTHER], newValue: [OTHER], says: /location is updated first/ } },
  },
  { name: "its location drops another number: no change for the user", olds: state(sited()), news: with_({}, sited([HELD])), expect: none },
  {
    name: "its location never declared the number (older state without locationNumbers): not this rule's",
    olds: state(),
    news: with_({ locationNumbers: [HELD] }),
    expect: none,
  },
  {
    name: "its location's numbers unknown (computed): a change, not refused (update judges it)",
    olds: state(sited()),
    news: with_({ locationNumbers: UNKNOWN }, sited()),
    expect: update("locationNumbers"),
  },
  {
    name: "clientRules=server: the location dropping the held number is left to the API",
    olds: state(sited()),
    news: dropped(),
    clientRules: "server",
    expect: none,
  },
  // Unknowns during preview.
  {
    name: "unknown customerId (customer being replaced): replace",
    olds: state(),
    news: with_({ customerId: UNKNOWN }),
    expect: { changes: true, changedKeys: ["customerId"], replaces: ["customerId"], deleteBeforeReplace: true },
  },
  { name: "unknown firstName is not refused", olds: state(), news: with_({ firstName: UNKNOWN }), expect: update("firstName") },
  {
    name: "unknown package next to a new number is not refused",
    olds: state(),
    news: with_({ package: UNKNOWN, phoneNumber: "+14155550199" }),
    expect: update("package", "phoneNumber"),
  },
  {
    name: "unknown package of an administrator is not refused",
    olds: state(admin()),
    news: with_({ package: UNKNOWN }, admin()),
    expect: update("package"),
  },
  // Absent old values.
  {
    name: "absent old phoneNumber in older state counts as unchanged",
    olds: { ...state(), phoneNumber: undefined, schemaVersion: 0 },
    news: with_({}),
    expect: update(),
  },
  {
    name: "absent old administrator counts as unchanged",
    olds: { ...state(), administrator: undefined },
    news: with_({}, admin()),
    expect: none,
  },
  {
    name: "older schemaVersion is migrated by an update",
    olds: { ...state(), schemaVersion: CUSTOMER_USER_SCHEMA_VERSION - 1 },
    news: with_({}),
    expect: update(),
  },
  {
    name: "clientRules=server: administrator's package lowered is an update",
    olds: state(admin()),
    news: with_({ package: "webex_voice" }, admin()),
    clientRules: "server",
    expect: update("package"),
  },
];

describe("CustomerUser diff", () => {
  runDiffCases(diffCustomerUser, cases);

  // A user takes `locationId` from its customer's `headquartersLocationId`, unknown while the
  // customer updates: the preview of a quantity bump must not list the user (issue 13.1).
  describe("an unknown locationId while the package stays calling", () => {
    const unknownLocation = () => ({ ...with_({}), locationId: UNKNOWN });
    const olds = () => state({ ...userArgs(), locationId: "loc-1" });
    it("is no change when check refuses location changes (strict): up either keeps it or check refuses it", () => {
      const outcome = diffCustomerUser(olds(), unknownLocation(), { clientRules: "server", refusalsInCheck: true });
      expect(outcome).to.include({ changes: false });
      expect(outcome.changedKeys).to.deep.equal([]);
    });
    it("is a change when the service judges (clientRules=server): it may be sent as an update", () => {
      expect(diffCustomerUser(olds(), unknownLocation(), { clientRules: "server" }).changedKeys).to.deep.equal(["locationId"]);
    });
    it("is a change next to a move from webex_meetings to calling, where a location may be set", () => {
      const outcome = diffCustomerUser(
        state(meetings()),
        { ...with_({}), locationId: UNKNOWN },
        { clientRules: "server", refusalsInCheck: true },
      );
      expect(outcome.changedKeys).to.include("locationId");
    });
  });

  it("strict mode refuses once unknowns are known (what update runs)", () => {
    expect(() => diffCustomerUser(state(admin()), with_({ package: "webex_voice" }, admin()), { clientRules: "strict" })).to.throw(
      RefusedChangeError,
      /package/,
    );
  });
});
