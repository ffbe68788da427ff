// Shared informers (client-go's SharedInformerFactory): one list+watch per resource, however many
// controllers read it. Controllers ask for informers while they are constructed; `start` then
// runs them all, and `waitForSync` resolves once every one has its first list.
import type { ResourceInfo } from '@k8ts/api';
import { resourceFor } from '@k8ts/api';
import { dropManagedFields, Informer, type Clock, type KubeObject, type ListWatcher } from '@k8ts/client';

export class InformerFactory {
  readonly #informers = new Map<string, Informer<KubeObject>>();
  #started = false;

  constructor(private readonly o: { client: ListWatcher; clock: Clock; onError: (resource: string, err: unknown) => void }) {}

  /** The shared informer for `group/version/plural`, e.g. `for<Pod>('', 'v1', 'pods')`. */
  for<T extends KubeObject>(group: string, version: string, plural: string): Informer<T> {
    const r = resourceFor(group, version, plural);
    if (!r) throw new Error(`unknown resource ${group}/${version}/${plural}`);
    return this.forResource<T>(r);
  }

  forResource<T extends KubeObject>(r: ResourceInfo): Informer<T> {
    const key = `${r.group}/${r.version}/${r.plural}`;
    let inf = this.#informers.get(key);
    if (!inf) {
      if (this.#started) throw new Error(`informer for ${key} requested after the factory started`);
      // Controllers never read managedFields: dropping them halves what the caches hold (upstream's TrimManagedFields).
      inf = new Informer<KubeObject>({
        client: this.o.client, resource: r, clock: this.o.clock, transform: dropManagedFields, onError: (err) => this.o.onError(r.plural, err),
      });
      this.#informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer asked for so far; resolves when `signal` aborts and they have stopped. */
  start(signal: AbortSignal): Promise<unknown> {
    this.#started = true;
    return Promise.allSettled([...this.#informers.values()].map((i) => i.start(signal)));
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.waitForSync(signal)));
  }

  synced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced());
  }
}
