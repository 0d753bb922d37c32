/**
 * What the TypeScript language hosts (`pulumi-language-nodejs`, `pulumi-language-python`) share:
 * the `LanguageRuntime` gRPC server and its handshake, the program's environment (config), and running
 * the program as a child process with the Go hosts' exit-code contract.
 *
 * Why TypeScript: the Go modules of the real hosts are not served by the module proxy this project
 * reaches (tools/README.md). Each host supplies only what differs by language: how to start the
 * program and which plugins it needs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as languageGrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";

/**
 * Exit code of a program that already reported its error through the engine (`@pulumi/pulumi`'s
 * `cmd/run` and the Python host's exec script both use 32): the CLI is told to `bail`, so it shows
 * nothing more.
 */
export const EXIT_AFTER_REPORTED_ERROR = 32;

/** The program's runtime options from Pulumi.yaml (`runtime.options`), as plain values. */
export function runtimeOptions(info: languagePb.ProgramInfo | undefined): Record<string, unknown> {
  return (info?.getOptions()?.toJavaScript() ?? {}) as Record<string, unknown>;
}

/** The program's folder: the request's program info, else its working directory. */
export function programDirectory(req: { getInfo(): languagePb.ProgramInfo | undefined; getPwd?(): string }): string {
  return req.getInfo()?.getProgramDirectory() || req.getPwd?.() || process.cwd();
}

/** The environment every SDK reads its config from: `PULUMI_CONFIG` and `PULUMI_CONFIG_SECRET_KEYS` (JSON). */
export function configEnvironment(req: languagePb.RunRequest): NodeJS.ProcessEnv {
  const config: Record<string, string> = {};
  req.getConfigMap().forEach((value, key) => (config[key] = value));
  return { PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()) };
}

/**
 * The engine's settings as a program runner's flags (`--monitor`, `--engine`, `--project`, …), the
 * same list for every language; only the spelling differs: Node's run.js takes `--dry-run` and
 * `--root-directory`, the Python exec script (argparse) `--dry_run true` and `--root_directory`.
 */
export function engineFlags(req: languagePb.RunRequest, engineAddress: string, style: "node" | "python"): string[] {
  const args: string[] = [];
  const sep = style === "node" ? "-" : "_";
  const flag = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "" && value !== 0) args.push(`--${name.replace("-", sep)}`, String(value));
  };
  flag("monitor", req.getMonitorAddress());
  flag("engine", engineAddress);
  flag("organization", req.getOrganization());
  flag("project", req.getProject());
  flag("stack", req.getStack());
  flag("pwd", req.getPwd());
  if (req.getDryrun()) args.push(...(style === "node" ? ["--dry-run"] : ["--dry_run", "true"]));
  flag("parallel", req.getParallel());
  flag("root-directory", req.getInfo()?.getRootDirectory());
  return args;
}

/** One program start: the executable, its arguments, working directory and environment. */
export type ProgramCommand = { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv };

/** Programs running now, so a signal to the host reaches them instead of orphaning them. */
const running = new Set<ChildProcess>();

/**
 * Runs the program to completion and turns its end into the Run response the CLI expects: 0 is
 * success, {@link EXIT_AFTER_REPORTED_ERROR} is `bail`, any other code "Program exited with non-zero
 * exit code: N" (the Go hosts' wording).
 */
