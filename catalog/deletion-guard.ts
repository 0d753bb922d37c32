/**
 * The deletion guard of the main job: a customer, user or template vanishing from the catalog is
 * not, on its own, a reason to delete it. A truncated file (cut before `users:`, or at an entry
 * boundary) or a bad merge validates and would otherwise delete quietly.
 *
 * Why a resource: the guard must hold under `pulumi preview` / `pulumi up` as well as `npm start`,
 * and a Pulumi program cannot see its own state. A resource's `check` can: it receives the inputs
 * recorded by the last run (`olds`) next to the new ones. The guard's inputs are the catalog's keys,
 * so `check` sees exactly which keys the catalog no longer declares, before any step runs (the
 * guard is declared first), and a check failure fails the preview and stops the up before its
 * deletions (both engines delete nothing after a failed step). It makes no API call and holds no
 * secret; its diff always answers "no change", so it never shows in a plan, while the engine still
 * records its new inputs (a "same" step keeps the new inputs), ready for the next run.
 *
 * It refuses, whatever the run allows:
 *  - an alias that is not a key this same entry had: the previous key of an entry being renamed
 *    (recorded, and the new key is not), or one the guard saw it renamed from earlier. Anything
 *    else (another live customer's key) would hand that object's state to this entry and delete it;
 *  - a new key that prints like a vanished one ({@link foldKey}: case, invisible and look-alike
 *    characters): both name one Webex object (Webex compares emails without case), so Pulumi would
 *    create the new key by adopting that object, then delete it under the old key.
 * And, unless intended, a deletion: intended when the key is listed under the catalog's `remove:`,
 * or when the run says so (`--allow-deletes` for `npm start`; `WEBEX_CATALOG_ALLOW_DELETES=true` or
 * the stack setting `allowDeletes: true` for the Pulumi CLI). `maxUserDeletes` (stack setting,
 * default 0) lets a team accept a few unlisted user deletions per run. On the first run of a stack
 * (no recorded keys) there is nothing to compare with.
 *
 * Everything the provider's methods call is in this file or in `keys.ts`, and neither imports a
 * package: Pulumi serializes the provider, with what it references, into the guard's state.
 */
import * as pulumi from "@pulumi/pulumi";
import { foldKey, showKey } from "./keys";

/** The catalog's keys, as the guard records them: what a later run compares with. */
export type GuardKeys = {
  /** Customer `externalId`s. */
  readonly customers: readonly string[];
  /** User `email` → the user's customer `externalId` (a removed customer's users go with it). */
  readonly users: Readonly<Record<string, string>>;
  /** Template `name`s; absent in a record written before templates were guarded (not compared then). */
  readonly templates?: readonly string[];
  /**
   * Location key (`<externalId>/<name>`) → its customer's `externalId` (a removed customer's
   * locations go with it); absent in a record written before locations were guarded (not compared then).
   */
  readonly locations?: Readonly<Record<string, string>>;
  /**
   * Keys each customer and template was renamed from (by `aliases`), by current key: the aliases
   * that entry may keep. Absent in a record written before aliases were checked.
   */
  readonly formerKeys?: { readonly customers?: KeyHistory; readonly templates?: KeyHistory };
  /**
   * Keys this run declared that the record before it did not: new keys, whose create may have
   * failed. The guard cannot tell (a resource's check sees no other resource's state), so a refusal
   * marks them, and says that confirming one that was never created sends nothing. Empty after a
   * first run, whose keys are all new: marking every key would hide the few that matter.
   */
  readonly added?: readonly string[];
};

/** Current key → the keys it was renamed from. */
export type KeyHistory = Readonly<Record<string, readonly string[]>>;

/** The kinds of entry the guard watches. */
export type GuardKind = "templates" | "customers" | "users" | "locations";

/** The guard's inputs: the keys, plus this run's intent (not recorded). */
export type GuardInputs = {
  /** Template `name`s. */
  readonly templates: readonly string[];
  /** Customer `externalId`s. */
  readonly customers: readonly string[];
  /** User `email` → the user's customer `externalId`. */
  readonly users: Readonly<Record<string, string>>;
  /** Location key (`<externalId>/<name>`) → its customer's `externalId`. */
  readonly locations: Readonly<Record<string, string>>;
  /** Each entry's `aliases` (its previous keys), by current key. */
  readonly aliases: { readonly customers: KeyHistory; readonly templates: KeyHistory };
  /** Keys the catalog's `remove:` lists: their deletion is intended. */
  readonly remove: {
    readonly templates: readonly string[];
    readonly customers: readonly string[];
    readonly users: readonly string[];
    readonly locations: readonly string[];
  };
  /** The run allows every deletion. */
  readonly allowDeletes: boolean;
  /** Unlisted user deletions accepted per run. */
  readonly maxUserDeletes: number;
  /** Keys a sharded catalog declares in other stacks (`shards.ts`): leaving this stack for one of them is a move. */
  readonly elsewhere?: {
    readonly templates?: readonly string[];
    readonly customers: readonly string[];
    readonly users: readonly string[];
    readonly locations?: readonly string[];
  };
};

