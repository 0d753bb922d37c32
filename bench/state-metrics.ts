/**
 * What the engine's state file costs per resource: total size, and the bytes of serialized
 * provider code (`__provider`) it holds, divided by the number of dynamic resources.
 *
 * The engine may store `__provider` inline in every resource's inputs and outputs (as Pulumi's own
 * checkpoint does, about 6.7 KB each) or once in a table keyed by hash (local-engine.md, G5); both
 * are measured the same way: every value stored under a `__provider` key (the code itself, or the
 * reference to the blob, as JSON), plus every entry of a top-level table whose name says it holds
 * provider blobs, counted once.
 */

/** Size figures of one state file. */
export interface StateMetrics {
  /** Bytes of the file. */
  readonly stateBytes: number;
  /** Dynamic resources recorded (URN type `pulumi-nodejs:dynamic/…`). */
  readonly resources: number;
  /** Bytes of serialized provider code in the file. */
  readonly providerBytes: number;
  /** providerBytes ÷ resources (0 without resources). */
  readonly providerBytesPerResource: number;
}

const BLOB_TABLE = /^(providers?|providerBlobs?|blobs?|__providers?)$/i;

/** Measures a state file's text. Unknown shapes are walked generically; nothing is assumed. */
export function measureState(text: string): StateMetrics {
  const state: unknown = JSON.parse(text);
  let providerBytes = 0;
  const urns = new Set<string>();
  const walk = (value: unknown, key: string | undefined, depth: number): void => {
    if (typeof value === "string") {
      if (key === "__provider") providerBytes += Buffer.byteLength(value);
      if (key === "urn" && value.includes("::pulumi-nodejs:dynamic")) urns.add(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) walk(v, undefined, depth + 1);
      return;
    }
    if (value && typeof value === "object") {
      if (key === "__provider") {
        providerBytes += Buffer.byteLength(JSON.stringify(value)); // a reference into the blob table
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (key !== undefined && BLOB_TABLE.test(key) && depth === 1 && typeof v === "string") {
          providerBytes += Buffer.byteLength(v); // a deduplicated blob, stored once
          continue;
        }
        walk(v, k, depth + 1);
      }
    }
  };
  walk(state, undefined, 0);
  return {
    stateBytes: Buffer.byteLength(text),
    resources: urns.size,
    providerBytes,
    providerBytesPerResource: urns.size === 0 ? 0 : providerBytes / urns.size,
  };
}
