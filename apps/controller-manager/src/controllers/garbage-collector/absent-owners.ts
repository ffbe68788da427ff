// Owners verified absent (upstream's absentOwnerCache, an LRU of 500): once a lookup found no
// object at an owner's coordinates with its uid, other dependents naming it need not ask again.
// A uid is never reused, so an entry never goes stale; the bound only caps memory.
import { identityKey, type Identity } from './graph.ts';

export class AbsentOwners {
  readonly #keys = new Map<string, true>();

  constructor(private readonly capacity = 500) {}

  add(id: Identity): void {
    const k = identityKey(id);
    this.#keys.delete(k);
    this.#keys.set(k, true);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.keys().next().value!);
  }

  has(id: Identity): boolean {
    const k = identityKey(id);
    if (!this.#keys.has(k)) return false;
    this.#keys.delete(k);
    this.#keys.set(k, true);
    return true;
  }
}