/** What would be deleted without intent: empty lists when the change may go ahead. */
export type UnintendedDeletions = {
  readonly templates: string[];
  readonly customers: string[];
  readonly users: string[];
  readonly locations: string[];
};

/** Singular and plural of each kind, for messages. */
const NOUN: Record<GuardKind, [string, string]> = {
  templates: ["template", "templates"],
  customers: ["customer", "customers"],
  users: ["user", "users"],
  locations: ["location", "locations"],
};
const KEY_FIELD: Record<GuardKind, string> = { templates: "name", customers: "externalId", users: "email", locations: "name" };
/** The kinds whose entries belong to a customer, and go with it when it is removed. */
const OWNED = ["users", "locations"] as const;
const count = (kind: GuardKind, n: number) => `${n} ${NOUN[kind][n === 1 ? 0 : 1]}`;
/** A key quoted for a message, look-alike and control characters escaped. */
const q = (key: string) => `"${showKey(key)}"`;

/**
 * A key as YAML text: plain when it is safe so, double-quoted (JSON is YAML) otherwise, with odd
 * and control characters as `\u` escapes, which mean the same character in a YAML double-quoted string.
 */
function yamlKey(key: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9@._+/-]*$/.test(key) ? key : showKey(JSON.stringify(key));
}

/** The recorded keys of one kind (undefined: not recorded, so not compared). */
function recordedOf(olds: Partial<GuardKeys>, kind: GuardKind): Set<string> | undefined {
  if (kind === "users") return new Set(Object.keys(olds.users ?? {}));
  if (kind === "locations") return olds.locations === undefined ? undefined : new Set(Object.keys(olds.locations));
  const keys = olds[kind];
  return Array.isArray(keys) ? new Set(keys as string[]) : undefined;
}

/** The declared keys of one kind. */
function declaredOf(news: GuardInputs, kind: GuardKind): readonly string[] {
  return kind === "users" || kind === "locations" ? Object.keys(news[kind]) : news[kind];
}

/** One kind's renames: what each alias of the catalog means against the record. */
type Renames = {
  /** Recorded keys taken over by a new key through its aliases: not deletions. */
  readonly renamed: Set<string>;
  /** The record's history for the next run. */
  readonly history: Record<string, string[]>;
  /** Refused aliases, as messages. */
  readonly refusals: string[];
};

/**
 * Judges the aliases of one kind. An alias is accepted when it is the entry's previous key (the
 * alias is recorded, the entry's key is not: a rename in this run) or a key the guard saw the entry
 * renamed from before (`formerKeys`). A record from before aliases were checked has no history: an
 * alias naming nothing recorded is then harmless (it can hand over no object) and becomes history.
 */
function judgeAliases(olds: Partial<GuardKeys>, news: GuardInputs, kind: "customers" | "templates", live: Set<string>): Renames {
  const former = olds.formerKeys?.[kind];
  const renamed = new Set<string>();
  const history: Record<string, string[]> = {};
  const refusals: string[] = [];
  const [noun] = NOUN[kind];
  for (const key of news[kind]) {
    const kept = new Set(former?.[key] ?? []);
    for (const alias of news.aliases[kind][key] ?? []) {
      if (live.has(alias) && !live.has(key)) {
        // The old key's own history comes along: after a → b → c, `c` may keep `a` and `b`.
        renamed.add(alias);
        for (const k of [alias, ...(former?.[alias] ?? [])]) kept.add(k);
      } else if (live.has(alias)) {
        refusals.push(
          `${noun} ${q(key)} lists ${q(alias)} under \`aliases\`, but both exist in this stack: they are two ${NOUN[kind][1]}, ` +
            `and the alias would give ${q(key)} the state of ${q(alias)} and delete one of them. Remove ${q(alias)} from the aliases ` +
            `of ${q(key)}; an alias is only for the key this same entry had before a rename.`,
        );
      } else if (!kept.has(alias) && olds.formerKeys !== undefined) {
        refusals.push(
          `${noun} ${q(key)} lists ${q(alias)} under \`aliases\`, but ${q(alias)} is not a key this ${noun} had (the stack has no ` +
            `${noun} ${q(alias)}, and ${q(key)} was never renamed from it). Remove it from the aliases: an alias is only for the ` +
            `key this same entry had before a rename.`,
        );
      } else kept.add(alias);
    }
    if (kept.size > 0) history[key] = [...kept].sort();
  }
  return { renamed, history, refusals };
}

