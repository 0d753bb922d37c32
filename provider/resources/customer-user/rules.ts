/**
 * CustomerUser change rules, as data. The subscriber PUT changes the package only, plus the
 * number and location when moving from `webex_meetings` to a calling package; names cannot change,
 * and a new customer or email is a new subscriber.
 */
import { adminRankOf, isCallingPackage, isPackageName } from "../../packages";
import { isUnknown, type ChangeCheck, type ChangeContext, type FieldRule, type Refusal, type ResourceRules } from "../common/change-rules";
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

/** The change rules of CustomerUser: one per input, plus the administrator's package rule. */
export const customerUserRules: ResourceRules<keyof CustomerUserInputs & string> = {
  resource: "CustomerUser",
  schemaVersion: CUSTOMER_USER_SCHEMA_VERSION,
  optionalInputs: ["locationId", "phoneNumber", "extension"],
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
    locationId: numberRule("locationId"),
    phoneNumber: numberRule("phoneNumber"),
    extension: numberRule("extension"),
    locationNumbers: {
      kind: "ignored",
      description: "changing `locationNumbers` changes nothing on the service (it is only checked against `phoneNumber`)",
    },
  },
  checks: [adminPackageLowered],
};
