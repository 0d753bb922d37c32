/**
 * Drives Pulumi's own dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC,
 * the way the engine does (pulumi-dynamic-providers.md §3c), using the SDK's own grpc-js and
 * google-protobuf instances. The plugin runs with cwd = the repository root, so the serialized
 * providers load the BUILT package (`dist/`) through the package's `exports` map, as they do from a
 * user's program.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";

// The SDK's own generated stubs, and the grpc-js / google-protobuf instances they load (one copy each
// in a flat npm install, which the plugin process uses too).
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The repository root (the plugin's working directory). */
export const REPO_ROOT = resolve(__dirname, "..", "..");

/** The project name the plugin namespaces config with. */
export const PROJECT = "plugintest";

/** Fails with a clear message when `dist/` is missing or older than the provider sources. */
export function assertBuildIsFresh(): void {
  const dist = join(REPO_ROOT, "dist", "provider");
  if (!existsSync(join(dist, "index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test's pretest does)");
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const built = join(dist, path.slice(join(REPO_ROOT, "provider").length).replace(/\.ts$/, ".js"));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) stale.push(path.slice(REPO_ROOT.length + 1));
      }
    }
  };
  walk(join(REPO_ROOT, "provider"));
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.slice(0, 3).join(", ")}: run \`npm run build\` first`);
}

/** Serializes a provider exactly as `dynamic.Resource` does. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return text;
}

/** A gRPC error as the plugin returns it. */
export interface PluginError extends Error {
  /** gRPC status code (2 = UNKNOWN for provider errors). */
  code: number;
  /** The provider's error message. */
  details: string;
  /** Present when the plugin reported "resource initialization failed" (an error carrying an id). */
  initFailure?: { id: string; properties: Record<string, unknown>; reasons: string[] };
}

/** Decodes the ErrorResourceInitFailed the plugin packs into `grpc-status-details-bin`, if any. */
function decodeInitFailure(e: grpc.ServiceError): PluginError["initFailure"] {
  const raw = e.metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined || typeof raw === "string") return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
  for (const packed of status.getDetailsList()) {
    const detail = packed.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
    if (detail) return { id: detail.getId(), properties: detail.getProperties()?.toJavaScript() ?? {}, reasons: detail.getReasonsList() };
  }
  return undefined;
}

/** A running plugin and a typed view of its RPCs. */
export interface Plugin {
  /** Everything the plugin wrote to stderr so far. */
  stderr(): string;
  /** `Configure` with the namespaced stack config. */
  configure(config: Record<string, string>): Promise<void>;
  /** `Check`: the checked inputs and failures. */
  check(
    urn: string,
    olds: object,
    news: object,
  ): Promise<{ inputs: Record<string, unknown>; failures: { property: string; reason: string }[] }>;
  /** `Diff`: changes as the wire enum (0 unknown, 1 none, 2 some), replaces, deleteBeforeReplace. */
  diff(urn: string, id: string, olds: object, news: object): Promise<{ changes: number; replaces: string[]; deleteBeforeReplace: boolean }>;
  /** `Create`: id and outputs (with `__provider`). */
  create(urn: string, props: object): Promise<{ id: string; outs: Record<string, unknown> }>;
  /** `Read`: id (empty = gone), props and inputs. */
  read(
    urn: string,
    id: string,
    props: object,
  ): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> | undefined }>;
  /** `Update`: outputs. */
  update(urn: string, id: string, olds: object, news: object): Promise<Record<string, unknown>>;
  /** `Delete`. */
  delete(urn: string, id: string, props: object): Promise<void>;
  /** Stops the plugin. */
  close(): Promise<void>;
  /** The raw gRPC client, for RPCs this interface does not wrap (GetSchema, CheckConfig, Invoke...). */
  client: provrpc.ResourceProviderClient;
  /** Calls one raw RPC as a promise (errors carry `initFailure` as the typed methods do). */
  call<Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res>;
}

const S = (o: object) => Struct.fromJavaScript(o as Record<string, never>);

/**
 * Starts the plugin with cwd = the repository root and `env` (no WEBEX_* unless given).
 * @param command the plugin's script and arguments: Pulumi's dynamic-provider plugin by default.
 */
export async function startPlugin(
  env: Record<string, string> = {},
  command: string[] = [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:1"],
): Promise<Plugin> {
  const cleanEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("WEBEX_")) cleanEnv[k] = v;
  const child: ChildProcess = spawn(process.execPath, command, {
    cwd: REPO_ROOT,
    env: { ...cleanEnv, PULUMI_NODEJS_PROJECT: PROJECT, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const port = await new Promise<string>((resolvePort, reject) => {
    child.once("exit", (code) => reject(new Error(`plugin exited with ${code}: ${stderr}`)));
    child.stdout!.once("data", (d) => resolvePort(String(d).split("\n")[0]!.trim()));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  /** Adapts one unary stub method to a promise, decoding partial-create details on failure. */
  const call = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res> =>
    new Promise((res, rej) =>
      method.call(client, req, (e, r) => {
        if (e) rej(Object.assign(e, { initFailure: decodeInitFailure(e) }) as PluginError);
        else res(r);
      }),
    );

  return {
    client,
    call,
    stderr: () => stderr,
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(S(config));
      req.setAcceptsecrets(true);
      await call<provproto.ConfigureRequest, provproto.ConfigureResponse>(client.configure, req);
    },
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(S(olds));
      req.setNews(S(news));
      const r = await call<provproto.CheckRequest, provproto.CheckResponse>(client.check, req);
      return {
        inputs: r.getInputs()?.toJavaScript() ?? {},
        failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(S(olds));
      req.setNews(S(news));
      const r = await call<provproto.DiffRequest, provproto.DiffResponse>(client.diff, req);
      return { changes: r.getChanges(), replaces: r.getReplacesList(), deleteBeforeReplace: r.getDeletebeforereplace() };
    },
    async create(urn, props) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(S(props));
      const r = await call<provproto.CreateRequest, provproto.CreateResponse>(client.create, req);
      return { id: r.getId(), outs: r.getProperties()?.toJavaScript() ?? {} };
    },
    async read(urn, id, props) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(S(props));
      const r = await call<provproto.ReadRequest, provproto.ReadResponse>(client.read, req);
      return { id: r.getId(), props: r.getProperties()?.toJavaScript() ?? {}, inputs: r.getInputs()?.toJavaScript() };
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(S(olds));
      req.setNews(S(news));
      const r = await call<provproto.UpdateRequest, provproto.UpdateResponse>(client.update, req);
      return r.getProperties()?.toJavaScript() ?? {};
    },
    async delete(urn, id, props) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(S(props));
      await call<provproto.DeleteRequest, unknown>(client.delete, req);
    },
    async close() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill();
        await exited;
      }
    },
  };
}
