// Pod workers (upstream pod_workers.go): every pod is synced by at most one call at a time; an
// update that arrives while its sync runs makes the sync run once more afterwards, however many
// updates came. A sync may ask to run again after a delay (a back-off expiring); a failed sync
// is retried with a doubling delay. Nothing here knows what a sync does.
import type { Clock } from '@k8ts/client';

interface Entry {
  running: boolean;
  again: boolean;
  timer?: { cancel(): void; at: number };
  failures: number;
  /** forget() came while the sync ran: drop the entry when it ends. */
  forgotten?: boolean;
}

/** Resolves to a delay after which the pod wants another sync, or undefined. */
export type SyncFn = (uid: string) => Promise<number | undefined>;

const RETRY_INITIAL_MS = 500;
const RETRY_MAX_MS = 30_000;

export class PodWorkers {
  readonly #entries = new Map<string, Entry>();
  #stopped = false;

  constructor(
    private readonly syncFn: SyncFn,
    private readonly clock: Clock,
    private readonly onError: (uid: string, err: unknown) => void,
  ) {}

  /** Syncs `uid` now (or as soon as its running sync ends), or after `afterMs`. */
  update(uid: string, afterMs = 0): void {
    if (this.#stopped) return;
    const e = this.#entry(uid);
    e.forgotten = false;
    if (afterMs > 0) return this.#schedule(uid, e, afterMs);
    e.timer?.cancel();
    delete e.timer;
    if (e.running) {
      e.again = true;
      return;
    }
    void this.#run(uid, e);
  }

  /**
   * Forgets a pod whose clean-up is done (a later update starts afresh). Called from inside the
   * pod's own sync — as the kubelet does after clean-up — the entry goes when that sync ends.
   */
  forget(uid: string): void {
    const e = this.#entries.get(uid);
    if (!e) return;
    e.timer?.cancel();
    delete e.timer;
    if (e.running) e.forgotten = true;
    else this.#entries.delete(uid);
  }

  /** Pods with a sync running or scheduled. */
  get size(): number {
    return this.#entries.size;
  }

  /** Resolves once no sync is running; no new ones start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const e of this.#entries.values()) e.timer?.cancel();
    while ([...this.#entries.values()].some((e) => e.running)) await this.clock.sleep(20);
  }

  #entry(uid: string): Entry {
    let e = this.#entries.get(uid);
    if (!e) this.#entries.set(uid, (e = { running: false, again: false, failures: 0 }));
    return e;
  }

  #schedule(uid: string, e: Entry, afterMs: number): void {
    const at = this.clock.now().getTime() + afterMs;
    if (e.timer && e.timer.at <= at) return;
    e.timer?.cancel();
    const handle = this.clock.setTimeout(() => {
      if (e.timer === timer) delete e.timer;
      this.update(uid);
    }, afterMs);
    const timer = { at, cancel: () => this.clock.clearTimeout(handle) };
    e.timer = timer;
  }

  async #run(uid: string, e: Entry): Promise<void> {
    e.running = true;
    let requeue: number | undefined;
    do {
      e.again = false;
      try {
        requeue = await this.syncFn(uid);
        e.failures = 0;
      } catch (err) {
        this.onError(uid, err);
        requeue = Math.min(RETRY_INITIAL_MS * 2 ** e.failures, RETRY_MAX_MS);
        e.failures++;
      }
    } while (e.again && !this.#stopped);
    e.running = false;
    if (e.forgotten) {
      if (this.#entries.get(uid) === e) this.#entries.delete(uid);
      return;
    }
    if (requeue !== undefined && !this.#stopped) this.#schedule(uid, e, requeue);
  }
}
