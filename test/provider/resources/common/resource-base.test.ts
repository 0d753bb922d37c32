/**
 * `WebexResource`: constructing a resource formats no stack trace for the SDK's output promises
 * (unless `PULUMI_DEBUG_PROMISE_LEAKS` asks for them), leaves `Error.stackTraceLimit` as it found
 * it, and an error thrown during construction still points at the program's line.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { CustomerUser } from "../../../../provider";

const USER_ARGS = {
  customerId: "cust-1",
  email: "ada@acme.example",
  firstName: "Ada",
  lastName: "Lovelace",
  package: "webex_calling" as const,
  extension: "0100",
};

/** Stack traces with frames formatted while `run` runs, and their frames in all (V8 passes them to `Error.prepareStackTrace`). */
function countStackFormatting(run: () => void): { traces: number; frames: number } {
  const counted = { traces: 0, frames: 0 };
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (frames.length > 0) counted.traces += 1;
    counted.frames += frames.length;
    return previous ? previous(error, frames) : `${String(error)}\n${frames.map((f) => `    at ${String(f)}`).join("\n")}`;
  };
  try {
    run();
  } finally {
    Error.prepareStackTrace = previous;
  }
  return counted;
}

describe("WebexResource: construction without a stack trace per output promise", () => {
  const savedLeaks = process.env.PULUMI_DEBUG_PROMISE_LEAKS;

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: () => ({}),
      },
      "proj",
      "stack",
      false,
    );
  });

  afterEach(() => {
    if (savedLeaks === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    else process.env.PULUMI_DEBUG_PROMISE_LEAKS = savedLeaks;
  });

  it("formats only the SDK's source-position trace, where PULUMI_DEBUG_PROMISE_LEAKS would format one per promise", () => {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    const quiet = countStackFormatting(() => new CustomerUser("quiet@acme.example", USER_ARGS));
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    const debug = countStackFormatting(() => new CustomerUser("debug@acme.example", USER_ARGS));

    // The SDK's `Resource.callsites` (the source position) still formats one full trace.
    expect(quiet.traces, "traces formatted without the variable").to.be.at.most(2);
    // With the variable set, every output promise gets its stack, as the SDK's leak report needs.
    expect(debug.traces, "traces formatted with the variable").to.be.at.least(20);
    expect(debug.frames).to.be.greaterThan(5 * quiet.frames);
  });

  it("restores Error.stackTraceLimit, whatever the program set", () => {
    const saved = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 37;
      new CustomerUser("limit@acme.example", USER_ARGS);
      expect(Error.stackTraceLimit).to.equal(37);
      expect(() => new CustomerUser("bad-parent@acme.example", USER_ARGS, { parent: {} as pulumi.Resource })).to.throw();
      expect(Error.stackTraceLimit).to.equal(37);
    } finally {
      Error.stackTraceLimit = saved;
    }
  });

  it("gives an error thrown during construction the stack of the program's `new`", () => {
    let thrown: unknown;
    try {
      new CustomerUser("bad-parent@acme.example", USER_ARGS, { parent: {} as pulumi.Resource });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(Error);
    const { message, stack } = thrown as Error;
    expect(message).to.match(/parent/);
    expect(stack).to.include(message);
    expect(stack).to.include("resource-base.test.ts");
  });
});
