// The informer's local cache: objects keyed `namespace/name` (or `name` when cluster-scoped, as
// client-go's MetaNamespaceKeyFunc), with named indexes kept current on every write.
//
// Objects held here are shared by every reader and frozen (unless the informer was told not to):
// copy before you change one (structuredClone), as client-go's DeepCopy rule demands.
import type { KubeObject } from './types.ts';

declare const objectKeyBrand: unique symbol;
/** `namespace/name`, or `name` for cluster-scoped objects. */
export type ObjectKey = string & { readonly [objectKeyBrand]: true };

export const keyOf = (namespace: string | undefined, name: string): ObjectKey =>
  (namespace ? `${namespace}/${name}` : name) as ObjectKey;

export const objectKey = (obj: KubeObject): ObjectKey => keyOf(obj.metadata?.namespace, obj.metadata?.name ?? '');

/** The inverse of keyOf: namespace is '' for a cluster-scoped key. */
export const splitKey = (key: ObjectKey | string): { namespace: string; name: string } => {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

export type IndexFunc<T> = (obj: T) => readonly string[];

/** The `namespace` index every store has, so `byNamespace` is a lookup, not a scan. */
export const NAMESPACE_INDEX = 'namespace';

interface Index<T> {
  fn: IndexFunc<T>;
  values: Map<string, Set<ObjectKey>>;
}

export class Store<T extends KubeObject> {
  readonly #items = new Map<ObjectKey, T>();
  readonly #indexes = new Map<string, Index<T>>();

  constructor() {
    this.addIndex(NAMESPACE_INDEX, (o) => [o.metadata?.namespace ?? '']);
  }

  /** Adds an index, built at once over what the store holds. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.#indexes.has(name)) throw new Error(`index ${name} already exists`);
    const index: Index<T> = { fn, values: new Map() };
    this.#indexes.set(name, index);
    for (const [key, obj] of this.#items) this.#link(index, key, obj);
  }

  get(key: ObjectKey): T | undefined {
    return this.#items.get(key);
  }

  keys(): ObjectKey[] {
    return [...this.#items.keys()];
  }

  values(): T[] {
    return [...this.#items.values()];
  }

  get size(): number {
    return this.#items.size;
  }

  /** Stores the object; returns the one it replaced. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (old) for (const index of this.#indexes.values()) this.#unlink(index, key, old);
    this.#items.set(key, obj);
    for (const index of this.#indexes.values()) this.#link(index, key, obj);
    return old;
  }

  delete(key: ObjectKey): T | undefined {
    const old = this.#items.get(key);
    if (!old) return undefined;
    for (const index of this.#indexes.values()) this.#unlink(index, key, old);
    this.#items.delete(key);
    return old;
  }

  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`index ${name} does not exist`);
    return [...(index.values.get(value) ?? [])].map((k) => this.#items.get(k)!);
  }

  #link(index: Index<T>, key: ObjectKey, obj: T): void {
    for (const v of index.fn(obj)) {
      let keys = index.values.get(v);
      if (!keys) index.values.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  #unlink(index: Index<T>, key: ObjectKey, obj: T): void {
    for (const v of index.fn(obj)) {
      const keys = index.values.get(v);
      keys?.delete(key);
      if (keys?.size === 0) index.values.delete(v);
    }
  }
}

/** Read access to a Store; what controllers hold. Returned objects are shared: copy before change. */
export class Lister<T extends KubeObject> {
  constructor(readonly store: Store<T>) {}

  get(key: ObjectKey | string): T | undefined {
    return this.store.get(key as ObjectKey);
  }

  list(selector?: (obj: T) => boolean): T[] {
    const all = this.store.values();
    return selector ? all.filter(selector) : all;
  }

  byNamespace(namespace: string, selector?: (obj: T) => boolean): T[] {
    const hits = this.store.byIndex(NAMESPACE_INDEX, namespace);
    return selector ? hits.filter(selector) : hits;
  }

  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }
}

/** Freezes an object and everything it holds, so cache readers cannot change shared state. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
