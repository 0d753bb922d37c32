/**
 * The real Pulumi CLI, built here from its Go module (see tools/README.md), and the environment
 * every run of it needs.
 *
 * `npm run pulumi:install` (this file run directly) builds `pulumi`, the language hosts and the
 * dynamic-provider shim into `.local/tools/pulumi-v<version>/bin` (git-ignored) and reuses that
 * folder while the pinned version and `tools/pulumi-cli/go.{mod,sum}` are unchanged.
 *
 * Other code imports it (stable API: {@link PULUMI_CLI_VERSION}, {@link findCli}, {@link cliEnv},
 * {@link CLI_REQUIRED_ENV}):
 *
 * ```ts
 * import { cliEnv, findCli } from "../scripts/pulumi-cli";
 * const cli = findCli();
 * if (!cli.found) throw new Error(cli.reason);
 * const env = cliEnv({ binDir: cli.binDir, stateDir: "/tmp/x", passphrase: "test" });
 * spawn(cli.pulumi, ["up", "--yes", "--stack", "dev"], { cwd: programDir, env });
 * ```
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { REPO_ROOT } from "./repo-root";

/** The repository root. */
const ROOT = REPO_ROOT;
/** The Go module that pins and builds the CLI. */
const MODULE_DIR = join(ROOT, "tools", "pulumi-cli");

/** Reads the pinned version: the `github.com/pulumi/pulumi/pkg/v3` requirement of tools/pulumi-cli/go.mod. */
function pinnedVersion(): string {
  const goMod = readFileSync(join(MODULE_DIR, "go.mod"), "utf8");
  const pkg = /^(?:require)?\s*github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)/m.exec(goMod)?.[1];
  const sdk = /^(?:require)?\s*github\.com\/pulumi\/pulumi\/sdk\/v3 v(\S+)/m.exec(goMod)?.[1];
  if (!pkg) throw new Error(`${MODULE_DIR}/go.mod: no github.com/pulumi/pulumi/pkg/v3 requirement`);
  // sdk/v3 is an indirect requirement that `go mod tidy` writes; a different version would build
  // a CLI out of two releases.
  if (sdk && sdk !== pkg) throw new Error(`${MODULE_DIR}/go.mod: pkg/v3 is v${pkg} but sdk/v3 is v${sdk}; require both at one version`);
  return pkg;
}

/** The Pulumi CLI version this project builds and tests with (pinned once, in tools/pulumi-cli/go.mod). */
export const PULUMI_CLI_VERSION = pinnedVersion();

/** Where the built CLI lives: `.local/tools/pulumi-v<version>` (git-ignored). */
export const CLI_DIR = join(ROOT, ".local", "tools", `pulumi-v${PULUMI_CLI_VERSION}`);

/** Its `bin` folder: `pulumi`, `pulumi-language-nodejs`, `pulumi-language-yaml`, `pulumi-resource-pulumi-nodejs`. */
export const CLI_BIN_DIR = join(CLI_DIR, "bin");

/**
 * Set to `1` (CI does) to make a missing CLI an error wherever a real-CLI run was asked for,
 * instead of a skipped suite or the local engine.
 */
export const CLI_REQUIRED_ENV = "PULUMI_CLI_REQUIRED";

/** Record of a finished build, kept beside `bin/`: each part is reused only while its key matches. */
type BuildStamp = {
  key: string;
  version: string;
  seconds: number;
  builtAt: string;
  yaml?: { key: string; seconds: number };
  /** The SDK generator (`pulumi-gen-sdk`, tools/pulumi-cli/cmd/gen-sdk): its key adds the command's source. */
  genSdk?: { key: string; seconds: number };
};
const STAMP = join(CLI_DIR, "build.json");

/** The Go module of the optional YAML language host (its own pkg/v3 version; see tools/README.md). */
const YAML_MODULE_DIR = join(ROOT, "tools", "pulumi-yaml");

/** A module's cache key: the pinned version and the exact dependency set (go.mod and go.sum), plus any extra files. */
function cacheKey(moduleDir = MODULE_DIR, extraFiles: string[] = []): string {
  const hash = createHash("sha256");
  for (const f of ["go.mod", "go.sum", ...extraFiles]) hash.update(readFileSync(join(moduleDir, f)));
  return `v${PULUMI_CLI_VERSION}-${hash.digest("hex").slice(0, 16)}`;
}

