// How many pods (or terms) count against each topology pair — a node label key and one of its
// values — as InterPodAffinity's pre-filter state keeps them. A pair is written "key=value":
// label keys cannot contain "=", so the form is unambiguous and reads well in test output.
import type { Node } from 'kubernetes-types/core/v1';

export class TopologyCounts {
  readonly #byPair: Map<string, number>;

  constructor(entries: Iterable<readonly [string, number]> = []) {
    this.#byPair = new Map(entries);
  }

  get size(): number {
    return this.#byPair.size;
  }

  get(key: string, value: string): number {
    return this.#byPair.get(`${key}=${value}`) ?? 0;
  }

  /**
   * Adds `delta` to the pair (topologyKey, the node's value for it); nothing when the node lacks
   * the label. A pair brought back to zero is dropped, so `size` stays "pairs with pods".
   */
  add(node: Node | undefined, topologyKey: string, delta: number): void {
    const value = node?.metadata?.labels?.[topologyKey];
    if (value === undefined) return;
    const pair = `${topologyKey}=${value}`;
    const n = (this.#byPair.get(pair) ?? 0) + delta;
    if (n === 0) this.#byPair.delete(pair);
    else this.#byPair.set(pair, n);
  }

  merge(other: TopologyCounts): void {
    for (const [pair, n] of other.#byPair) this.#byPair.set(pair, (this.#byPair.get(pair) ?? 0) + n);
  }

  clone(): TopologyCounts {
    return new TopologyCounts(this.#byPair);
  }

  /** The counts as a plain object, pairs sorted, for tests and explanations. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#byPair].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
