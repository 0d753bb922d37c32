/**
 * The client's lookup coalescing: lookups asked within one window share one request, else each
 * distinct key gets its own; failures reach only the callers they concern.
 */
import { expect } from "chai";
import nock from "nock";
import { createClient } from "../../../provider/client";
import { coalescing } from "../../../provider/client/coalesce";

const BASE = "https://coalesce.example";

/** A coalescer recording what it was asked; `together` answers when `shared` says so. */
function recorder(shared: boolean, failAlone: ReadonlySet<string> = new Set()) {
  const calls = { together: [] as string[][], alone: [] as string[] };
  const find = coalescing<string, string>({
    windowMs: 5,
    together: async (keys) => {
      calls.together.push([...keys]);
      return shared ? (k) => `shared:${k}` : undefined;
    },
    alone: async (k) => {
      calls.alone.push(k);
      if (failAlone.has(k)) throw new Error(`no ${k}`);
      return `alone:${k}`;
    },
  });
  return { find, calls };
}

describe("coalescing lookups", () => {
  it("lookups within one window share one together() call that sees every key", async () => {
    const { find, calls } = recorder(true);
    expect(await Promise.all([find("a"), find("b"), find("a")])).to.deep.equal(["shared:a", "shared:b", "shared:a"]);
    expect(calls).to.deep.equal({ together: [["a", "b"]], alone: [] });
  });

  it("without a shared answer, each distinct key is asked alone once", async () => {
    const { find, calls } = recorder(false);
    expect(await Promise.all([find("a"), find("b"), find("a")])).to.deep.equal(["alone:a", "alone:b", "alone:a"]);
    expect(calls.alone.sort()).to.deep.equal(["a", "b"]);
  });

  it("a failed lone answer fails only the callers of that key", async () => {
    const { find } = recorder(false, new Set(["b"]));
    const results = await Promise.allSettled([find("a"), find("b")]);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason.message).to.equal("no b");
  });

  it("a lookup after the window closed opens a new window (answers are never older than one window)", async () => {
    const { find, calls } = recorder(true);
    await find("a");
    await find("a");
    expect(calls.together).to.deep.equal([["a"], ["a"]]);
  });
});

describe("customers.findByExternalId", () => {
  const client = () => createClient({ baseUrl: BASE, accessToken: "tok_coalesce", sleep: async () => {} });
  afterEach(() => nock.cleanAll());

  it("without coalesce: one filtered GET, exact matches only", async () => {
    const scope = nock(BASE)
      .get("/v1/wholesale/customers")
      .query((q) => q.externalId === "acme")
      .reply(200, {
        items: [
          { id: "1", externalId: "acme", status: "provisioned" },
          { id: "2", externalId: "ACME", status: "provisioned" },
        ],
      });
    const found = await client().customers.findByExternalId("acme");
    scope.done();
    expect(found.map((c) => c.id)).to.deep.equal(["1"]);
  });

  it("with coalesce, two concurrent lookups cost one unfiltered page that answers both", async () => {
    const scope = nock(BASE)
      .get("/v1/wholesale/customers")
      .query((q) => q.externalId === undefined && q.max === "100")
      .reply(200, { items: [{ id: "1", externalId: "acme", status: "provisioned" }] });
    const c = client();
    const [a, b] = await Promise.all([
      c.customers.findByExternalId("acme", { coalesce: true }),
      c.customers.findByExternalId("globex", { coalesce: true }),
    ]);
    scope.done();
    expect([a.map((x) => x.id), b]).to.deep.equal([["1"], []]);
  });

  it("with coalesce, a lone lookup stays filtered", async () => {
    const scope = nock(BASE)
      .get("/v1/wholesale/customers")
      .query((q) => q.externalId === "acme")
      .reply(200, { items: [] });
    expect(await client().customers.findByExternalId("acme", { coalesce: true })).to.deep.equal([]);
    scope.done();
  });
});
