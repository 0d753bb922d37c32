/**
 * CustomerUser `check`: the schema's field rules, then the number rules between the package and
 * `phoneNumber`/`extension`/`locationId`. Pure, never throws, skips unknowns. The administrator's
 * package cannot be checked here (check cannot see the customer): the API enforces it (code 1202).
 */
import { PACKAGES, isCallingPackage, isPackageName } from "../../packages";
import { isUnknown } from "../common/change-rules";
import { checkWithSchema, type CheckFailure, type CrossFieldRule } from "../common/check-engine";
import { droppedHeldNumber } from "./rules";
import { CustomerUserArgsSchema, CUSTOMER_USER_COMPUTED } from "./schema";

const callingNeedsNumber: CrossFieldRule = {
  id: "calling-needs-number",
  description: "a calling package needs a `phoneNumber` or an `extension` (or both)",
  failures: (inputs) =>
    isPackageName(inputs.package) &&
    PACKAGES[inputs.package].subscriber &&
    isCallingPackage(inputs.package) &&
    inputs.phoneNumber === undefined &&
    inputs.extension === undefined
      ? [
          {
            property: "phoneNumber",
            reason: `${String(inputs.package)} is a calling package: give \`phoneNumber\` (E.164, e.g. +14155550100) or \`extension\` (2–10 digits), or both`,
          },
        ]
      : [],
};

const nonCallingRefusesNumber: CrossFieldRule = {
  id: "non-calling-refuses-number",
  description:
    "a package without calling refuses `phoneNumber`, `extension` and `locationId` (moving to `webex_meetings` releases the number: remove them)",
  failures: (inputs) => {
    // An unknown or non-subscriber package is reported on `package` itself; judge numbers only for real choices.
    if (!isPackageName(inputs.package) || !PACKAGES[inputs.package].subscriber || isCallingPackage(inputs.package)) return [];
    return (["phoneNumber", "extension", "locationId"] as const).flatMap((field): CheckFailure[] =>
      inputs[field] === undefined
        ? []
        : [
            {
              property: field,
              reason: `${inputs.package} has no calling, so a user holding it has no ${field === "locationId" ? "calling location" : "number"}; remove \`${field}\` (or choose a calling package)`,
            },
          ],
    );
  },
};

const numberHeldByLocation: CrossFieldRule = {
  id: "number-held-by-location",
  description:
    "a `phoneNumber` must be one of `locationNumbers` (the numbers the user's `CustomerLocation` declares), when they are given (a number the user already holds that its location stops declaring is refused as a change: see `locationNumbers` below)",
  failures: (inputs, previous) => {
    const number = inputs.phoneNumber;
    const numbers = inputs.locationNumbers;
    // Judged only when the program shows both: unknown or absent values are the API's to judge.
    if (
      typeof number !== "string" ||
      isUnknown(number) ||
      !Array.isArray(numbers) ||
      numbers.some((n) => typeof n !== "string" || isUnknown(n))
    ) {
      return [];
    }
    if (numbers.includes(number)) return [];
    // Held before and dropped by the location now: the change rule's refusal says what to do in that order.
    if (droppedHeldNumber(previous, inputs) === number) return [];
    return [
      {
        property: "phoneNumber",
        reason: `${number} is not one of the numbers the user's location declares (${numbers.join(", ") || "none"}): add it to that CustomerLocation's calling.numbers, or choose one of them`,
      },
    ];
  },
};

/** The rules across fields of a CustomerUser. */
export const customerUserCheckRules: readonly CrossFieldRule[] = [callingNeedsNumber, nonCallingRefusesNumber, numberHeldByLocation];

/**
 * Validates and normalises new inputs (defaults applied); `previous` are the previous inputs (empty
 * on create). `inputs` keeps unknown values and unrecognised keys (`__provider`) as given;
 * `failures` is empty when valid.
 */
export function checkCustomerUser(
  news: Record<string, unknown>,
  previous: Record<string, unknown> = {},
): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  return checkWithSchema(CustomerUserArgsSchema, news, customerUserCheckRules, CUSTOMER_USER_COMPUTED, previous);
}
