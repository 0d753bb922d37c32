/**
 * `pulumi-language-nodejs` in TypeScript: the Pulumi CLI's language host for Node.js programs.
 *
 * Why it exists: the Go module of the real host (`github.com/pulumi/pulumi/sdk/nodejs/cmd/
 * pulumi-language-nodejs/v3`) is not served by the module proxy this project can reach (403 "This
 * module version is not available"), while `pkg/v3` (the CLI) is. The host is small: it serves the
 * `LanguageRuntime` gRPC service from the SDK's own generated stubs and runs the program through the
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
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as languageGrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";

/** `@pulumi/pulumi/cmd/run/index.js`: exit code of a program that already reported its error. */
const EXIT_AFTER_REPORTED_ERROR = 32;

/** The host's own version, reported to the CLI (it prints it in `pulumi about`). */
const HOST_VERSION = "3.276.0-ts";

/** The program's runtime options from Pulumi.yaml (`runtime.options`). */
type RuntimeOptions = { typescript?: unknown; nodeargs?: unknown; tsconfig?: unknown };

/** Reads the `Struct` of runtime options of a request's program info. */
function runtimeOptions(info: languagePb.ProgramInfo | undefined): RuntimeOptions {
    return (info?.getOptions()?.toJavaScript() ?? {}) as RuntimeOptions;
}

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
    args.push(runScript);
    const flag = (name: string, value: string | number | undefined) => {
        if (value !== undefined && value !== "" && value !== 0) args.push(`--${name}`, String(value));
    };
    flag("monitor", req.getMonitorAddress());
    flag("engine", engineAddress);
    flag("organization", req.getOrganization());
    flag("project", req.getProject());
    flag("stack", req.getStack());
    flag("pwd", req.getPwd());
    if (req.getDryrun()) args.push("--dry-run");
    flag("parallel", req.getParallel());
    flag("root-directory", info?.getRootDirectory());
    // The entry point is relative to the program directory; "." lets run.js read package.json's main.
    const programDir = info?.getProgramDirectory() || req.getPwd();
    const entry = info?.getEntryPoint() || req.getProgram() || ".";
    args.push(entry === "." ? "." : isAbsolute(entry) ? entry : join(programDir, entry));
    args.push(...req.getArgsList());
    return args;
}

/** The environment of one Run: config as the SDK reads it, TypeScript switches from Pulumi.yaml. */
function runEnvironment(req: languagePb.RunRequest): NodeJS.ProcessEnv {
    const config: Record<string, string> = {};
    req.getConfigMap().forEach((value, key) => (config[key] = value));
    const options = runtimeOptions(req.getInfo());
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    };
    // As the Go host: TypeScript unless Pulumi.yaml says `typescript: false`.
    if (options.typescript !== false && options.typescript !== "false") env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    return env;
}

/** Programs running now, so a signal to the host reaches them instead of orphaning them. */
const running = new Set<ChildProcess>();

/** Runs the program to completion; resolves to the Run response the CLI expects. */
async function run(req: languagePb.RunRequest, engineAddress: string): Promise<languagePb.RunResponse> {
    const response = new languagePb.RunResponse();
    const programDir = req.getInfo()?.getProgramDirectory() || req.getPwd() || process.cwd();
    const runScript = findRunScript(programDir);
    if (!runScript) {
        return response.setError(
            `It looks like the Pulumi SDK has not been installed in ${programDir}. Have you run npm install or yarn install?`,
        );
    }
    const child = spawn(process.execPath, runArguments(req, engineAddress, runScript), {
        cwd: req.getPwd() || programDir,
        env: runEnvironment(req),
        // The CLI reads the host's stdout and stderr and shows them as the program's output.
        stdio: ["ignore", "inherit", "inherit"],
    });
    running.add(child);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => {
        child.on("error", () => done([null, null]));
        child.on("exit", (c, s) => done([c, s]));
    });
    running.delete(child);
    if (code === 0) return response;
    if (code === EXIT_AFTER_REPORTED_ERROR) return response.setBail(true);
    if (code !== null) return response.setError(`Program exited with non-zero exit code: ${code}`);
    return response.setError(signal ? `Program exited unexpectedly: killed by ${signal}` : `Problem executing program (could not run ${process.execPath})`);
}

/**
 * The resource plugins a program needs: every installed package whose package.json says
 * `"pulumi": { "resource": true }`, as the Go host reports them (`getPluginsFromDir`). Dynamic
 * providers need none: the CLI finds `pulumi-resource-pulumi-nodejs` on PATH.
 */
function requiredPlugins(programDir: string): pluginPb.PluginDependency[] {
    const found = new Map<string, pluginPb.PluginDependency>();
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
                    found.set(plugin, new pluginPb.PluginDependency().setName(plugin).setKind("resource").setVersion(version.startsWith("v") ? version : `v${version}`).setServer(pkg.pulumi.server ?? ""));
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

/** Wraps a promise-returning handler as a gRPC unary handler; errors become INTERNAL with their message. */
function unary<Req, Res>(handler: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
        Promise.resolve()
            .then(() => handler(call.request))
            .then(
                (res) => callback(null, res),
                (e: unknown) => callback({ code: grpc.status.INTERNAL, details: e instanceof Error ? e.message : String(e) }),
            );
    };
}

/** Starts the server, prints its port (the CLI's handshake), and stops the programs on a signal. */
function main(argv: readonly string[]): void {
    // Flags (`-tracing`, `-root`, `--logtostderr`, `-v=N`...) are accepted and ignored; the last
    // positional argument is the engine's address.
    const positional = argv.filter((a) => !a.startsWith("-"));
    const engineAddress = positional[positional.length - 1] ?? "";
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    // Methods left out answer UNIMPLEMENTED (grpc-js's default), which the CLI handles.
    server.addService(languageGrpc.LanguageRuntimeService, {
        getRequiredPlugins: unary((req: languagePb.GetRequiredPluginsRequest) =>
            new languagePb.GetRequiredPluginsResponse().setPluginsList(requiredPlugins(req.getInfo()?.getProgramDirectory() || req.getProgram() || process.cwd())),
        ),
        run: unary((req: languagePb.RunRequest) => run(req, engineAddress)),
        getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(HOST_VERSION)),
        about: unary(() => new languagePb.AboutResponse().setExecutable(process.execPath).setVersion(process.version)),
        getProgramDependencies: unary(() => new languagePb.GetProgramDependenciesResponse()),
        cancel: unary(() => new emptyPb.Empty()),
    } as Partial<languageGrpc.ILanguageRuntimeServer> as languageGrpc.ILanguageRuntimeServer);
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) {
            console.error(`pulumi-language-nodejs: could not listen: ${err.message}`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.on(signal, () => {
            for (const child of running) child.kill(signal);
            server.forceShutdown();
            process.exit(0);
        });
    }
}

main(process.argv.slice(2));
