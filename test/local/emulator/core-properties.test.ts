// Property test of the core: whatever sequence of API calls clients make (including races on
// the same externalIds, emails and numbers, and writes during provisioning), the state never
// breaks an invariant and every answer has a documented status and, for errors, the shape.
import { expect } from "chai";
import fc from "fast-check";
import { checkInvariants } from "../../../local/emulator/core/invariants";
import { LOCATION, tally, World } from "./world";

const EXTERNAL_IDS = ["a", "b", "c"];
const EMAILS = ["admin@acme.example", "x@acme.example", "y@acme.example", "free.account@example.com"];
const PACKAGE_SETS = [
  ["webex_meetings"],
  ["webex_calling", "webex_meetings"],
  ["webex_suite", "attendant_console"],
  ["webex_calling", "cisco_calling_plan"],
];

type Op =
  | { op: "createCustomer"; ext: number; pkgs: number; limit: number | undefined }
  | { op: "updateCustomer"; which: number; pkgs: number; limit: number | undefined }
  | { op: "deleteCustomer"; which: number }
  | { op: "createSubscriber"; which: number; email: number; pkg: string; ext: number }
  | { op: "updateSubscriber"; which: number; pkg: string; ext: number }
  | { op: "deleteSubscriber"; which: number }
  | { op: "tick"; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("createCustomer" as const),
      ext: fc.nat(2),
      pkgs: fc.nat(3),
      limit: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    }),
    weight: 2,
  },
  fc.record({
    op: fc.constant("updateCustomer" as const),
    which: fc.nat(5),
    pkgs: fc.nat(3),
    limit: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant("deleteCustomer" as const), which: fc.nat(5) }),
  fc.record({
    op: fc.constant("createSubscriber" as const),
    which: fc.nat(5),
    email: fc.nat(3),
    pkg: fc.constantFrom("webex_meetings", "webex_calling", "webex_suite"),
    ext: fc.nat(2),
  }),
  fc.record({
    op: fc.constant("updateSubscriber" as const),
    which: fc.nat(5),
    pkg: fc.constantFrom("webex_meetings", "webex_calling", "webex_suite"),
    ext: fc.nat(2),
  }),
  fc.record({ op: fc.constant("deleteSubscriber" as const), which: fc.nat(5) }),
  { arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 500 }) }), weight: 3 },
);

const DOCUMENTED = new Set([200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 423]);

function limitsFor(pkgs: readonly string[], n: number | undefined): Record<string, number> | undefined {
  if (n === undefined) return undefined;
  const limitable = pkgs.filter((p) => p !== "cisco_calling_plan");
  return Object.fromEntries(limitable.map((p) => [p, n]));
}

/** Successful (2xx) answers seen per operation, across all runs: proof the generator reaches the interesting states. */
const successes: Record<string, number> = {};

function apply(w: World, pid: string, o: Op): void {
  const customers = Object.keys(w.state.customers);
  const subscribers = Object.keys(w.state.subscribers);
  const pickC = (i: number) => customers[i % Math.max(1, customers.length)] ?? "none";
  const pickS = (i: number) => subscribers[i % Math.max(1, subscribers.length)] ?? "none";
  let r;
  switch (o.op) {
    case "createCustomer": {
      const pkgs = PACKAGE_SETS[o.pkgs] ?? [];
      const limits = limitsFor(pkgs, o.limit);
      r = w.call("POST", "/v1/wholesale/customers", {
        provisioningId: pid,
        externalId: EXTERNAL_IDS[o.ext],
        packages: pkgs,
        address: LOCATION.address,
        customerInfo: { name: "Acme", primaryEmail: "admin@acme.example" },
        provisioningParameters: { calling: { location: LOCATION }, ...(limits !== undefined ? { packages: { limits } } : {}) },
      });
      break;
    }
    case "updateCustomer": {
      const pkgs = PACKAGE_SETS[o.pkgs] ?? [];
      const limits = limitsFor(pkgs, o.limit);
      r = w.call("PUT", w.path("customers", pickC(o.which)), {
        packages: pkgs,
        provisioningParameters: { calling: { location: LOCATION }, ...(limits !== undefined ? { packages: { limits } } : {}) },
      });
      break;
    }
    case "deleteCustomer":
      r = w.call("DELETE", w.path("customers", pickC(o.which)));
      break;
    case "createSubscriber": {
      const cid = pickC(o.which);
      const calling = o.pkg !== "webex_meetings";
      r = w.call("POST", "/v1/wholesale/subscribers", {
        customerId: cid,
        email: EMAILS[o.email],
        packages: [o.pkg],
        provisioningParameters: calling ? { extension: `10${o.ext}`, locationId: w.state.customers[cid]?.headquarters?.id ?? "none" } : {},
      });
      break;
    }
    case "updateSubscriber": {
      const sid = pickS(o.which);
      const cid = w.state.subscribers[sid]?.customerId ?? "";
      const calling = o.pkg !== "webex_meetings";
      r = w.call("PUT", w.path("subscribers", sid), {
        packages: [o.pkg],
        provisioningParameters: calling ? { extension: `10${o.ext}`, locationId: w.state.customers[cid]?.headquarters?.id ?? "none" } : {},
      });
      break;
    }
    case "deleteSubscriber":
      r = w.call("DELETE", w.path("subscribers", pickS(o.which)));
      break;
    case "tick":
      w.now += o.ms;
      return;
  }
  tally(r, o.op, DOCUMENTED, successes);
}

describe("emulator core: properties", () => {
  it("no sequence of calls breaks an invariant; every answer is documented", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 60, size: "medium" }), (ops) => {
        const w = new World({
          subscriptions: { "Sub-123": { webex_calling: 3, webex_meetings: 3, webex_suite: 3, attendant_console: 3 } },
        });
        w.delayMs = 300;
        const pid = w.template()["provisioningId"] ?? "";
        // one settled customer to start from, so the first operations have something to act on
        w.customer(pid, { externalId: "base", packages: ["webex_calling", "webex_meetings", "webex_suite"] });
        for (const o of ops) {
          apply(w, pid, o);
          const report = checkInvariants(w.state);
          if (!report.ok) throw new Error(`after ${JSON.stringify(o)}: ${JSON.stringify(report)}`);
        }
      }),
      { numRuns: 150, seed: 20261126 },
    );
    for (const op of ["createCustomer", "updateCustomer", "deleteCustomer", "createSubscriber", "updateSubscriber", "deleteSubscriber"]) {
      expect(successes[op] ?? 0, `successful ${op} calls`).to.be.at.least(5);
    }
  });
});
