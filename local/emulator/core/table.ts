/**
 * The state's collections (customers, subscribers, locations...) as persistent maps with indexes,
 * so that a write costs O(1) instead of a copy of the whole collection, and a lookup by email,
 * customer or org costs O(matches) instead of a scan. See "Scale" in the emulator's README.
 *
 * A collection still reads as a plain `Record<string, T>` (`c[id]`, `Object.values(c)`, JSON,
 * deep equality), so the core's contract (state in, new state out, the input untouched) and every
 * caller stay as they were. Underneath, the versions of one collection share one mutable `Map`
 * (Baker's "rerooting" persistent map): the newest version owns the `Map`; every older version
 * holds the one change that turns the next version back into it. Reading a version moves the
 * `Map` to it by undoing or redoing the changes on the way, so a server that only ever reads its
 * newest state pays O(1) per write, and a test that branches from an old state pays O(distance).
 *
 * Indexes live next to the `Map` and are updated by the one function that changes it
 * (`apply`), whether for a write or for a move between versions, so they cannot drift from the
 * records. An index is defined once (`defineIndex`) and built the first time it is asked for.
 */

/** A secondary index: the keys a record is found under (an email, a customer id...). */
export interface IndexDef<T> {
  /** For messages and debugging. */
  readonly name: string;
  /** The keys of one record; none to leave it out of the index. */
  readonly keys: (record: T) => readonly string[];
}

/** Defines an index over records of type `T`. Index definitions are compared by identity. */
export function defineIndex<T>(name: string, keys: (record: T) => readonly string[]): IndexDef<T> {
  return { name, keys };
}

const ABSENT = Symbol("absent");
type Slot<T> = T | typeof ABSENT;

/** The one change that turns version `to` into the version holding it. */
interface Link<T> {
  readonly key: string;
  readonly value: Slot<T>;
  readonly to: Version<T>;
}

/** Everything the versions of one collection share. */
interface Family<T> {
  readonly data: Map<string, T>;
  readonly indexes: Map<IndexDef<T>, Map<string, Set<string>>>;
}

interface Version<T> {
  readonly family: Family<T>;
  /** Undefined on the version the `Map` holds now (exactly one per family). */
  link: Link<T> | undefined;
  facade: Readonly<Record<string, T>> | undefined;
}

const versionOfFacade = new WeakMap<object, Version<unknown>>();
const adopted = new WeakMap<object, Version<unknown>>();

function addKeys(entries: Map<string, Set<string>>, keys: readonly string[], id: string): void {
  for (const k of keys) {
    const ids = entries.get(k);
    if (ids === undefined) entries.set(k, new Set([id]));
    else ids.add(id);
  }
}

function removeKeys(entries: Map<string, Set<string>>, keys: readonly string[], id: string): void {
  for (const k of keys) {
    const ids = entries.get(k);
    if (ids === undefined) continue;
    ids.delete(id);
    if (ids.size === 0) entries.delete(k);
  }
}

/** Sets or removes one record in the shared `Map` and every index; returns what was there. */
function apply<T>(family: Family<T>, key: string, value: Slot<T>): Slot<T> {
  const had = family.data.has(key);
  const old: Slot<T> = had ? (family.data.get(key) as T) : ABSENT;
  for (const [def, entries] of family.indexes) {
    const before = new Set(old === ABSENT ? [] : def.keys(old));
    const after = new Set(value === ABSENT ? [] : def.keys(value));
    // only changed keys move, so an unchanged record keeps its place in each index's order
    removeKeys(
      entries,
      [...before].filter((k) => !after.has(k)),
      key,
    );
    addKeys(
      entries,
      [...after].filter((k) => !before.has(k)),
      key,
    );
  }
  if (value === ABSENT) family.data.delete(key);
  else family.data.set(key, value);
  return old;
}

/** Makes `v` the version the shared `Map` holds, undoing or redoing the changes between. */
function reroot<T>(v: Version<T>): void {
  if (v.link === undefined) return;
  // iterative: a long chain (a test replaying from an old state) must not overflow the stack
  const path: Version<T>[] = [];
  for (let at: Version<T> = v; at.link !== undefined; at = at.link.to) path.push(at);
  for (let i = path.length - 1; i >= 0; i--) {
    const at = path[i] as Version<T>;
    const link = at.link as Link<T>;
    const previous = apply(at.family, link.key, link.value);
    link.to.link = { key: link.key, value: previous, to: at };
    at.link = undefined;
  }
}

