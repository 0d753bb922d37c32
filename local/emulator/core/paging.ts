/**
 * `offset`/`max` pagination with a `Link: <...>; rel="next"` header while more remain, as the
 * reference describes for every list.
 */
import { fail } from "./catalog";

/** Paging limits of one list. */
export interface PagingRule {
  readonly defaultMax: number;
  readonly maxMax: number;
  /** Name of the offset parameter: `offset` (wholesale lists) unless the API says otherwise (`start`). */
  readonly offsetParam?: string;
}

/** A page of items and the headers that go with it. */
export interface Page<T> {
  readonly items: T[];
  readonly headers: Record<string, string>;
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) fail(1001, `${name}: must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) fail(1001, `${name}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * Cuts one page out of `all` according to the query's offset (`offset` or `start`) and `max`, and builds the
 * absolute `Link` of the next page (same path and filters, next offset) when more remain.
 */
export function paginate<T>(all: readonly T[], query: URLSearchParams, rule: PagingRule, baseUrl: string, path: string): Page<T> {
  const offsetParam = rule.offsetParam ?? "offset";
  const offset = intParam(query, offsetParam, 0, 0, Number.MAX_SAFE_INTEGER);
  const max = intParam(query, "max", rule.defaultMax, 1, rule.maxMax);
  const items = all.slice(offset, offset + max);
  const headers: Record<string, string> = {};
  if (offset + max < all.length) {
    const next = new URLSearchParams(query);
    next.set(offsetParam, String(offset + max));
    next.set("max", String(max));
    headers["Link"] = `<${baseUrl}${path}?${next.toString()}>; rel="next"`;
  }
  return { items, headers };
}
