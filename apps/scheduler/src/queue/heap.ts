// A binary min-heap over `less` whose items are also reachable by key (upstream's
// backend/heap): the scheduling queue needs both "the best pod next" and "this pod, by uid"
// (update in place, delete), each in O(log n). Adding an item whose key is present replaces it.

export class Heap<T> {
  readonly #items: T[] = [];
  readonly #index = new Map<string, number>();
  readonly #keyOf: (item: T) => string;
  readonly #less: (a: T, b: T) => boolean;

  /** `less(a, b)` true means `a` comes out before `b`. */
  constructor(keyOf: (item: T) => string, less: (a: T, b: T) => boolean) {
    this.#keyOf = keyOf;
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#items[i];
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Inserts `item`, or replaces the item with the same key and restores the order around it. */
  addOrUpdate(item: T): void {
    const key = this.#keyOf(item);
    const i = this.#index.get(key);
    if (i === undefined) {
      this.#items.push(item);
      this.#index.set(key, this.#items.length - 1);
      this.#up(this.#items.length - 1);
      return;
    }
    this.#items[i] = item;
    this.#fix(i);
  }

  /** Removes the item with `key`; false when there was none. */
  delete(key: string): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    this.#removeAt(i);
    return true;
  }

  pop(): T | undefined {
    return this.#items.length === 0 ? undefined : this.#removeAt(0);
  }

  /** The items in no particular order. */
  list(): T[] {
    return [...this.#items];
  }

  #removeAt(i: number): T {
    const items = this.#items;
    const removed = items[i] as T;
    const last = items.pop() as T;
    this.#index.delete(this.#keyOf(removed));
    if (i < items.length) {
      items[i] = last;
      this.#index.set(this.#keyOf(last), i);
      this.#fix(i);
    }
    return removed;
  }

  #fix(i: number): void {
    if (!this.#down(i)) this.#up(i);
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#at(i), this.#at(parent))) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** True when the item moved. */
  #down(start: number): boolean {
    const n = this.#items.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#less(this.#at(right), this.#at(left)) ? right : left;
      if (!this.#less(this.#at(child), this.#at(i))) break;
      this.#swap(i, child);
      i = child;
    }
    return i > start;
  }

  #at(i: number): T {
    return this.#items[i] as T;
  }

  #swap(i: number, j: number): void {
    const a = this.#at(i);
    const b = this.#at(j);
    this.#items[i] = b;
    this.#items[j] = a;
    this.#index.set(this.#keyOf(b), i);
    this.#index.set(this.#keyOf(a), j);
  }
}