const handler: ProxyHandler<Record<string, unknown>> = {
  get(target, key) {
    if (typeof key === "string") {
      const data = current(target);
      if (data.has(key)) return data.get(key);
      // JSON.stringify asks for toJSON first: a plain copy serialises twice as fast as the traps
      if (key === "toJSON") return () => plainCopy(target);
    }
    return Reflect.get(target, key);
  },
  has(target, key) {
    return (typeof key === "string" && current(target).has(key)) || Reflect.has(target, key);
  },
  ownKeys(target) {
    return [...current(target).keys()];
  },
  getOwnPropertyDescriptor(target, key) {
    if (typeof key !== "string") return undefined;
    const data = current(target);
    return data.has(key) ? { value: data.get(key), writable: true, enumerable: true, configurable: true } : undefined;
  },
  set() {
    throw new TypeError("emulator state collections are persistent: write with putRecord/withoutRecords (core/table.ts)");
  },
  defineProperty() {
    throw new TypeError("emulator state collections are persistent: write with putRecord/withoutRecords (core/table.ts)");
  },
  deleteProperty() {
    throw new TypeError("emulator state collections are persistent: write with putRecord/withoutRecords (core/table.ts)");
  },
  preventExtensions() {
    // a frozen facade would have to report no keys at all (a Proxy invariant): refuse instead
    return false;
  },
};

/** The targets of facades, each tied to its version. */
const versionOfTarget = new WeakMap<object, Version<unknown>>();

/** The records of a facade's version as a plain object (for JSON). */
function plainCopy(target: object): Record<string, unknown> {
  return Object.fromEntries(current(target));
}

/** The `Map`, holding the records of the facade's version. */
function current(target: object): Map<string, unknown> {
  const v = versionOfTarget.get(target) as Version<unknown>;
  reroot(v);
  return v.family.data;
}

function facadeOf<T>(v: Version<T>): Readonly<Record<string, T>> {
  if (v.facade === undefined) {
    const target: Record<string, unknown> = {};
    versionOfTarget.set(target, v as Version<unknown>);
    const facade = new Proxy(target, handler) as Readonly<Record<string, T>>;
    versionOfFacade.set(facade, v as Version<unknown>);
    v.facade = facade;
  }
  return v.facade;
}

/**
 * The version behind a collection. A plain object (a state parsed from JSON, or built by a test)
 * is copied into a new family once and remembered: the core never changes a collection in place.
 */
function versionOf<T>(collection: Readonly<Record<string, T>>): Version<T> {
  const known = (versionOfFacade.get(collection) ?? adopted.get(collection)) as Version<T> | undefined;
  if (known !== undefined) return known;
  const family: Family<T> = { data: new Map(Object.entries(collection)), indexes: new Map() };
  const v: Version<T> = { family, link: undefined, facade: undefined };
  adopted.set(collection, v as Version<unknown>);
  return v;
}

function write<T>(collection: Readonly<Record<string, T>>, key: string, value: Slot<T>): Readonly<Record<string, T>> {
  const v = versionOf(collection);
  reroot(v);
  const family = v.family;
  const next: Version<T> = { family, link: undefined, facade: undefined };
  const previous = apply(family, key, value);
  v.link = { key, value: previous, to: next };
  return facadeOf(next);
}

/** Replaces (or adds) one record without touching the input collection: O(1) plus the indexes. */
export function putRecord<T>(collection: Readonly<Record<string, T>>, id: string, value: T): Record<string, T> {
  return write(collection, id, value) as Record<string, T>;
}

/** Removes records without touching the input collection: O(removed) plus the indexes. */
export function withoutRecords<T>(collection: Readonly<Record<string, T>>, ids: ReadonlySet<string>): Record<string, T> {
  let out = collection;
  for (const id of ids) if (recordOf(out, id) !== undefined) out = write(out, id, ABSENT);
  return out as Record<string, T>;
}

/** The record with that id, or undefined (never one inherited from `Object.prototype`). */
export function recordOf<T>(collection: Readonly<Record<string, T>>, id: string): T | undefined {
  const v = versionOf(collection);
  reroot(v);
  return v.family.data.get(id);
}

/** How many records the collection holds, without listing them. */
export function sizeOf<T>(collection: Readonly<Record<string, T>>): number {
  const v = versionOf(collection);
  reroot(v);
  return v.family.data.size;
}

/**
 * The records whose `index` keys include `key`, in the order they entered the index. The index
 * is built on first use (one pass) and kept up to date by every later write.
 */
export function lookup<T>(collection: Readonly<Record<string, T>>, index: IndexDef<T>, key: string): T[] {
  const { family, entries } = indexOf(collection, index);
  const out: T[] = [];
  for (const id of entries.get(key) ?? []) out.push(family.data.get(id) as T);
  return out;
}

/** How many records `lookup` would return, without listing them. */
export function countOf<T>(collection: Readonly<Record<string, T>>, index: IndexDef<T>, key: string): number {
  return indexOf(collection, index).entries.get(key)?.size ?? 0;
}

/** The collection's family, moved to its version, and the index (built on first use). */
function indexOf<T>(collection: Readonly<Record<string, T>>, index: IndexDef<T>): { family: Family<T>; entries: Map<string, Set<string>> } {
  const v = versionOf(collection);
  reroot(v);
  const family = v.family;
  let entries = family.indexes.get(index);
  if (entries === undefined) {
    entries = new Map();
    for (const [id, record] of family.data) addKeys(entries, index.keys(record), id);
    family.indexes.set(index, entries);
  }
  return { family, entries };
}
