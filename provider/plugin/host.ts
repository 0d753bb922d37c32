/**
 * Serves the plugin on the Node SDK's provider host (`@pulumi/pulumi/provider` `main`), filling the
 * gaps the pinned SDK (3.270) leaves in that host. Read in `provider/server.js`:
 * - `Configure` never reaches the provider (it answers without reading `variables` or `args`), so a
 *   provider could not see its configuration;
 * - `CheckConfig` and `DiffConfig` answer UNIMPLEMENTED (the engine then accepts any configuration
 *   and compares it itself);
 * - `Create`, `Update` and `Delete` drop the request's `timeout`, so `customTimeouts` were lost;
 * - `Diff` reports no changed keys and no detailed diff, so the engine could not apply a user's
 *   `replaceOnChanges` (it matches them against the changed keys).
 * The host's own service object is extended at the point it is registered: these methods are
 * answered here, every other one (Check, Read, Invoke, GetSchema, GetPluginInfo, Cancel, Attach,
 * the init-failure details of Create and Update) stays the SDK's.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import * as providerHost from "@pulumi/pulumi/provider";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PropertyChange, WholesaleProvider } from "./provider";

/** The grpc-js instance the SDK's host uses (the one whose `Server` it constructs). */
const grpc = createRequire(require.resolve("@pulumi/pulumi/provider"))("@grpc/grpc-js") as typeof grpcTypes;

type Call<Req> = { request: Req };
type Callback<Res> = (error: grpcTypes.ServiceError | Error | null, value?: Res | null) => void;
type Handler<Req, Res> = (call: Call<Req>, callback: Callback<Res>) => unknown;
/** The part of the SDK's service object this module extends (its methods read `this.provider`). */
interface HostService {
  provider: unknown;
  create: Handler<provproto.CreateRequest, provproto.CreateResponse>;
  update: Handler<provproto.UpdateRequest, provproto.UpdateResponse>;
  delete: Handler<provproto.DeleteRequest, unknown>;
}

const PROPERTY_DIFF_KIND: Record<PropertyChange, provproto.PropertyDiff.Kind> = {
  add: provproto.PropertyDiff.Kind.ADD,
  "add-replace": provproto.PropertyDiff.Kind.ADD_REPLACE,
  delete: provproto.PropertyDiff.Kind.DELETE,
  "delete-replace": provproto.PropertyDiff.Kind.DELETE_REPLACE,
  update: provproto.PropertyDiff.Kind.UPDATE,
  "update-replace": provproto.PropertyDiff.Kind.UPDATE_REPLACE,
};

const plain = (s: Struct | undefined): Record<string, unknown> => (s?.toJavaScript() ?? {}) as Record<string, unknown>;

/** Runs `answer` and hands its result, or its error, to the gRPC callback. */
function respond<Res>(callback: Callback<Res>, answer: () => Res | Promise<Res>): void {
  Promise.resolve()
    .then(answer)
    .then(
      (res) => callback(null, res),
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
    );
}

/** Check failures as the protocol carries them. */
function failureList(failures: readonly { property: string; reason: string }[] | undefined): provproto.CheckFailure[] {
  return (failures ?? []).map((f) => {
    const failure = new provproto.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

/** The SDK's service object, with the methods above answered by `provider`. */
function extend(host: HostService, provider: WholesaleProvider): HostService {
  /** Runs one of the SDK's handlers with a `this.provider` that passes the request's timeout on. */
  const withTimeout =
    <Req extends { getTimeout(): number }, Res>(handler: Handler<Req, Res>, facade: (timeout: number) => object): Handler<Req, Res> =>
    (call, callback) =>
      handler.call(Object.create(host, { provider: { value: facade(call.request.getTimeout()) } }), call, callback);

  return Object.assign(Object.create(host) as HostService, {
    configure(call: Call<provproto.ConfigureRequest>, callback: Callback<provproto.ConfigureResponse>) {
      respond(callback, async () => {
        const variables: Record<string, string> = {};
        call.request.getVariablesMap().forEach((value, key) => (variables[key] = value));
        provider.configure(variables, plain(call.request.getArgs()));
        await provider.verifyConfiguration();
        // Secrets stay with the engine: it strips them from what it sends and marks the outputs of
        // secret inputs secret again, so the operations never meet a secret wrapper.
        const resp = new provproto.ConfigureResponse();
        resp.setAcceptsecrets(false);
        resp.setAcceptresources(false);
        resp.setAcceptoutputs(false);
        resp.setSupportspreview(false);
        return resp;
      });
    },
    checkConfig(call: Call<provproto.CheckRequest>, callback: Callback<provproto.CheckResponse>) {
      respond(callback, () => {
        const result = provider.checkConfig(plain(call.request.getNews()));
        const resp = new provproto.CheckResponse();
        resp.setInputs(call.request.getNews());
        resp.setFailuresList(failureList(result.failures));
        return resp;
      });
    },
    diffConfig(call: Call<provproto.DiffRequest>, callback: Callback<provproto.DiffResponse>) {
      respond(callback, () => {
        const result = provider.diffConfig(plain(call.request.getOlds()), plain(call.request.getNews()));
        const resp = new provproto.DiffResponse();
        resp.setChanges(result.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        resp.setDiffsList(result.diffs);
        return resp;
      });
    },
    diff(call: Call<provproto.DiffRequest>, callback: Callback<provproto.DiffResponse>) {
      respond(callback, async () => {
        const req = call.request;
        const result = await provider.diff(req.getId(), req.getUrn(), plain(req.getOlds()), plain(req.getNews()));
        const resp = new provproto.DiffResponse();
        resp.setChanges(
          result.changes === true
            ? provproto.DiffResponse.DiffChanges.DIFF_SOME
            : result.changes === false
              ? provproto.DiffResponse.DiffChanges.DIFF_NONE
              : provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN,
        );
        resp.setReplacesList(result.replaces ?? []);
        resp.setDeletebeforereplace(result.deleteBeforeReplace === true);
        resp.setDiffsList(result.diffs);
        const detailed = resp.getDetaileddiffMap();
        for (const [key, change] of Object.entries(result.detailedDiff)) {
          const propertyDiff = new provproto.PropertyDiff();
          propertyDiff.setKind(PROPERTY_DIFF_KIND[change]);
          propertyDiff.setInputdiff(true);
          detailed.set(key, propertyDiff);
        }
        resp.setHasdetaileddiff(true);
        return resp;
      });
    },
    create: withTimeout(host.create, (timeout) => ({
      create: (urn: string, props: Record<string, unknown>) => provider.create(urn, props, timeout),
    })),
    update: withTimeout(host.update, (timeout) => ({
      update: (id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>) =>
        provider.update(id, urn, olds, news, timeout),
    })),
    delete: withTimeout(host.delete, (timeout) => ({
      delete: (id: string, urn: string, props: Record<string, unknown>) => provider.delete(id, urn, props, timeout),
    })),
  });
}

/**
 * Starts the gRPC server of `provider` and prints its port (the plugin protocol's handshake on
 * stdout), through the SDK's `main` with the service extended as described above.
 * @param args the command line after the program (the engine's address).
 */
export async function serve(provider: WholesaleProvider, args: string[]): Promise<void> {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpcTypes.Server, service, implementation) {
    const extended =
      service === (provrpc.ResourceProviderService as unknown)
        ? extend(implementation as unknown as HostService, provider)
        : implementation;
    return addService.call(this, service, extended as typeof implementation);
  };
  try {
    await providerHost.main(provider, args);
  } finally {
    grpc.Server.prototype.addService = addService;
  }
}
