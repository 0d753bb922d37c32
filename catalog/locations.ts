/**
 * The catalog's locations: a customer's `locations:` (one `CustomerLocation` each) and the users'
 * `location:`/`number:` that point into them. This module owns their keys and the rules that need
 * the catalog as a whole (a name once per customer, a number in one location, a user's number among
 * its location's numbers); each location's own rules (E.164, main number among the numbers, no
 * numbers on an integrated PSTN) are the resource's `check`, run by `load.ts` like every entry's.
 */
import { PACKAGES } from "../provider/packages";
import { foldKey, showKey } from "./keys";

/** A path as segments: property names and list indexes. */
type Path = readonly (string | number)[];
/** One problem, located by path (the loader adds its line). */
type Problem = { path: Path; message: string };
/** A list's entries that are objects, with their index. */
type Entries = readonly { index: number; entry: Record<string, unknown> }[];

/**
 * A location's key: its Pulumi logical name and what `remove: locations:` lists. The customer's
 * key comes first, so two customers may each have a site called "Denver".
 * @example
 * locationKey("acme-corp-003", "Acme Denver"); // "acme-corp-003/Acme Denver"
 */
export function locationKey(externalId: string, name: string): string {
  return `${externalId}/${name}`;
}

/** One declared location, with where it is in the file. */
export type LocatedLocation = {
  /** Index of its customer in `customers:`. */
  readonly customerIndex: number;
  /** Its customer's `externalId`, when a string. */
  readonly customer: string | undefined;
  /** Index in its customer's `locations:`. */
  readonly index: number;
  /** The entry as written. */
  readonly entry: Record<string, unknown>;
  /** Its path: `customers[i].locations[j]`. */
  readonly path: Path;
};

/** A declared number of a location: what it is and whether a user may take it. */
export type DeclaredNumber = { readonly number: string; readonly state: string; readonly path: Path };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Every location entry that is an object, customer by customer, in file order. */
export function locationsOf(customers: Entries): LocatedLocation[] {
  return customers.flatMap(({ index: customerIndex, entry }) =>
    Array.isArray(entry.locations)
      ? entry.locations.flatMap((loc: unknown, index: number) =>
          isRecord(loc)
            ? [
                {
                  customerIndex,
                  customer: str(entry.externalId),
                  index,
                  entry: loc,
                  path: ["customers", customerIndex, "locations", index],
                },
              ]
            : [],
        )
      : [],
  );
}

/** The numbers a location declares under `calling.numbers` (state `ACTIVE` unless it says otherwise, as the resource's default). */
export function declaredNumbers(location: LocatedLocation): DeclaredNumber[] {
  const calling = location.entry.calling;
  if (!isRecord(calling) || !Array.isArray(calling.numbers)) return [];
  return calling.numbers.flatMap((n: unknown, k: number) =>
    isRecord(n) && typeof n.number === "string"
      ? [{ number: n.number, state: str(n.state) ?? "ACTIVE", path: [...location.path, "calling", "numbers", k, "number"] }]
      : [],
  );
}

/**
 * The rules that need more than one location entry, or a user and its location:
 *  - a location name once per customer (names are unique in a Webex org, compared as keys are);
 *  - a number in one location of the whole catalog (Webex keeps a number in one inventory);
 *  - `calling` only for a customer holding a calling package;
 *  - a user's `location` is one of its customer's, with `calling`; not with `locationId` too;
 *  - a user's `number` (not with `phoneNumber` too) needs its `location`, is one of that location's
 *    numbers when it declares them, `ACTIVE`, and is taken by one user only.
 * `lineOf` gives the line of a path, so a message can point at the other entry involved.
 */
