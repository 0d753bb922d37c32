// The state's stored form: `__provider` once in a blob table, secrets only as ciphertext, one resource per line,
// and encodings cached by identity without missing a change.
import { expect } from "chai";

import { makeSecret } from "../../../local/engine/property-values";
import { StateSecrets } from "../../../local/engine/secrets";
import { StateCodec, composeBaseFile } from "../../../local/engine/state-codec";
import { StateFileSchema, type StackState } from "../../../local/engine/state-schema";
import { PROVIDER_CODE, resource } from "./state-fixtures";

function stateOf(...resources: StackState["resources"]): StackState {
  return { version: 1, project: "proj", stack: "dev", outputs: {}, resources, pending: [] };
}

/** Encodes `state`, parses the base file as a load would, and decodes it with a fresh codec. */
function roundTrip(state: StackState, passphrase = "pass"): { text: string; decoded: ReturnType<StateCodec["decode"]> } {
  const text = composeBaseFile(new StateCodec(new StateSecrets(passphrase, undefined)).snapshot(state, []));
  const file = StateFileSchema.parse(JSON.parse(text));
  return { text, decoded: new StateCodec(new StateSecrets(passphrase, file.secretsProvider)).decode(file, "dev.json") };
}

describe("local engine: state codec", () => {
  it("stores __provider once, secrets as ciphertext, one resource per line, and decodes to the same state", () => {
    const state = stateOf(resource("a"), resource("b", { inputs: { token: makeSecret("plain-secret-value"), __provider: PROVIDER_CODE } }));
    state.outputs = { out: makeSecret("secret-output-value"), plain: "v" };
    const { text, decoded } = roundTrip(state);
    expect(text.split(PROVIDER_CODE).length - 1, "copies of the provider code").to.equal(1);
    expect(text).to.not.include("plain-secret-value").and.not.include("secret-output-value");
    expect(text.split("\n").filter((l) => l.startsWith('{"urn"'))).to.have.length(2);
    expect(decoded.resources).to.deep.equal(state.resources);
    expect(decoded.outputs).to.deep.equal(state.outputs);
  });

  it("keeps __provider as text when it is not a top-level input or output", () => {
    const state = stateOf(resource("a", { inputs: { nested: { __provider: "code" } }, outputs: {} }));
    const { text, decoded } = roundTrip(state);
    expect(text).to.include('"nested":{"__provider":"code"}');
    expect(decoded.resources[0]!.inputs).to.deep.equal({ nested: { __provider: "code" } });
  });

  it("writes a record changed in place as it now is (encodings are cached by identity)", () => {
    const codec = new StateCodec(new StateSecrets(undefined, undefined));
    const r = resource("a");
    const state = stateOf(r);
    const first = codec.snapshot(state, []).resources[0]!;
    expect(codec.snapshot(state, []).resources[0], "cached").to.equal(first);
    r.pendingReplacement = true;
    r.dependencies = ["urn:x"];
    const changed = codec.snapshot(state, []).resources[0]!;
    expect(JSON.parse(changed))
      .to.include({ pendingReplacement: true })
      .and.deep.include({ dependencies: ["urn:x"] });
  });

  it("lists carried pending operations before the run's own", () => {
    const codec = new StateCodec(new StateSecrets(undefined, undefined));
    const state = stateOf();
    state.pending.push({ op: "update", urn: "urn:u", type: "t", startedAt: "now" });
    const snap = codec.snapshot(state, [{ op: "create", urn: "urn:c", type: "t", startedAt: "then" }]);
    expect(snap.pending.map((p) => (JSON.parse(p) as { urn: string }).urn)).to.deep.equal(["urn:c", "urn:u"]);
  });

  it("refuses a state that references a missing blob, naming the file", () => {
    const text = composeBaseFile(new StateCodec(new StateSecrets(undefined, undefined)).snapshot(stateOf(resource("a")), []));
    const file = StateFileSchema.parse({ ...JSON.parse(text), blobs: {} });
    expect(() => new StateCodec(new StateSecrets(undefined, undefined)).decode(file, "dev.json")).to.throw(
      /state file dev.json references a missing blob/,
    );
  });
});
