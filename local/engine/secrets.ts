/**
 * Encryption of secret values in the state file: AES-256-GCM with a key derived by scrypt from
 * `PULUMI_CONFIG_PASSPHRASE` and a random salt stored in the state (the same model as the Pulumi CLI's
 * passphrase secrets provider, but not its format).
 */
import * as crypto from "node:crypto";
import { z } from "zod";

/** The secrets-provider block stored in the state file. */
export const SecretsProviderSchema = z.object({
  type: z.literal("passphrase"),
  /** scrypt salt, base64. */
  salt: z.string(),
  /** A known value encrypted with the key, to detect a wrong passphrase before anything runs. */
  check: z.string(),
});

/** The stored secrets-provider block. */
export type SecretsProviderState = z.output<typeof SecretsProviderSchema>;

const CHECK_PLAINTEXT = "pulumi-local-engine:passphrase-check";
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** Error raised when secrets must be encrypted or decrypted and no usable passphrase is available. */
export class PassphraseError extends Error {
  override name = "PassphraseError";
}

/** Encrypts and decrypts secret values with one derived key. Never exposes the key or the passphrase. */
export class Crypter {
  readonly #key: Buffer;
  /** The block to store in the state so the next run can derive the same key. */
  readonly provider: SecretsProviderState;

  private constructor(key: Buffer, salt: string) {
    this.#key = key;
    this.provider = { type: "passphrase", salt, check: "" };
    this.provider.check = this.encrypt(CHECK_PLAINTEXT);
  }

  /**
   * Derives the key for `passphrase`. With `existing` (from the state), reuses its salt and verifies the
   * passphrase against its check value.
   *
   * @throws PassphraseError when the passphrase does not match the state.
   */
  static create(passphrase: string, existing?: SecretsProviderState): Crypter {
    const salt = existing?.salt ?? crypto.randomBytes(16).toString("base64");
    const key = crypto.scryptSync(passphrase, Buffer.from(salt, "base64"), 32, SCRYPT);
    const crypter = new Crypter(key, salt);
    if (existing) {
      let ok = false;
      try {
        ok = crypter.decrypt(existing.check) === CHECK_PLAINTEXT;
      } catch {
        ok = false;
      }
      if (!ok) throw new PassphraseError("incorrect passphrase: PULUMI_CONFIG_PASSPHRASE does not decrypt this stack's state");
      crypter.provider.check = existing.check;
    }
    return crypter;
  }

  /** Encrypts a UTF-8 string; the result is `v1:<iv>:<tag>:<ciphertext>` in base64 parts. */
  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.#key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `v1:${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${ct.toString("base64")}`;
  }

  /**
   * Decrypts a value made by {@link encrypt}.
   *
   * @throws PassphraseError when the value is malformed or was encrypted with another key.
   */
  decrypt(value: string): string {
    const parts = value.split(":");
    if (parts.length !== 4 || parts[0] !== "v1") throw new PassphraseError("malformed ciphertext in state");
    try {
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.#key, Buffer.from(parts[1]!, "base64"));
      decipher.setAuthTag(Buffer.from(parts[2]!, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw new PassphraseError("cannot decrypt a secret in the state: wrong passphrase or corrupted file");
    }
  }

  /** Keeps the key out of `console.log`/`util.inspect` and JSON output. */
  toJSON(): string {
    return "[Crypter]";
  }
}

/**
 * The secrets of one stack's state: decrypts those it holds and encrypts those it will, with the key of its
 * secrets-provider block (created with the first secret written). The passphrase is needed only once a secret is
 * read or written.
 */
export class StateSecrets {
  readonly #passphrase: string | undefined;
  readonly #stored: SecretsProviderState | undefined;
  #crypter: Crypter | undefined;
  /**
   * Plaintext → the ciphertext it was read or first written with. Writing a value again reuses it: an unchanged
   * state stays byte-identical, so a no-op run does not rewrite the file.
   */
  readonly #ciphertexts = new Map<string, string>();

  /**
   * @param passphrase `PULUMI_CONFIG_PASSPHRASE`, if set.
   * @param stored the secrets-provider block of the loaded state, if it has one.
   * @throws PassphraseError when the passphrase does not match `stored`.
   */
  constructor(passphrase: string | undefined, stored: SecretsProviderState | undefined) {
    this.#passphrase = passphrase;
    this.#stored = stored;
    if (stored && passphrase !== undefined) this.#crypter = Crypter.create(passphrase, stored);
  }

  /** True when secrets can be written (a passphrase is available). */
  get canEncrypt(): boolean {
    return this.#passphrase !== undefined;
  }

  /** The secrets-provider block to store: the loaded one, or the one the first secret written created. */
  get provider(): SecretsProviderState | undefined {
    return this.#crypter?.provider ?? this.#stored;
  }

  /**
   * The plaintext of a stored ciphertext.
   *
   * @throws PassphraseError when no passphrase is set, or it is not the one the state was written with.
   */
  decrypt(ciphertext: string): string {
    if (!this.#crypter) {
      throw new PassphraseError(
        `the state of this stack contains secrets: set PULUMI_CONFIG_PASSPHRASE to the passphrase used to write it`,
      );
    }
    const plain = this.#crypter.decrypt(ciphertext);
    this.#ciphertexts.set(plain, ciphertext);
    return plain;
  }

  /**
   * The ciphertext to store for a plaintext.
   *
   * @throws PassphraseError when no passphrase is set.
   */
  encrypt(plain: string): string {
    let ciphertext = this.#ciphertexts.get(plain);
    if (ciphertext === undefined) {
      ciphertext = this.#getCrypter().encrypt(plain);
      this.#ciphertexts.set(plain, ciphertext);
    }
    return ciphertext;
  }

  #getCrypter(): Crypter {
    if (!this.#crypter) {
      if (this.#passphrase === undefined) {
        throw new PassphraseError("a secret must be saved in the state: set PULUMI_CONFIG_PASSPHRASE (an empty value is allowed)");
      }
      this.#crypter = Crypter.create(this.#passphrase, this.#stored);
    }
    return this.#crypter;
  }
}
