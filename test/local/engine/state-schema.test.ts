// The checkpoint's shape: optional fields get their defaults (a record written by an older engine loads), and a
// file of another format version is refused.
import { expect } from "chai";

import { StateFileSchema } from "../../../local/engine/state-schema";

describe("local engine: state schema", () => {
  it("fills the defaults of a minimal record and file", () => {
    const file = StateFileSchema.parse({ version: 1, project: "p", stack: "s", resources: [{ urn: "u", type: "t", custom: true }] });
    expect(file).to.deep.include({ blobs: {}, outputs: {}, pending: [] });
    expect(file.resources[0]).to.deep.equal({
      urn: "u",
      type: "t",
      custom: true,
      id: "",
      parent: "",
      inputs: {},
      outputs: {},
      dependencies: [],
      propertyDependencies: {},
      protect: false,
      retainOnDelete: false,
      external: false,
      additionalSecretOutputs: [],
    });
  });

  it("refuses another format version and an unknown pending operation", () => {
    expect(StateFileSchema.safeParse({ version: 2, project: "p", stack: "s" }).success).to.equal(false);
    const pending = [{ op: "import", urn: "u", type: "t", startedAt: "now" }];
    expect(StateFileSchema.safeParse({ version: 1, project: "p", stack: "s", pending }).success).to.equal(false);
  });
});
