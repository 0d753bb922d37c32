/**
 * `pulumi-language-python` in TypeScript: the Pulumi CLI's language host for Python programs.
 *
 * Why it exists: the Go module of the real host (`github.com/pulumi/pulumi/sdk/python/cmd/
 * pulumi-language-python/v3`) is not served by the module proxy this project reaches (403 "This
 * module version is not available"). The program itself runs under the REAL run script,
 * `pulumi-language-python-exec` of the pinned `sdk/v3` module (`python/cmd/`), which
 * `scripts/pulumi-cli.ts` copies from the Go module cache into the CLI's bin folder, where a Pulumi
 * release keeps it too. Like the Go host (`sdk/python/cmd/pulumi-language-python/main.go`) this runs
 * `python <exec> --monitor … --engine … --project … --stack … --pwd … --dry_run true|false
 * --parallel N --organization … <entry point>` with `PULUMI_CONFIG`/`PULUMI_CONFIG_SECRET_KEYS` set.
 * The exec script sets the event loop's thread pool to `max(parallel, 1) × 4`, prints `RunError`s
 * through the engine and exits 1 (the engine then adds "program exited with non-zero exit code: 1"),
 * trims tracebacks to the user's code (exit 32, `bail`) and installs no SIGINT handler.
 *
 * The Python used, as the Go host chooses it: Pulumi.yaml's `runtime.options.virtualenv` (relative to
 * the program's folder, or absolute) → `<virtualenv>/bin/python`; else `PULUMI_PYTHON_CMD`; else
 * `python3`. `npm run pulumi:install -- --python` builds such a virtualenv (the `pulumi` SDK from PyPI
 * and the generated `pulumi_webex_wholesale`; see tools/README.md).
 *
 * `GetRequiredPackages` reads `pulumi-plugin.json` of the installed pip packages, as the Go host does.
 * Left out, on purpose: installs, `pulumi new`, code generation and debugging answer UNIMPLEMENTED.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { promisify } from "node:util";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import { configEnvironment, engineFlags, programDirectory, runProgram, runtimeOptions, serveLanguageRuntime } from "./language-host";

/** The host's own version, reported to the CLI (it prints it in `pulumi about`). */
const HOST_VERSION = "3.276.0-ts";

/** The run script's name: the host's own plus `-exec`, as the Go host looks it up. */
export const EXEC_NAME = "pulumi-language-python-exec";

/**
 * The run script: `--use-executor <path>` (the Go host's flag), else `pulumi-language-python-exec`
 * in the CLI's bin folder (this file runs from `<bin>/lib/tools/pulumi-cli/`).
 */
function execScript(argv: readonly string[]): string {
  const flag = argv.findIndex((a) => a === "-use-executor" || a === "--use-executor");
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1]!;
  return resolve(__dirname, "..", "..", "..", EXEC_NAME);
}

/** The Python executable for a program (see the file comment for the order). */
function pythonFor(info: languagePb.ProgramInfo | undefined, programDir: string): { python: string; virtualenv?: string } {
  const virtualenv = runtimeOptions(info).virtualenv;
  if (typeof virtualenv === "string" && virtualenv !== "") {
    const dir = isAbsolute(virtualenv) ? virtualenv : join(programDir, virtualenv);
    return { python: join(dir, "bin", "python"), virtualenv: dir };
  }
  return { python: process.env.PULUMI_PYTHON_CMD || "python3" };
}

/** The environment of an activated virtualenv: its bin first on PATH, VIRTUAL_ENV set, no PYTHONHOME. */
function activated(env: NodeJS.ProcessEnv, virtualenv: string | undefined): NodeJS.ProcessEnv {
  if (!virtualenv) return env;
  const out: NodeJS.ProcessEnv = { ...env, VIRTUAL_ENV: virtualenv, PATH: [join(virtualenv, "bin"), env.PATH ?? ""].join(":") };
  delete out.PYTHONHOME;
  return out;
}

/** Runs the program under the real exec script; resolves to the Run response the CLI expects. */
function runWith(exec: string) {
  return async (req: languagePb.RunRequest, engineAddress: string, cancel: AbortSignal): Promise<languagePb.RunResponse> => {
    const info = req.getInfo();
    const programDir = programDirectory(req);
    const { python, virtualenv } = pythonFor(info, programDir);
    if (virtualenv && !existsSync(python)) {
      return new languagePb.RunResponse().setError(
        `The virtualenv ${virtualenv} (Pulumi.yaml runtime.options.virtualenv) does not exist; create it and pip install the program's requirements there (or run \`npm run pulumi:install -- --python\`)`,
      );
    }
    if (!existsSync(exec)) {
      return new languagePb.RunResponse().setError(
        `${EXEC_NAME} is missing at ${exec}: run \`npm run pulumi:install -- --python\`, which copies it from the Go module cache`,
      );
    }
    // The entry point is relative to the program's folder ("." runs its __main__.py).
    const entry = info?.getEntryPoint() || req.getProgram() || ".";
    const args = [
      exec,
      ...engineFlags(req, engineAddress, "python"),
      isAbsolute(entry) ? entry : join(programDir, entry),
      ...req.getArgsList(),
    ];
    const env = activated({ ...process.env, ...configEnvironment(req) }, virtualenv);
    return runProgram({ command: python, args, cwd: req.getPwd() || programDir, env }, "program", cancel);
  };
}