/**
 * Recorded keys that vanished while a new key printing like them ({@link foldKey}) appeared: one
 * object to Webex, which the new key would adopt and the old one's delete then remove.
 */
function sameObjects(kind: GuardKind, live: Set<string>, news: GuardInputs, vanished: readonly string[]): Map<string, string> {
  const fresh = new Map<string, string>();
  for (const key of declaredOf(news, kind)) if (!live.has(key)) fresh.set(foldKey(key), key);
  const out = new Map<string, string>();
  for (const old of vanished) {
    const now = fresh.get(foldKey(old));
    if (now !== undefined) out.set(old, now);
  }
  return out;
}

/** The refusal of a new key that is a vanished one spelled differently. */
function sameObjectRefusal(kind: GuardKind, old: string, now: string, listed: boolean): string {
  const [noun] = NOUN[kind];
  const field = KEY_FIELD[kind];
  const why =
    kind === "users"
      ? "Webex compares emails without case, so they are one user"
      : "they differ only by case, invisible or look-alike characters, so they name one object to a reviewer and to Webex";
  const fix =
    kind === "users"
      ? `Keep the spelling the user was created with: \`${field}: ${yamlKey(old)}\` (changing an email replaces the user).`
      : kind === "locations"
        ? `Keep the spelling ${q(old)} (a location is adopted by its exact name; the other spelling would disable calling at it).`
        : `Add \`aliases: [${yamlKey(old)}]\` to the entry of ${q(now)} (an update in place), or keep the spelling ${q(old)}.`;
  return (
    `${noun} ${q(now)} is ${q(old)} spelled differently: ${why}. This is a rename, not a deletion, and needs no \`remove:\`` +
    (listed ? `; listing ${q(old)} there would delete the very ${noun} ${q(now)} adopts` : "") +
    `. As written, the run would create ${q(now)} by adopting the existing ${noun}, then delete it as ${q(old)}. ${fix}`
  );
}

/** Everything the guard decides about one change. */
export type GuardVerdict = {
  /** Human messages, one per problem; empty when the change may go ahead. */
  readonly refusals: string[];
  /** Deletions nobody asked for (part of `refusals` when any). */
  readonly unintended: UnintendedDeletions;
  /** What to record for the next run. */
  readonly record: GuardKeys;
};

/**
 * Judges a change. Pure: `olds` are the keys recorded by the last run (absent on a first run),
 * `news` this run's inputs.
 */
export function judgeChange(olds: Partial<GuardKeys> | undefined, news: GuardInputs): GuardVerdict {
  const none: UnintendedDeletions = { templates: [], customers: [], users: [], locations: [] };
  const base = { templates: news.templates, customers: news.customers, users: news.users, locations: news.locations };
  // With nothing recorded to compare with, the catalog's aliases become the first history: they
  // can name no recorded object, so they hand none over.
  const first = (kind: "customers" | "templates") =>
    Object.fromEntries(
      Object.entries(news.aliases[kind])
        .filter(([, a]) => a.length > 0)
        .map(([k, a]) => [k, [...a].sort()]),
    );
  if (olds === undefined || !Array.isArray(olds.customers)) {
    return {
      refusals: [],
      unintended: none,
      record: { ...base, formerKeys: { customers: first("customers"), templates: first("templates") }, added: [] },
    };
  }
  const refusals: string[] = [];
  const vanished: Record<GuardKind, string[]> = { templates: [], customers: [], users: [], locations: [] };
  const formerKeys: { customers?: KeyHistory; templates?: KeyHistory } = {};
  for (const kind of ["templates", "customers", "users", "locations"] as const) {
    const live = recordedOf(olds, kind);
    if (live === undefined) {
      if (kind === "templates" || kind === "customers") formerKeys[kind] = first(kind);
      continue;
    }
    let renamed = new Set<string>();
    if (kind === "templates" || kind === "customers") {
      const r = judgeAliases(olds, news, kind, live);
      refusals.push(...r.refusals);
      renamed = r.renamed;
      formerKeys[kind] = r.history;
    }
    const declared = new Set(declaredOf(news, kind));
    const moved = new Set(news.elsewhere?.[kind] ?? []);
    const gone = [...live].filter((k) => !declared.has(k) && !renamed.has(k) && !moved.has(k));
    const same = sameObjects(kind, live, news, gone);
    for (const [old, now] of same) refusals.push(sameObjectRefusal(kind, old, now, news.remove[kind].includes(old)));
    vanished[kind] = gone.filter((k) => !same.has(k));
  }
  const unintended = news.allowDeletes ? none : unlisted(olds, news, vanished);
  const deletion = deletionRefusal(unintended, { ...olds.users, ...olds.locations }, new Set(olds.added ?? []));
  const before = new Set([
    ...(olds.templates ?? []),
    ...olds.customers,
    ...Object.keys(olds.users ?? {}),
    ...Object.keys(olds.locations ?? {}),
  ]);
  const added = allKeys(news).filter((k) => !before.has(k));
  return { refusals: [...refusals, ...deletion], unintended, record: { ...base, formerKeys, added } };
}

