/**
 * The gRPC server the program talks to: `pulumirpc.ResourceMonitor` and `pulumirpc.Engine` on loopback.
 *
 * Failures of a registration are answered with `Result.FAIL` (the SDK sets supportsResultReporting): a generic
 * gRPC error makes the SDK's error path hang for a minute (gotcha G1), and UNAVAILABLE makes it exit 0
 * silently (G11). Features advertised: secrets and alias specs only, so inputs arrive as plain values.
 */
import type * as grpcTypes from "@grpc/grpc-js";

import { fromStruct, toStruct, type PropertyMap, type SdkModules } from "./sdk";
import type { AliasInput } from "./urn";
import type { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";

/** A registration, decoded from the request. */
export type Registration = {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  object: PropertyMap;
  protect: boolean;
  retainOnDelete: boolean;
  /**
   * The `deleteBeforeReplace` option when the program set it (true or false), else undefined: a user's `false`
   * overrides a provider that asks for delete-before-replace (source_eval.go reads `deleteBeforeReplaceDefined`).
   */
  deleteBeforeReplace: boolean | undefined;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  dependencies: string[];
  /** For each input, the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  aliases: AliasInput[];
  importId: string;
  provider: string;
};

/** A `Resource.get` request, decoded. */
export type ReadRequestInfo = {
  id: string;
  type: string;
  name: string;
  parent: string;
  properties: PropertyMap;
  dependencies: string[];
  additionalSecretOutputs: string[];
};

/** What the deployment answers to a registration or a read. */
export type MonitorAnswer = { ok: true; urn: string; id: string; object: PropertyMap } | { ok: false; urn: string };

/** The deployment behind the server. */
export type MonitorHandlers = {
  register(reg: Registration): Promise<MonitorAnswer>;
  read(req: ReadRequestInfo): Promise<MonitorAnswer>;
  registerOutputs(urn: string, outputs: PropertyMap): void;
  /** Severity: 0 debug, 1 info, 2 warning, 3 error. */
  log(severity: number, message: string, urn: string): void;
  setRoot(urn: string): void;
};

function decodePropertyDependencies(q: RegisterResourceRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // forEach yields message instances (toArray would give raw arrays).
  q.getPropertydependenciesMap().forEach((deps, key) => {
    out[key] = deps.getUrnsList();
  });
  return out;
}

function decodeRegistration(q: RegisterResourceRequest): Registration {
  const aliases: AliasInput[] = q.getAliasesList().map((a) => {
    const spec = a.getSpec();
    if (!spec) return { urn: a.getUrn() };
    return {
      name: spec.getName(),
      type: spec.getType(),
      stack: spec.getStack(),
      project: spec.getProject(),
      parentUrn: spec.getParenturn(),
      noParent: spec.getNoparent(),
    };
  });
  for (const urn of q.getAliasurnsList()) aliases.push({ urn });
  return {
    type: q.getType(),
    name: q.getName(),
    parent: q.getParent(),
    custom: q.getCustom(),
    object: fromStruct(q.getObject()),
    protect: q.getProtect() ?? false,
    retainOnDelete: q.getRetainondelete() ?? false,
    deleteBeforeReplace: q.getDeletebeforereplacedefined() || q.getDeletebeforereplace() ? q.getDeletebeforereplace() : undefined,
    ignoreChanges: q.getIgnorechangesList(),
    replaceOnChanges: q.getReplaceonchangesList(),
    additionalSecretOutputs: q.getAdditionalsecretoutputsList(),
    dependencies: q.getDependenciesList(),
    propertyDependencies: decodePropertyDependencies(q),
    aliases,
    importId: q.getImportid(),
    provider: q.getProvider(),
  };
}

/** A started server. */
export type MonitorServer = { address: string; close: () => void };

/** Starts the server on 127.0.0.1 (random port). */
export async function startMonitorServer(sdk: SdkModules, h: MonitorHandlers): Promise<MonitorServer> {
  const { grpc, resourcePb, enginePb, empty } = sdk;
  type Call<Req> = grpcTypes.ServerUnaryCall<Req, unknown>;
  type Cb = grpcTypes.sendUnaryData<unknown>;
  const unary =
    <Req>(fn: (req: Req) => unknown | Promise<unknown>) =>
    (call: Call<Req>, cb: Cb): void => {
      Promise.resolve()
        .then(() => fn(call.request))
        .then(
          (res) => cb(null, res),
          (e: Error) => cb({ code: grpc.status.UNAVAILABLE, details: e.message }),
        );
    };
  const unimplemented = (what: string) => (_call: unknown, cb: Cb) =>
    cb({ code: grpc.status.UNIMPLEMENTED, details: `${what} is not supported by the local engine` });

  const registerResponse = (a: MonitorAnswer) => {
    const r = new resourcePb.RegisterResourceResponse();
    r.setUrn(a.urn);
    if (a.ok) {
      r.setId(a.id);
      r.setObject(toStruct(sdk, a.object));
    } else r.setResult(resourcePb.Result.FAIL);
    return r;
  };

  const monitor = {
    getDeploymentInfo: unary(() => {
      const d = new resourcePb.DeploymentInfo();
      d.setSupportedfeaturesList([
        resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
        resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
      ]);
      return d;
    }),
    supportsFeature: unary((q: InstanceType<typeof resourcePb.SupportsFeatureRequest>) => {
      const r = new resourcePb.SupportsFeatureResponse();
      r.setHassupport(q.getId() === "secrets" || q.getId() === "aliasSpecs");
      return r;
    }),
    registerResource: unary(async (q: RegisterResourceRequest) => {
      let reg: Registration;
      try {
        reg = decodeRegistration(q);
      } catch (e) {
        h.log(3, `cannot decode the registration of ${q.getName()}: ${(e as Error).message}`, "");
        return registerResponse({ ok: false, urn: "" });
      }
      return registerResponse(await h.register(reg));
    }),
    registerResourceOutputs: unary((q: InstanceType<typeof resourcePb.RegisterResourceOutputsRequest>) => {
      h.registerOutputs(q.getUrn(), fromStruct(q.getOutputs()));
      return new empty.Empty();
    }),
    readResource: unary(async (q: InstanceType<typeof resourcePb.ReadResourceRequest>) => {
      const a = await h.read({
        id: q.getId(),
        type: q.getType(),
        name: q.getName(),
        parent: q.getParent(),
        properties: fromStruct(q.getProperties()),
        dependencies: q.getDependenciesList(),
        additionalSecretOutputs: q.getAdditionalsecretoutputsList(),
      });
      const r = new resourcePb.ReadResourceResponse();
      r.setUrn(a.urn);
      if (a.ok) r.setProperties(toStruct(sdk, a.object));
      else r.setResult(resourcePb.Result.FAIL);
      return r;
    }),
    invoke: unary((q: InstanceType<typeof resourcePb.ResourceInvokeRequest>) => {
      // A failure list makes the SDK raise an ordinary error naming the function (no gRPC error path).
      const r = new resourcePb.ResourceInvokeResponse();
      const f = new sdk.providerPb.CheckFailure();
      f.setProperty("");
      f.setReason(`invoke of ${q.getTok()} is not supported by the local engine (dynamic resources only)`);
      r.setFailuresList([f]);
      return r;
    }),
    signalAndWaitForShutdown: unary(() => new empty.Empty()),
    call: unimplemented("Call"),
    existsResource: unimplemented("ExistsResource"),
    registerStackTransform: unimplemented("Transforms"),
    registerStackInvokeTransform: unimplemented("Invoke transforms"),
    registerResourceHook: unimplemented("Resource hooks"),
    registerErrorHook: unimplemented("Error hooks"),
    registerPackage: unimplemented("RegisterPackage"),
  };
  const engine = {
    log: unary((q: InstanceType<typeof enginePb.LogRequest>) => {
      h.log(q.getSeverity(), q.getMessage(), q.getUrn());
      return new empty.Empty();
    }),
    setRootResource: unary((q: InstanceType<typeof enginePb.SetRootResourceRequest>) => {
      h.setRoot(q.getUrn());
      return new enginePb.SetRootResourceResponse();
    }),
    getRootResource: unary(() => new enginePb.GetRootResourceResponse()),
    requirePulumiVersion: unary(() => new enginePb.RequirePulumiVersionResponse()),
    startDebugging: unimplemented("Debugging"),
  };

  const server = new grpc.Server({ "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 });
  server.addService(sdk.resourceGrpc.ResourceMonitorService, monitor as unknown as grpcTypes.UntypedServiceImplementation);
  server.addService(sdk.engineGrpc.EngineService, engine as unknown as grpcTypes.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}
