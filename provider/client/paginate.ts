/**
 * Pagination of list endpoints as an async iterator (the openai-node model).
 *
 * The reference says lists answer `{ items }` with a `Link: <url>; rel="next"` header while more
 * remain; the public spec declares no `Link`, so both styles are supported: follow `Link` when a
 * page carries one, otherwise page with `offset`/`max` until a page comes back shorter than asked.
 */

/** What the pager asks for: an offset page, or the URL a previous page linked to. */
export interface PageRequest {
  /** Index of the first item wanted (offset paging). */
  offset: number;
  /** Page size asked for. */
  max: number;
  /** When set, fetch this URL (a `Link: rel="next"`) instead of offset/max. */
  url?: string;
}

/** One page as the fetcher returns it. */
export interface Page<T> {
  /** The page's items, already validated. */
  items: T[];
  /** Absolute URL of the next page, from `Link: rel="next"`, when the server sent one. */
  next?: string;
}

/** Options of the pager (`paginate`) and of the client's `list` methods. */
export interface PaginateOptions {
  /** Items per request. Default 100 (the API's maximum). */
  pageSize?: number;
  /** Stop after yielding this many items in total. */
  max?: number;
}

/**
 * Extracts the `rel="next"` target of an RFC 8288 `Link` header, resolved against `base`.
 * Returns undefined when there is none.
 */
export function parseLinkNext(link: string | undefined, base: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
    if (rels && rels[1].toLowerCase().split(/\s+/).includes("next")) {
      return new URL(match[1], base).toString();
    }
  }
  return undefined;
}

/**
 * Iterates every item of a list, page by page, fetching lazily (a caller that stops early makes no
 * further requests).
 *
 * Once any page carried a `Link`, the absence of one ends the list (link URLs need not follow offset
 * semantics). A link seen twice or an empty page also ends it, so a misbehaving server cannot make
 * the iteration loop forever.
 */
export async function* paginate<T>(
  fetchPage: (request: PageRequest) => Promise<Page<T>>,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const pageSize = options.pageSize ?? 100;
  const limit = options.max ?? Number.POSITIVE_INFINITY;
  if (!(pageSize >= 1)) throw new TypeError(`pageSize must be at least 1 (got ${pageSize})`);
  if (limit <= 0) return;
  let yielded = 0;
  let request: PageRequest = { offset: 0, max: Math.min(pageSize, limit) };
  let linked = false;
  const seen = new Set<string>();

  for (;;) {
    const page = await fetchPage(request);
    for (const item of page.items) {
      yield item;
      if (++yielded >= limit) return;
    }
    if (page.items.length === 0) return;
    const offset = request.offset + page.items.length;
    const max = Math.min(pageSize, limit - yielded);
    if (page.next !== undefined) {
      if (seen.has(page.next)) return;
      seen.add(page.next);
      linked = true;
      request = { offset, max, url: page.next };
    } else if (linked || page.items.length < request.max) {
      return;
    } else {
      request = { offset, max };
    }
  }
}

/** Collects the items of an async iterable that satisfy `keep`, stopping after `limit` matches. */
export async function collect<T>(items: AsyncIterable<T>, keep: (item: T) => boolean, limit = 10): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    if (keep(item)) out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
