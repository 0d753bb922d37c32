/**
 * CustomerLocation `check`: the schema's field rules, then the rules between the calling fields.
 * Pure, never throws, skips unknowns.
 */
import { INTEGRATED_PSTN_TYPES } from "../../client/schemas";
import { isPlainObject, isUnknown } from "../common/change-rules";
import { checkWithSchema, type CheckFailure, type CrossFieldRule } from "../common/failures";
import { CustomerLocationArgsSchema, CUSTOMER_LOCATION_COMPUTED } from "./schema";

/** The calling block's numbers as plain strings, or undefined when the list (or any entry) is not known yet. */
export function declaredNumbers(calling: unknown): string[] | undefined {
  if (!isPlainObject(calling) || !Array.isArray(calling.numbers)) return undefined;
  const out: string[] = [];
  for (const entry of calling.numbers) {
    if (!isPlainObject(entry) || typeof entry.number !== "string" || isUnknown(entry.number)) return undefined;
    out.push(entry.number);
  }
  return out;
}

const mainNumberIsDeclared: CrossFieldRule = {
  id: "main-number-is-declared",
  description: "`calling.mainNumber` must be one of `calling.numbers` when the program declares numbers, and not one declared `INACTIVE`",
  failures: (inputs) => {
    const calling = inputs.calling;
    const numbers = declaredNumbers(calling);
    if (!isPlainObject(calling) || numbers === undefined) return [];
    const main = calling.mainNumber;
    if (typeof main !== "string" || isUnknown(main)) return [];
    if (numbers.includes(main)) {
      const entry = (calling.numbers as Record<string, unknown>[])[numbers.indexOf(main)]!;
      return entry.state === "INACTIVE"
        ? [
            {
              property: "calling.mainNumber",
              reason: `${main} is declared INACTIVE, and a main number must be in service: set its state to ACTIVE, or choose an active number`,
            },
          ]
        : [];
    }
    return [
      {
        property: "calling.mainNumber",
        reason: `${main} is not one of calling.numbers (${numbers.join(", ") || "none"}): add it to calling.numbers, or choose one of them as the main number`,
      },
    ];
  },
};

const numbersUnique: CrossFieldRule = {
  id: "numbers-unique",
  description: "each number appears once in `calling.numbers`",
  failures: (inputs) => {
    const numbers = declaredNumbers(inputs.calling);
    if (numbers === undefined) return [];
    return numbers.flatMap((n, i): CheckFailure[] =>
      numbers.indexOf(n) < i
        ? [
            {
              property: `calling.numbers[${i}].number`,
              reason: `${n} is listed twice (first at calling.numbers[${numbers.indexOf(n)}]): remove this entry`,
            },
          ]
        : [],
    );
  },
};

const noNumbersOnIntegratedPstn: CrossFieldRule = {
  id: "no-numbers-on-integrated-pstn",
  description: `a declared integrated PSTN (\`calling.pstnConnectionType\` ${INTEGRATED_PSTN_TYPES.join(" or ")}) refuses a \`calling.numbers\` list: the PSTN provider supplies the numbers`,
  failures: (inputs) => {
    const calling = inputs.calling;
    if (!isPlainObject(calling) || calling.numbers === undefined || isUnknown(calling.numbers)) return [];
    const type = calling.pstnConnectionType;
    if (typeof type !== "string" || !INTEGRATED_PSTN_TYPES.includes(type as never)) return [];
    return [
      {
        property: "calling.numbers",
        reason:
          `the location's PSTN connection is ${type}, whose numbers come from the PSTN provider (Cisco: the numbers API "should never be used" there): ` +
          "remove calling.numbers (the inventory output lists the provider's numbers), or choose a non-integrated connection (LOCAL_GATEWAY, NON_INTEGRATED_CCP)",
      },
    ];
  },
};

/** The rules across fields of a CustomerLocation. */
export const customerLocationCheckRules: readonly CrossFieldRule[] = [mainNumberIsDeclared, numbersUnique, noNumbersOnIntegratedPstn];

/**
 * Validates and normalises new inputs (defaults applied). `inputs` keeps unknown values and
 * unrecognised keys (`__provider`) as given; `failures` is empty when valid.
 */
export function checkCustomerLocation(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  return checkWithSchema(CustomerLocationArgsSchema, news, customerLocationCheckRules, CUSTOMER_LOCATION_COMPUTED);
}
