/**
 * CustomerLocation ↔ wire mapping, and the plan of number changes. Pure: no I/O, no Pulumi.
 */
import type {
  CallingEnableRequest,
  DeletionPrecheck,
  Location,
  LocationCreateRequest,
  LocationUpdateRequest,
  PhoneNumber,
} from "../../client/schemas";
import type { CustomerLocationInputs, InventoryNumber } from "./schema";

/** A language as the Locations API writes it: `en_us`. */
export function wireLanguage(language: string): string {
  return language.toLowerCase();
}

/** The address as the Locations API writes it (`address2` only when given). */
function wireAddress(inputs: CustomerLocationInputs): LocationCreateRequest["address"] {
  const { address1, address2, city, state, postalCode, country } = inputs.address;
  return { address1, ...(address2 !== undefined ? { address2 } : {}), city, state, postalCode, country };
}

/** Body of `POST /v1/locations`. */
export function toCreateBody(inputs: CustomerLocationInputs): LocationCreateRequest {
  const body: LocationCreateRequest = {
    name: inputs.name,
    timeZone: inputs.timeZone,
    preferredLanguage: wireLanguage(inputs.preferredLanguage),
    announcementLanguage: wireLanguage(inputs.announcementLanguage),
    address: wireAddress(inputs),
  };
  if (inputs.latitude !== undefined) body.latitude = inputs.latitude;
  if (inputs.longitude !== undefined) body.longitude = inputs.longitude;
  if (inputs.notes !== undefined) body.notes = inputs.notes;
  return body;
}

/** Body of `PUT /v1/locations/{id}`: every field it takes, from the desired state. */
export function toUpdateBody(inputs: CustomerLocationInputs): LocationUpdateRequest {
  return {
    name: inputs.name,
    timeZone: inputs.timeZone,
    preferredLanguage: wireLanguage(inputs.preferredLanguage),
    address: wireAddress(inputs),
  };
}

/** Body of `POST /v1/telephony/config/locations` (enable calling at location `id`). */
export function toEnableBody(id: string, inputs: CustomerLocationInputs): CallingEnableRequest {
  const { address, ...rest } = toCreateBody(inputs);
  return {
    id,
    name: rest.name,
    timeZone: rest.timeZone,
    preferredLanguage: rest.preferredLanguage,
    announcementLanguage: rest.announcementLanguage,
    address,
  };
}

/** A string field of an object, when it is one. */
function text(o: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) if (typeof o[k] === "string") return o[k] as string;
  return undefined;
}

/**
 * The address of a location answer, in the Locations API's names; a wholesale-shaped address
 * (`addressLine1`, `zipOrPostalCode`, as the headquarters of a gateway may answer) is read too.
 */
export function addressOf(location: Location): Record<string, string | undefined> {
  const a = location.address;
  if (typeof a !== "object" || a === null) return {};
  const o = a as Record<string, unknown>;
  return {
    address1: text(o, "address1", "addressLine1"),
    address2: text(o, "address2", "addressLine2"),
    city: text(o, "city"),
    state: text(o, "state", "stateOrProvince"),
    postalCode: text(o, "postalCode", "zipOrPostalCode"),
    country: text(o, "country"),
  };
}

/**
 * Where the location differs from the inputs on what `PUT /locations/{id}` can change (empty =
 * nothing to send). Fields the answer leaves out count as agreeing.
 */
export function locationDifferences(inputs: CustomerLocationInputs, server: Location): string[] {
  const out: string[] = [];
  const differs = (label: string, have: string | undefined, want: string | undefined, fold = false) => {
    if (have === undefined) return;
    const same = fold ? have.toLowerCase() === (want ?? "").toLowerCase() : have === (want ?? "");
    if (!same) out.push(`${label} is ${JSON.stringify(have)}, not ${JSON.stringify(want ?? "")}`);
  };
  differs("name", server.name, inputs.name);
  differs("timeZone", server.timeZone, inputs.timeZone);
  differs("preferredLanguage", server.preferredLanguage, inputs.preferredLanguage, true);
  const address = addressOf(server);
  for (const key of ["address1", "address2", "city", "state", "postalCode", "country"] as const) {
    differs(`address.${key}`, address[key], inputs.address[key], key === "country");
  }
  return out;
}

/** How `pulumi import` names a location: `<customerId>:<locationId>` (a location id alone does not say whose org it is in). */
export const IMPORT_ID_FORMAT = "<customerId>:<locationId>";

/**
 * The customer and location of an import id ({@link IMPORT_ID_FORMAT}); undefined when `id` is not
 * one. Webex ids are base64 text, which has no `:`.
 * @example
 * parseImportId("Y3VzdC0x:Y2lzY29...") // { customerId: "Y3VzdC0x", locationId: "Y2lzY29..." }
 */
export function parseImportId(id: string): { customerId: string; locationId: string } | undefined {
  const parts = id.split(":");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return undefined;
  return { customerId: parts[0]!, locationId: parts[1]! };
}

/**
 * The inputs a location answer shows, as the program would write them: what an import records, so
 * the next `up` with the program's declaration compares against the server's values. Fields the
 * answer leaves out are left out; `calling` is the program's alone.
 */