/** Every key a run declares, of every kind (keys of different kinds never meet: a template name is no email). */
function allKeys(news: GuardInputs): string[] {
  return [...news.templates, ...news.customers, ...Object.keys(news.users), ...Object.keys(news.locations)];
}

/** The vanished keys nobody asked to delete: not under `remove:`, users not going with their customer. */
function unlisted(olds: Partial<GuardKeys>, news: GuardInputs, vanished: Record<GuardKind, string[]>): UnintendedDeletions {
  const listed = (kind: GuardKind) => new Set(news.remove[kind]);
  const templates = vanished.templates.filter((k) => !listed("templates").has(k));
  const customers = vanished.customers.filter((k) => !listed("customers").has(k));
  const removedCustomers = listed("customers");
  const users = vanished.users.filter((k) => !listed("users").has(k) && !removedCustomers.has(olds.users?.[k] ?? ""));
  const locations = vanished.locations.filter((k) => !listed("locations").has(k) && !removedCustomers.has(olds.locations?.[k] ?? ""));
  // Sorted: the message a reviewer compares between runs must not depend on the state's key order.
  for (const list of [templates, customers, users, locations]) list.sort();
  const within = templates.length === 0 && customers.length === 0 && locations.length === 0 && users.length <= news.maxUserDeletes;
  return { templates, customers, users: within ? [] : users, locations };
}

/**
 * The deletions a change makes that nobody asked for (see {@link judgeChange}).
 * @example
 * unintendedDeletions({ customers: ["a"], users: {} }, inputs).customers; // ["a"] when the catalog lost "a"
 */
export function unintendedDeletions(olds: Partial<GuardKeys> | undefined, news: GuardInputs): UnintendedDeletions {
  return judgeChange(olds, news).unintended;
}

/**
 * The refusal a reviewer reads: what would go, why it stopped, and the exact lines that confirm it
 * (or the one-run switch). Empty when nothing would go. `ownerOf` (user or location → customer, as
 * recorded) lets a customer's users and locations be named with it: listing the customer under
 * `remove:` takes them along. `added` are the keys the last run added: marked, since their create
 * may have failed.
 */
