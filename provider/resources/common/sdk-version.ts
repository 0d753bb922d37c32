/**
 * The `@pulumi/pulumi` that runs this provider is the Pulumi program's own copy (the CLI starts the
 * program's `cmd/dynamic-provider`), not one this package chooses. Too old a copy does not fail: it
 * silently skips `configure` (before 3.139, so the stack's `webex:*` config is ignored) or drops the
 * inputs `read` returns (before 3.216, so a refresh forgets quantities and names). This check turns
 * that into one clear error, judged once per process.
 */

/** The oldest `@pulumi/pulumi` this package supports, and why (the peer dependency's floor). */
export const MINIMUM_SDK = {
  version: "3.216.0",
  why: "`read` returning inputs needs 3.216 and `configure` (stack config) needs 3.139",
} as const;

/** Whether dotted version `a` is older than `b` (numeric parts; a pre-release tag is ignored). */
export function isOlder(a: string, b: string): boolean {
  const parts = (v: string) =>
    v
      .split("-")[0]!
      .split(".")
      .map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
}

/**
 * The error for a running SDK older than {@link MINIMUM_SDK}, undefined when it is recent enough
 * or its version cannot be read (an unusual install: nothing to judge).
 */
export function sdkTooOld(running: string | undefined): Error | undefined {
  if (running === undefined || !isOlder(running, MINIMUM_SDK.version)) return undefined;
  return new Error(
    `pulumi-webex-wholesale needs @pulumi/pulumi ${MINIMUM_SDK.version} or newer in the Pulumi program, which runs the provider; ` +
      `this program has ${running} (${MINIMUM_SDK.why}). Run \`npm install @pulumi/pulumi@^${MINIMUM_SDK.version}\` in the program's directory.`,
  );
}

let judged: Error | null | undefined;

/** The running `@pulumi/pulumi`'s version, as the package resolves it (the program's own copy). */
function runningSdkVersion(): string | undefined {
  try {
    return (require("@pulumi/pulumi/version") as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Throws when the running `@pulumi/pulumi` is too old; reads its version once per process.
 * @throws Error naming both versions and the command that fixes it.
 */
export function assertSupportedSdk(): void {
  if (judged === undefined) judged = sdkTooOld(runningSdkVersion()) ?? null;
  if (judged !== null) throw judged;
}
