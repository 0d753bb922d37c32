/**
 * Seeded randomness and Webex-like ids. The core never calls `Math.random` or `crypto`: it
 * draws from a PRNG whose 32-bit state lives in the emulator state, so the same state and
 * request always give the same answer (and a test can predict nothing, yet replay everything).
 */

/** A PRNG cursor: draws numbers and remembers where it is, so the caller can store the new seed. */
export class Rng {
  private s: number;

  /** Starts from a 32-bit seed (any number; it is truncated to 32 bits). */
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The seed to store so the next cursor continues this sequence. */
  get seed(): number {
    return this.s;
  }

  /** The next 32-bit unsigned integer (mulberry32: small, fast, good enough for ids and dice). */
  nextUint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A version-4-shaped UUID made of PRNG bits. */
  uuid(): string {
    const hex = [this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]
      .map((n) => n.toString(16).padStart(8, "0"))
      .join("");
    const variant = ((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/**
 * Kinds used in ids. Chosen so that `ciscospark://us/<KIND>/<uuid>` is not a multiple of three
 * bytes long: the base64 then ends with `=`, which forces clients to URL-encode ids in paths
 * and queries (and a client that forgets is caught here rather than in production).
 */
export const ID_KINDS = {
  customer: "CUSTOMER",
  subscriber: "WHOLESALE_SUBSCRIBER",
  organization: "ORGANIZATION",
  location: "LOCATION",
  person: "PEOPLE",
  template: "TEMPLATE",
  provisioning: "PROVISIONING",
  job: "JOB",
} as const;

/** A kind of id. */
export type IdKind = keyof typeof ID_KINDS;

/** A Webex-style id: base64 of `ciscospark://us/<KIND>/<uuid>`. */
export function webexId(kind: IdKind, rng: Rng): string {
  return Buffer.from(`ciscospark://us/${ID_KINDS[kind]}/${rng.uuid()}`, "utf8").toString("base64");
}

/** A tracking id in the `ROUTER_` style of the reference's examples. */
export function trackingId(rng: Rng): string {
  return `ROUTER_${rng.uuid().toUpperCase()}`;
}
