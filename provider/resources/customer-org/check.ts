/**
 * CustomerOrg `check`: what one set of inputs must satisfy on its own. The schema's field rules,
 * then the rules across fields: identity, US/CA addresses, and Partner Hub's rules on a package
 * list (each once, quantities, no mixing, dependencies, headquarters with calling). Pure, never
 * throws, skips unknowns.
 */
import { PACKAGES, PACKAGE_DEPENDENCIES, isCallingPackage, isPackageName } from "../../packages";
import { isPlainObject } from "../common/change-rules";
import { checkWithSchema, formatPath, type CheckFailure, type CrossFieldRule } from "../common/check-engine";
import { isUnknown } from "../common/unknown";
import { CustomerOrgArgsSchema, CUSTOMER_ORG_COMPUTED } from "./schema";

/** The package entries as [index, entry] pairs, for the package rules; none when the list is unknown. */
function packageEntries(inputs: Record<string, unknown>): [number, Record<string, unknown>][] {
  const list = inputs.packages;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p, i): [number, Record<string, unknown>][] => (isPlainObject(p) ? [[i, p]] : []));
}

const identityRequired: CrossFieldRule = {
  id: "identity-required",
  description: "`companyName` and `adminEmail` are required unless `existingOrgId` attaches an existing organisation",
  failures: (inputs) => {
    if (inputs.existingOrgId !== undefined) return [];
    const out: CheckFailure[] = [];
    if (inputs.companyName === undefined) {
      out.push({
        property: "companyName",
        reason:
          "is required to create a new organisation: give the company name (or set `existingOrgId` to attach an existing organisation)",
      });
    }
    if (inputs.adminEmail === undefined) {
      out.push({
        property: "adminEmail",
        reason: "is required to create a new organisation: give the email of its first full administrator (or set `existingOrgId`)",
      });
    }
    return out;
  },
};

/** Countries whose addresses need a state or province and a postal code. */
const COUNTRIES_NEEDING_STATE = new Set(["US", "CA"]);

function addressFailures(address: unknown, path: string[]): CheckFailure[] {
  if (!isPlainObject(address) || typeof address.country !== "string" || !COUNTRIES_NEEDING_STATE.has(address.country)) return [];
  const out: CheckFailure[] = [];
  for (const [field, what] of [
    ["stateOrProvince", "the state or province (e.g. CA, NY, ON)"],
    ["postalCode", "the ZIP or postal code"],
  ] as const) {
    if (address[field] === undefined) {
      out.push({ property: formatPath([...path, field]), reason: `is required for an address in ${address.country}: give ${what}` });
    }
  }
  return out;
}

const stateAndPostalCode: CrossFieldRule = {
  id: "us-ca-state-and-postal-code",
  description: "an address in `US` or `CA` needs `stateOrProvince` and `postalCode` (also the headquarters' own address)",
  failures: (inputs) => [
    ...addressFailures(inputs.address, ["address"]),
    ...(isPlainObject(inputs.headquarters) ? addressFailures(inputs.headquarters.address, ["headquarters", "address"]) : []),
  ],
};

const uniquePackages: CrossFieldRule = {
  id: "unique-packages",
  description: "each package is listed once",
  failures: (inputs) => {
    const first = new Map<unknown, number>();
    const out: CheckFailure[] = [];
    for (const [i, p] of packageEntries(inputs)) {
      if (typeof p.name !== "string" || isUnknown(p.name)) continue;
      const j = first.get(p.name);
      if (j === undefined) first.set(p.name, i);
      else out.push({ property: `packages[${i}].name`, reason: `${p.name} is already listed at packages[${j}]: list each package once` });
    }
    return out;
  },
};

