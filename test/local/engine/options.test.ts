// The engine's defaults match the Pulumi CLI's (pkg/cmd/pulumi/operations/up.go).
import * as os from "node:os";
import { expect } from "chai";

import { EngineOptionsSchema, defaultParallel } from "../../../local/engine/options";

describe("local engine: option defaults", () => {
  it("parallel defaults to 4 × CPU cores, like the Pulumi CLI", () => {
    expect(defaultParallel({})).to.equal(4 * os.availableParallelism());
    const saved = process.env["PULUMI_PARALLEL"];
    delete process.env["PULUMI_PARALLEL"];
    try {
      expect(EngineOptionsSchema.parse({ operation: "up", cwd: ".", stack: "dev" }).parallel).to.equal(4 * os.availableParallelism());
    } finally {
      if (saved !== undefined) process.env["PULUMI_PARALLEL"] = saved;
    }
  });

  it("PULUMI_PARALLEL overrides it when it is a positive integer", () => {
    expect(defaultParallel({ PULUMI_PARALLEL: "3" })).to.equal(3);
    expect(defaultParallel({ PULUMI_PARALLEL: "0" })).to.equal(4 * os.availableParallelism());
    expect(defaultParallel({ PULUMI_PARALLEL: "many" })).to.equal(4 * os.availableParallelism());
  });
});
