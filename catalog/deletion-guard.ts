/**
 * The deletion guard of the main job: a customer or user vanishing from the catalog is not, on its
 * own, a reason to delete it. A truncated file (cut before `users:`, or at an entry boundary) or a
 * bad merge validates and would otherwise delete quietly.
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
 * A deletion is intended when the key is listed under the catalog's `remove:`, or when the run says
 * so (`--allow-deletes` for `npm start`; `WEBEX_CATALOG_ALLOW_DELETES=true` or the stack setting
 * `allowDeletes: true` for the Pulumi CLI). `maxUserDeletes` (stack setting, default 0) lets a team
 * accept a few unlisted user deletions per run. A renamed key listed in its entry's `aliases` is not
 * a deletion. On the first run of a stack (no recorded keys) there is nothing to compare with.
 *
 * Everything the provider's methods call is in this file and imports nothing: Pulumi serializes the
 * provider, with what it references, into the guard's state.
 */
import * as pulumi from "@pulumi/pulumi";

/** The catalog's keys, as the guard records them: what a later run compares with. */
export type GuardKeys = {
  /** Customer `externalId`s. */
  readonly customers: readonly string[];
  /** User `email` → the user's customer `externalId` (a removed customer's users go with it). */
  readonly users: Readonly<Record<string, string>>;
};

/** The guard's inputs: the keys, plus this run's intent (not recorded). */
export type GuardInputs = GuardKeys & {
  /** Keys the catalog's `remove:` lists: their deletion is intended. */
  readonly remove: { readonly customers: readonly string[]; readonly users: readonly string[] };
  /** Previous keys of current entries (`aliases`): a rename, not a deletion. */
  readonly renamed: readonly string[];
  /** The run allows every deletion. */
  readonly allowDeletes: boolean;
  /** Unlisted user deletions accepted per run. */
  readonly maxUserDeletes: number;
  /** Keys a sharded catalog declares in other stacks (`shards.ts`): leaving this stack for one of them is a move. */
  readonly elsewhere?: { readonly customers: readonly string[]; readonly users: readonly string[] };
};

/** What would be deleted without intent: empty lists when the change may go ahead. */
export type UnintendedDeletions = { readonly customers: string[]; readonly users: string[] };

/**
 * The deletions a change makes that nobody asked for. Pure: `olds` are the keys recorded by the last
 * run (absent on a first run), `news` this run's inputs.
 */
export function unintendedDeletions(olds: Partial<GuardKeys> | undefined, news: GuardInputs): UnintendedDeletions {
  const none = { customers: [], users: [] };
  if (news.allowDeletes || olds === undefined || !Array.isArray(olds.customers)) return none;
  const keptCustomers = new Set([...news.customers, ...news.renamed, ...(news.elsewhere?.customers ?? [])]);
  const movedUsers = new Set(news.elsewhere?.users ?? []);
  const listedCustomers = new Set(news.remove.customers);
  const customers = olds.customers.filter((k) => !keptCustomers.has(k) && !listedCustomers.has(k));
  const listedUsers = new Set(news.remove.users);
  const users = Object.entries(olds.users ?? {})
    .filter(
      ([email, customer]) => !(email in news.users) && !movedUsers.has(email) && !listedUsers.has(email) && !listedCustomers.has(customer),
    )
    .map(([email]) => email);
  // Sorted: the message a reviewer compares between runs must not depend on the state's key order.
  customers.sort();
  users.sort();
  return { customers, users: customers.length === 0 && users.length <= news.maxUserDeletes ? [] : users };
}

/** The refusal a reviewer reads: what would go, why it stopped, and the two ways to go ahead. */
export function deletionRefusal(found: UnintendedDeletions): { property: string; reason: string }[] {
  if (found.customers.length === 0 && found.users.length === 0) return [];
  const list = (keys: readonly string[]) => keys.map((k) => JSON.stringify(k)).join(", ");
  const parts = [
    found.customers.length > 0 ? `${found.customers.length} customer(s) [${list(found.customers)}]` : "",
    found.users.length > 0 ? `${found.users.length} user(s) [${list(found.users)}]` : "",
  ].filter(Boolean);
  return [
    {
      property: found.customers.length > 0 ? "customers" : "users",
      reason:
        `this change would delete ${parts.join(" and ")}: they are no longer in the catalog, and nothing says they should go. ` +
        "If the catalog lost entries (a truncated file, a bad merge), restore them. To delete them on purpose, list their keys " +
        "under `remove:` in the catalog (reviewed with the change), or run with `npm start -- up --allow-deletes` " +
        "(Pulumi CLI: WEBEX_CATALOG_ALLOW_DELETES=true pulumi up).",
    },
  ];
}

/** Stack setting names (in the project's namespace). */
export const GUARD_SETTINGS = { allowDeletes: "allowDeletes", maxUserDeletes: "maxUserDeletes" } as const;
/** The environment variable that allows every deletion for one run. */
export const ALLOW_DELETES_ENV = "WEBEX_CATALOG_ALLOW_DELETES";

/** The guard's dynamic provider: `check` judges, nothing else does anything. */
class DeletionGuardProvider implements pulumi.dynamic.ResourceProvider {
  /** Refuses unintended deletions; records only the keys (intent belongs to one run). */
  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const inputs = news as unknown as GuardInputs;
    const recorded = Object.keys(olds).length > 0 ? (olds as Partial<GuardKeys>) : undefined;
    const failures = deletionRefusal(unintendedDeletions(recorded, inputs));
    return { inputs: { customers: inputs.customers, users: inputs.users }, failures };
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
