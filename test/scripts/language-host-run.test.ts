/**
 * The TypeScript language hosts (tools/pulumi-cli) against the Go hosts' behaviour, over gRPC with a
 * stand-in engine: the Run's exit-code wording, `Cancel` and an abandoned Run (SIGINT, then SIGKILL
 * 5 s later, as `cmd.Cancel`/`cmd.WaitDelay` in the Go hosts), the Python arguments the real
 * `pulumi-language-python-exec` needs, and `GetRequiredPackages` from `pulumi-plugin.json` (Python)
 * and package.json's `pulumi` field (Node). The program is a small Python script given to the Python
 * host as its executor (`--use-executor`, the Go host's flag), so no Pulumi SDK is needed here, only
 * `python3` (or PULUMI_PYTHON_CMD), which the Python legs of CI have.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as languageGrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import { expect } from "chai";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { requiredPackages as nodeRequiredPackages } from "../../tools/pulumi-cli/nodejs-language-host";
import { pluginOfPackage, pluginVersionOf } from "../../tools/pulumi-cli/python-language-host";

const ROOT = join(__dirname, "..", "..");

/**
 * The stand-in exec script: records its arguments, then behaves as `$MODE` says: `exit:N`, or
 * `hang` (records a SIGINT and ignores it, so only SIGKILL ends it).
 */
const FAKE_EXEC = `import json, os, signal, sys, time
out = os.environ["FAKE_EXEC_OUT"]
with open(out + ".args", "w") as f: json.dump(sys.argv[1:], f)
mode = os.environ.get("FAKE_EXEC_MODE", "exit:0")
if mode.startswith("exit:"): sys.exit(int(mode[5:]))
def on_int(*_):
    open(out + ".sigint", "w").close()
signal.signal(signal.SIGINT, on_int)
with open(out + ".started", "w") as f: f.write(str(os.getpid()))
while True: time.sleep(0.1)
`;

type Host = { child: ChildProcess; client: languageGrpc.LanguageRuntimeClient; dir: string; engine: grpc.Server };

/** Starts the Python host from source with the stand-in exec script and a stand-in engine. */
async function startPythonHost(mode: string): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), "lang-host-run-"));
  writeFileSync(join(dir, "fake-exec.py"), FAKE_EXEC);
  const engine = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const child = spawn(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      join(ROOT, "tools", "pulumi-cli", "python-language-host.ts"),
      "--use-executor",
      join(dir, "fake-exec.py"),
      `127.0.0.1:${port}`,
    ],
    { cwd: ROOT, env: { ...process.env, FAKE_EXEC_OUT: join(dir, "out"), FAKE_EXEC_MODE: mode }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const client = new languageGrpc.LanguageRuntimeClient(`127.0.0.1:${line.toString().trim()}`, grpc.credentials.createInsecure());
  return { child, client, dir, engine };
}

function stopHost(h: Host): void {
  h.client.close();
  h.child.stdout!.destroy();
  h.child.kill("SIGKILL");
  h.engine.forceShutdown();
  rmSync(h.dir, { recursive: true, force: true });
}

/** A Run request for the program folder `dir` (entry point "."), as the CLI sends it. */
function runRequest(dir: string, parallel: number, dryRun: boolean): languagePb.RunRequest {
  const info = new languagePb.ProgramInfo().setRootDirectory(dir).setProgramDirectory(dir).setEntryPoint(".");
  return new languagePb.RunRequest()
    .setInfo(info)
    .setPwd(dir)
    .setProject("p")
    .setStack("dev")
    .setMonitorAddress("127.0.0.1:9")
    .setParallel(parallel)
    .setDryrun(dryRun);
}

const run = (h: Host, req: languagePb.RunRequest) =>
  new Promise<languagePb.RunResponse>((resolve, reject) => h.client.run(req, (e, r) => (e ? reject(e) : resolve(r!))));

