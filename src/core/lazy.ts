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
/**
 * Lazy fields not read yet, with their computations, are kept on the object itself under a symbol that is
 * not enumerable: JSON, structured clone, Object.keys and deep equality do not see it. (A WeakMap from
 * object to fields cost more than the rest of making the fields: an ephemeron per result, 4 µs a call.)
 * The getters themselves are one function per field name, shared by every object: V8 then gives all
 * results one hidden class (a getter made per object gave each its own).
 */
const PENDING = Symbol("matdiff.lazyFields");
type Fields = Map<PropertyKey, () => unknown>;
const getters = new Map<PropertyKey, (this: object) => unknown>();

const fieldsOf = (target: object): Fields | undefined => {
  // read first (most objects a walk meets have none), own-checked only when found: one inherited is its owner's
  const fields = (target as { [PENDING]?: Fields })[PENDING];
  return fields !== undefined && Object.prototype.hasOwnProperty.call(target, PENDING) ? fields : undefined;
};

/** Is this field of target lazy and not yet computed? */
export const isPending = (target: object, key: PropertyKey): boolean => fieldsOf(target)?.has(key) ?? false;

/** The lazy fields of target not yet computed, if it has any: one look-up for a walk over all its fields. */
export const pendingFields = (target: object): { has(key: PropertyKey): boolean } | undefined => fieldsOf(target);

function getterFor(key: PropertyKey): (this: object) => unknown {
  let get = getters.get(key);
  if (!get) {
    get = function (this: object) {
      // the object that holds the field: this one, or one it inherits from
      let owner: object | null = this;
      while (owner !== null && !fieldsOf(owner)?.has(key)) owner = Object.getPrototypeOf(owner) as object | null;
      if (owner === null) return undefined;
      const fields = fieldsOf(owner)!;
      const value = fields.get(key)!();
      Object.defineProperty(owner, key, { value, enumerable: true, configurable: false, writable: false });
      fields.delete(key);
      return value;
    };
    getters.set(key, get);
  }
  return get;
}

export function lazy<T extends object, K extends PropertyKey, V>(target: T, key: K, compute: () => V): T & { readonly [P in K]: V } {
  let fields = fieldsOf(target);
  if (!fields) {
    fields = new Map();
    Object.defineProperty(target, PENDING, { value: fields, enumerable: false, configurable: false, writable: false });
  }
  fields.set(key, compute);
  Object.defineProperty(target, key, { enumerable: true, configurable: true, get: getterFor(key) });
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
