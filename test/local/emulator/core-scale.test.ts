// The emulator at scale, without timing anything: the persistent collections answer like plain
// records on any sequence of writes and branches (old states included), their indexes answer
// like scans, and the provider's requests read the same number of stored records whatever the
// number of subscribers and customers (a flat cost per request).
import { expect } from "chai";
import fc from "fast-check";
import { seededState } from "../../../local/emulator/bench-scale";
import { SUBSCRIBERS_BY_CUSTOMER, SUBSCRIBERS_BY_EMAIL, SUBSCRIBERS_BY_PACKAGE } from "../../../local/emulator/core/indexes";
import type { State, SubscriberRecord } from "../../../local/emulator/core/state";
import { countOf, type IndexDef, lookup, putRecord, recordOf, sizeOf, withoutRecords } from "../../../local/emulator/core/table";
import { TOKEN, World } from "./world";

type Collection = Readonly<Record<string, SubscriberRecord>>;

function subscriber(id: string, email: string, customerId: string, pkg: string): SubscriberRecord {
  return { id, customerId, email, packages: [pkg], status: "provisioned", errors: [], created: 1, lastStatusChange: 1 };
}

const INDEXES: IndexDef<SubscriberRecord>[] = [SUBSCRIBERS_BY_EMAIL, SUBSCRIBERS_BY_CUSTOMER, SUBSCRIBERS_BY_PACKAGE];

/** What a scan would answer for `index` and `key`: the ids, sorted. */
function scan(model: ReadonlyMap<string, SubscriberRecord>, index: IndexDef<SubscriberRecord>, key: string): string[] {
  return [...model.values()]
    .filter((s) => index.keys(s).includes(key))
    .map((s) => s.id)
    .sort();
}

describe("emulator core: persistent collections and their indexes", () => {
  const ids = ["a=", "b=", "c=", "d=", "e="];
  const op = fc.oneof(
    fc.record({
      kind: fc.constant("put" as const),
      id: fc.constantFrom(...ids),
      email: fc.constantFrom("x@e.example", "X@E.example", "y@e.example", "z@e.example"),
      customer: fc.constantFrom("c1", "c2"),
      pkg: fc.constantFrom("webex_meetings", "webex_calling"),
      from: fc.nat(),
    }),
    fc.record({ kind: fc.constant("remove" as const), id: fc.constantFrom(...ids), from: fc.nat() }),
  );

  it("every version reads as its own records and its indexes answer like a scan, after any writes from any earlier version", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        // versions[i] and models[i]: a collection and what it must hold; writes start from any earlier version
        const versions: Collection[] = [{}];
        const models: Map<string, SubscriberRecord>[] = [new Map()];
        for (const o of ops) {
          const at = o.from % versions.length;
          const base = versions[at] as Collection;
          const model = new Map(models[at]);
          if (o.kind === "put") {
            const record = subscriber(o.id, o.email, o.customer, o.pkg);
            versions.push(putRecord(base, o.id, record));
            model.set(o.id, record);
          } else {
            versions.push(withoutRecords(base, new Set([o.id])));
            model.delete(o.id);
          }
          models.push(model);
          // read every version after each write: old ones must not have moved
          versions.forEach((v, i) => {
            const m = models[i] as Map<string, SubscriberRecord>;
            expect(Object.keys(v).sort()).to.deep.equal([...m.keys()].sort());
            expect(sizeOf(v)).to.equal(m.size);
            for (const id of ids) expect(recordOf(v, id)).to.equal(m.get(id));
            expect(JSON.parse(JSON.stringify(v))).to.deep.equal(Object.fromEntries(m));
            for (const index of INDEXES) {
              const keys = new Set([...m.values()].flatMap((s) => index.keys(s)).concat(["x@e.example", "c1", "c1\nwebex_calling"]));
              for (const key of keys) {
                expect(
                  lookup(v, index, key)
                    .map((s) => s.id)
                    .sort(),
                  `${index.name} ${key} in version ${i}`,
                ).to.deep.equal(scan(m, index, key));
                expect(countOf(v, index, key)).to.equal(scan(m, index, key).length);
              }
            }
          });
        }
      }),
      { numRuns: 60, seed: 20261207 },
    );
  });

  it("refuses writes in place, which would change the states that share the collection", () => {
    const v = putRecord<SubscriberRecord>({}, "a=", subscriber("a=", "x@e.example", "c1", "webex_meetings"));
    expect(() => {
      (v as Record<string, SubscriberRecord>)["b="] = subscriber("b=", "y@e.example", "c1", "webex_meetings");
    }).to.throw(TypeError, /persistent/);
    expect(() => delete (v as Record<string, SubscriberRecord>)["a="]).to.throw(TypeError, /persistent/);
    expect(Object.keys(v)).to.deep.equal(["a="]);
  });
});

