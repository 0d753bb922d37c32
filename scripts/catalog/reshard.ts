/**
 * `npm run catalog -- reshard`: moves each customer whose shard changed (a changed `shard:` or N),
 * with its users, from the stack that holds it to the stack that should, with `pulumi state move`.
 * Nothing is sent to the API: the objects stay where they are in Webex, only the state that
 * records them changes stacks, so the next `up` finds them where the catalog now declares them.
 *
 * Idempotent: the plan is recomputed from the stacks' states on every run. A run interrupted
 * between `state move` writing the target stack and the source stack leaves a customer recorded
 * in both; the next run removes the source's copy from the state only (`pulumi state delete`),
 * never through the provider.
 */
import { spawn } from "node:child_process";
import type { Catalog } from "../../catalog/schema";
import { planMoves, type ShardMove } from "../../catalog/shards";
import { REPO_ROOT } from "../repo-root";
import { nameOf, type ShardRunner, type StateResource } from "./runners";

const CUSTOMER = /[:/]CustomerOrg$/;
const USER = /[:/]CustomerUser$/;

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

/** Runs the Pulumi CLI with the runner's environment; rejects with its output when it fails. */
function pulumi(cli: string, env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cli, [...args, "--non-interactive"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0 ? done() : fail(new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${out.trim().split("\n").slice(-3).join(" / ")}`)),
    );
  });
}

/** How many URNs one `pulumi state move` takes (a command line has a length limit). */
const BATCH = 100;

/**
 * Carries out a plan with the Pulumi CLI: `pulumi state move` per source and target (customers with
 * their users, so a user never lands in a stack without its customer), then `pulumi state delete`
 * of the copies an interrupted move left (users first: they depend on their customer).
 * `ensureStack` creates a target stack that does not exist yet (with its settings).
 */
export async function performPlan(o: {
  readonly plan: ReshardPlan;
  readonly prefix: string;
  readonly cli: string;
  readonly env: NodeJS.ProcessEnv;
  readonly resources: Map<number, StateResource[]>;
  readonly ensureStack: (shard: number) => Promise<void>;
  readonly log: (line: string) => void;
}): Promise<void> {
  const urnsIn = (shard: number, customer: string, users: ReadonlySet<string>) =>
    (o.resources.get(shard) ?? [])
      .filter((r) => (CUSTOMER.test(r.type) && nameOf(r.urn) === customer) || (USER.test(r.type) && users.has(nameOf(r.urn))))
      .map((r) => r.urn);
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
    for (let i = 0; i < g.urns.length; i += BATCH) {
      const urns = g.urns.slice(i, i + BATCH);
      await pulumi(o.cli, o.env, ["state", "move", "--source", source, "--dest", dest, "--yes", ...urns]);
      o.log(`moved ${urns.length} resource(s) ${source} -> ${dest}`);
    }
  }
  for (const l of o.plan.leftovers) {
    const stack = shardStack(o.prefix, l.shard);
    const list = o.resources.get(l.shard) ?? [];
    const customerUrn = list.find((r) => CUSTOMER.test(r.type) && nameOf(r.urn) === l.customer)?.urn;
    // Its users in that stack: those whose customerId input is the customer's id (the catalog may have changed).
    const users = list.filter((r) => USER.test(r.type) && dependsOn(r, customerUrn)).map((r) => r.urn);
    for (const urn of [...users, ...(customerUrn ? [customerUrn] : [])]) {
      await pulumi(o.cli, o.env, ["state", "delete", urn, "--stack", stack, "--yes"]);
    }
    o.log(`forgot ${l.customer} and ${users.length} user(s) in ${stack} (recorded in its target stack)`);
  }
}

function dependsOn(r: StateResource, urn: string | undefined): boolean {
  return urn !== undefined && ((r as { dependencies?: string[] }).dependencies ?? []).includes(urn);
}
