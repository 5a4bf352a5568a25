/**
 * Fields a result computes on first read. A result offers many printed forms
 * (the index form, NumPy, PyTorch, …) and most callers read one or two: the
 * command line prints one format, an editor shows LaTeX. Computing them all on
 * every call was a third of a request's time.
 *
 * A lazy field is an enumerable getter, so JSON.stringify, structured clone (a
 * worker's postMessage) and deep equality see it as the plain value it
 * becomes; after the first read it is replaced by that value.
 */
/** Lazy fields not read yet, by object: what counts a result's size leaves them to count themselves. */
const pending = new WeakMap<object, Set<PropertyKey>>();

/** Is this field of target lazy and not yet computed? */
export const isPending = (target: object, key: PropertyKey): boolean => pending.get(target)?.has(key) ?? false;

/** The lazy fields of target not yet computed, if it has any: one look-up for a walk over all its fields. */
export const pendingFields = (target: object): ReadonlySet<PropertyKey> | undefined => pending.get(target);

export function lazy<T extends object, K extends PropertyKey, V>(target: T, key: K, compute: () => V): T & { readonly [P in K]: V } {
  let keys = pending.get(target);
  if (!keys) pending.set(target, (keys = new Set()));
  keys.add(key);
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(this: T) {
      const value = compute();
      Object.defineProperty(this, key, { value, enumerable: true, configurable: false, writable: false });
      pending.get(this)?.delete(key);
      return value;
    },
  });
  return target as T & { readonly [P in K]: V };
}

/** A computation run at most once, for fields that share work (every Python backend prints one expanded expression). */
export function once<V>(compute: () => V): () => V {
  let done = false;
  let value: V;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}