/** Counts reads of every field of the records it wraps. */
class ReadCounter {
  reads = 0;

  /** The record with a counting getter for each field (enumerable, so JSON and spreads see them). */
  wrap<T extends object>(record: T): T {
    const out = {} as T;
    for (const [k, value] of Object.entries(record)) {
      Object.defineProperty(out, k, {
        enumerable: true,
        get: () => {
          this.reads++;
          return value as unknown;
        },
      });
    }
    return out;
  }

  /** The state with every customer, subscriber and location counted. */
  countAll(state: State): State {
    let customers = state.customers;
    for (const [id, c] of Object.entries(state.customers)) customers = putRecord(customers, id, this.wrap(c));
    let subscribers = state.subscribers;
    for (const [id, s] of Object.entries(state.subscribers)) subscribers = putRecord(subscribers, id, this.wrap(s));
    let locations = state.locations;
    for (const [id, l] of Object.entries(state.locations)) locations = putRecord(locations, id, this.wrap(l));
    return { ...state, customers, subscribers, locations };
  }
}

describe("emulator core: the cost of a request does not grow with the store", () => {
  /** Record reads of the provider's requests on a store of `size` subscribers (20 per customer). */
  function readsAt(size: number, requests: (w: World, customerId: string) => void, sites = false): number {
    const counter = new ReadCounter();
    const w = new World();
    w.state = counter.countAll(seededState(size, TOKEN, sites));
    w.now = Date.now();
    const customerIds = Object.keys(w.state.customers);
    // first use builds each index once (one pass): that is not a per-request cost
    requests(w, customerIds[1] ?? "");
    counter.reads = 0;
    requests(w, customerIds[2] ?? "");
    return counter.reads;
  }

  const createPath = (w: World, customerId: string): void => {
    const email = `new-${Object.keys(w.state.subscribers).length}@bench.example`;
    const q = new URLSearchParams({ customerId, email }).toString();
    w.ok(w.call("GET", "/v1/wholesale/subscribers", undefined, { query: q }), 200);
    w.subscriber(customerId, email);
    const externalId = w.state.customers[customerId]?.externalId ?? "";
    w.ok(w.call("GET", "/v1/wholesale/customers", undefined, { query: `externalId=${externalId}` }), 200);
    w.ok(w.call("GET", w.path("customers", customerId)), 200);
  };

  it("the provider's create path (lookup by email, create, customer by externalId) reads as many records at 4,000 subscribers as at 200", () => {
    const small = readsAt(200, createPath);
    const large = readsAt(4000, createPath);
    expect(small).to.be.greaterThan(0); // the counter sees the records the requests read
    expect(large).to.equal(small);
  });

  it("with a site per customer, listing an org's locations and adding a number read as many records at 4,000 subscribers as at 200", () => {
    let added = 0;
    const sitePath = (w: World, customerId: string): void => {
      const orgId = w.state.customers[customerId]?.orgId ?? "";
      const q = `orgId=${encodeURIComponent(orgId)}`;
      const listed = w.ok(w.call("GET", "/v1/locations", undefined, { query: q }), 200) as { items: { id: string }[] };
      expect(listed.items).to.have.length(2);
      const site = listed.items[1]?.id ?? "";
      const body = { phoneNumbers: [`+1${3_000_000_000 + added++}`] };
      w.ok(w.call("POST", `/v1/telephony/config/locations/${encodeURIComponent(site)}/numbers`, body, { query: q }), 200);
      createPath(w, customerId);
    };
    const small = readsAt(200, sitePath, true);
    const large = readsAt(4000, sitePath, true);
    expect(small).to.be.greaterThan(0);
    expect(large).to.equal(small);
  });

  it("the counter does see a request that reads the whole store (an unfiltered list), so the test above can fail", () => {
    const listAll = (w: World): void => void w.ok(w.call("GET", "/v1/wholesale/subscribers"), 200);
    expect(readsAt(4000, listAll)).to.be.greaterThan(readsAt(200, listAll) * 10);
  });
});
