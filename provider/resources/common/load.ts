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
 * Requires `pulumi-webex-wholesale/resources/<resource>/operations` as seen from the current working
 * directory (the Pulumi program's, in the plugin).
 * @param resource the resource folder, e.g. `customer-org`.
 * @throws Error saying the package must be installed where the Pulumi program runs.
 */
export function loadOperations<T>(resource: string): T {
  const id = `pulumi-webex-wholesale/resources/${resource}/operations`;
  try {
    return require("module").createRequire(process.cwd() + "/")(id) as T;
  } catch (e) {
    throw new Error(
      `cannot load ${id} from ${process.cwd()}: install pulumi-webex-wholesale in the Pulumi program's directory, ` +
        `where Pulumi runs the provider (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
    );
  }
}