/** One row of `pip list -v --format json`. */
type PipPackage = { name: string; version: string; location?: string };

/** A package's `pulumi-plugin.json` (sdk/go/common/resource/plugin.PulumiPluginJSON). */
type PulumiPluginJson = { resource?: boolean; name?: string; version?: string; server?: string };

/** Packages known to carry no plugin (the Go host's `packagesWithoutPlugins`). */
const PACKAGES_WITHOUT_PLUGINS = new Set(["pulumi-policy"]);

/**
 * A PEP 440 version as a plugin version, as the Go host's `determinePluginVersion` translates it:
 * at least three segments, `a`/`b`/`rc` → `-alpha.`/`-beta.`/`-rc.`, `.postN`/`.devN` → `+postN`/`+devN`.
 * Undefined where it cannot (an epoch, anything else left over): the Go host then skips the package.
 */
export function pluginVersionOf(packageVersion: string): string | undefined {
  const m = /^(\d+(?:\.\d+)*)(?:(a|b|rc)(\d*))?(?:\.post(\d*))?(?:\.dev(\d*))?$/.exec(packageVersion);
  if (!m) return undefined;
  const segments = m[1]!.split(".");
  while (segments.length < 3) segments.push("0");
  const pre = m[2] ? `-${{ a: "alpha", b: "beta", rc: "rc" }[m[2] as "a" | "b" | "rc"]}.${m[3]}` : "";
  const post = m[4] !== undefined ? `+post${m[4]}` : "";
  const dev = m[5] !== undefined ? `${post ? "" : "+"}dev${m[5]}` : "";
  return segments.join(".") + pre + post + dev;
}

/** The plugin a pip package asks for, or undefined (no plugin, `resource: false`, or no version). */
export function pluginOfPackage(pkg: PipPackage): pluginPb.PackageDependency | undefined {
  if (PACKAGES_WITHOUT_PLUGINS.has(pkg.name)) return undefined;
  let plugin: PulumiPluginJson | undefined;
  if (pkg.location) {
    // The module inside is named like the package with `-` → `_` (the Go host's convention).
    const file = join(pkg.location, pkg.name.replace(/-/g, "_"), "pulumi-plugin.json");
    if (existsSync(file)) plugin = JSON.parse(readFileSync(file, "utf8")) as PulumiPluginJson;
  }
  if (!plugin && !pkg.name.startsWith("pulumi-")) return undefined; // not a Pulumi package
  if (plugin && !plugin.resource) return undefined;
  const name = plugin?.name || pkg.name.replace(/^pulumi-/, "");
  const version = plugin?.version || pluginVersionOf(pkg.version);
  if (!version) return undefined;
  return new pluginPb.PackageDependency()
    .setName(name)
    .setKind("resource")
    .setVersion(version.startsWith("v") ? version : `v${version}`)
    .setServer(plugin?.server ?? "");
}

/** `GetRequiredPackages`: the plugins of the pip packages installed where the program runs. */
async function requiredPackages(info: languagePb.ProgramInfo | undefined): Promise<pluginPb.PackageDependency[]> {
  const programDir = info?.getProgramDirectory() || process.cwd();
  const { python, virtualenv } = pythonFor(info, programDir);
  const { stdout } = await promisify(execFile)(python, ["-m", "pip", "list", "-v", "--format", "json"], {
    cwd: programDir,
    env: activated(process.env, virtualenv),
    maxBuffer: 64 * 1024 * 1024,
  });
  // pip may print a non-JSON trailer after the list (one line); the Go host decodes the first JSON value only.
  const list = JSON.parse(stdout.split("\n").find((line) => line.startsWith("[")) ?? "[]") as PipPackage[];
  return list.map(pluginOfPackage).filter((p): p is pluginPb.PackageDependency => p !== undefined);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  serveLanguageRuntime(
    {
      name: "pulumi-language-python",
      version: HOST_VERSION,
      requiredPackages,
      run: runWith(execScript(argv)),
      about: () => {
        const python = process.env.PULUMI_PYTHON_CMD || "python3";
        const version = spawnSync(python, ["--version"], { encoding: "utf8" });
        return { executable: python, version: (version.stdout || version.stderr || "").trim().replace(/^Python /, "") };
      },
    },
    argv.filter((a, i) => !(a.endsWith("use-executor") || argv[i - 1]?.endsWith("use-executor"))),
  );
}
