/**
 * The CustomerLocation class under `pulumi.runtime.setMocks` in preview mode: its type token and
 * inputs, and `numbers`, known before the location exists (its outputs are not), which is what lets
 * a user's `locationNumbers` be checked at preview.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { CustomerLocation } from "../../../../provider/resources/customer-location/resource";
import { locationArgs } from "./fixtures";

/** Resolves an Output; `undefined` stays distinguishable from unknown by `isKnown`. */
function settle<T>(o: pulumi.Output<T>): Promise<{ known: boolean; value: T | undefined }> {
  return new Promise((resolve) => {
    // `isKnown` is the SDK's own (internal in its types) test for a preview's unknown values.
    (o as unknown as { isKnown: Promise<boolean> }).isKnown.then((known) => {
      if (!known) resolve({ known, value: undefined });
      else o.apply((value) => resolve({ known, value }));
    });
  });
}

describe("CustomerLocation class (preview, setMocks)", () => {
  const registered: { type: string; inputs: Record<string, unknown> }[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        // A preview of a create: the engine knows no output yet.
        newResource: (args) => {
          registered.push({ type: args.type, inputs: args.inputs });
          return { id: undefined, state: {} };
        },
        call: () => ({}),
      },
      "proj",
      "stack",
      true,
    );
  });

  it("registers under its own type token; numbers are known at preview, the computed outputs are not", async () => {
    const loc = new CustomerLocation("acme-001/Denver", locationArgs() as never);
    expect(await settle(loc.numbers)).to.deep.equal({ known: true, value: ["+13035550100", "+13035550101"] });
    expect((await settle(loc.locationId)).known).to.equal(false);
    expect(registered.map((r) => r.type)).to.include("pulumi-nodejs:dynamic/webex:CustomerLocation");
    const inputs = registered.find((r) => r.type.endsWith(":CustomerLocation"))!.inputs;
    expect(inputs).to.include({ name: "Denver", customerId: "cust-1" });
    expect(inputs).to.not.have.property("numbers");
  });

  it("numbers is undefined without a calling block, unknown when the list is", async () => {
    const { calling: _calling, ...plain } = locationArgs();
    expect(await settle(new CustomerLocation("plain", plain as never).numbers)).to.deep.equal({ known: true, value: undefined });
    const unknownList = pulumi.output(pulumi.unknown as never);
    const later = new CustomerLocation("later", { ...locationArgs(), calling: { numbers: unknownList } } as never);
    expect((await settle(later.numbers)).known).to.equal(false);
  });
});
