// The cache of probe results per container id (upstream results.Manager): one per probe kind.
// Listeners hear only changes — setting the value a container already has is silent — and a
// removal is never announced.

export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

export interface ResultUpdate {
  containerId: string;
  result: ProbeResult;
  podUid: string;
  containerName: string;
}

export type ResultListener = (update: ResultUpdate) => void;

export class ResultsManager {
  readonly #cache = new Map<string, ProbeResult>();
  readonly #listeners = new Set<ResultListener>();

  get(containerId: string): ProbeResult | undefined {
    return this.#cache.get(containerId);
  }

  set(containerId: string, result: ProbeResult, podUid: string, containerName: string): void {
    if (this.#cache.get(containerId) === result) return;
    this.#cache.set(containerId, result);
    for (const fn of [...this.#listeners]) fn({ containerId, result, podUid, containerName });
  }

  remove(containerId: string): void {
    this.#cache.delete(containerId);
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onUpdate(fn: ResultListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}