export function locationChecks(customers: Entries, users: Entries, lineOf: (path: Path) => number | undefined): Problem[] {
  const out: Problem[] = [];
  const locations = locationsOf(customers);
  const at = (path: Path) => {
    const line = lineOf(path);
    return line === undefined ? "" : ` (line ${line})`;
  };
  const show = (path: Path) => path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");

  // Names once per customer; numbers once in the catalog.
  const names = new Map<string, LocatedLocation>();
  const numbers = new Map<string, DeclaredNumber>();
  for (const loc of locations) {
    const name = str(loc.entry.name);
    if (name !== undefined) {
      const key = `${loc.customerIndex}\u0000${foldKey(name)}`;
      const prior = names.get(key);
      if (prior === undefined) names.set(key, loc);
      else
        out.push({
          path: [...loc.path, "name"],
          message:
            `"${showKey(name)}" is already the name of ${show(prior.path)}${at([...prior.path, "name"])}: location names are unique ` +
            "in a customer's org (compared without case, invisible or look-alike characters); rename one, or merge them",
        });
    }
    for (const n of declaredNumbers(loc)) {
      const prior = numbers.get(n.number);
      if (prior === undefined) numbers.set(n.number, n);
      else
        out.push({
          path: n.path,
          message: `${n.number} is also declared at ${show(prior.path)}${at(prior.path)}: a number belongs to one location; keep it in one`,
        });
    }
    if (loc.entry.calling !== undefined) {
      const packages = customers.find((c) => c.index === loc.customerIndex)?.entry.packages;
      const names = Array.isArray(packages) ? packages.flatMap((p) => (isRecord(p) && typeof p.name === "string" ? [p.name] : [])) : [];
      const calling = names.some((p) => PACKAGES[p as keyof typeof PACKAGES]?.calling === true);
      if (!calling) {
        out.push({
          path: [...loc.path, "calling"],
          message: `customer "${showKey(loc.customer ?? "")}" holds no calling package (its packages: ${names.join(", ") || "none"}): add one (e.g. webex_calling) to the customer, or remove \`calling\``,
        });
      }
    }
  }

  const taken = new Map<string, Path>();
  for (const { index, entry } of users) {
    const path = (field: string): Path => ["users", index, field];
    const location = str(entry.location);
    const number = str(entry.number);
    if (location !== undefined && entry.locationId !== undefined) {
      out.push({
        path: path("location"),
        message: "give one of `location` (a location of this catalog, by name) and `locationId` (the id of a location made elsewhere)",
      });
    }
    if (number !== undefined && entry.phoneNumber !== undefined) {
      out.push({ path: path("number"), message: "give one of `number` and `phoneNumber` (they set the same number); keep `number`" });
    }
    if (number !== undefined && location === undefined) {
      out.push({
        path: path("number"),
        message:
          "say which location holds this number: add `location:` (the name of one of the customer's `locations`); " +
          "for the headquarters, declare it under the customer's `locations` by its exact name",
      });
    }
    if (location === undefined) continue;
    const customer = str(entry.customer);
    const own = locations.filter((l) => l.customer !== undefined && l.customer === customer);
    const loc = own.find((l) => l.entry.name === location);
    if (loc === undefined) {
      // A user of an unknown customer is reported on `customer` already.
      if (customers.some((c) => c.entry.externalId === customer)) {
        const known = own.flatMap((l) => (typeof l.entry.name === "string" ? [`"${showKey(l.entry.name)}"`] : []));
        out.push({
          path: path("location"),
          message: `customer "${showKey(customer ?? "")}" declares no location named "${showKey(location)}" (its locations: ${known.join(", ") || "none"}); add it under the customer's \`locations\`, or fix the name`,
        });
      }
      continue;
    }
    if (loc.entry.calling === undefined) {
      out.push({
        path: path("location"),
        message: `location "${showKey(location)}"${at([...loc.path, "name"])} has no \`calling\`, so it takes no users: give it a \`calling\` block (PSTN connection, numbers), or place the user elsewhere`,
      });
      continue;
    }
    const wanted = number ?? str(entry.phoneNumber);
    if (wanted === undefined) continue;
    const field = number !== undefined ? "number" : "phoneNumber";
    const declared = declaredNumbers(loc);
    const held = declared.find((n) => n.number === wanted);
    const calling = loc.entry.calling as Record<string, unknown>;
    if (held === undefined && Array.isArray(calling.numbers)) {
      out.push({
        path: path(field),
        message:
          `${wanted} is not one of location "${showKey(location)}"'s numbers${at([...loc.path, "calling", "numbers"])} ` +
          `(${declared.map((n) => n.number).join(", ") || "none"}): add it to the location's \`calling.numbers\`, or give a new user one of them ` +
          "(a number a user already holds stays at its location: to free it, remove the user in one run, then the number in the next)",
      });
    } else if (held !== undefined && held.state !== "ACTIVE") {
      out.push({
        path: path(field),
        message: `${wanted} is ${held.state} at location "${showKey(location)}"${at(held.path)}: a user may only take an ACTIVE number; set its \`state: ACTIVE\``,
      });
    }
    const prior = taken.get(wanted);
    if (prior === undefined) taken.set(wanted, path(field));
    else
      out.push({
        path: path(field),
        message: `${wanted} is already ${show(prior.slice(0, 2))}'s number${at(prior)}: a number has one user; give this user another`,
      });
  }
  return out;
}

/**
 * `remove: locations:` lists location keys (`<externalId>/<name>`) gone on purpose. One still
 * declared is a contradiction; one that is a declared key spelled differently names the location
 * that entry now holds: removing it would disable calling there. Both are refused, whatever the run
 * allows (as for the other kinds, in `load.ts`).
 */
export function locationRemovalChecks(customers: Entries, remove: unknown): Problem[] {
  const declared = new Map<string, { key: string; path: Path }>();
  for (const loc of locationsOf(customers)) {
    if (loc.customer !== undefined && typeof loc.entry.name === "string") {
      const key = locationKey(loc.customer, loc.entry.name);
      declared.set(foldKey(key), { key, path: loc.path });
    }
  }
  const keys = isRecord(remove) && Array.isArray(remove.locations) ? (remove.locations as unknown[]) : [];
  return keys.flatMap((key, i): Problem[] => {
    const hit = typeof key === "string" ? declared.get(foldKey(key)) : undefined;
    if (typeof key !== "string" || hit === undefined) return [];
    const path = ["remove", "locations", i];
    const where = hit.path.map((s, j) => (typeof s === "number" ? `[${s}]` : j === 0 ? s : `.${s}`)).join("");
    if (hit.key === key) {
      return [{ path, message: `"${showKey(key)}" is still declared (${where}): delete its entry, or drop it from remove:` }];
    }
    return [
      {
        path,
        message:
          `"${showKey(key)}" is "${showKey(hit.key)}" (${where}) spelled differently: removing it would disable calling at the ` +
          `location that entry now names. Drop "${showKey(key)}" from \`remove:\` and keep the location's spelling`,
      },
    ];
  });
}
