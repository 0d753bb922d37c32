// Test helpers for the state store's tests: a stored resource and a private state file per test.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { ResourceState } from "../../../local/engine/state-schema";

/** A serialized provider's stand-in: long, so storing it twice would show. */
export const PROVIDER_CODE = "exports.handler = __f0; /* a long serialized provider */".repeat(50);

/** A managed dynamic resource named `name` as the state holds it, with `__provider` in its inputs and outputs. */
export function resource(name: string, extra: Partial<ResourceState> = {}): ResourceState {
  return {
    urn: `urn:pulumi:dev::proj::pulumi-nodejs:dynamic:Resource::${name}`,
    type: "pulumi-nodejs:dynamic:Resource",
    custom: true,
    id: `${name}-id`,
    parent: "",
    inputs: { name, __provider: PROVIDER_CODE },
    outputs: { name, __provider: PROVIDER_CODE },
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    external: false,
    additionalSecretOutputs: [],
    ...extra,
  };
}

/** Registers hooks giving each test of the calling `describe` a fresh directory and a state file path in it. */
export function useStateDir(prefix: string): { readonly dir: string; readonly file: string } {
  const paths = { dir: "", file: "" };
  beforeEach(() => {
    paths.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    paths.file = path.join(paths.dir, "dev.json");
  });
  afterEach(() => fs.rmSync(paths.dir, { recursive: true, force: true }));
  return paths;
}
