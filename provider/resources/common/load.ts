/**
 * The only code the serialized providers capture: a loader for the implementation modules.
 *
 * Pulumi runs a dynamic provider from the text stored in `__provider`, compiled with
 * require-from-string and no filename, so relative requires and `__dirname` do not work there, and
 * anything captured is copied into every resource's state. Implementation modules are therefore
 * required at call time, by this package's name, from the Pulumi program's directory (the plugin's
 * working directory), where the package is installed. Keep this file tiny and import-free: the
 * serializer copies whatever it references.
 */

/**
 * Requires `pulumi-webex-wholesale/<subpath>` as seen from the current working directory.
 * @param subpath e.g. `resources/customer-org/operations`.
 * @throws Error saying the package must be installed where the Pulumi program runs.
 */
export function loadOperations<T>(subpath: string): T {
  const specifier = "pulumi-webex-wholesale/" + subpath;
  const cwd = process.cwd();
  try {
    return require("module").createRequire(cwd + "/")(specifier) as T;
  } catch (e) {
    const cause = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new Error(
      `cannot load ${specifier} from ${cwd}: the package pulumi-webex-wholesale must be installed in the Pulumi program's ` +
        `node_modules (run "npm install pulumi-webex-wholesale" in the project directory; Pulumi runs the provider from there). Cause: ${cause}`,
    );
  }
}