const waitFor = async (file: string, ms: number) => {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) {
    if (existsSync(file)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

describe("language hosts: Run, Cancel and exit codes as the Go hosts", function () {
  this.timeout(60_000);

  const exits: { name: string; mode: string; error: string; bail: boolean }[] = [
    { name: "0: success", mode: "exit:0", error: "", bail: false },
    { name: "32: bail (the error is already shown)", mode: "exit:32", error: "", bail: true },
    { name: "1: the Python host's lower-case wording", mode: "exit:1", error: "program exited with non-zero exit code: 1", bail: false },
  ];
  for (const c of exits) {
    it(`exit ${c.name}`, async () => {
      const h = await startPythonHost(c.mode);
      try {
        const r = await run(h, runRequest(h.dir, 64, false));
        expect([r.getError(), r.getBail()]).to.deep.equal([c.error, c.bail]);
      } finally {
        stopHost(h);
      }
    });
  }

  it("passes --dry_run and --parallel always (the real exec script reads int(args.parallel)), and the entry point last", async () => {
    const h = await startPythonHost("exit:0");
    try {
      await run(h, runRequest(h.dir, 0, false));
      const args = JSON.parse(readFileSync(join(h.dir, "out.args"), "utf8")) as string[];
      expect(args.slice(args.indexOf("--dry_run"), args.indexOf("--dry_run") + 2)).to.deep.equal(["--dry_run", "false"]);
      expect(args.slice(args.indexOf("--parallel"), args.indexOf("--parallel") + 2)).to.deep.equal(["--parallel", "0"]);
      expect(args[args.length - 1]).to.equal(join(h.dir, "."));
    } finally {
      stopHost(h);
    }
  });

  it("Cancel: the program gets SIGINT, and SIGKILL 5 s later when it ignores it; later Runs do not start", async () => {
    const h = await startPythonHost("hang");
    try {
      const pending = run(h, runRequest(h.dir, 4, false));
      expect(await waitFor(join(h.dir, "out.started"), 10_000), "the program did not start").to.equal(true);
      const t0 = Date.now();
      await new Promise((resolve, reject) => h.client.cancel(new Empty(), (e) => (e ? reject(e) : resolve(undefined))));
      expect(await waitFor(join(h.dir, "out.sigint"), 3_000), "no SIGINT reached the program").to.equal(true);
      const r = await pending;
      const waited = Date.now() - t0;
      expect(r.getError()).to.equal("program exited with non-zero exit code: -1");
      expect(waited).to.be.within(4_500, 9_000);
      const later = await run(h, runRequest(h.dir, 4, false));
      expect(later.getError()).to.equal("problem executing program (could not run language executor): context canceled");
    } finally {
      stopHost(h);
    }
  });

  it("an abandoned Run (the engine cancels the call): the program gets SIGINT, then SIGKILL 5 s later", async () => {
    const h = await startPythonHost("hang");
    try {
      const call = h.client.run(runRequest(h.dir, 4, false), () => undefined);
      expect(await waitFor(join(h.dir, "out.started"), 10_000), "the program did not start").to.equal(true);
      call.cancel();
      expect(await waitFor(join(h.dir, "out.sigint"), 3_000), "no SIGINT reached the program").to.equal(true);
      // It ignores SIGINT: SIGKILL follows 5 s later.
      const pid = Number(readFileSync(join(h.dir, "out.started"), "utf8"));
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      const t0 = Date.now();
      while (alive() && Date.now() - t0 < 9_000) await new Promise((r) => setTimeout(r, 100));
      expect(alive(), "the program outlived its abandoned Run").to.equal(false);
      expect(Date.now() - t0).to.be.above(3_000);
    } finally {
      stopHost(h);
    }
  });
});

describe("language hosts: GetRequiredPackages", () => {
  it("Python: pulumi-plugin.json of an installed package names the plugin, its version and server", () => {
    const site = mkdtempSync(join(tmpdir(), "site-"));
    try {
      mkdirSync(join(site, "pulumi_webex_wholesale"));
      writeFileSync(
        join(site, "pulumi_webex_wholesale", "pulumi-plugin.json"),
        JSON.stringify({ resource: true, name: "webex-wholesale", version: "0.1.0", server: "https://example.test/releases" }),
      );
      mkdirSync(join(site, "pulumi_nothing"));
      writeFileSync(join(site, "pulumi_nothing", "pulumi-plugin.json"), JSON.stringify({ resource: false }));
      const found = [
        { name: "pulumi_webex_wholesale", version: "0.1.0", location: site },
        { name: "pulumi_nothing", version: "1.0.0", location: site },
        { name: "pulumi-aws", version: "6.1", location: site }, // no file: named from the package
        { name: "pulumi-policy", version: "1.0.0", location: site }, // known to carry no plugin
        { name: "requests", version: "2.0.0", location: site },
      ]
        .map(pluginOfPackage)
        .filter((p) => p !== undefined)
        .map((p) => [p.getName(), p.getVersion(), p.getServer(), p.getKind()]);
      expect(found).to.deep.equal([
        ["webex-wholesale", "v0.1.0", "https://example.test/releases", "resource"],
        ["aws", "v6.1.0", "", "resource"],
      ]);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });

  const versions: [string, string | undefined][] = [
    ["1.2.3", "1.2.3"],
    ["1.0", "1.0.0"],
    ["1.2.3a4", "1.2.3-alpha.4"],
    ["1.2.3rc4", "1.2.3-rc.4"],
    ["1.2.3.post4", "1.2.3+post4"],
    ["1.2.3.post4.dev5", "1.2.3+post4dev5"],
    ["1!2.3", undefined],
  ];
  for (const [pep440, plugin] of versions) {
    it(`Python: package version ${pep440} → plugin version ${plugin ?? "(none: skipped)"}`, () => {
      expect(pluginVersionOf(pep440)).to.equal(plugin);
    });
  }

  it("Node: package.json's pulumi field in node_modules, scoped or not", () => {
    const dir = mkdtempSync(join(tmpdir(), "node-prog-"));
    try {
      const pkg = (path: string, json: object) => {
        mkdirSync(join(dir, "node_modules", path), { recursive: true });
        writeFileSync(join(dir, "node_modules", path, "package.json"), JSON.stringify(json));
      };
      pkg("@pulumi/aws", { name: "@pulumi/aws", version: "6.1.0", pulumi: { resource: true } });
      pkg("pulumi-webex-wholesale", { name: "pulumi-webex-wholesale", version: "0.1.0" }); // a dynamic provider: no plugin
      pkg("@acme/thing", { name: "@acme/thing", version: "2.0.0", pulumi: { resource: true, name: "thing", server: "https://acme.test" } });
      const info = new languagePb.ProgramInfo().setProgramDirectory(dir);
      const found = nodeRequiredPackages(info)
        .map((p) => [p.getName(), p.getVersion(), p.getServer()])
        .sort();
      expect(found).to.deep.equal([
        ["aws", "v6.1.0", ""],
        ["thing", "v2.0.0", "https://acme.test"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
