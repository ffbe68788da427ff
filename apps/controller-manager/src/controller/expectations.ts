// Controller expectations (upstream's controller_utils.go ControllerExpectations): after a
// controller asks for N creations or deletions it must not act again on stale informer data
// until it has *seen* them — otherwise a second sync before the watch catches up would create
// the pods twice. Expectations that are never met expire after five minutes, so a lost event
// cannot wedge a controller for ever.
import type { Clock } from '@k8ts/client';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  readonly #items = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** True when nothing is outstanding for `key` (or the expectations expired or were never set). */
  satisfied(key: string): boolean {
    const e = this.#items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now().getTime() - e.timestamp > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Replaces the expectations of `key` with these counts. */
  set(key: string, add: number, del: number): void {
    this.#items.set(key, { add, del, timestamp: this.clock.now().getTime() });
  }

  expectCreations(key: string, n: number): void {
    this.set(key, n, 0);
  }

  expectDeletions(key: string, n: number): void {
    this.set(key, 0, n);
  }

  raise(key: string, add: number, del: number): void {
    const e = this.#items.get(key);
    if (!e) return this.set(key, add, del);
    e.add += add;
    e.del += del;
  }

  /** A creation or deletion was observed, or one that was asked for failed and will not be observed. */
  lower(key: string, add: number, del: number): void {
    const e = this.#items.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  delete(key: string): void {
    this.#items.delete(key);
  }

  /** For tests and debugging: the outstanding counts. */
  get(key: string): { add: number; del: number } | undefined {
    const e = this.#items.get(key);
    return e && { add: e.add, del: e.del };
  }
}

/**
 * Deletions tracked by pod UID (upstream's UIDTrackingControllerExpectations): a pod deleted
 * and then seen deleted again (an update with deletionTimestamp, then the delete) counts once.
 */
export class UIDTrackingExpectations extends ControllerExpectations {
  readonly #uids = new Map<string, Set<string>>();

  expectDeletionsOf(key: string, uids: readonly string[]): void {
    this.#uids.set(key, new Set(uids));
    this.expectDeletions(key, uids.length);
  }

  deletionObservedOf(key: string, uid: string): void {
    const set = this.#uids.get(key);
    if (!set?.delete(uid)) return;
    this.deletionObserved(key);
  }

  override delete(key: string): void {
    super.delete(key);
    this.#uids.delete(key);
  }
}
