/**
 * A provider process ends once its engine is gone (provider/resources/common/engine-gone.ts): the
 * health probe against a real gRPC server, the watcher's "seen alive, then gone" rule, and the
 * broken-stderr loop of issue 26 reproduced in a child process, with and without the guard.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { isBrokenPipe, probeEngine, watchEngine } from "../../../../provider/resources/common/engine-gone";

const ROOT = join(__dirname, "..", "..", "..", "..");

/** A gRPC server with no services: its health check answers UNIMPLEMENTED, which counts as alive. */
async function bareServer(): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, server };
}

/** A server whose health service answers with `code` (a gRPC status). */
async function healthServer(code: grpc.status): Promise<{ address: string; server: grpc.Server }> {
  const { address, server } = await bareServer();
  server.addService(
    {
      check: {
        path: "/grpc.health.v1.Health/Check",
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    {
      check: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) =>
        code === grpc.status.OK ? callback(null, Buffer.from([0x08, 0x01])) : callback({ code, details: "test" }),
    },
  );
  return { address, server };
}

describe("engine-gone: the health probe", function () {
  this.timeout(30_000);

  const cases: { name: string; code: grpc.status; expected: string }[] = [
    { name: "SERVING", code: grpc.status.OK, expected: "alive" },
    { name: "UNAVAILABLE from the health service", code: grpc.status.UNAVAILABLE, expected: "gone" },
  ];
  for (const c of cases) {
    it(`a health service answering ${c.name} is ${c.expected}`, async () => {
      const { address, server } = await healthServer(c.code);
      try {
        expect(await probeEngine(address)).to.equal(c.expected);
      } finally {
        server.forceShutdown();
      }
    });
  }

  it("an engine without the health service (UNIMPLEMENTED) is alive; once shut down it is gone", async () => {
    const { address, server } = await bareServer();
    expect(await probeEngine(address)).to.equal("alive");
    server.forceShutdown();
    expect(await probeEngine(address)).to.equal("gone");
  });

  it("watchEngine calls onGone once the engine it saw alive goes, and never for an address that never answered", async () => {
    const { address, server } = await bareServer();
    let gone = 0;
    let placeholderGone = 0;
    const stop = watchEngine(address, 100, () => gone++);
    const stopPlaceholder = watchEngine("127.0.0.1:1", 100, () => placeholderGone++);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(gone, "gone while the engine answered").to.equal(0);
      server.forceShutdown();
      await new Promise((r) => setTimeout(r, 1_000));
      expect(gone).to.equal(1);
      expect(placeholderGone, "an address that never answered was taken for a lost engine").to.equal(0);
    } finally {
      stop();
      stopPlaceholder();
      server.forceShutdown();
    }
  });

  it("isBrokenPipe: EPIPE and destroyed streams, not other errors", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect([err("EPIPE"), err("ERR_STREAM_DESTROYED"), err("ECONNREFUSED"), new Error("x"), null].map(isBrokenPipe)).to.deep.equal([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

/**
 * A child that behaves like the SDK's dynamic-provider process: an `uncaughtException` handler that
 * logs to stderr (cmd/dynamic-provider/index.js), and a progress line every 50 ms; with `guard` it
 * installs exitWhenEngineGone first, as the provider code does.
 */
function providerLike(guard: boolean) {
  const script = `
    ${guard ? `require(${JSON.stringify(join(ROOT, "provider/resources/common/engine-gone.ts"))}).exitWhenEngineGone();` : ""}
    process.on("uncaughtException", (err) => console.error(err.stack || err.message));
    process.stdout.write("ready\\n");
    setInterval(() => process.stderr.write("[webex] CustomerOrg acme-001: provisioning\\n"), 50);
  `;
  return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("engine-gone: a closed stderr (the engine killed)", function () {
  this.timeout(30_000);

  it("with the guard, the process exits quietly (code 0) within 2 s of its stderr being closed", async () => {
    const child = providerLike(true);
    try {
      await once(child.stdout!, "data");
      child.stderr!.destroy(); // the reader is gone, as when the CLI is SIGKILLed
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      const result = await Promise.race([exited, new Promise<"still running">((r) => setTimeout(() => r("still running"), 2_000))]);
      expect(result).to.deep.equal([0, null]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("without it (the SDK's own handler only), the process keeps running: the loop the guard stops", async () => {
    const child = providerLike(false);
    try {
      await once(child.stdout!, "data");
      child.stderr!.destroy();
      await new Promise((r) => setTimeout(r, 1_500));
      expect(child.exitCode, "the unguarded process exited by itself: this test no longer shows the loop").to.equal(null);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
