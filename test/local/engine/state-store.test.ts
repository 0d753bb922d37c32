import * as fs from "node:fs";
import { expect } from "chai";

import { makeSecret } from "../../../local/engine/property-values";
import { PassphraseError } from "../../../local/engine/secrets";
import { readStoredState } from "../../../local/engine/state-journal";
import { StateStore } from "../../../local/engine/state-store";
import { PROVIDER_CODE, resource, useStateDir } from "./state-fixtures";

describe("local engine: state store", () => {
  const paths = useStateDir("engine-state-");

  it("stores __provider once in a blob table and secrets only as ciphertext, and reads both back", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", "pass");
    store.state.resources.push(
      resource("a"),
      resource("b", { inputs: { token: makeSecret("plain-secret-value"), __provider: PROVIDER_CODE } }),
    );
    store.state.outputs = { out: makeSecret("secret-output-value") };
    await store.close();
    store.release();
    const text = fs.readFileSync(paths.file, "utf8");
    expect(text.split(PROVIDER_CODE).length - 1, "copies of the provider code").to.equal(1);
    expect(text).to.not.include("plain-secret-value");
    expect(text).to.not.include("secret-output-value");
    expect(
      fs.readdirSync(paths.dir).filter((f) => f.includes(".tmp-")),
      "temporary files",
    ).to.deep.equal([]);

    const again = StateStore.open(paths.file, "proj", "dev", "pass");
    expect(again.state.resources[1]!.inputs).to.deep.equal({ token: makeSecret("plain-secret-value"), __provider: PROVIDER_CODE });
    expect(again.state.outputs).to.deep.equal({ out: makeSecret("secret-output-value") });
    again.release();
  });

  const refusals: Array<{ name: string; passphrase: string | undefined; error: RegExp }> = [
    { name: "a missing passphrase", passphrase: undefined, error: /set PULUMI_CONFIG_PASSPHRASE/ },
    { name: "a wrong passphrase", passphrase: "other", error: /incorrect passphrase/ },
  ];
  for (const c of refusals) {
    it(`refuses to open a state holding secrets with ${c.name}`, async () => {
      const store = StateStore.open(paths.file, "proj", "dev", "pass");
      store.state.outputs = { out: makeSecret("x") };
      await store.close();
      store.release();
      expect(() => StateStore.open(paths.file, "proj", "dev", c.passphrase)).to.throw(PassphraseError, c.error);
      expect(fs.existsSync(`${paths.file}.lock`), "lock released after the refusal").to.equal(false);
    });
  }

  it("refuses to write a secret without a passphrase", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", undefined);
    store.state.outputs = { out: makeSecret("x") };
    await expect(store.flush()).to.be.rejectedWith(PassphraseError, /PULUMI_CONFIG_PASSPHRASE/);
    store.release();
  });

  it("coalesces concurrent flushes into at most two writes, and skips a write when nothing changed", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", undefined);
    const flushes: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i++) {
      store.state.resources.push(resource(`r${i}`));
      flushes.push(store.flush());
    }
    await Promise.all(flushes);
    expect(store.writes).to.be.at.most(2);
    // Read as the next run loads it: the base file with the journal the flushes appended to.
    expect((readStoredState(paths.file)!.raw as { resources: unknown[] }).resources).to.have.length(20);
    await store.flush();
    expect(store.writes, "no write for an unchanged state").to.be.at.most(2);
    store.release();
  });

  it("keeps pending creates of earlier runs in every later checkpoint until cleared; drops other interrupted operations", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", undefined);
    store.beginOperation("create", "urn:c", "t");
    store.beginOperation("update", "urn:u", "t", "id-u");
    await store.close();
    store.release(); // as if killed: the operations never ended

    const next = StateStore.open(paths.file, "proj", "dev", undefined);
    expect(next.interrupted.map((p) => p.op)).to.deep.equal(["create", "update"]);
    expect(next.pendingCreates.map((p) => p.urn)).to.deep.equal(["urn:c"]);
    next.state.resources.push(resource("later"));
    await next.close();
    next.release();
    const stored = JSON.parse(fs.readFileSync(paths.file, "utf8")) as { pending: Array<{ urn: string }> };
    expect(stored.pending.map((p) => p.urn)).to.deep.equal(["urn:c"]);

    const clearing = StateStore.open(paths.file, "proj", "dev", undefined);
    clearing.clearPendingCreates();
    await clearing.close();
    clearing.release();
    expect((JSON.parse(fs.readFileSync(paths.file, "utf8")) as { pending: unknown[] }).pending).to.deep.equal([]);
  });

  it("refuses a state file of another stack", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", undefined);
    store.state.resources.push(resource("a"));
    await store.close();
    store.release();
    expect(() => StateStore.open(paths.file, "proj", "prod", undefined)).to.throw(/belongs to proj\/dev/);
  });
});
