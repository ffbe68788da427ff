// Exponential back-off with jitter that forgets old failures (client-go's
// wait.NewExponentialBackoffManager): each wait doubles up to a cap; a quiet spell longer than
// `resetMs` since the last back-off starts over from `initialMs`.
import type { Clock } from './clock.ts';

export interface BackoffOptions {
  clock: Clock;
  /** Default 800 ms, as the reflector's. */
  initialMs?: number;
  /** Default 30 s. */
  maxMs?: number;
  /** Default 2 min. */
  resetMs?: number;
  /** Default 2. */
  factor?: number;
  /** Adds up to jitter·d to each wait d (default 1.0). */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  readonly #o: Required<BackoffOptions>;
  #current: number;
  #last: number | undefined;

  constructor(opts: BackoffOptions) {
    this.#o = { initialMs: 800, maxMs: 30_000, resetMs: 120_000, factor: 2, jitter: 1, random: Math.random, ...opts };
    this.#current = this.#o.initialMs;
  }

  /** The next wait in milliseconds; counts as one more failure. */
  next(): number {
    const now = this.#o.clock.now().getTime();
    if (this.#last !== undefined && now - this.#last > this.#o.resetMs) this.#current = this.#o.initialMs;
    this.#last = now;
    const d = this.#current;
    this.#current = Math.min(this.#current * this.#o.factor, this.#o.maxMs);
    return Math.round(d + this.#o.random() * this.#o.jitter * d);
  }
}
