/**
 * `pulumi-language-nodejs` in TypeScript: the Pulumi CLI's language host for Node.js programs.
 *
 * Why it exists: the Go module of the real host (`github.com/pulumi/pulumi/sdk/nodejs/cmd/
 * pulumi-language-nodejs/v3`) is not served by the module proxy this project can reach (403 "This
 * module version is not available"), while `pkg/v3` (the CLI) is. The host is small: it serves the
 * `LanguageRuntime` gRPC service (./language-host.ts, shared with the Python host) and runs the program through the
 * program's own `@pulumi/pulumi/cmd/run`, the way the Go host does (`sdk/nodejs/cmd/pulumi-language-
 * nodejs/main.go`: same arguments, same `PULUMI_CONFIG`/`PULUMI_CONFIG_SECRET_KEYS` environment, same
 * exit-code contract). What it leaves out, on purpose: package-manager installs (`pulumi install`),
 * code generation (`pulumi new`, `convert`, `package`) and debugging attach; the CLI gets
 * UNIMPLEMENTED for those and the operations this project uses (preview, up, refresh, destroy,
 * stack, config, cancel, about) never need them.
 *
 * The CLI starts it as `pulumi-language-nodejs [flags] <engine address>` with the program's folder as
 * working directory and reads the port it listens on from the first line of its stdout.
 *
 * `scripts/pulumi-cli.ts` transpiles this file into the CLI's bin folder; it runs with the
 * repository's `node_modules` (gRPC and the SDK's stubs) and needs nothing else.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import { configEnvironment, engineFlags, programDirectory, runProgram, runtimeOptions, serveLanguageRuntime } from "./language-host";

/** The host's own version, reported to the CLI (it prints it in `pulumi about`). */
const HOST_VERSION = "3.276.0-ts";

/**
 * The program's `@pulumi/pulumi/cmd/run`, resolved from the program's folder the way Node would
 * (so hoisted workspace layouts work), or undefined when the SDK is not installed there.
 */
function findRunScript(programDir: string): string | undefined {
  try {
    return createRequire(join(programDir, "package.json")).resolve("@pulumi/pulumi/cmd/run");
  } catch {
    return undefined;
  }
}

/** The command line of `node` for one Run, as the Go host builds it (`constructArguments`). */
function runArguments(req: languagePb.RunRequest, engineAddress: string, runScript: string): string[] {
  const info = req.getInfo();
  const options = runtimeOptions(info);
  const args: string[] = [];
  if (typeof options.nodeargs === "string") args.push(...options.nodeargs.split(/\s+/).filter(Boolean));
  args.push(runScript, ...engineFlags(req, engineAddress, "node"));
  // The entry point is relative to the program directory; "." lets run.js read package.json's main.
  const programDir = info?.getProgramDirectory() || req.getPwd();
  const entry = info?.getEntryPoint() || req.getProgram() || ".";
  args.push(entry === "." ? "." : isAbsolute(entry) ? entry : join(programDir, entry));
  args.push(...req.getArgsList());
  return args;
}

/** The environment of one Run: config as the SDK reads it, TypeScript switches from Pulumi.yaml. */
function runEnvironment(req: languagePb.RunRequest): NodeJS.ProcessEnv {
  const options = runtimeOptions(req.getInfo());
  const env: NodeJS.ProcessEnv = { ...process.env, ...configEnvironment(req) };
  // As the Go host: TypeScript unless Pulumi.yaml says `typescript: false`.
  if (options.typescript !== false && options.typescript !== "false") env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  return env;
}

/** Runs the program through its own `@pulumi/pulumi/cmd/run`; resolves to the Run response the CLI expects. */
async function run(req: languagePb.RunRequest, engineAddress: string, cancel: AbortSignal): Promise<languagePb.RunResponse> {
  const programDir = programDirectory(req);
  const runScript = findRunScript(programDir);
  if (!runScript) {
    return new languagePb.RunResponse().setError(
      `It looks like the Pulumi SDK has not been installed in ${programDir}. Have you run npm install or yarn install?`,
    );
  }
  return runProgram(
    {
      command: process.execPath,
      args: runArguments(req, engineAddress, runScript),
      cwd: req.getPwd() || programDir,
      env: runEnvironment(req),
    },
    "Program",
    cancel,
  );
}

/**
 * `GetRequiredPackages`: every installed package whose package.json says `"pulumi": { "resource":
 * true }`, as the Go host reports them (`getPackagesFromDir`): name `pulumi.name`, else the package's
 * name without its scope; version `pulumi.version`, else the package's. Dynamic providers need none:
 * the CLI finds `pulumi-resource-pulumi-nodejs` on PATH.
 */
export function requiredPackages(info: languagePb.ProgramInfo | undefined): pluginPb.PackageDependency[] {
  const programDir = info?.getProgramDirectory() || process.cwd();
  const found = new Map<string, pluginPb.PackageDependency>();
  const visit = (modules: string) => {
    let names: string[];
    try {
      names = readdirSync(modules);
    } catch {
      return;
    }
    for (const name of names) {
      const dir = join(modules, name);
      if (name.startsWith("@")) {
        visit(dir);
        continue;
      }
      const pkgFile = join(dir, "package.json");
      if (!existsSync(pkgFile)) continue;
      try {
        const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
        if (pkg?.pulumi?.resource === true && typeof pkg.name === "string") {
          const plugin = String(pkg.pulumi.name ?? pkg.name.replace(/^@pulumi\//, "").replace(/^@/, ""));
          const version = String(pkg.pulumi.version ?? pkg.version ?? "");
          found.set(
            plugin,
            new pluginPb.PackageDependency()
              .setName(plugin)
              .setKind("resource")
              .setVersion(version.startsWith("v") ? version : `v${version}`)
              .setServer(pkg.pulumi.server ?? ""),
          );
        }
      } catch {
        // an unreadable package.json is not a plugin
      }
      if (statSync(dir).isDirectory()) visit(join(dir, "node_modules"));
    }
  };
  // Like Node's own resolution: the program's node_modules and every parent's (workspace layouts).
  for (let dir = resolve(programDir); ; dir = dirname(dir)) {
    visit(join(dir, "node_modules"));
    if (dirname(dir) === dir) break;
  }
  return [...found.values()];
}

if (require.main === module) {
  serveLanguageRuntime(
    {
      name: "pulumi-language-nodejs",
      version: HOST_VERSION,
      requiredPackages,
      run,
      about: () => ({ executable: process.execPath, version: process.version }),
    },
    process.argv.slice(2),
  );
}
