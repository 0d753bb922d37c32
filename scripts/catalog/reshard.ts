/**
 * `npm run catalog -- reshard`: moves each customer whose shard changed (a changed `shard:` or N),
 * with its users, from the stack that holds it to the stack that should, with `pulumi state move`.
 * Nothing is sent to the API: the objects stay where they are in Webex, only the state that
 * records them changes stacks (see {@link moveResources}), so the next `up` finds them where the
 * catalog now declares them.
 *
 * Idempotent: the plan is recomputed from the stacks' states on every run. A run interrupted
 * between `state move` writing the target stack and the source stack leaves a customer recorded
 * in both; the next run removes the source's copy from the state only, never through the provider.
 */
import type { Catalog } from "../../catalog/schema";
import { planMoves, type ShardMove } from "../../catalog/shards";
import { nameOf, type ShardRunner, type StateResource } from "./runners";

const CUSTOMER = /[:/]CustomerOrg$/;
const USER = /[:/]CustomerUser$/;
/** A customer's sites are named `<externalId>/<name>` (`catalog/locations.ts`) and move with it. */
const LOCATION = /[:/]CustomerLocation$/;

/** Where each customer is recorded: shard numbers, more than one after an interrupted move. */
export type Located = Map<string, number[]>;

/** A shard stack's name. */
export const shardStack = (prefix: string, shard: number) => `${prefix}-shard-${shard}`;
/** The shard number of a stack name of this prefix, or undefined. */
export function shardNumber(prefix: string, stack: string): number | undefined {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-shard-(\\d+)$`).exec(stack);
  return m ? Number(m[1]) : undefined;
}

/** Reads every shard stack of `prefix`: which customers each records, and each stack's resources. */
export async function locateCustomers(
  runner: ShardRunner,
  prefix: string,
): Promise<{ located: Located; resources: Map<number, StateResource[]> }> {
  const located: Located = new Map();
  const resources = new Map<number, StateResource[]>();
  for (const stack of await runner.stacks()) {
    const shard = shardNumber(prefix, stack);
    if (shard === undefined) continue;
    const list = await runner.resources(stack);
    resources.set(shard, list);
    for (const r of list) if (CUSTOMER.test(r.type)) located.set(nameOf(r.urn), [...(located.get(nameOf(r.urn)) ?? []), shard]);
  }
  return { located, resources };
}

/** The plan: moves, and copies left in a second stack by an interrupted move (to forget there). */
export type ReshardPlan = { readonly moves: ShardMove[]; readonly leftovers: { readonly customer: string; readonly shard: number }[] };

/** Computes the plan from where customers are and where the catalog assigns them. */
export function reshardPlan(
  catalog: Pick<Catalog, "customers" | "users">,
  shards: number,
  located: Located,
  assigned: Map<string, number>,
): ReshardPlan {
  const single = new Map<string, number>();
  const leftovers: { customer: string; shard: number }[] = [];
  for (const [customer, where] of located) {
    const target = assigned.get(customer);
    // Recorded twice (a move cut short): keep the copy in the target stack when there is one.
    const keep = target !== undefined && where.includes(target) ? target : where[0]!;
    single.set(customer, keep);
    for (const s of where) if (s !== keep) leftovers.push({ customer, shard: s });
  }
  return { moves: planMoves(catalog, shards, single), leftovers };
}

/** The plan as a person reads it before anything changes. */
export function describePlan(plan: ReshardPlan, prefix: string): string {
  if (plan.moves.length === 0 && plan.leftovers.length === 0) return "reshard: every customer is in its shard's stack; nothing to move.";
  const lines = [`reshard: ${plan.moves.length} customer(s) to move (state only: no API call, nothing deleted in Webex):`];
  for (const m of plan.moves)
    lines.push(`  ${m.customer} (+${m.users.length} user(s)): ${shardStack(prefix, m.from)} -> ${shardStack(prefix, m.to)}`);
  for (const l of plan.leftovers)
    lines.push(`  ${l.customer}: also recorded in ${shardStack(prefix, l.shard)} by an interrupted move; forgotten there (state only)`);
  return lines.join("\n");
}

/** The state operations a move needs: the Automation API's `exportStack` / `importStack`. */
export type StateAccess = {
  exportStack(stack: string): Promise<{ version: number; deployment: Deployment }>;
  importStack(stack: string, state: { version: number; deployment: Deployment }): Promise<void>;
};

/** The part of a stack's exported deployment a move touches. */
type Deployment = { resources?: ExportedResource[]; pending_operations?: unknown[]; [k: string]: unknown };
type ExportedResource = StateResource & {
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  id?: string;
  [k: string]: unknown;
};

const ROOT_TYPE = "pulumi:pulumi:Stack";
const DEFAULT_PROVIDER = /::pulumi:providers:pulumi-nodejs::default$/;

/**
 * Moves `urns` from one stack's state to another's, as `pulumi state move` does: the target is
 * written first, then the source, so an interruption leaves a copy in both (never in neither), which
 * the next plan finds and forgets in the source; a resource already in the target is not copied again.
 *
 * Why not `pulumi state move` itself: it refuses to move resources whose default provider's inputs
 * differ from the target's ("provider ... already exists in destination stack"), and the default
 * provider holds the stack's settings, which differ between shards by design (`shard`, the rate
 * share). Those settings select what the program declares and pace requests; they change nothing
 * about the objects, so the moved resources take the target's default provider. Refused when a moved
 * resource holds a secret (encrypted for the source stack only).
 */
export async function moveResources(state: StateAccess, source: string, dest: string, urns: readonly string[]): Promise<number> {
  const [src, dst] = [await state.exportStack(source), await state.exportStack(dest)];
  const srcList = src.deployment.resources ?? [];
  const dstList = dst.deployment.resources ?? [];
  const moving = new Set(urns);
  const picked = srcList.filter((r) => moving.has(r.urn));
  if (picked.some((r) => JSON.stringify(r).includes('"ciphertext"'))) {
    throw new Error(
      `a resource to move from ${source} holds a secret encrypted for that stack: move it with \`pulumi state move\` instead`,
    );
  }
  const rename = (urn: string) => urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${dest}::`);
  const project = /^urn:pulumi:[^:]+::([^:]+)::/.exec(picked[0]?.urn ?? "")?.[1] ?? "";
  let root = dstList.find((r) => r.type === ROOT_TYPE)?.urn;
  const added: ExportedResource[] = [];
  if (root === undefined) {
    root = `urn:pulumi:${dest}::${project}::${ROOT_TYPE}::${project}-${dest}`;
    added.push({ urn: root, type: ROOT_TYPE, custom: false });
  }
  let provider = dstList.find((r) => DEFAULT_PROVIDER.test(r.urn));
  const srcProvider = srcList.find((r) => DEFAULT_PROVIDER.test(r.urn));
  if (provider === undefined && srcProvider !== undefined) {
    provider = { ...srcProvider, urn: rename(srcProvider.urn), parent: root, dependencies: [], propertyDependencies: {} };
    added.push(provider);
  }
  const present = new Set(dstList.map((r) => r.urn));
  const movedUrns = new Set(picked.map((r) => rename(r.urn)));
  const keep = (list: string[] | undefined) => (list ?? []).map(rename).filter((u) => movedUrns.has(u));
  for (const r of picked) {
    if (present.has(rename(r.urn))) continue;
    added.push({
      ...r,
      urn: rename(r.urn),
      parent: r.parent && moving.has(r.parent) ? rename(r.parent) : root,
      provider: r.provider && provider ? `${provider.urn}::${provider.id}` : r.provider,
      dependencies: keep(r.dependencies),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, keep(v)])),
    });
  }
  // Providers and the root before the resources that refer to them, as a checkpoint requires.
  const [first, rest] = [
    added.filter((r) => r.type === ROOT_TYPE || DEFAULT_PROVIDER.test(r.urn)),
    added.filter((r) => r.type !== ROOT_TYPE && !DEFAULT_PROVIDER.test(r.urn)),
  ];
  const rootFirst = dstList.length === 0 ? [...first, ...rest] : [...dstList, ...first, ...rest];
  if (added.length > 0) await state.importStack(dest, { ...dst, deployment: { ...dst.deployment, resources: rootFirst } });
  await state.importStack(source, { ...src, deployment: { ...src.deployment, resources: srcList.filter((r) => !moving.has(r.urn)) } });
  return picked.length;
}

/**
 * A customer's resources in one stack's state: the customer, its users (named in `users`, or
 * depending on the customer) and its sites (named `<externalId>/<name>`).
 */
function customerResources(list: readonly ExportedResource[], customer: string, users: ReadonlySet<string>): ExportedResource[] {
  const customerUrn = list.find((r) => CUSTOMER.test(r.type) && nameOf(r.urn) === customer)?.urn;
  const dependsOnIt = (r: ExportedResource) => customerUrn !== undefined && (r.dependencies ?? []).includes(customerUrn);
  return list.filter(
    (r) =>
      r.urn === customerUrn ||
      (USER.test(r.type) && (users.has(nameOf(r.urn)) || dependsOnIt(r))) ||
      (LOCATION.test(r.type) && nameOf(r.urn).startsWith(`${customer}/`)),
  );
}

/**
 * Carries out a plan: one move per source and target (customers with their users, so a user never
 * lands in a stack without its customer), then the copies an interrupted move left are forgotten
 * in their source (state only). `ensureStack` creates a target stack that does not exist yet.
 */
export async function performPlan(o: {
  readonly plan: ReshardPlan;
  readonly prefix: string;
  readonly state: StateAccess;
  readonly resources: Map<number, StateResource[]>;
  readonly ensureStack: (shard: number) => Promise<void>;
  readonly log: (line: string) => void;
}): Promise<void> {
  const urnsIn = (shard: number, customer: string, users: ReadonlySet<string>) =>
    customerResources((o.resources.get(shard) ?? []) as ExportedResource[], customer, users).map((r) => r.urn);
  const groups = new Map<string, { from: number; to: number; urns: string[] }>();
  for (const m of o.plan.moves) {
    const key = `${m.from}->${m.to}`;
    const g = groups.get(key) ?? { from: m.from, to: m.to, urns: [] };
    g.urns.push(...urnsIn(m.from, m.customer, new Set(m.users)));
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    await o.ensureStack(g.to);
    const [source, dest] = [shardStack(o.prefix, g.from), shardStack(o.prefix, g.to)];
    const n = await moveResources(o.state, source, dest, g.urns);
    o.log(`moved ${n} resource(s) ${source} -> ${dest}`);
  }
  for (const l of o.plan.leftovers) {
    const stack = shardStack(o.prefix, l.shard);
    // Its users there are the ones that depend on it (the catalog may have changed since the move began).
    const forget = new Set(
      customerResources((o.resources.get(l.shard) ?? []) as ExportedResource[], l.customer, new Set()).map((r) => r.urn),
    );
    const exported = await o.state.exportStack(stack);
    const resources = (exported.deployment.resources ?? []).filter((r) => !forget.has(r.urn));
    await o.state.importStack(stack, { ...exported, deployment: { ...exported.deployment, resources } });
    o.log(`forgot ${l.customer} and ${forget.size - 1} resource(s) of it in ${stack} (state only: recorded in its target stack)`);
  }
}
