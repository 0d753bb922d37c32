/**
 * Loads the gRPC and protobuf modules of the Pulumi Node.js SDK, and the helpers that convert between
 * protobuf `Struct`s and plain JavaScript values.
 *
 * Everything is loaded through the SDK's own package directory (gotcha G2 of the spike): the generated stubs
 * in `@pulumi/pulumi/proto` build messages with the google-protobuf and @grpc/grpc-js instances that *they*
 * resolve, so a `Struct` made with another copy (e.g. a hoisted google-protobuf 4.x) would not be accepted.
 */
import { createRequire } from "node:module";
import * as path from "node:path";

import type * as GrpcModule from "@grpc/grpc-js";
import type * as StructModule from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyModule from "google-protobuf/google/protobuf/empty_pb";
import type * as ResourcePb from "@pulumi/pulumi/proto/resource_pb";
import type * as ResourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as AliasPb from "@pulumi/pulumi/proto/alias_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";

/** The SDK modules the engine talks gRPC with, all from one SDK copy. */
export interface SdkModules {
  /** Absolute directory of the `@pulumi/pulumi` package the modules come from. */
  readonly sdkDir: string;
  /** The SDK's `@pulumi/pulumi/package.json` version. */
  readonly sdkVersion: string;
  readonly grpc: typeof GrpcModule;
  readonly struct: typeof StructModule;
  readonly empty: typeof EmptyModule;
  readonly resourcePb: typeof ResourcePb;
  readonly resourceGrpc: typeof ResourceGrpc;
  readonly enginePb: typeof EnginePb;
  readonly engineGrpc: typeof EngineGrpc;
  readonly providerPb: typeof ProviderPb;
  readonly providerGrpc: typeof ProviderGrpc;
  readonly aliasPb: typeof AliasPb;
  readonly statusPb: typeof StatusPb;
  /** Absolute path of the SDK's language entry point (`cmd/run`). */
  readonly runEntry: string;
  /** Absolute path of the SDK's dynamic-provider plugin entry point. */
  readonly dynamicProviderEntry: string;
}

const cache = new Map<string, SdkModules>();

/**
 * Loads the SDK modules that the program in `programDir` will itself load, so the engine, the program and the
 * dynamic-provider plugin agree on one SDK copy.
 *
 * @throws Error when `@pulumi/pulumi` cannot be resolved from `programDir` (the program could not run either).
 */
export function loadSdk(programDir: string): SdkModules {
  let pkgJson: string;
  try {
    pkgJson = require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] });
  } catch {
    throw new Error(`cannot find @pulumi/pulumi from ${programDir}: install it in the program (npm install @pulumi/pulumi)`);
  }
  const sdkDir = path.dirname(pkgJson);
  const hit = cache.get(sdkDir);
  if (hit) return hit;
  const sdkRequire = createRequire(pkgJson);
  const modules: SdkModules = {
    sdkDir,
    sdkVersion: (sdkRequire("./package.json") as { version: string }).version,
    grpc: sdkRequire("@grpc/grpc-js"),
    struct: sdkRequire("google-protobuf/google/protobuf/struct_pb"),
    empty: sdkRequire("google-protobuf/google/protobuf/empty_pb"),
    resourcePb: sdkRequire("./proto/resource_pb"),
    resourceGrpc: sdkRequire("./proto/resource_grpc_pb"),
    enginePb: sdkRequire("./proto/engine_pb"),
    engineGrpc: sdkRequire("./proto/engine_grpc_pb"),
    providerPb: sdkRequire("./proto/provider_pb"),
    providerGrpc: sdkRequire("./proto/provider_grpc_pb"),
    aliasPb: sdkRequire("./proto/alias_pb"),
    statusPb: sdkRequire("./proto/status_pb"),
    runEntry: sdkRequire.resolve("./cmd/run"),
    dynamicProviderEntry: sdkRequire.resolve("./cmd/dynamic-provider"),
  };
  cache.set(sdkDir, modules);
  return modules;
}

/** A JSON-like value as carried by a protobuf `Struct`. */
export type PropertyValue = null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };

/** A property map: the shape of resource inputs and outputs. */
export type PropertyMap = Record<string, PropertyValue>;

/** Converts a plain property map into a `Struct` of the SDK's protobuf instance. */
export function toStruct(sdk: SdkModules, value: PropertyMap): StructModule.Struct {
  return sdk.struct.Struct.fromJavaScript(value as Record<string, StructModule.JavaScriptValue>);
}

/** Converts an optional `Struct` into a plain property map (`{}` when absent). */
export function fromStruct(value: StructModule.Struct | undefined): PropertyMap {
  return (value?.toJavaScript() ?? {}) as PropertyMap;
}
