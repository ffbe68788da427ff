// client-go's util/workqueue contract, in one class:
// - fair: items are handed out in the order they were added;
// - stingy: an item is never handed to two workers at once, and adding an item that is already
//   queued does nothing;
// - re-addable while processing: the item is marked dirty and queued again when `done` is
//   called, so a change seen mid-sync is never lost;
// - delayed adds collapse too: while an item waits, only its earliest due time is kept;
// - after shutDown, `get` still drains what is queued, then reports shutdown.
import type { Clock, TimerHandle } from './clock.ts';
import { realClock } from './clock.ts';
import type { RateLimiter } from './ratelimit.ts';
import { defaultControllerRateLimiter } from './ratelimit.ts';

export type QueueItem<K> = { item: K; shutdown: false } | { shutdown: true };

export interface WorkQueueOptions<K> {
  clock?: Clock;
  rateLimiter?: RateLimiter<K>;
}

export class WorkQueue<K> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  #queue: K[] = [];
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #waiting = new Map<K, { at: number; handle: TimerHandle }>();
  readonly #getters: ((next: QueueItem<K>) => void)[] = [];
  #shuttingDown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.#clock = opts.clock ?? realClock;
    this.#limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.#clock);
  }

  add(item: K): void {
    if (this.#shuttingDown || this.#dirty.has(item)) return;
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    this.#queue.push(item);
    this.#handOut();
  }

  /** Waits for the next item; every item got must be given back with `done`. */
  get(): Promise<QueueItem<K>> {
    return new Promise((resolve) => {
      this.#getters.push(resolve);
      this.#handOut();
    });
  }

  done(item: K): void {
    this.#processing.delete(item);
    if (this.#dirty.has(item)) {
      this.#queue.push(item);
      this.#handOut();
    }
  }

  /** Adds the item once `ms` have passed on the clock. */
  addAfter(item: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) return this.add(item);
    const at = this.#clock.now().getTime() + ms;
    const prior = this.#waiting.get(item);
    if (prior && prior.at <= at) return;
    if (prior) this.#clock.clearTimeout(prior.handle);
    const handle = this.#clock.setTimeout(() => {
      this.#waiting.delete(item);
      this.add(item);
    }, ms);
    this.#waiting.set(item, { at, handle });
  }

  /** Adds the item after the wait its rate limiter decides (a retry after a failure). */
  addRateLimited(item: K): void {
    this.addAfter(item, this.#limiter.when(item));
  }

  /** The item succeeded: its retry back-off starts over. */
  forget(item: K): void {
    this.#limiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.#limiter.numRequeues(item);
  }

  /** Items queued and not yet handed out. */
  len(): number {
    return this.#queue.length;
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const w of this.#waiting.values()) this.#clock.clearTimeout(w.handle);
    this.#waiting.clear();
    this.#handOut();
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #handOut(): void {
    while (this.#getters.length > 0) {
      if (this.#queue.length === 0) {
        if (this.#shuttingDown) for (const g of this.#getters.splice(0)) g({ shutdown: true });
        return;
      }
      const item = this.#queue.shift() as K;
      this.#processing.add(item);
      this.#dirty.delete(item);
      this.#getters.shift()!({ item, shutdown: false });
    }
  }
}

/**
 * The usual worker loop: take a key, sync it, forget it on success or requeue it rate-limited on
 * failure, always mark it done. Returns when the queue shuts down.
 */
export async function runWorker<K>(
  queue: WorkQueue<K>,
  sync: (item: K) => Promise<void>,
  onError: (item: K, err: unknown) => void = () => {},
): Promise<void> {
  for (;;) {
    const next = await queue.get();
    if (next.shutdown) return;
    try {
      await sync(next.item);
      queue.forget(next.item);
    } catch (err) {
      onError(next.item, err);
      queue.addRateLimited(next.item);
    } finally {
      queue.done(next.item);
    }
  }
}
