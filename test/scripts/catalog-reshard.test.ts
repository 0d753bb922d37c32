// Resharding's plan and its state moves, on exported deployments held in memory: what moves,
// how references are rewritten, and that an interrupted move is finished by the next run.
import { expect } from "chai";
import { moveResources, performPlan, reshardPlan, type StateAccess } from "../../scripts/catalog/reshard";

type Res = {
  urn: string;
  type: string;
  custom: boolean;
  id?: string;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  inputs?: unknown;
};
const P = "proj";
const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::${P}::${type}::${name}`;
const ORG = "pulumi-nodejs:dynamic/webex:CustomerOrg";
const USER = "pulumi-nodejs:dynamic/webex:CustomerUser";
const PROV = "pulumi:providers:pulumi-nodejs";
const SITE = "pulumi-nodejs:dynamic/webex:CustomerLocation";

function stackWith(stack: string, customers: string[]): Res[] {
  const root = urn(stack, "pulumi:pulumi:Stack", `${P}-${stack}`);
  const prov = { urn: urn(stack, PROV, "default"), type: PROV, custom: true, id: `prov-${stack}`, parent: root, inputs: { shard: stack } };
  const list: Res[] = [{ urn: root, type: "pulumi:pulumi:Stack", custom: false }, prov];
  for (const c of customers) {
    const cu = urn(stack, ORG, c);
    list.push({ urn: cu, type: ORG, custom: true, id: `id-${c}`, parent: root, provider: `${prov.urn}::${prov.id}`, dependencies: [] });
    list.push({
      urn: urn(stack, USER, `u@${c}`),
      type: USER,
      custom: true,
      id: `uid-${c}`,
      parent: root,
      provider: `${prov.urn}::${prov.id}`,
      dependencies: [cu],
    });
  }
  return list;
}

/** Stacks in memory; `failImportOf` makes the import of that stack fail once (a killed run). */
function memory(stacks: Record<string, Res[]>, failImportOf?: string): StateAccess & { stacks: Record<string, Res[]> } {
  let fail = failImportOf;
  return {
    stacks,
    exportStack: async (s) => ({ version: 3, deployment: { resources: structuredClone(stacks[s] ?? []) } }),
    importStack: async (s, state) => {
      if (s === fail) {
        fail = undefined;
        throw new Error("killed");
      }
      stacks[s] = state.deployment.resources as Res[];
    },
  };
}

describe("catalog reshard", () => {
  it("plans moves from where customers are to where the catalog assigns them, and forgets copies left by an interrupted move", () => {
    const catalog = {
      customers: [
        { externalId: "a", shard: 1 },
        { externalId: "b", shard: 0 },
        { externalId: "c", shard: 1 },
      ] as never,
      users: [{ email: "u@a", customer: "a" }] as never,
    };
    const located = new Map([
      ["a", [0]],
      ["b", [0]],
      ["c", [0, 1]],
    ]);
    const plan = reshardPlan(
      catalog,
      2,
      located,
      new Map([
        ["a", 1],
        ["b", 0],
        ["c", 1],
      ]),
    );
    expect(plan.moves).to.deep.equal([{ customer: "a", users: ["u@a"], from: 0, to: 1 }]);
    expect(plan.leftovers).to.deep.equal([{ customer: "c", shard: 0 }]);
  });

  it("moves a customer and its user: URNs, parent, provider and dependencies point into the target", async () => {
    const state = memory({ s0: stackWith("s0", ["a", "b"]), s1: stackWith("s1", ["c"]) });
    const moved = await moveResources(state, "s0", "s1", [urn("s0", ORG, "a"), urn("s0", USER, "u@a")]);
    expect(moved).to.equal(2);
    expect(state.stacks.s0!.map((r) => r.urn)).to.not.include(urn("s0", ORG, "a"));
    const user = state.stacks.s1!.find((r) => r.urn === urn("s1", USER, "u@a"))!;
    expect(user.provider).to.equal(`${urn("s1", PROV, "default")}::prov-s1`);
    expect(user.parent).to.equal(urn("s1", "pulumi:pulumi:Stack", `${P}-s1`));
    expect(user.dependencies).to.deep.equal([urn("s1", ORG, "a")]);
    expect(user.id).to.equal("uid-a");
    // The customer precedes its user in the target, as a checkpoint requires.
    const order = state.stacks.s1!.map((r) => r.urn);
    expect(order.indexOf(urn("s1", ORG, "a"))).to.be.below(order.indexOf(urn("s1", USER, "u@a")));
  });

  it("into a stack that never ran: creates its root and default provider", async () => {
    const state = memory({ s0: stackWith("s0", ["a"]) });
    await moveResources(state, "s0", "s2", [urn("s0", ORG, "a"), urn("s0", USER, "u@a")]);
    expect(state.stacks.s2!.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack", PROV, ORG, USER]);
  });

  it("killed between the two writes: the customer is in both stacks, and a rerun leaves it in the target only", async () => {
    const state = memory({ s0: stackWith("s0", ["a"]), s1: stackWith("s1", []) }, "s0");
    const urns = [urn("s0", ORG, "a"), urn("s0", USER, "u@a")];
    await moveResources(state, "s0", "s1", urns).then(
      () => expect.fail("the source write should have failed"),
      (e: Error) => expect(e.message).to.equal("killed"),
    );
    expect(state.stacks.s0!.some((r) => r.type === ORG) && state.stacks.s1!.some((r) => r.type === ORG)).to.equal(true);
    await moveResources(state, "s0", "s1", urns);
    expect(state.stacks.s0!.filter((r) => r.type === ORG || r.type === USER)).to.deep.equal([]);
    expect(state.stacks.s1!.filter((r) => r.type === ORG || r.type === USER)).to.have.length(2);
  });

  it("a rerun after a kill between the two writes forgets the source's copy of the customer with its users and its sites, and keeps the target's", async () => {
    const withSite = (stack: string) => {
      const list = stackWith(stack, ["a", "b"]);
      const customer = urn(stack, ORG, "a");
      list.push({
        urn: urn(stack, SITE, "a/Austin"),
        type: SITE,
        custom: true,
        id: "loc-a",
        parent: list[0]!.urn,
        dependencies: [customer],
      });
      return list;
    };
    // The target holds a (written first); the source still holds it too; b is only in the source.
    const state = memory({ s0: withSite("s0"), s1: withSite("s1").filter((r) => !r.urn.endsWith("::b") && !r.urn.endsWith("::u@b")) });
    const logged: string[] = [];
    await performPlan({
      plan: { moves: [], leftovers: [{ customer: "a", shard: 0 }] },
      prefix: "c",
      state: {
        exportStack: (s) => state.exportStack(s === "c-shard-0" ? "s0" : "s1"),
        importStack: (s, d) => state.importStack(s === "c-shard-0" ? "s0" : "s1", d),
      },
      resources: new Map([
        [0, structuredClone(state.stacks.s0!)],
        [1, structuredClone(state.stacks.s1!)],
      ]),
      ensureStack: async () => expect.fail("nothing moves"),
      log: (line) => logged.push(line),
    });
    const names = (stack: string) =>
      state.stacks[stack]!.filter((r) => r.type !== PROV && !r.type.startsWith("pulumi:pulumi")).map((r) =>
        r.urn.slice(r.urn.lastIndexOf("::") + 2),
      );
    expect(names("s0")).to.deep.equal(["b", "u@b"]);
    expect(names("s1")).to.deep.equal(["a", "u@a", "a/Austin"]);
    expect(logged).to.deep.equal(["forgot a and 2 resource(s) of it in c-shard-0 (state only: recorded in its target stack)"]);
  });

  it("refuses to move a resource holding a secret encrypted for its stack", async () => {
    const s0 = stackWith("s0", ["a"]);
    s0[2]!.inputs = { token: { ciphertext: "x" } };
    const state = memory({ s0, s1: stackWith("s1", []) });
    await moveResources(state, "s0", "s1", [urn("s0", ORG, "a")]).then(
      () => expect.fail("should refuse"),
      (e: Error) => expect(e.message).to.match(/secret.*pulumi state move/),
    );
  });
});
