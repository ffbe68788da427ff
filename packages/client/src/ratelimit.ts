// Rate limiting as in client-go: a token bucket (golang.org/x/time/rate semantics: a
// reservation may drive the bucket negative and returns how long to wait), and the per-item
// limiters util/workqueue composes into its default controller limiter.
import type { Clock } from './clock.ts';

export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(opts: { qps: number; burst: number; clock: Clock }) {
    if (!(opts.qps > 0) || !(opts.burst >= 1)) throw new Error(`token bucket needs qps > 0 and burst >= 1, got ${opts.qps}/${opts.burst}`);
    this.qps = opts.qps;
    this.burst = opts.burst;
    this.#clock = opts.clock;
    this.#tokens = opts.burst;
    this.#last = opts.clock.now().getTime();
  }

  #refill(): void {
    const now = this.#clock.now().getTime();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.qps) / 1000);
    this.#last = now;
  }

  /** Takes a token now and returns the milliseconds the caller must wait before using it. */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.qps);
  }

  /** Takes a token only if one is available now. */
  tryAccept(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    const ms = this.reserve();
    if (ms > 0) await this.#clock.sleep(ms, signal);
  }
}

/** Decides how long an item waits before its next retry (client-go's workqueue.RateLimiter). */
export interface RateLimiter<K> {
  when(item: K): number;
  forget(item: K): void;
  numRequeues(item: K): number;
}

/** base·2^failures per item, capped at max; forget resets the item. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1000_000,
  ) {}

  when(item: K): number {
    const n = this.#failures.get(item) ?? 0;
    this.#failures.set(item, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }
  forget(item: K): void {
    this.#failures.delete(item);
  }
  numRequeues(item: K): number {
    return this.#failures.get(item) ?? 0;
  }
}

/** Every item shares one bucket; it has no per-item memory. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  constructor(readonly bucket: TokenBucket) {}
  when(_item: K): number {
    return this.bucket.reserve();
  }
  forget(_item: K): void {}
  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest wait any of its limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }
  when(item: K): number {
    return this.#limiters.reduce((max, l) => Math.max(max, l.when(item)), 0);
  }
  forget(item: K): void {
    for (const l of this.#limiters) l.forget(item);
  }
  numRequeues(item: K): number {
    return this.#limiters.reduce((max, l) => Math.max(max, l.numRequeues(item)), 0);
  }
}

/** client-go's DefaultControllerRateLimiter: per-item 5 ms → 1000 s, overall 10 qps / 100 burst. */
export const defaultControllerRateLimiter = <K>(clock: Clock): RateLimiter<K> =>
  new MaxOfRateLimiter<K>(
    new ItemExponentialRateLimiter<K>(5, 1000_000),
    new BucketRateLimiter<K>(new TokenBucket({ qps: 10, burst: 100, clock })),
  );
