// The secrets of a state: encrypted with a passphrase-derived key, a plaintext written again gets the ciphertext it
// was read with (so an unchanged state stays byte-identical), and a missing or wrong passphrase is refused clearly.
import { expect } from "chai";

import { PassphraseError, StateSecrets } from "../../../local/engine/secrets";

describe("local engine: state secrets", () => {
  it("creates the secrets-provider block with the first secret, and decrypts with the same passphrase only", () => {
    const writer = new StateSecrets("pass", undefined);
    expect(writer.provider, "no block before a secret is written").to.equal(undefined);
    const ct = writer.encrypt('"s3cret"');
    expect(ct).to.match(/^v1:/).and.not.include("s3cret");
    expect(writer.encrypt('"s3cret"'), "the same plaintext keeps its ciphertext").to.equal(ct);
    const block = writer.provider!;
    expect(block.type).to.equal("passphrase");

    expect(new StateSecrets("pass", block).decrypt(ct)).to.equal('"s3cret"');
    expect(() => new StateSecrets("other", block)).to.throw(PassphraseError, /incorrect passphrase/);
    expect(() => new StateSecrets(undefined, block).decrypt(ct)).to.throw(PassphraseError, /set PULUMI_CONFIG_PASSPHRASE/);
  });

  it("reuses the ciphertext a value was read with, so rewriting it changes nothing", () => {
    const block = (() => {
      const s = new StateSecrets("pass", undefined);
      s.encrypt("x");
      return s.provider!;
    })();
    const ct = new StateSecrets("pass", block).encrypt('"v"');
    const reader = new StateSecrets("pass", block);
    reader.decrypt(ct);
    expect(reader.encrypt('"v"')).to.equal(ct);
    expect(reader.provider).to.deep.equal(block);
  });

  it("refuses to write a secret without a passphrase, and says which variable to set", () => {
    const s = new StateSecrets(undefined, undefined);
    expect(s.canEncrypt).to.equal(false);
    expect(() => s.encrypt('"x"')).to.throw(PassphraseError, /set PULUMI_CONFIG_PASSPHRASE \(an empty value is allowed\)/);
    expect(new StateSecrets("", undefined).canEncrypt, "an empty passphrase is one").to.equal(true);
  });
});
