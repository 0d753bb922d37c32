/**
 * CustomerUser change rules, as data. The subscriber PUT changes the package only, plus the
 * number and location when moving from `webex_meetings` to a calling package; names cannot change,
 * and a new customer or email is a new subscriber.
 */
import { adminRankOf, isCallingPackage, isPackageName } from "../../packages";
import {
  isUnknown,
  containsUnknown,
  type ChangeCheck,
  type ChangeContext,
  type FieldRule,
  type Refusal,
  type ResourceRules,
} from "../common/change-rules";
import { CUSTOMER_USER_SCHEMA_VERSION, type CustomerUserInputs } from "./schema";

/**
 * When a number, extension or location may change: while moving from `webex_meetings` to a calling
 * package (the only time the API takes them on update), or when removed while moving off calling
 * (the service releases the number). "unknown" while the new package is not known (preview).
 */
function numberChangeAllowed({ olds, news }: ChangeContext, _old: unknown, newValue: unknown): boolean | "unknown" {
  if (isUnknown(news.package) || isUnknown(olds.package)) return "unknown";
  if (olds.package === "webex_meetings" && isCallingPackage(news.package)) return true;
  return isCallingPackage(olds.package) && isPackageName(news.package) && !isCallingPackage(news.package) && newValue === undefined;
}

function numberRule(field: "locationId" | "phoneNumber" | "extension"): FieldRule {
  return {
    kind: "refused",
    description: `changing \`${field}\` updates the user only together with a move from \`webex_meetings\` to a calling package (or removes it with a move off calling); otherwise it is **refused**`,
    reason: `the subscriber API takes \`${field}\` only when the package moves from webex_meetings to a calling package`,
    instead: `keep the current \`${field}\` and change it in Control Hub, or replace the user (change its email, or delete and recreate it)`,
    allowedWhen: numberChangeAllowed,
  };
}

const adminPackageLowered: ChangeCheck = {
  id: "admin-package-lowered",
  property: "package",
  description:
    "moving an administrator (`administrator: true`) to a package of lower `adminRank` is **refused**: downgrading a full administrator's package is not supported",
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    const before = olds.package;
    const after = news.package;
    if (!isPackageName(before) || !isPackageName(after)) return [];
    // Administrator in the state or in the program: un-declaring in the same step does not remove
    // the role, which only Control Hub can do.
    const admin = olds.administrator === true || news.administrator === true;
    if (!admin || adminRankOf(after) >= adminRankOf(before)) return [];
    return [
      {
        property: "package",
        oldValue: before,
        newValue: after,
        reason: `the user is a full administrator, and Partner Hub does not support downgrading a full administrator's package (${after} ranks below ${before}; administrators hold the customer's admin package)`,
        instead: `keep ${before}; to give this person a smaller package, first remove the administrator role in Control Hub and set \`administrator: false\`, then change the package in a later update`,
        fromSeed: true,
      },
    ];
  },
};

/**
 * The number this user held (by the program's previous inputs or state: its `phoneNumber`, among
 * the location's declared `locationNumbers`) that the location's new `locationNumbers` no longer
 * hold, i.e. the number the `CustomerLocation` is about to remove; undefined when there is none or
 * the new list is not known yet. The location removes only numbers it declared before, so a number
 * it never declared is not this rule's (the check rule `number-held-by-location` judges it).
 */
export function droppedHeldNumber(
  previous: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
): string | undefined {
  const held = previous.phoneNumber;
  const before = previous.locationNumbers;
  const after = news.locationNumbers;
  if (typeof held !== "string" || isUnknown(held) || !Array.isArray(before) || !before.includes(held)) return undefined;
  if (!Array.isArray(after) || containsUnknown(after)) return undefined;
  return after.includes(held) ? undefined : held;
}

const locationDropsHeldNumber: ChangeCheck = {
  id: "location-drops-held-number",
  property: "locationNumbers",
  description:
    "removing the number this user holds (`phoneNumber`) from its `CustomerLocation`'s `calling.numbers` (seen as `locationNumbers`) is **refused**: remove the user, or move it to another number, in an earlier update",
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    const number = droppedHeldNumber(olds, news);
    if (number === undefined) return [];
    // Released in the same update (a move off calling) is still too late: the user depends on its
    // location, so the engine updates the location, which removes the number, before the user.
    const releasing = news.phoneNumber !== number && !isUnknown(news.phoneNumber);
    return [
      {
        property: "locationNumbers",
        oldValue: olds.locationNumbers,
        newValue: news.locationNumbers,
        reason: releasing
          ? `the location's calling.numbers drops ${number}, which this user gives up in the same update; but the location is updated first (the user depends on it), and a number assigned to a person cannot be removed from its location`
          : `the location's calling.numbers drops ${number}, which this user holds (phoneNumber), and a number assigned to a person cannot be removed from its location`,
        instead: `keep ${number} in that CustomerLocation's calling.numbers for now; first move this user to another number (or off calling) or remove the user, run up, then remove ${number} in a later update`,
      },
    ];
  },
};

/** The change rules of CustomerUser: one per input, plus the administrator's package rule and the held-number rule. */
export const customerUserRules: ResourceRules<keyof CustomerUserInputs & string> = {
  resource: "CustomerUser",
  schemaVersion: CUSTOMER_USER_SCHEMA_VERSION,
  // consentMove has a default, but state written before it existed lacks it: absent reads as false
  // (its `equals`), so turning it on for such a user is still a change
  optionalInputs: ["locationId", "phoneNumber", "extension", "consentMove"],
  fields: {
    customerId: {
      kind: "replace",
      deleteBeforeReplace: true,
      description: "changing `customerId` replaces the user (the old subscriber is deleted first: emails are unique)",
    },
    email: {
      kind: "replace",
      deleteBeforeReplace: true,
      description: "changing `email` replaces the user (deleted first: numbers and extensions are unique)",
    },
    firstName: {
      kind: "refused",
      description: "changing `firstName` is **refused** (no API)",
      reason: "the subscriber API cannot change a user's name",
      instead: "keep the current `firstName` in the program and change the name in Control Hub",
    },
    lastName: {
      kind: "refused",
      description: "changing `lastName` is **refused** (no API)",
      reason: "the subscriber API cannot change a user's name",
      instead: "keep the current `lastName` in the program and change the name in Control Hub",
    },
    package: {
      kind: "update",
      description: "changing `package` updates the user in place (see the administrator rule below)",
    },
    administrator: {
      kind: "update",
      description: "changing `administrator` updates the state only (roles are assigned in Control Hub)",
    },
    consentMove: {
      kind: "update",
      description:
        "setting `consentMove: true` on a user in `pending_user_migration` asks the user to consent to the move; otherwise it updates the state only",
      equals: (a, b) => (a ?? false) === (b ?? false),
    },
    locationId: numberRule("locationId"),
    phoneNumber: numberRule("phoneNumber"),
    extension: numberRule("extension"),
    locationNumbers: {
      kind: "ignored",
      description: "changing `locationNumbers` changes nothing on the service (it is only checked against `phoneNumber`)",
    },
  },
  checks: [adminPackageLowered, locationDropsHeldNumber],
};