/** The SDK generator's source (a command of the CLI's module; see tools/README.md). */
const GEN_SDK_SOURCE = join("cmd", "gen-sdk", "main.go");
/** The SDK generator's cache key: the CLI module's, plus its own source. */
const genSdkKey = () => cacheKey(MODULE_DIR, [GEN_SDK_SOURCE]);

/** The provider plugin's schema, the input of the generated SDKs. */
const PLUGIN_SCHEMA = join(ROOT, "provider", "plugin", "schema.json");
/** Where the generated SDKs go (git-ignored): `python/` and `nodejs/`. Generated code stays out of git. */
export const SDK_DIR = join(ROOT, ".local", "sdk");

/**
 * The `pulumi` Python SDK installed for Python programs. It would match the CLI (3.276.0), but the
 * newest stable release PyPI serves here is 3.272.0 (3.273.0 only as pre-releases); the SDK talks to
 * the engine over gRPC, so a few minor versions apart is fine (the CLI supports older SDKs).
 */
export const PYTHON_SDK_VERSION = "3.272.0";

/** The Python that builds the virtualenv: `PULUMI_PYTHON_CMD`, else `python3` (as the language host chooses). */
const pythonCommand = () => process.env.PULUMI_PYTHON_CMD || "python3";

/** The Python version (`3.11.7`), or undefined when there is no Python. */
function pythonVersion(): string | undefined {
  const r = spawnSync(pythonCommand(), ["-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The virtualenv for Python programs, keyed by the Python and SDK versions: `.local/python/venv-py<x.y.z>-pulumi<v>`. */
function pythonVenvDir(python: string): string {
  return join(ROOT, ".local", "python", `venv-py${python}-pulumi${PYTHON_SDK_VERSION}`);
}

/** Record kept in the virtualenv: which schema's generated SDK is installed in it. */
const VENV_STAMP = "webex-wholesale-sdk.json";

function readStamp(): BuildStamp | undefined {
  try {
    return JSON.parse(readFileSync(STAMP, "utf8")) as BuildStamp;
  } catch {
    return undefined;
  }
}

/** Where the CLI is, or why it is not usable. */
export type CliLocation =
  /**
   * `yamlHost`: whether `pulumi-language-yaml` was built too (`npm run pulumi:install -- --yaml`).
   * `genSdk`: the SDK generator, when built. `pythonVenv`: the virtualenv with the `pulumi` SDK and the
   * generated `pulumi_webex_wholesale` of the current schema (`-- --python`), when ready.
   */
  | { found: true; binDir: string; pulumi: string; version: string; yamlHost: boolean; genSdk?: string; pythonVenv?: string }
  | { found: false; reason: string };

/**
 * Finds the built CLI. It counts only when its build record matches the pinned version and
 * go.sum (a stale build is "not found", with the command that fixes it).
 */
export function findCli(): CliLocation {
  const pulumi = join(CLI_BIN_DIR, "pulumi");
  const stamp = readStamp();
  if (!existsSync(pulumi) || !stamp) {
    return { found: false, reason: `no built Pulumi CLI in ${show(CLI_BIN_DIR)}; run \`npm run pulumi:install\` (needs Go >= 1.26.6)` };
  }
  if (stamp.key !== cacheKey()) {
    return {
      found: false,
      reason: `the Pulumi CLI in ${show(CLI_BIN_DIR)} was built from another tools/pulumi-cli/go.sum; run \`npm run pulumi:install\``,
    };
  }
  const yamlHost = stamp.yaml?.key === cacheKey(YAML_MODULE_DIR) && existsSync(join(CLI_BIN_DIR, "pulumi-language-yaml"));
  const genSdk =
    stamp.genSdk?.key === genSdkKey() && existsSync(join(CLI_BIN_DIR, "pulumi-gen-sdk")) ? join(CLI_BIN_DIR, "pulumi-gen-sdk") : undefined;
  return { found: true, binDir: CLI_BIN_DIR, pulumi, version: PULUMI_CLI_VERSION, yamlHost, genSdk, pythonVenv: readyPythonVenv() };
}

/** The schema's hash: a virtualenv holds the generated SDK of one schema. */
const schemaHash = () => createHash("sha256").update(readFileSync(PLUGIN_SCHEMA)).digest("hex").slice(0, 16);

/** The virtualenv for Python programs when it exists and holds the current schema's SDK. */
function readyPythonVenv(): string | undefined {
  const python = pythonVersion();
  if (!python) return undefined;
  const venv = pythonVenvDir(python);
  try {
    const stamp = JSON.parse(readFileSync(join(venv, VENV_STAMP), "utf8")) as { schema: string };
    return stamp.schema === schemaHash() && existsSync(join(venv, "bin", "python")) ? venv : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Generates the Python and Node.js SDKs of the provider plugin's schema into `outDir` (default
 * {@link SDK_DIR}) with the built `pulumi-gen-sdk`: the codegen of `pulumi package gen-sdk`, called
 * directly (the language plugins that would run it are not available; tools/README.md).
 */
export function generateSdks(genSdk: string, outDir = SDK_DIR): { seconds: number; output: string } {
  const t0 = Date.now();
  const r = spawnSync(genSdk, [PLUGIN_SCHEMA, outDir, "python", "nodejs"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pulumi-gen-sdk failed: ${r.stderr || r.stdout || r.error?.message}`);
  return { seconds: Number(since(t0)), output: r.stdout.trim() };
}

/** Runs `python -m pip …` of a virtualenv, quietly; throws with pip's output on failure. */
function pip(venv: string, args: string[]): void {
  const r = spawnSync(join(venv, "bin", "python"), ["-m", "pip", "--disable-pip-version-check", "--no-input", "-q", ...args], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`pip ${args.join(" ")} failed:\n${(r.stderr || r.stdout).slice(-3000)}`);
}

/**
 * The virtualenv Python programs run in: created once per Python and SDK version with `pulumi` (and
 * setuptools/wheel, to build the generated SDK without fetching a build environment) from PyPI, then
 * the generated `pulumi_webex_wholesale` is (re)installed whenever the schema changed.
 */
function ensurePythonVenv(sdkDir: string, log: (line: string) => void): string {
  const python = pythonVersion();
  if (!python) throw new Error(`no Python (\`${pythonCommand()}\` did not run): install Python >= 3.9, or set PULUMI_PYTHON_CMD`);
  const venv = pythonVenvDir(python);
  if (!existsSync(join(venv, "bin", "python"))) {
    const t0 = Date.now();
    log(`Python virtualenv ${show(venv)}: pulumi==${PYTHON_SDK_VERSION} from PyPI`);
    const tmp = `${venv}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(dirname(venv), { recursive: true });
    const made = spawnSync(pythonCommand(), ["-m", "venv", tmp], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`python -m venv failed: ${made.stderr}`);
    try {
      pip(tmp, ["install", `pulumi==${PYTHON_SDK_VERSION}`, "setuptools>=61", "wheel"]);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    // Built under a temporary name and renamed, so an interrupted install never looks done. Its
    // console scripts keep the temporary path in their shebang; everything here runs `bin/python -m`.
    renameSync(tmp, venv);
    log(`  done (${since(t0)} s)`);
  }
  if (readyPythonVenv() !== venv) {
    const t0 = Date.now();
    pip(venv, ["install", "--no-deps", "--no-build-isolation", "--force-reinstall", join(sdkDir, "python")]);
    writeFileSync(join(venv, VENV_STAMP), `${JSON.stringify({ schema: schemaHash() })}\n`);
    log(`  generated SDK pulumi_webex_wholesale installed into it (${since(t0)} s)`);
  }
  return venv;
}

/** What {@link cliEnv} needs. */
export type CliEnvOptions = {
  /** The CLI's bin folder ({@link findCli}'s `binDir`); first on PATH so its hosts and shim are found. */
  binDir: string;
  /** A folder of the caller's: `PULUMI_HOME` is `<stateDir>/home`, the file backend `<stateDir>/backend`. */
  stateDir: string;
  /** The secrets passphrase; default `PULUMI_CONFIG_PASSPHRASE` from the environment, required one way or the other. */
  passphrase?: string;
  /** The environment to start from (default `process.env`). */
  base?: NodeJS.ProcessEnv;
};

/**
 * The environment of an offline-safe CLI run: the built CLI first on PATH, no update check, no
 * plugin download, `PULUMI_HOME` and a `file://` backend under `stateDir`, the passphrase, and no
 * ambient Pulumi Cloud token or backend from the caller's shell.
 */
export function cliEnv(options: CliEnvOptions): NodeJS.ProcessEnv {
  const base = options.base ?? process.env;
  const passphrase = options.passphrase ?? base.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined) throw new Error("cliEnv: no passphrase (pass one, or set PULUMI_CONFIG_PASSPHRASE)");
  const home = join(options.stateDir, "home");
  const backend = join(options.stateDir, "backend");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...base };
  // A Cloud token, a passphrase file or another backend from the shell would change where state goes.
  for (const k of [
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "PULUMI_BACKEND_URL",
    "PULUMI_DEBUG_LANGUAGES",
    "PULUMI_DEBUG_PROVIDERS",
  ])
    delete env[k];
  return {
    ...env,
    PATH: [options.binDir, base.PATH ?? ""].filter(Boolean).join(delimiter),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
}

/** `path` relative to the repository, as a person would type it. */
const show = (path: string) => relative(ROOT, path) || ".";

/** Seconds since `t0`, one decimal. */
const since = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);

/** The Go toolchain's version, or undefined when `go` is not on PATH. */
function goVersion(): string | undefined {
  const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * `go build` of one command into `out`, printing a progress line at most every 20 s (the cold build
 * compiles about a thousand packages and takes many minutes on two cores).
 */
function goBuild(moduleDir: string, pkg: string, out: string, log: (line: string) => void): Promise<{ ok: boolean; output: string }> {
  // The version stamp matters: plugins and the CLI check it (e.g. "CLI >= 3.139" for stack config).
  const ldflags =
    moduleDir === MODULE_DIR ? `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_CLI_VERSION}` : "-s -w";
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn("go", ["build", "-v", "-trimpath", "-ldflags", ldflags, "-o", out, pkg], {
      cwd: moduleDir,
      // -mod=readonly: the pinned go.mod/go.sum are the whole truth; GOTOOLCHAIN=local: never
      // download a toolchain; GOFLAGS from the caller would change what is built.
      env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let packages = 0;
    let output = "";
    let lastReport = Date.now();
    const onData = (d: Buffer) => {
      const text = d.toString();
      output = (output + text).slice(-20_000);
      packages += text.split("\n").filter((l) => /^[\w.-]+(\/[\w.~-]+)+$/.test(l.trim())).length;
      if (Date.now() - lastReport >= 20_000) {
        lastReport = Date.now();
        log(`  ... ${packages} packages compiled so far (${since(t0)} s)`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (e) => done({ ok: false, output: e.message }));
    child.on("close", (code) => done({ ok: code === 0, output }));
  });
}

/** The shim the CLI runs for dynamic providers: the program's own `@pulumi/pulumi/cmd/dynamic-provider`. */
const DYNAMIC_PROVIDER_SHIM = `#!/bin/sh
# pulumi-resource-pulumi-nodejs: the CLI starts it with the program's folder as working directory.
# It runs the program's own @pulumi/pulumi dynamic-provider host, resolved the way Node resolves it
# (so a workspace's hoisted node_modules works too). Written by scripts/pulumi-cli.ts.
script=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }))' 2>/dev/null)
if [ -z "$script" ]; then
    echo "pulumi-resource-pulumi-nodejs: @pulumi/pulumi is not installed in $(pwd) or its parents; run npm install there" >&2
    exit 1
fi
exec node "$script" "$@"
`;

/** A TypeScript language host's launcher: the host, transpiled into `lib/` beside it. */
const hostLauncher = (language: string) => `#!/bin/sh
# pulumi-language-${language}: see tools/pulumi-cli/${language}-language-host.ts. Written by scripts/pulumi-cli.ts.
exec node "$(dirname "$0")/lib/tools/pulumi-cli/${language}-language-host.js" "$@"
`;

/**
 * The TypeScript the hosts run, by path in the repository: transpiled into `bin/lib/<same path>`, so
 * their relative imports (the engine-gone guard shared with the provider) resolve there as here.
 */
const HOST_SOURCES = [
  "tools/pulumi-cli/language-host.ts",
  "tools/pulumi-cli/nodejs-language-host.ts",
  "tools/pulumi-cli/python-language-host.ts",
  "provider/resources/common/engine-gone.ts",
];

/**
 * The real `pulumi-language-python-exec` of the pinned `sdk/v3` module, in the Go module cache (the
 * CLI's build downloaded it): `go list -m` in tools/pulumi-cli names the folder of exactly the version
 * go.mod pins. Never copied into the repository; a Pulumi release ships it beside its Python host.
 */
function pythonExecScript(): string {
  const r = spawnSync("go", ["list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi/sdk/v3"], {
    cwd: MODULE_DIR,
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
  });
  const script = join(r.stdout?.trim() ?? "", "python", "cmd", "pulumi-language-python-exec");
  if (r.status !== 0 || !existsSync(script)) {
    throw new Error(
      `cannot find pulumi-language-python-exec of github.com/pulumi/pulumi/sdk/v3 in the Go module cache (${(r.stderr || script).trim()}); ` +
        "run `go mod download github.com/pulumi/pulumi/sdk/v3` in tools/pulumi-cli, then `npm run pulumi:install` again",
    );
  }
  return script;
}

/**
 * Writes the parts that are not Go into `binDir`: the Node and Python language hosts (transpiled with
 * their shared modules, a second), the real `pulumi-language-python-exec` from the Go module cache and
 * the dynamic-provider shim. Always rewritten, so an edit of a host takes effect without a Go build.
 */
function writeNodeParts(binDir: string): void {
  // Loaded lazily: only the install needs the compiler.
  const ts = require("typescript") as typeof import("typescript");
  rmSync(join(binDir, "lib"), { recursive: true, force: true });
  for (const file of HOST_SOURCES) {
    const js = ts.transpileModule(readFileSync(join(ROOT, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    }).outputText;
    mkdirSync(dirname(join(binDir, "lib", file)), { recursive: true });
    writeFileSync(join(binDir, "lib", file.replace(/\.ts$/, ".js")), js);
  }
  for (const [name, text] of [
    ["pulumi-language-nodejs", hostLauncher("nodejs")],
    ["pulumi-language-python", hostLauncher("python")],
    ["pulumi-language-python-exec", readFileSync(pythonExecScript(), "utf8")],
    ["pulumi-resource-pulumi-nodejs", DYNAMIC_PROVIDER_SHIM],
  ] as const) {
    writeFileSync(join(binDir, name), text);
    chmodSync(join(binDir, name), 0o755);
  }
}

/** What {@link installCli} did. */
export type InstallResult = { binDir: string; built: boolean; seconds: number; pythonVenv?: string };

/** Options of {@link installCli}. */
export type InstallOptions = {
  /** Also build the YAML language host (for YAML programs; this package's programs do not need it). */
  yaml?: boolean;
  /**
   * Also generate the SDKs into {@link SDK_DIR} and make the virtualenv for Python programs (the
   * `pulumi` SDK from PyPI and the generated `pulumi_webex_wholesale`).
   */
  python?: boolean;
  /** Progress lines (default `console.log`). */
  log?: (line: string) => void;
};

/**
 * Builds the CLI into {@link CLI_DIR} unless a build with the same key is there (and the YAML host,
 * when asked, the same way). A CLI build goes to a temporary folder renamed into place at the end,
 * so an interrupted build never looks finished. Throws with what to do when Go is missing or a
 * build fails.
 */
export async function installCli(options: InstallOptions = {}): Promise<InstallResult> {
  const log = options.log ?? console.log;
  const t0 = Date.now();
  const key = cacheKey();
  let stamp = readStamp();
  const cliReusable = stamp?.key === key && existsSync(join(CLI_BIN_DIR, "pulumi"));
  const yamlKey = options.yaml ? cacheKey(YAML_MODULE_DIR) : undefined;
  const yamlReusable =
    !options.yaml || (cliReusable && stamp?.yaml?.key === yamlKey && existsSync(join(CLI_BIN_DIR, "pulumi-language-yaml")));
  if (cliReusable && stamp)
    log(`Pulumi CLI v${PULUMI_CLI_VERSION}: reusing ${show(CLI_BIN_DIR)} (built ${stamp.builtAt} in ${stamp.seconds} s; key ${key})`);
  const genSdkReusable = cliReusable && stamp?.genSdk?.key === genSdkKey() && existsSync(join(CLI_BIN_DIR, "pulumi-gen-sdk"));
  if (cliReusable && yamlReusable && genSdkReusable) {
    writeNodeParts(CLI_BIN_DIR);
    const pythonVenv = options.python ? installPython(join(CLI_BIN_DIR, "pulumi-gen-sdk"), log) : undefined;
    return { binDir: CLI_BIN_DIR, built: false, seconds: Number(since(t0)), pythonVenv };
  }
  const go = goVersion();
  if (!go) {
    throw new Error(
      "Go is not installed (no `go` on PATH). The real Pulumi CLI is built from its Go module here: install Go >= 1.26.6 " +
        "(https://go.dev/dl, or your system's package manager), then run `npm run pulumi:install` again. " +
        "Until then `npm start` uses the local engine and `npm test` skips the real-CLI suite.",
    );
  }
  if (!cliReusable) {
    log(`Building the Pulumi CLI v${PULUMI_CLI_VERSION} with ${go} into ${show(CLI_BIN_DIR)} (key ${key}).`);
    log(
      "A first build downloads Go modules and compiles about a thousand packages: about 15 minutes on 2 busy cores; later builds reuse Go's cache.",
    );
    const tmp = `${CLI_DIR}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, "bin"), { recursive: true });
    try {
      log("pulumi (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)");
      const cli = await goBuild(MODULE_DIR, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", join(tmp, "bin", "pulumi"), log);
      if (!cli.ok) throw new Error(`go build of the Pulumi CLI failed:\n${cli.output.slice(-4000)}`);
      log(`  done (${since(t0)} s)`);
      stamp = { key, version: PULUMI_CLI_VERSION, seconds: Number(since(t0)), builtAt: new Date().toISOString() };
      writeFileSync(join(tmp, "build.json"), `${JSON.stringify(stamp, null, 2)}\n`);
      rmSync(CLI_DIR, { recursive: true, force: true });
      renameSync(tmp, CLI_DIR);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (!yamlReusable && stamp && yamlKey) {
    const t1 = Date.now();
    log("pulumi-language-yaml (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml, module tools/pulumi-yaml)");
    const out = join(CLI_BIN_DIR, "pulumi-language-yaml");
    const yaml = await goBuild(YAML_MODULE_DIR, "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml", `${out}.tmp`, log);
    if (!yaml.ok) throw new Error(`go build of the YAML language host failed:\n${yaml.output.slice(-4000)}`);
    renameSync(`${out}.tmp`, out);
    stamp = { ...stamp, yaml: { key: yamlKey, seconds: Number(since(t1)) } };
    writeFileSync(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`  done (${since(t1)} s)`);
  }
  if (stamp && stamp.genSdk?.key !== genSdkKey()) {
    const t1 = Date.now();
    log("pulumi-gen-sdk (tools/pulumi-cli/cmd/gen-sdk: pkg/v3's codegen for Python and Node.js)");
    const out = join(CLI_BIN_DIR, "pulumi-gen-sdk");
    const gen = await goBuild(MODULE_DIR, "./cmd/gen-sdk", `${out}.tmp`, log);
    if (!gen.ok) throw new Error(`go build of the SDK generator failed:\n${gen.output.slice(-4000)}`);
    renameSync(`${out}.tmp`, out);
    stamp = { ...stamp, genSdk: { key: genSdkKey(), seconds: Number(since(t1)) } };
    writeFileSync(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`  done (${since(t1)} s)`);
  }
  writeNodeParts(CLI_BIN_DIR);
  const pythonVenv = options.python ? installPython(join(CLI_BIN_DIR, "pulumi-gen-sdk"), log) : undefined;
  log(`Pulumi CLI v${PULUMI_CLI_VERSION} ready in ${since(t0)} s: ${show(CLI_BIN_DIR)}`);
  return { binDir: CLI_BIN_DIR, built: true, seconds: Number(since(t0)), pythonVenv };
}

/** Generates the SDKs into {@link SDK_DIR} and readies the Python virtualenv; returns the virtualenv. */
function installPython(genSdk: string, log: (line: string) => void): string {
  const gen = generateSdks(genSdk);
  log(`SDKs generated in ${gen.seconds} s: ${show(SDK_DIR)}/{python,nodejs}`);
  const venv = ensurePythonVenv(SDK_DIR, log);
  log(`Python programs: set \`runtime.options.virtualenv: ${venv}\` in their Pulumi.yaml`);
  return venv;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const unknown = argv.filter((a) => a !== "--yaml" && a !== "--python");
  if (unknown.length) {
    console.error(`pulumi:install: unexpected argument ${unknown[0]}\nusage: npm run pulumi:install [-- --yaml] [--python]`);
    process.exit(2);
  }
  installCli({ yaml: argv.includes("--yaml"), python: argv.includes("--python") }).then(
    (r) => {
      const check = spawnSync(join(r.binDir, "pulumi"), ["version"], {
        encoding: "utf8",
        env: cliEnv({ binDir: r.binDir, stateDir: join(CLI_DIR, "state"), passphrase: "" }),
      });
      console.log(`\`pulumi version\`: ${check.stdout.trim() || check.stderr.trim()}`);
      if (check.status !== 0) process.exitCode = 1;
    },
    (e: Error) => {
      console.error(`pulumi:install: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
