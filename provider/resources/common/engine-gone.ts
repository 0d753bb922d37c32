/**
 * Stops a provider process once the Pulumi engine that started it is gone.
 *
 * Why: the CLI starts every plugin in its own process group with pipes for stdin, stdout and stderr.
 * When the CLI itself is killed (SIGKILL, as a CI runner does to a cancelled job) nothing signals
 * its plugins. The SDK's `cmd/dynamic-provider` then lives on, and the next progress line our
 * provider prints fails with EPIPE; the SDK's `uncaughtException` handler logs that error to the same
 * broken stderr, which fails again, and the process spins (45 % CPU and 3.8 GB of RSS after 15
 * minutes, issue 26). Two guards, as the Go plugins and language hosts have:
 * - a write to a closed stdout/stderr (EPIPE, a destroyed stream) ends the process quietly, before
 *   any handler can log about it;
 * - the engine's address is probed with `grpc.health.v1.Health/Check`, as `rpcutil.Healthcheck` does
 *   (sdk/go/common/util/rpcutil/health.go); any failure but UNIMPLEMENTED means the engine is gone.
 *
 * The probe speaks HTTP/2 through `node:http2` rather than a gRPC library, so this module has no
 * dependency: it runs unchanged inside the SDK's dynamic-provider process (where the package's
 * dependencies are whatever the user's program installed), in the plugin and in the language hosts
 * of tools/pulumi-cli.
 */
import * as http2 from "node:http2";

/** Whether `e` is the error of a write to a pipe or stream whose reader is gone. */
export function isBrokenPipe(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END";
}

/** What one health probe found: the engine answered (or is too busy to), or it is gone. */
export type EngineHealth = "alive" | "gone";

/** gRPC status codes the probe distinguishes (google.golang.org/grpc/codes). */
const GRPC_OK = 0;
const GRPC_UNIMPLEMENTED = 12;

/**
 * One `grpc.health.v1.Health/Check` call on `address` (`host:port`, plaintext HTTP/2 as the engine
 * serves). OK and UNIMPLEMENTED (an engine without the health service) are alive; a refused or reset
 * connection and any other status are gone. A probe that gets no answer within `timeoutMs` counts as
 * alive: the Go probe has no deadline either, and a busy engine is not a dead one.
 */
export function probeEngine(address: string, timeoutMs = 10_000): Promise<EngineHealth> {
  return new Promise((resolve) => {
    let settled = false;
    const session = http2.connect(`http://${address}`);
    session.unref(); // a probe never keeps the process alive
    const finish = (health: EngineHealth) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(health);
    };
    const timer = setTimeout(() => finish("alive"), timeoutMs);
    timer.unref();
    session.on("error", () => finish("gone"));
    const request = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Check",
      "content-type": "application/grpc",
      te: "trailers",
    });
    const judge = (headers: http2.IncomingHttpHeaders) => {
      const status = headers["grpc-status"];
      if (status === undefined) return;
      finish([GRPC_OK, GRPC_UNIMPLEMENTED].includes(Number(status)) ? "alive" : "gone");
    };
    request.on("response", judge); // a trailers-only answer (UNIMPLEMENTED) carries the status here
    request.on("trailers", judge);
    request.on("error", () => finish("gone"));
    request.on("close", () => finish("gone")); // closed without any status: not a gRPC server we know
    request.on("data", () => undefined);
    // An empty HealthCheckRequest: the 5-byte gRPC frame header (uncompressed, length 0).
    request.end(Buffer.alloc(5));
  });
}

/**
 * Probes `address` now and then every `intervalMs`, and calls `onGone` once, at the first probe that
 * finds the engine gone after one found it alive. An address that never answered is not an engine we
 * lost: tests and tools start plugins with a placeholder (`127.0.0.1:1`), and a process started by a
 * live engine sees it alive at the first probe. The timer does not keep the process alive.
 * @returns a function that stops watching.
 */
export function watchEngine(address: string, intervalMs: number, onGone: () => void): () => void {
  let stopped = false;
  let probing = false;
  let seenAlive = false;
  const probe = () => {
    if (probing || stopped) return;
    probing = true;
    void probeEngine(address).then((health) => {
      probing = false;
      if (health === "alive") seenAlive = true;
      else if (seenAlive && !stopped) {
        stop();
        onGone();
      }
    });
  };
  const timer = setInterval(probe, intervalMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  probe();
  return stop;
}

/**
 * How often a provider process probes its engine unless told otherwise: 10 s. The Go plugins probe
 * every 5 minutes; a provider process here holds an API token and keeps polling the provisioning API
 * for as long as it lives, so an orphan should not outlive its run by minutes. One loopback HTTP/2
 * request every 10 s costs nothing measurable. (docs/decisions.md, "Provider processes and a gone engine".)
 */
export const PROVIDER_HEALTH_INTERVAL_MS = 10_000;

/** Options of {@link exitWhenEngineGone}. */
export interface EngineGoneOptions {
  /** The engine's address; without it only the broken-pipe guard is installed. */
  engineAddress?: string;
  /** Interval of the health probe, ms ({@link PROVIDER_HEALTH_INTERVAL_MS}). */
  healthIntervalMs?: number;
  /** Ends the process; `process.exit` unless a test gives another. */
  exit?: (code: number) => void;
}

/** Marks a process whose guard is installed: one per process, whichever copy of this module comes first. */
const INSTALLED = Symbol.for("pulumi-webex-wholesale.engine-gone");

/**
 * Installs both guards in this process (once; later calls do nothing): a broken stdout/stderr or a
 * failed health probe ends the process with exit code 0, as a Go plugin ends when its health check
 * cancels it. Nothing is written on the way out: there is nobody left to read it.
 */
export function exitWhenEngineGone(options: EngineGoneOptions = {}): void {
  const marked = process as unknown as Record<symbol, boolean>;
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const leave = () => exit(0);
  // Without an 'error' listener a failed write becomes an uncaught exception, which the SDK's handler
  // logs to the same broken stream: the loop issue 26 describes.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", (e) => (isBrokenPipe(e) ? leave() : undefined));
  // Broken-pipe errors thrown from elsewhere (a write callback) reach us before the SDK's handler.
  process.prependListener("uncaughtException", (e) => (isBrokenPipe(e) ? leave() : undefined));
  if (options.engineAddress) watchEngine(options.engineAddress, options.healthIntervalMs ?? PROVIDER_HEALTH_INTERVAL_MS, leave);
}

/**
 * The engine's address when this process is the SDK's dynamic-provider plugin (`node
 * .../@pulumi/pulumi/cmd/dynamic-provider/index.js <engine address>`), else undefined.
 */
export function dynamicProviderEngineAddress(
  mainFile: string | undefined = require.main?.filename,
  argv: readonly string[] = process.argv,
): string | undefined {
  if (!mainFile || !/[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(mainFile)) return undefined;
  return argv[2] || undefined;
}

/**
 * The guard for our code running inside the SDK's dynamic-provider process: called by every
 * operation that does I/O (client-cache.ts `contextFor`), it installs {@link exitWhenEngineGone} with
 * the plugin's engine address there, and does nothing in any other process (a Pulumi program, a test).
 */
export function guardDynamicProviderProcess(): void {
  const engineAddress = dynamicProviderEngineAddress();
  if (engineAddress) exitWhenEngineGone({ engineAddress });
}
