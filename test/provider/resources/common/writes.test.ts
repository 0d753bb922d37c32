import { expect } from "chai";
import { ConflictError, LockedError, ServerError, ValidationError } from "../../../../provider/client";
import { createOrAdopt, decideAdoption, isAmbiguous, retryWhileLocked } from "../../../../provider/resources/common/writes";

const call = { method: "POST", path: "/v1/x" };
const locked = () => new LockedError({ message: "busy", status: 423, ...call });
const ambiguous = () => new ServerError({ message: "502", status: 502, outcomeUnknown: true, retryable: true, ...call });
const refused = () => new ValidationError({ message: "bad", status: 400, ...call });

describe("writes: create-or-adopt and the 423 retry", () => {
  describe("retryWhileLocked", () => {
    const cases = [
      { name: "succeeds at once: one attempt, no wait", outcomes: ["ok"], attempts: 5, calls: 1, waits: 0, throws: undefined },
      {
        name: "423 then success: waits once, writes twice",
        outcomes: [locked(), "ok"],
        attempts: 5,
        calls: 2,
        waits: 1,
        throws: undefined,
      },
      {
        name: "423 until the bound: gives up with the LockedError",
        outcomes: [locked(), locked(), locked()],
        attempts: 3,
        calls: 3,
        waits: 2,
        throws: LockedError,
      },
      {
        name: "another error passes through without waiting",
        outcomes: [refused()],
        attempts: 5,
        calls: 1,
        waits: 0,
        throws: ValidationError,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        let calls = 0;
        let waits = 0;
        const run = retryWhileLocked(
          async () => {
            const o = c.outcomes[calls++];
            if (o instanceof Error) throw o;
            return o;
          },
          async () => void waits++,
          c.attempts,
        );
        if (c.throws) await expect(run).to.be.rejectedWith(c.throws);
        else expect(await run).to.equal("ok");
        expect(calls).to.equal(c.calls);
        expect(waits).to.equal(c.waits);
      });
    }
  });

  describe("createOrAdopt (the one create-or-adopt flow)", () => {
    const duplicate = () => new ConflictError({ message: "dup", status: 409, errorCodes: [1305], ...call });
    const other409 = () => new ConflictError({ message: "other", status: 409, errorCodes: [9999], ...call });
    const agree = { id: "a", ok: true };
    const differ = { id: "d", ok: false };
    type Found = { id: string; ok: boolean };
    const cases: {
      name: string;
      lookupFirst: boolean;
      finds: Found[][];
      posts: (string | Error)[];
      result: string | RegExp;
      lookups: number;
      fresh?: boolean[];
    }[] = [
      {
        name: "lookup first, nothing: one POST",
        lookupFirst: true,
        finds: [[]],
        posts: ["made"],
        result: "made",
        lookups: 1,
        fresh: [false],
      },
      { name: "lookup first, one agreeing: adopted, no POST", lookupFirst: true, finds: [[agree]], posts: [], result: "a", lookups: 1 },
      {
        name: "lookup first, one differing: conflict, no POST",
        lookupFirst: true,
        finds: [[differ]],
        posts: [],
        result: /id d.*differs/,
        lookups: 1,
      },
      {
        name: "no lookup first: a successful POST is never looked up",
        lookupFirst: false,
        finds: [],
        posts: ["made"],
        result: "made",
        lookups: 0,
      },
      {
        name: "ambiguous POST, agreeing found fresh: adopted, no second POST",
        lookupFirst: true,
        finds: [[], [agree]],
        posts: [ambiguous()],
        result: "a",
        lookups: 2,
        fresh: [false, true],
      },
      {
        name: "ambiguous POST, differing found: conflict, never a second POST",
        lookupFirst: true,
        finds: [[], [differ]],
        posts: [ambiguous()],
        result: /id d.*differs/,
        lookups: 2,
      },
      {
        name: "ambiguous POST, nothing found: decided to create, POST once more",
        lookupFirst: false,
        finds: [[]],
        posts: [ambiguous(), "made"],
        result: "made",
        lookups: 1,
        fresh: [true],
      },
      {
        name: "duplicate code, agreeing found: adopted",
        lookupFirst: true,
        finds: [[], [agree]],
        posts: [duplicate()],
        result: "a",
        lookups: 2,
      },
      {
        name: "duplicate code, differing found: conflict naming it",
        lookupFirst: false,
        finds: [[differ]],
        posts: [duplicate()],
        result: /id d.*differs/,
        lookups: 1,
      },
      {
        name: "duplicate code, nothing found: the server's refusal, no second POST",
        lookupFirst: false,
        finds: [[]],
        posts: [duplicate()],
        result: /^dup$/,
        lookups: 1,
      },
      { name: "another conflict code is not looked up", lookupFirst: false, finds: [], posts: [other409()], result: /^other$/, lookups: 0 },
      { name: "a definite refusal is not looked up", lookupFirst: false, finds: [], posts: [refused()], result: /^bad$/, lookups: 0 },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        let posts = 0;
        const fresh: boolean[] = [];
        const run = createOrAdopt<Found, string>({
          what: "a thing named T",
          path: "/v1/x",
          reconcile: "Do this.",
          lookupFirst: c.lookupFirst,
          duplicateCodes: [1305],
          find: async (f) => (fresh.push(f), c.finds[fresh.length - 1] ?? []),
          differences: (m) => (m.ok ? [] : ["x is 1, not 2"]),
          idOf: (m) => m.id,
          post: async () => {
            const o = c.posts[posts++];
            if (o instanceof Error) throw o;
            return o!;
          },
          adopted: (m) => m.id,
        });
        if (c.result instanceof RegExp) await expect(run).to.be.rejectedWith(c.result);
        else expect((await run).value).to.equal(c.result);
        expect(fresh.length, "lookups").to.equal(c.lookups);
        if (c.fresh) expect(fresh).to.deep.equal(c.fresh);
        expect(posts, "POSTs").to.equal(c.posts.length);
      });
    }
  });

  it("isAmbiguous reads outcomeUnknown only", () => {
    expect([ambiguous(), refused(), new Error("x"), "text"].map(isAmbiguous)).to.deep.equal([true, false, false, false]);
  });

  describe("decideAdoption", () => {
    const describe_ = { what: "a thing named T", idOf: (m: { id: string }) => m.id, reconcile: "Do this.", ...call };
    const cases = [
      { name: "none → create", matches: [], diffs: [], kind: "create", message: undefined },
      { name: "one agreeing → adopt", matches: [{ id: "a" }], diffs: [], kind: "adopt", message: undefined },
      {
        name: "one disagreeing → conflict naming the differences and how to reconcile",
        matches: [{ id: "a" }],
        diffs: ["x is 1, not 2"],
        kind: "conflict",
        message: /id a.*x is 1, not 2.*Do this\./,
      },
      {
        name: "several → conflict listing the ids",
        matches: [{ id: "a" }, { id: "b" }],
        diffs: [],
        kind: "conflict",
        message: /2 objects.*a, b.*Do this\./,
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const d = decideAdoption(c.matches, () => c.diffs, describe_);
        expect(d.kind).to.equal(c.kind);
        if (d.kind === "conflict") {
          expect(d.error).to.be.instanceOf(ConflictError);
          expect(d.error.message).to.match(c.message!);
        }
        if (d.kind === "adopt") expect(d.existing).to.equal(c.matches[0]);
      });
    }
  });
});