export function importedInputs(location: Location): Record<string, unknown> {
  const address = Object.fromEntries(Object.entries(addressOf(location)).filter(([, v]) => v !== undefined));
  const fields: Record<string, unknown> = {
    name: location.name,
    timeZone: location.timeZone,
    preferredLanguage: location.preferredLanguage,
    announcementLanguage: location.announcementLanguage,
    address: Object.keys(address).length > 0 ? address : undefined,
    latitude: location.latitude,
    longitude: location.longitude,
    notes: location.notes,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** "Ada Lovelace (PEOPLE, id p-1)": who holds a number, for messages. */
export function describeOwner(owner: PhoneNumber["owner"] | InventoryNumber["owner"]): string {
  if (owner === undefined) return "nobody";
  const o = owner as Record<string, unknown>;
  const name = typeof o.name === "string" ? o.name : [o.firstName, o.lastName].filter((s) => typeof s === "string").join(" ");
  const what = [o.type, o.id !== undefined ? `id ${String(o.id)}` : undefined].filter((s) => s !== undefined).join(", ");
  return `${name || "an unnamed owner"}${what ? ` (${what})` : ""}`;
}

/** The location's inventory as outputs carry it (extension-only entries, which have no number, left out). */
export function inventoryOf(numbers: readonly PhoneNumber[]): InventoryNumber[] {
  return numbers.flatMap((n): InventoryNumber[] => {
    if (typeof n.phoneNumber !== "string") return [];
    const owner = n.owner
      ? {
          id: n.owner.id,
          type: n.owner.type,
          name: [n.owner.firstName, n.owner.lastName].filter((s) => typeof s === "string").join(" ") || undefined,
        }
      : undefined;
    return [{ number: n.phoneNumber, state: n.state, ...(owner ? { owner } : {}) }];
  });
}

/** The main number of an inventory, when the API marks one. */
export function mainNumberOf(numbers: readonly PhoneNumber[]): string | undefined {
  const main = numbers.find((n) => n.mainNumber === true && typeof n.phoneNumber === "string");
  return main?.phoneNumber ?? undefined;
}

/** The number changes that bring a location's inventory to the declared list. */
export interface NumberPlan {
  /** Numbers to add, by the state to add them in. */
  add: { ACTIVE: string[]; INACTIVE: string[] };
  /** Numbers present but inactive that the program wants active. */
  activate: string[];
  /** Numbers the program declared before and no longer declares, still at the location. */
  remove: string[];
}

/**
 * Plans the number changes by difference. Only numbers the program itself declared before
 * (`previous`) are removed: a number added in Control Hub, or the provider's numbers of an adopted
 * headquarters, are left alone. A number wanted `INACTIVE` that is active stays active (the API
 * cannot deactivate one).
 */
export function planNumbers(
  desired: readonly { number: string; state: "ACTIVE" | "INACTIVE" }[],
  previous: readonly string[] | undefined,
  inventory: readonly PhoneNumber[],
): NumberPlan {
  const present = new Map(inventory.filter((n) => typeof n.phoneNumber === "string").map((n) => [n.phoneNumber as string, n]));
  const wanted = new Set(desired.map((d) => d.number));
  const plan: NumberPlan = { add: { ACTIVE: [], INACTIVE: [] }, activate: [], remove: [] };
  for (const d of desired) {
    const have = present.get(d.number);
    if (have === undefined) plan.add[d.state].push(d.number);
    else if (d.state === "ACTIVE" && have.state === "INACTIVE") plan.activate.push(d.number);
  }
  for (const n of previous ?? []) if (!wanted.has(n) && present.has(n)) plan.remove.push(n);
  return plan;
}

/** Plain words for the precheck's counters: for one, and for several (a flag reads as several). */
const PRECHECK_WORDS: Readonly<Record<string, readonly [one: string, many: string]>> = {
  lastLocation: ["it is the org's last calling location", "it is the org's last calling location"],
  usersInUseCount: ["user still placed there", "users still placed there"],
  workspacesInUseCount: ["workspace still placed there", "workspaces still placed there"],
  trunksInUseCount: ["trunk still using it", "trunks still using it"],
  virtualLineInUseCount: ["virtual line still there", "virtual lines still there"],
  numbersOrderPending: ["number still on order", "numbers still on order"],
  numbersPresent: ["number still there", "numbers still there"],
  featuresInUseCount: ["call feature still there", "call features still there"],
};

/**
 * Every reason one category of a deletion precheck gives (`blocking`, `blockingUnlessForced`):
 * each counter above zero or flag set, in words, e.g. `2 users still placed there`, `1 user still placed there`.
 */
export function precheckReasons(category: DeletionPrecheck["blocking"]): string[] {
  return Object.entries(category ?? {}).flatMap(([key, value]) => {
    const [one, many] = PRECHECK_WORDS[key] ?? [key, key];
    if (value === true) return [many];
    if (typeof value === "number" && value > 0) return [`${value} ${(value === 1 ? one : many).replace(/^it is /, "")}`];
    return [];
  });
}
