/**
 * The TypeScript language hosts leave when the engine is gone, as the Go hosts do
 * (`rpcutil.Healthcheck` every 5 minutes, here shortened by the hosts' `--engine-health-interval-ms` flag): a
 * CLI killed with SIGKILL used to leave its host running for good, since the CLI starts hosts in
 * their own process groups.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";

const ROOT = join(__dirname, "..", "..");

/** A stand-in engine: a gRPC server with no services, so its health check answers UNIMPLEMENTED (alive). */
async function fakeEngine(): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, server };
}

/** Starts a host from source against `address` and resolves once it printed its port (the CLI's handshake). */
async function startHost(host: string, address: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      join(ROOT, "tools", "pulumi-cli", `${host}-language-host.ts`),
      "--engine-health-interval-ms=200",
      address,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  expect(line.toString().trim()).to.match(/^\d+$/);
  return child;
}

describe("language hosts: the engine gone", function () {
  this.timeout(60_000);

  for (const host of ["nodejs", "python"]) {
    it(`pulumi-language-${host} keeps serving while the engine answers, and exits once it is gone`, async () => {
      const engine = await fakeEngine();
      const child = await startHost(host, engine.address);
      try {
        // Five health checks answered (UNIMPLEMENTED counts as alive): still running.
        await new Promise((r) => setTimeout(r, 1_000));
        expect(child.exitCode, "exited while the engine was there").to.equal(null);
        engine.server.forceShutdown();
        const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
        const timeout = new Promise<"still running">((r) => setTimeout(() => r("still running"), 10_000));
        const result = await Promise.race([exited, timeout]);
        expect(result, "the host outlived its engine").to.deep.equal([0, null]);
      } finally {
        child.kill("SIGKILL");
        engine.server.forceShutdown();
      }
    });
  }
});