const quantityOnlyWhenLimitable: CrossFieldRule = {
  id: "quantity-only-when-limitable",
  description: "a package that cannot be limited (`cisco_calling_plan`, the contact-centre and AI packages) never carries a `quantity`",
  failures: (inputs) =>
    packageEntries(inputs).flatMap(([i, p]): CheckFailure[] =>
      isPackageName(p.name) && !PACKAGES[p.name].limitable && p.quantity !== undefined && !isUnknown(p.quantity)
        ? [
            {
              property: `packages[${i}].quantity`,
              reason: `${p.name} cannot carry a quantity (it is not assigned to users or workspaces); remove \`quantity\` from it`,
            },
          ]
        : [],
    ),
};

const noMixing: CrossFieldRule = {
  id: "no-mixing",
  description:
    "a customer is limited when a package carries a `quantity`; then every limitable package must carry one (no mixing of limited and unlimited packages)",
  failures: (inputs) => {
    const entries = packageEntries(inputs);
    const limitedBy = entries.find(([, p]) => isPackageName(p.name) && PACKAGES[p.name].limitable && typeof p.quantity === "number");
    if (!limitedBy) return [];
    const [j, q] = limitedBy;
    return entries.flatMap(([i, p]): CheckFailure[] =>
      isPackageName(p.name) && PACKAGES[p.name].limitable && p.quantity === undefined
        ? [
            {
              property: `packages[${i}].quantity`,
              reason: `is required: the customer is limited because packages[${j}] (${String(q.name)}) has a quantity, and a customer cannot mix limited and unlimited packages; give ${p.name} a quantity, or remove every quantity`,
            },
          ]
        : [],
    );
  },
};

const dependencies: CrossFieldRule = {
  id: "package-dependencies",
  description: PACKAGE_DEPENDENCIES.map((d) => `\`${d.dependent}\` needs one of ${d.requiresAnyOf.map((r) => `\`${r}\``).join(", ")}`).join(
    "; ",
  ),
  failures: (inputs) => {
    const entries = packageEntries(inputs);
    // A name still unknown might be the one that satisfies a dependency.
    if (!Array.isArray(inputs.packages) || inputs.packages.some((p) => isUnknown(p) || (isPlainObject(p) && isUnknown(p.name)))) return [];
    const held = new Set(entries.map(([, p]) => p.name));
    const out: CheckFailure[] = [];
    for (const d of PACKAGE_DEPENDENCIES) {
      const at = entries.find(([, p]) => p.name === d.dependent);
      if (!at || d.requiresAnyOf.some((r) => held.has(r))) continue;
      out.push({
        property: `packages[${at[0]}].name`,
        reason: `${d.dependent} needs one of ${d.requiresAnyOf.join(", ")} (${d.why}); add one of them or remove ${d.dependent}`,
      });
    }
    return out;
  },
};

const headquartersWithCalling: CrossFieldRule = {
  id: "headquarters-with-calling",
  description: "`headquarters` is required when a calling package is present",
  failures: (inputs) => {
    if (inputs.headquarters !== undefined) return [];
    const calling = packageEntries(inputs).find(([, p]) => isCallingPackage(p.name));
    if (!calling) return [];
    return [
      {
        property: "headquarters",
        reason: `is required with the calling package ${String(calling[1].name)}: give the headquarters location, at least { timeZone: "America/New_York" } (its address defaults to \`address\`)`,
      },
    ];
  },
};

/** The rules across fields of a CustomerOrg, in the order their failures are reported. */
export const customerOrgCheckRules: readonly CrossFieldRule[] = [
  identityRequired,
  stateAndPostalCode,
  uniquePackages,
  quantityOnlyWhenLimitable,
  noMixing,
  dependencies,
  headquartersWithCalling,
];

/**
 * Validates and normalises new inputs: defaults applied, country codes upper-cased. `inputs` keeps
 * unknown values and unrecognised keys (`__provider`) as given; `failures` is empty when valid.
 */
export function checkCustomerOrg(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  return checkWithSchema(CustomerOrgArgsSchema, news, customerOrgCheckRules, CUSTOMER_ORG_COMPUTED);
}
