/**
 * What the TypeScript language hosts (`pulumi-language-nodejs`, `pulumi-language-python`) share:
 * the `LanguageRuntime` gRPC server and its handshake, the program's environment (config), and running
 * the program as a child process with the Go hosts' exit-code contract, its cancellation (SIGINT,
 * then SIGKILL after 5 s) and their health check of the engine.
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
// Shared with the provider processes; scripts/pulumi-cli.ts transpiles it beside the hosts, same relative path.
import { probeEngine, watchEngine } from "../../provider/resources/common/engine-gone";

/**
 * Exit code of a program that already reported its error through the engine (`@pulumi/pulumi`'s
 * `cmd/run` and `pulumi-language-python-exec` both use 32): the CLI is told to `bail`, so it shows
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
  // Node's run.js takes a bare `--dry-run`; the Python exec script always gets `--dry_run true|false`.
  if (style === "python") args.push("--dry_run", String(req.getDryrun()));
  else if (req.getDryrun()) args.push("--dry-run");
  // Always given, 0 included, as the Go hosts do (`strconv.Itoa`); the Python exec script needs it (`int(args.parallel)`).
  args.push("--parallel", String(req.getParallel()));
  flag("root-directory", req.getInfo()?.getRootDirectory());
  return args;
}

/** One program start: the executable, its arguments, working directory and environment. */
export type ProgramCommand = { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv };

/**
 * How a host words a failed run: the Go Node host capitalises ("Program exited with non-zero exit
 * code: 1"), the Go Python host does not ("program exited with non-zero exit code: 1").
 */
export type Wording = "Program" | "program";

/** Programs running now, so a signal to the host reaches them instead of orphaning them. */
const running = new Set<ChildProcess>();

/** How long an interrupted program has before it is killed: the Go hosts' `cmd.WaitDelay`. */
export const INTERRUPT_GRACE_MS = 5_000;

/** SIGINT now, SIGKILL after {@link INTERRUPT_GRACE_MS} if the program is still there (the Go hosts' `cmd.Cancel`). */
function interrupt(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), INTERRUPT_GRACE_MS);
  timer.unref();
  child.once("exit", () => clearTimeout(timer));
}

/**
 * Runs the program to completion and turns its end into the Run response the CLI expects, as the Go
 * hosts do: 0 is success, {@link EXIT_AFTER_REPORTED_ERROR} is `bail`, any other code "… exited with
 * non-zero exit code: N" (a signal is -1, Go's `ExitCode()` of a signalled process). When `cancel`
 * fires (the `Cancel` RPC, or the engine abandoning the Run call) the program gets SIGINT, then
 * SIGKILL 5 s later.
 */
export async function runProgram(program: ProgramCommand, wording: Wording, cancel: AbortSignal): Promise<languagePb.RunResponse> {
  const response = new languagePb.RunResponse();
  const problem = (why: string) =>
    response.setError(`${wording === "Program" ? "Problem" : "problem"} executing program (could not run language executor): ${why}`);
  // As Go's exec.CommandContext with a context already cancelled: the program is not started.
  if (cancel.aborted) return problem("context canceled");
  const child = spawn(program.command, program.args, {
    cwd: program.cwd,
    env: program.env,
    // The CLI reads the host's stdout and stderr and shows them as the program's output.
    stdio: ["ignore", "inherit", "inherit"],
  });
  running.add(child);
  const onCancel = () => interrupt(child);
  cancel.addEventListener("abort", onCancel);
  const [code, error] = await new Promise<[number | null, Error | undefined]>((done) => {
    child.on("error", (e) => done([null, e]));
    child.on("exit", (c) => done([c ?? -1, undefined]));
  });
  cancel.removeEventListener("abort", onCancel);
  running.delete(child);
  if (error) return problem(error.message);
  if (code === 0) return response;
  if (code === EXIT_AFTER_REPORTED_ERROR) return response.setBail(true);
  return response.setError(`${wording} exited with non-zero exit code: ${code}`);
}

/** What one language host supplies to {@link serveLanguageRuntime}. */
export type LanguageHost = {
  /** The plugin's name, for messages (`pulumi-language-nodejs`). */
  name: string;
  /** The host's version reported to the CLI (`pulumi about` prints it). */
  version: string;
  /** The packages (resource plugins) a program needs (`GetRequiredPackages`). */
  requiredPackages(info: languagePb.ProgramInfo | undefined): Promise<pluginPb.PackageDependency[]> | pluginPb.PackageDependency[];
  /**
   * Runs one program (`Run`); the engine's address is the host's last positional argument. `cancel`
   * fires on the `Cancel` RPC or when the engine abandons the call; pass it to {@link runProgram}.
   */
  run(req: languagePb.RunRequest, engineAddress: string, cancel: AbortSignal): Promise<languagePb.RunResponse>;
  /** The runtime's executable and version (`About`). */
  about(): { executable: string; version: string };
};