export async function runProgram(program: ProgramCommand): Promise<languagePb.RunResponse> {
  const response = new languagePb.RunResponse();
  const child = spawn(program.command, program.args, {
    cwd: program.cwd,
    env: program.env,
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
  return response.setError(
    signal ? `Program exited unexpectedly: killed by ${signal}` : `Problem executing program (could not run ${program.command})`,
  );
}

/** What one language host supplies to {@link serveLanguageRuntime}. */
export type LanguageHost = {
  /** The plugin's name, for messages (`pulumi-language-nodejs`). */
  name: string;
  /** The host's version reported to the CLI (`pulumi about` prints it). */
  version: string;
  /** The resource plugins a program needs (`GetRequiredPlugins`). */
  requiredPlugins(programDir: string): pluginPb.PluginDependency[];
  /** Runs one program (`Run`); the engine's address is the host's last positional argument. */
  run(req: languagePb.RunRequest, engineAddress: string): Promise<languagePb.RunResponse>;
  /** The runtime's executable and version (`About`). */
  about(): { executable: string; version: string };
};

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

/**
 * How often a host checks that the engine is still there: the Go hosts' interval
 * (`rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel)` in their `main.go`).
 * `PULUMI_TS_HOST_HEALTH_INTERVAL_MS` shortens it for tests.
 */
export function engineHealthIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.PULUMI_TS_HOST_HEALTH_INTERVAL_MS);
  return Number.isFinite(given) && given > 0 ? given : 5 * 60 * 1000;
}

/**
 * Calls `grpc.health.v1.Health/Check` on the engine every `intervalMs`, as the Go hosts'
 * `rpcutil.Healthcheck` does, and calls `onGone` at the first failure other than UNIMPLEMENTED (an
 * engine without the health service is alive). Without it a host outlives a CLI killed with SIGKILL:
 * the CLI starts hosts in their own process groups, so nothing else stops them.
 * @returns a function that stops watching.
 */
export function watchEngine(engineAddress: string, intervalMs: number, onGone: () => void): () => void {
  const client = new grpc.Client(engineAddress, grpc.credentials.createInsecure());
  const empty = () => Buffer.alloc(0); // HealthCheckRequest{service: ""} encodes to no bytes
  const timer = setInterval(() => {
    client.makeUnaryRequest(
      "/grpc.health.v1.Health/Check",
      empty,
      (b: Buffer) => b,
      {},
      (err) => {
        if (err && err.code !== grpc.status.UNIMPLEMENTED) {
          stop();
          onGone();
        }
      },
    );
  }, intervalMs);
  const stop = () => {
    clearInterval(timer);
    client.close();
  };
  return stop;
}

/**
 * Starts the `LanguageRuntime` server, prints its port (the CLI's handshake: it reads the first line
 * of the host's stdout), and stops running programs on SIGINT/SIGTERM or when the engine is gone
 * ({@link watchEngine}). The CLI starts a host as `pulumi-language-<lang> [flags] <engine address>`
 * with the program's folder as working directory.
 */
export function serveLanguageRuntime(host: LanguageHost, argv: readonly string[]): void {
  // Flags (`-tracing`, `-root`, `--logtostderr`, `-v=N`...) are accepted and ignored; the last
  // positional argument is the engine's address.
  const positional = argv.filter((a) => !a.startsWith("-"));
  const engineAddress = positional[positional.length - 1] ?? "";
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // Methods left out (install, new, convert, package generation, debugging) answer UNIMPLEMENTED,
  // grpc-js's default, which the CLI handles.
  server.addService(languageGrpc.LanguageRuntimeService, {
    getRequiredPlugins: unary((req: languagePb.GetRequiredPluginsRequest) =>
      new languagePb.GetRequiredPluginsResponse().setPluginsList(
        host.requiredPlugins(req.getInfo()?.getProgramDirectory() || req.getProgram() || process.cwd()),
      ),
    ),
    run: unary((req: languagePb.RunRequest) => host.run(req, engineAddress)),
    getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(host.version)),
    about: unary(() => {
      const { executable, version } = host.about();
      return new languagePb.AboutResponse().setExecutable(executable).setVersion(version);
    }),
    getProgramDependencies: unary(() => new languagePb.GetProgramDependenciesResponse()),
    cancel: unary(() => new emptyPb.Empty()),
  } as Partial<languageGrpc.ILanguageRuntimeServer> as languageGrpc.ILanguageRuntimeServer);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      console.error(`${host.name}: could not listen: ${err.message}`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
  const stop = (signal: NodeJS.Signals) => {
    for (const child of running) child.kill(signal);
    server.forceShutdown();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop(signal));
  if (engineAddress) watchEngine(engineAddress, engineHealthIntervalMs(), () => stop("SIGTERM"));
}
