/**
 * The base class of the package's three resources: one `pulumi.dynamic.Resource` constructor that
 * keeps the SDK from formatting a stack trace for every output promise it creates.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The base of {@link OnboardingTemplate}, {@link CustomerOrg} and {@link CustomerUser}: a
 * `pulumi.dynamic.Resource` of module `webex` whose construction costs about a tenth of the CPU it
 * would (1,000 `CustomerUser`s: 0.7 s instead of 7.9 s in a CPU profile of the bench program).
 *
 * Why: for each output property, the SDK wraps several promises in `debuggablePromise`
 * (`runtime/debuggable.js`), which stores `new Error().stack` on each. The stack is formatted at
 * once, through the source-map support the launcher installs, so a `CustomerUser` (15 properties)
 * cost about 8 ms of program CPU, 9.7 s of a 1,101-resource program's 18 s (CPU profile of the
 * bench's quantity bump, 2026-12-04). The SDK prints those stacks in one place only: its leak
 * report, and only when `PULUMI_DEBUG_PROMISE_LEAKS` is set. So, unless that variable is set, the
 * constructor runs with `Error.stackTraceLimit = 0` and restores the limit before returning.
 *
 * What it does not change: the SDK's source position of each resource (`Resource.callsites` sets
 * its own limit), stacks of errors thrown later (outputs, `apply`, provider calls), and any
 * setting of the program (the limit is restored on every path). An error thrown while the SDK
 * constructs the resource is given the stack of the `new` that declared it, so it still points at
 * the program's line. The SDK's own pre-allocated registration error keeps only its message, which
 * names the resource and its type.
 */
export abstract class WebexResource extends pulumi.dynamic.Resource {
  /**
   * @param provider the resource kind's provider object (the whole `module.exports` of its `instance.ts`).
   * @param name the logical name.
   * @param props inputs, with each computed output seeded as `undefined`.
   * @param opts resource options.
   * @param type the type within module `webex` (`CustomerOrg`, …).
   */
  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    type: string,
  ) {
    const limit = Error.stackTraceLimit;
    if (!process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) Error.stackTraceLimit = 0;
    try {
      super(provider, name, props, opts, "webex", type);
    } catch (error) {
      Error.stackTraceLimit = limit;
      if (error instanceof Error && !/\n\s+at /.test(error.stack ?? "")) Error.captureStackTrace(error, new.target);
      throw error;
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