/** Wraps a promise-returning handler as a gRPC unary handler; errors become INTERNAL with their message. */
function unary<Req, Res>(handler: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request, call))
      .then(
        (res) => callback(null, res),
        (e: unknown) => callback({ code: grpc.status.INTERNAL, details: e instanceof Error ? e.message : String(e) }),
      );
  };
}

/**
 * How often a host probes the engine: the Go hosts' interval (`rpcutil.Healthcheck(ctx,
 * engineAddress, 5*time.Minute, cancel)` in their `main.go`). A host also probes at once whenever a
 * Run ends, so a killed CLI does not leave it waiting for the next tick.
 */
export const ENGINE_HEALTH_INTERVAL_MS = 5 * 60 * 1000;

/** The host's command line: flags it reads, and the engine's address (the last positional argument). */
export type HostArguments = { engineAddress: string; healthIntervalMs: number };

/**
 * Reads the host's command line. Flags the CLI passes (`-tracing`, `-root`, `--logtostderr`, `-v=N`)
 * are accepted and ignored; `--engine-health-interval-ms=N` (ours, for tests that start a host
 * against a stand-in engine) shortens the health probe's interval.
 */
export function parseHostArguments(argv: readonly string[]): HostArguments {
  const positional = argv.filter((a) => !a.startsWith("-"));
  const given = argv.find((a) => a.startsWith("--engine-health-interval-ms="));
  const interval = given ? Number(given.split("=")[1]) : NaN;
  return {
    engineAddress: positional[positional.length - 1] ?? "",
    healthIntervalMs: Number.isFinite(interval) && interval > 0 ? interval : ENGINE_HEALTH_INTERVAL_MS,
  };
}

/**
 * Starts the `LanguageRuntime` server, prints its port (the CLI's handshake: it reads the first line
 * of the host's stdout), and stops running programs on SIGINT/SIGTERM or when the engine is gone.
 * The CLI starts a host as `pulumi-language-<lang> [flags] <engine address>` with the program's
 * folder as working directory.
 */
export function serveLanguageRuntime(host: LanguageHost, argv: readonly string[]): void {
  const { engineAddress, healthIntervalMs } = parseHostArguments(argv);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // `Cancel` cancels every Run, now and later, as the Go hosts' host-wide cancel context does.
  const cancelled = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    for (const child of running) child.kill(signal);
    server.forceShutdown();
    process.exit(0);
  };
  // Methods left out (install, new, convert, package generation, debugging) answer UNIMPLEMENTED,
  // grpc-js's default, which the CLI handles. GetRequiredPlugins too: the Go hosts answer
  // UNIMPLEMENTED and the CLI asks GetRequiredPackages.
  server.addService(languageGrpc.LanguageRuntimeService, {
    getRequiredPackages: unary(async (req: languagePb.GetRequiredPackagesRequest) =>
      new languagePb.GetRequiredPackagesResponse().setPackagesList(await host.requiredPackages(req.getInfo())),
    ),
    run: unary(async (req: languagePb.RunRequest, call) => {
      const run = new AbortController();
      const abandon = () => run.abort();
      call.on("cancelled", abandon);
      if (cancelled.signal.aborted) abandon();
      else cancelled.signal.addEventListener("abort", abandon);
      try {
        return await host.run(req, engineAddress, run.signal);
      } finally {
        cancelled.signal.removeEventListener("abort", abandon);
        // A Run that ends because the CLI died (its program lost the engine) is the moment to look.
        if (engineAddress) void probeEngine(engineAddress).then((health) => health === "gone" && stop("SIGTERM"));
      }
    }),
    getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(host.version)),
    about: unary(() => {
      const { executable, version } = host.about();
      return new languagePb.AboutResponse().setExecutable(executable).setVersion(version);
    }),
    getProgramDependencies: unary(() => new languagePb.GetProgramDependenciesResponse()),
    cancel: unary(() => {
      cancelled.abort();
      return new emptyPb.Empty();
    }),
  } as Partial<languageGrpc.ILanguageRuntimeServer> as languageGrpc.ILanguageRuntimeServer);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      console.error(`${host.name}: could not listen: ${err.message}`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop(signal));
  if (engineAddress) watchEngine(engineAddress, healthIntervalMs, () => stop("SIGTERM"));
}
