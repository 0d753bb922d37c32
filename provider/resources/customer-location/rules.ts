/**
 * CustomerLocation change rules, as data. `PUT /locations/{id}` changes the name, time zone,
 * preferred language and address; the calling block changes through the telephony endpoints
 * (PSTN connection, numbers by difference, main number); the rest has no API.
 */
import { INTEGRATED_PSTN_TYPES } from "../../client/schemas";
import {
  deepEqual,
  isPlainObject,
  isUnknown,
  type ChangeCheck,
  type ChangeContext,
  type FieldRule,
  type Refusal,
  type ResourceRules,
} from "../common/change-rules";
import { declaredNumbers } from "./check";
import { CUSTOMER_LOCATION_SCHEMA_VERSION, type CustomerLocationInputs } from "./schema";

/** A property the Locations API sets at creation only. */
function setAtCreation(field: string): FieldRule {
  return {
    kind: "refused",
    description: `changing \`${field}\` is **refused** (the location update takes no \`${field}\`)`,
    reason: `PUT /locations/{id} cannot change a location's ${field}`,
    instead: `keep the current \`${field}\` in the program and change it in Control Hub (Management > Locations)`,
  };
}

/** `en_US` and `en_us` name the same language (the Locations API writes the latter). */
function sameLanguage(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : deepEqual(a, b);
}

/** The main number the state (or the previous inputs, during check) records. */
function previousMainNumber(olds: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof olds.mainNumber === "string") return olds.mainNumber;
  const calling = olds.calling;
  return isPlainObject(calling) && typeof calling.mainNumber === "string" ? calling.mainNumber : undefined;
}

const callingRemoved: ChangeCheck = {
  id: "calling-removed",
  property: "calling",
  description:
    "removing the `calling` block is **refused**: calling is disabled by destroying the location (precheck, then the disable job)",
  refusals: ({ olds, news }: ChangeContext): Refusal[] =>
    isPlainObject(olds.calling) && news.calling === undefined
      ? [
          {
            property: "calling",
            // The block itself can be long; what changes is that calling goes away.
            oldValue: "calling enabled",
            newValue: undefined,
            reason:
              "Webex Calling is disabled at a location only by the disable-calling job, which this resource runs when it is destroyed",
            instead:
              "keep the calling block, or destroy the CustomerLocation (calling is disabled after the precheck; the location record stays)",
          },
        ]
      : [],
};

const mainNumberRemoved: ChangeCheck = {
  id: "main-number-removed",
  property: "calling.numbers",
  description: "removing the location's main number from `calling.numbers` is **refused** unless `calling.mainNumber` names another number",
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    const main = previousMainNumber(olds);
    const before = declaredNumbers(olds.calling);
    const after = declaredNumbers(news.calling);
    if (main === undefined || before === undefined || after === undefined || !before.includes(main) || after.includes(main)) return [];
    const newMain = isPlainObject(news.calling) ? news.calling.mainNumber : undefined;
    if (isUnknown(newMain) || (typeof newMain === "string" && newMain !== main)) return [];
    return [
      {
        property: "calling.numbers",
        oldValue: before,
        newValue: after,
        reason: `${main} is the location's main number, and a location's main number cannot be removed`,
        instead: `keep ${main} in calling.numbers, or set calling.mainNumber to another of the location's numbers in the same update (the main number changes first, then ${main} is removed)`,
      },
    ];
  },
};

const numbersOnIntegratedPstn: ChangeCheck = {
  id: "numbers-on-integrated-pstn",
  property: "calling.numbers",
  description: `a \`calling.numbers\` list on a location whose PSTN connection is integrated (${INTEGRATED_PSTN_TYPES.join(", ")}) is **refused**: the PSTN provider supplies its numbers`,
  refusals: ({ olds, news }: ChangeContext): Refusal[] => {
    const calling = news.calling;
    const type = olds.pstnConnectionType;
    if (!isPlainObject(calling) || calling.numbers === undefined || isUnknown(calling.numbers)) return [];
    if (typeof type !== "string" || !INTEGRATED_PSTN_TYPES.includes(type as never)) return [];
    // A rule judges changes: an unchanged list is not refused again (the update refuses it against the API).
    if (isPlainObject(olds.calling) && deepEqual(olds.calling.numbers, calling.numbers)) return [];
    // A new connection may be non-integrated: then the create/update judges it against the API.
    const oldConnection = isPlainObject(olds.calling) ? olds.calling.pstnConnectionId : undefined;
    if (calling.pstnConnectionId !== undefined && calling.pstnConnectionId !== oldConnection) return [];
    return [
      {
        property: "calling.numbers",
        oldValue: isPlainObject(olds.calling) ? olds.calling.numbers : undefined,
        newValue: calling.numbers,
        reason: `the location's PSTN connection is ${type}, whose numbers come from the PSTN provider; Cisco says the numbers API "should never be used" there`,
        instead:
          "remove calling.numbers (the inventory output lists the provider's numbers), or move the location to a non-integrated connection (LOCAL_GATEWAY, NON_INTEGRATED_CCP) with calling.pstnConnectionId",
      },
    ];
  },
};

/** The change rules of CustomerLocation: one per input, plus the calling checks. */
export const customerLocationRules: ResourceRules<keyof CustomerLocationInputs & string> = {
  resource: "CustomerLocation",
  schemaVersion: CUSTOMER_LOCATION_SCHEMA_VERSION,
  optionalInputs: ["latitude", "longitude", "notes", "calling"],
  fields: {
    customerId: {
      kind: "replace",
      description:
        "changing `customerId` replaces the location (a new one in the other customer's org; calling is disabled at the old one, whose record stays)",
    },
    name: { kind: "update", description: "changing `name` renames the location in place (PUT)" },
    timeZone: { kind: "update", description: "changing `timeZone` updates the location in place (PUT)" },
    preferredLanguage: {
      kind: "update",
      description: "changing `preferredLanguage` updates the location in place (PUT)",
      equals: sameLanguage,
    },
    announcementLanguage: { ...setAtCreation("announcementLanguage"), equals: sameLanguage },
    address: {
      kind: "update",
      description: "changing `address` updates the location in place (PUT); a change of `address.country` is **refused**",
      fields: {
        country: {
          kind: "refused",
          description: "changing `address.country` is **refused**",
          reason: "a location's numbers, PSTN connection and emergency address belong to its country",
          instead: "keep the country and declare a new CustomerLocation for the site in the other country",
        },
      },
    },
    latitude: setAtCreation("latitude"),
    longitude: setAtCreation("longitude"),
    notes: setAtCreation("notes"),
    calling: {
      kind: "update",
      description:
        "adding `calling` enables Webex Calling at the location; changing `calling.pstnConnectionId` sets the PSTN connection, `calling.numbers` adds, activates and removes numbers by difference, `calling.mainNumber` sets the main number (all in place)",
    },
  },
  checks: [callingRemoved, mainNumberRemoved, numbersOnIntegratedPstn],
};
