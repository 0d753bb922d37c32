import { expect } from "chai";
import { type ConnectionErrorKind } from "../../../provider/client";
import { MAX_RETRY_AFTER_MS, backoffDelay, parseRetryAfter, shouldRetry, type RetryDecision } from "../../../provider/client/retry";

describe("client retry policy", () => {
  describe("shouldRetry", () => {
    const cases: Array<{
      name: string;
      method: string;
      status?: number;
      kind?: ConnectionErrorKind;
      attempt?: number;
      idempotent?: boolean;
      retryLocked?: boolean;
      want: RetryDecision;
    }> = [
      // idempotent methods retry every transient failure
      { name: "GET 500", method: "GET", status: 500, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "GET 502", method: "GET", status: 502, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "PUT 503", method: "PUT", status: 503, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "DELETE 504", method: "DELETE", status: 504, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "GET 408", method: "GET", status: 408, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "GET 423", method: "GET", status: 423, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "PUT 429", method: "PUT", status: 429, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "GET reset", method: "GET", kind: "reset", want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "PUT timeout", method: "PUT", kind: "timeout", want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "DELETE refused", method: "DELETE", kind: "refused", want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "GET other transport failure", method: "GET", kind: "other", want: { retry: true, outcomeUnknown: false, transient: true } },
      // POST retries only when the server certainly did not act
      { name: "POST 429", method: "POST", status: 429, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "POST 423", method: "POST", status: 423, want: { retry: true, outcomeUnknown: false, transient: true } },
      { name: "POST refused", method: "POST", kind: "refused", want: { retry: true, outcomeUnknown: false, transient: true } },
      {
        name: "POST unreachable (DNS)",
        method: "POST",
        kind: "unreachable",
        want: { retry: true, outcomeUnknown: false, transient: true },
      },
      { name: "POST reset", method: "POST", kind: "reset", want: { retry: false, outcomeUnknown: true, transient: true } },
      { name: "POST timeout", method: "POST", kind: "timeout", want: { retry: false, outcomeUnknown: true, transient: true } },
      { name: "POST 500", method: "POST", status: 500, want: { retry: false, outcomeUnknown: true, transient: true } },
      { name: "POST 503", method: "post", status: 503, want: { retry: false, outcomeUnknown: true, transient: true } },
      { name: "POST 408", method: "POST", status: 408, want: { retry: false, outcomeUnknown: true, transient: true } },
      // a side-effect-free POST (validate) is treated as idempotent
      {
        name: "validate POST 500",
        method: "POST",
        status: 500,
        idempotent: true,
        want: { retry: true, outcomeUnknown: false, transient: true },
      },
      {
        name: "validate POST reset",
        method: "POST",
        kind: "reset",
        idempotent: true,
        want: { retry: true, outcomeUnknown: false, transient: true },
      },
      // final statuses
      { name: "GET 400", method: "GET", status: 400, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "POST 400", method: "POST", status: 400, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "GET 401", method: "GET", status: 401, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "PUT 403", method: "PUT", status: 403, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "DELETE 404", method: "DELETE", status: 404, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "POST 409", method: "POST", status: 409, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "GET 501", method: "GET", status: 501, want: { retry: false, outcomeUnknown: false, transient: false } },
      { name: "POST 501", method: "POST", status: 501, want: { retry: false, outcomeUnknown: false, transient: false } },
      // a write sent without reading first takes a 423 back, to read before writing again
      {
        name: "PUT 423 with retryLocked false",
        method: "PUT",
        status: 423,
        retryLocked: false,
        want: { retry: false, outcomeUnknown: false, transient: true },
      },
      {
        name: "PUT 429 with retryLocked false",
        method: "PUT",
        status: 429,
        retryLocked: false,
        want: { retry: true, outcomeUnknown: false, transient: true },
      },
      // bounded attempts
      {
        name: "GET 503 on the last attempt",
        method: "GET",
        status: 503,
        attempt: 6,
        want: { retry: false, outcomeUnknown: false, transient: true },
      },
      {
        name: "POST 429 on the last attempt",
        method: "POST",
        status: 429,
        attempt: 6,
        want: { retry: false, outcomeUnknown: false, transient: true },
      },
      {
        name: "POST 500 on the last attempt",
        method: "POST",
        status: 500,
        attempt: 6,
        want: { retry: false, outcomeUnknown: true, transient: true },
      },
      {
        name: "GET reset on attempt 5 of 6",
        method: "GET",
        kind: "reset",
        attempt: 5,
        want: { retry: true, outcomeUnknown: false, transient: true },
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const got = shouldRetry({
          method: c.method,
          status: c.status,
          connectionErrorKind: c.kind,
          attempt: c.attempt ?? 1,
          maxAttempts: 6,
          retryLocked: c.retryLocked,
          idempotent: c.idempotent,
        });
        expect(got).to.deep.equal(c.want);
      });
    }
  });

  describe("parseRetryAfter", () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const cases: Array<{ name: string; value: string | number | undefined | null; want: number | undefined }> = [
      { name: "delta-seconds", value: "5", want: 5000 },
      { name: "delta-seconds as a number", value: 2, want: 2000 },
      { name: "zero seconds", value: "0", want: 0 },
      { name: "fractional seconds (lenient)", value: "1.5", want: 1500 },
      { name: "padded with spaces", value: "  3 ", want: 3000 },
      { name: "HTTP-date 30 s ahead", value: new Date(now + 30_000).toUTCString(), want: 30_000 },
      { name: "exactly the 10-minute ceiling", value: "600", want: MAX_RETRY_AFTER_MS },
      { name: "absent", value: undefined, want: undefined },
      { name: "null", value: null, want: undefined },
      { name: "empty", value: "", want: undefined },
      { name: "negative seconds", value: "-5", want: undefined },
      { name: "with a unit", value: "5s", want: undefined },
      { name: "not a number nor a date", value: "soon", want: undefined },
      { name: "NaN", value: "NaN", want: undefined },
      { name: "more than 10 minutes", value: "601", want: undefined },
      { name: "HTTP-date in the past", value: new Date(now - 5_000).toUTCString(), want: undefined },
      { name: "HTTP-date an hour ahead", value: new Date(now + 3_600_000).toUTCString(), want: undefined },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(parseRetryAfter(c.value, now)).to.equal(c.want);
      });
    }
  });

  describe("backoffDelay", () => {
    const cases: Array<{ name: string; attempt: number; jitter: "full" | "equal" | "none"; random: number; want: number }> = [
      { name: "no jitter, attempt 1 = base", attempt: 1, jitter: "none", random: 0.5, want: 500 },
      { name: "no jitter, attempt 3 doubles twice", attempt: 3, jitter: "none", random: 0.5, want: 2000 },
      { name: "no jitter, capped", attempt: 20, jitter: "none", random: 0.5, want: 30_000 },
      { name: "full jitter, random 0", attempt: 3, jitter: "full", random: 0, want: 0 },
      { name: "full jitter, random 0.5", attempt: 3, jitter: "full", random: 0.5, want: 1000 },
      { name: "equal jitter, random 0 keeps half", attempt: 3, jitter: "equal", random: 0, want: 1000 },
      { name: "equal jitter, random near 1", attempt: 3, jitter: "equal", random: 0.999, want: 1999 },
      { name: "equal jitter, capped", attempt: 30, jitter: "equal", random: 0, want: 15_000 },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(backoffDelay(c.attempt, { jitter: c.jitter, random: () => c.random })).to.equal(c.want);
      });
    }

    it("defaults to equal jitter between half and all of the exponential delay", () => {
      for (let attempt = 1; attempt <= 8; attempt++) {
        const exp = Math.min(30_000, 500 * 2 ** (attempt - 1));
        const d = backoffDelay(attempt);
        expect(d, `attempt ${attempt}`).to.be.within(Math.floor(exp / 2), exp);
      }
    });
  });
});
