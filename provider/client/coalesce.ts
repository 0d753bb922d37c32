/**
 * Coalescing of keyed lookups asked at about the same time (the DataLoader idea, with a window).
 *
 * A program declaring many objects starts their creates together, and each create first looks its
 * object up by natural key. Asked one by one, those lookups spend the partner's rate budget (100
 * customers cost 100 requests of a 20/s limit). The first lookup of a window therefore waits a few
 * milliseconds for others, then answers the whole window together when it can (one shared list
 * request), or each key on its own when it cannot. The answer is never older than the window.
 */

/** How {@link coalescing} answers the keys of one window. */
export interface CoalescingOptions<K, V> {
  /** How long the first lookup of a window waits for others to join it, ms. */
  readonly windowMs: number;
  /**
   * Answers every key of a window with one request, returning the answer of each key; or
   * `undefined` when one shared answer is impossible or not worth it (a lone key, a list longer
   * than one page), and each key is then answered by {@link alone}.
   */
  together(keys: ReadonlySet<K>): Promise<((key: K) => V) | undefined>;
  /** Answers one key with a request of its own. */
  alone(key: K): Promise<V>;
}

/** The lookups of one window: its keys, the shared answer, and the lone answers already asked for. */
interface Window<K, V> {
  readonly keys: Set<K>;
  readonly shared: Promise<((key: K) => V) | undefined>;
  readonly lone: Map<K, Promise<V>>;
}

/**
 * A lookup function whose calls within `windowMs` of the first share their requests: one
 * `together` request for the window, else one `alone` request per distinct key. A failure of the
 * shared request reaches every caller of the window as the same error object, so callers must not
 * change it (the resources' `explainApiError` returns a copy naming its own resource); a failed
 * lone answer reaches only the callers of that key.
 * @example
 * ```ts
 * const find = coalescing({ windowMs: 25, together: listOnePage, alone: listFiltered });
 * const [a, b] = await Promise.all([find("acme-001"), find("globex-002")]); // one request
 * ```
 */
export function coalescing<K, V>(options: CoalescingOptions<K, V>): (key: K) => Promise<V> {
  let open: Window<K, V> | undefined;
  return (key) => {
    if (open === undefined) {
      const keys = new Set<K>();
      const shared = new Promise<void>((resolve) => setTimeout(resolve, options.windowMs)).then(() => {
        open = undefined;
        return options.together(keys);
      });
      open = { keys, shared, lone: new Map() };
    }
    const window = open;
    window.keys.add(key);
    return window.shared.then((answer) => {
      if (answer !== undefined) return answer(key);
      let lone = window.lone.get(key);
      if (lone === undefined) {
        lone = options.alone(key);
        window.lone.set(key, lone);
      }
      return lone;
    });
  };
}