export function deletionRefusal(
  found: UnintendedDeletions,
  ownerOf: Readonly<Record<string, string>> = {},
  added: ReadonlySet<string> = new Set(),
): string[] {
  const order = ["templates", "customers", "locations", "users"] as const;
  const kinds = order.filter((k) => (found[k] ?? []).length > 0);
  if (kinds.length === 0) return [];
  const gone = new Set(found.customers);
  const mark = (key: string) => (added.has(key) ? `${q(key)}*` : q(key));
  const shown = (kind: GuardKind, key: string) => {
    if (kind !== "customers") return mark(key);
    const own = OWNED.flatMap((k) => {
      const keys = (found[k] ?? []).filter((o) => ownerOf[o] === key);
      return keys.length > 0 ? [`${count(k, keys.length)}: ${keys.map(mark).join(", ")}`] : [];
    });
    return own.length > 0 ? `${mark(key)} (with its ${own.join("; ")})` : mark(key);
  };
  const marked = order.some((k) => (found[k] ?? []).some((key) => added.has(key)));
  const listed = (k: GuardKind) =>
    (OWNED as readonly GuardKind[]).includes(k) ? found[k].filter((o) => !gone.has(ownerOf[o] ?? "")) : found[k];
  const what = kinds.map((k) => count(k, found[k].length)).join(" and ");
  const lines = kinds
    .filter((k) => listed(k).length > 0)
    .map(
      (k) =>
        `      ${NOUN[k][1]}: ${listed(k)
          .map((key) => shown(k, key))
          .join(", ")}`,
    );
  const yaml = kinds.filter((k) => listed(k).length > 0).map((k) => `        ${k}: [${listed(k).map(yamlKey).join(", ")}]`);
  return [
    [
      `this change would delete ${what} that the catalog no longer declares:`,
      ...lines,
      ...(marked
        ? ["    * added by the last run: if its create failed it was never created, and confirming its deletion sends nothing."]
        : []),
      ...((found.locations ?? []).length > 0
        ? [
            "    Deleting a location disables Webex Calling there (its numbers go; refused while users remain); the location",
            "    record itself stays in Webex (no API deletes one): remove it in Control Hub if it must go.",
          ]
        : []),
      "    Refused: nothing in the catalog says they should go, and a truncated file or a bad merge looks the same.",
      "    If the entries were lost by mistake, restore them. If a key was renamed, list its old key under the entry's",
      "    `aliases` instead (a rename is not a deletion). To delete them on purpose, add to the catalog (merged with any",
      "    `remove:` already there; a customer listed there takes its users and locations along) and have it reviewed with the change:",
      "      remove:",
      ...yaml,
      "    or allow every deletion for one run: `npm start -- up --allow-deletes`",
      "    (Pulumi CLI: WEBEX_CATALOG_ALLOW_DELETES=true pulumi up).",
    ].join("\n"),
  ];
}

/** Stack setting names (in the project's namespace). */
export const GUARD_SETTINGS = { allowDeletes: "allowDeletes", maxUserDeletes: "maxUserDeletes" } as const;
/** The environment variable that allows every deletion for one run. */
export const ALLOW_DELETES_ENV = "WEBEX_CATALOG_ALLOW_DELETES";

/**
 * The record as stored, keeping only fields of the expected shape: a record written by another
 * version, or edited by hand, is compared as far as it can be, and `check` never throws on it.
 * Undefined when nothing usable is recorded (a first run).
 */
export function readRecord(olds: Record<string, unknown>): Partial<GuardKeys> | undefined {
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  const map = <T>(v: unknown, value: (x: unknown) => T | undefined): Record<string, T> | undefined => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    const entries = Object.entries(v).flatMap(([k, x]) => {
      const ok = value(x);
      return ok === undefined ? [] : [[k, ok] as const];
    });
    return Object.fromEntries(entries);
  };
  const customers = strings(olds.customers);
  if (customers === undefined) return undefined;
  const former = map(olds.formerKeys, (x) => x);
  return {
    customers,
    users: map(olds.users, (x) => (typeof x === "string" ? x : undefined)) ?? {},
    templates: strings(olds.templates),
    locations: map(olds.locations, (x) => (typeof x === "string" ? x : undefined)),
    formerKeys:
      former === undefined
        ? undefined
        : { customers: map(former.customers, strings) ?? {}, templates: map(former.templates, strings) ?? {} },
    added: strings(olds.added),
  };
}

/** The guard's dynamic provider: `check` judges, nothing else does anything. */
class DeletionGuardProvider implements pulumi.dynamic.ResourceProvider {
  /**
   * Refuses what {@link judgeChange} refuses; records only the keys and their history (intent
   * belongs to one run). The failure names no property: the Pulumi engine would print that
   * property's whole value (every key, `property customers value {[...]}`) before the reason.
   */
  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const verdict = judgeChange(readRecord(olds), news as unknown as GuardInputs);
    // One failure for all: both engines then print the problems as one block, a blank line apart.
    const failures = verdict.refusals.length > 0 ? [{ property: "", reason: verdict.refusals.join("\n\n") }] : [];
    return { inputs: verdict.record, failures };
  }

  /** Never a change: the guard has no object to update, and must not show in a plan. */
  async diff(): Promise<pulumi.dynamic.DiffResult> {
    return { changes: false };
  }

  /** Nothing to create: the guard exists only in the state. */
  async create(): Promise<pulumi.dynamic.CreateResult> {
    return { id: "deletion-guard", outs: {} };
  }

  /** Nothing to delete. */
  async delete(): Promise<void> {}
}

/**
 * The guard resource; declared by the catalog program before every other resource.
 * @example
 * new DeletionGuard("catalog-deletion-guard", guardInputs(catalog, settings));
 */
export class DeletionGuard extends pulumi.dynamic.Resource {
  constructor(name: string, inputs: GuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(new DeletionGuardProvider(), name, inputs, opts, "webex", "CatalogDeletionGuard");
  }
}
