// One etcd watch for the whole registry, demultiplexed to the per-resource watch caches. Every
// event also moves the store-wide revision, so each cache knows how current it is even when
// its own resource has not changed — which is what lets lists be served from memory.
import type { IKeyValue, Watcher as EtcdWatcher } from 'etcd3';
import { timeout } from '@k8ts/api';
import type { Logger } from 'pino';
import type { EtcdStore } from './etcd-store.ts';

/** What the dispatcher needs from a cache. */
export interface CacheTarget {
  readonly prefix: string;
  /** Replaces the cache's content with a list taken at `revision`. */
  reset(kvs: { key: string; value: Buffer; rev: number }[], revision: number): void;
  put(key: string, value: Buffer, rev: number): void;
  remove(key: string, rev: number): void;
  /** etcd can no longer resume the watch: end every client watch. */
  invalidate(): void;
}

export class WatchDispatcher {
  private readonly targets = new Map<string, CacheTarget>();
  private waiters: { rev: number; resolve: () => void }[] = [];
  private etcdWatch: EtcdWatcher | undefined;
  private stopped = false;
  /** The caches reflect etcd up to this revision. */
  revision = 0;
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly etcd: EtcdStore,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  add(target: CacheTarget) {
    this.targets.set(target.prefix, target);
  }

  /** The cache a key belongs to: `<prefix>/<plural>/…` or `<prefix>/<group>/<plural>/…`. */
  private targetOf(key: string): CacheTarget | undefined {
    const i = key.indexOf('/', this.prefix.length + 1);
    const one = this.targets.get(key.slice(0, i + 1));
    if (one) return one;
    const j = key.indexOf('/', i + 1);
    return j > 0 ? this.targets.get(key.slice(0, j + 1)) : undefined;
  }

  start(): Promise<void> {
    this.ready = this.init();
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** Lists every resource at one revision, then watches from there; retries until etcd answers. */
  private async init(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const revision = await this.etcd.revision();
        for (const t of this.targets.values()) t.reset((await this.etcd.rangeAll(t.prefix, revision)).kvs, revision);
        this.advance(revision);
        await this.watchFrom(revision + 1);
        return;
      } catch (e) {
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        this.log.warn({ err: (e as Error).message, delay }, 'watch cache list failed, retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async watchFrom(rev: number) {
    const w = await this.etcd.client.watch().prefix(`${this.prefix}/`).startRevision(String(rev)).create();
    if (this.stopped) {
      await w.cancel();
      return;
    }
    this.etcdWatch = w;
    // A watcher replaced after a disconnect may still speak (the library resumes it on its own):
    // only the current one feeds the caches.
    const current = () => this.etcdWatch === w;
    w.on('put', (kv: IKeyValue) => current() && this.onEvent(kv, false));
    w.on('delete', (kv: IKeyValue) => current() && this.onEvent(kv, true));
    // Progress notifications carry no events but still tell how far etcd is.
    w.on('data', (res: { events: unknown[]; header: { revision: string } }) => {
      if (current() && res.events.length === 0) this.advance(Number(res.header.revision));
    });
    // The library would resume a dropped stream after the newest revision etcd *reported*, which
    // can be past the last event it delivered (a catching-up watch gets batches stamped with the
    // current revision): events in between would be lost. Resume after the last revision the
    // caches applied instead.
    w.on('disconnected', (err: Error) => {
      if (this.stopped || !current()) return;
      this.log.warn({ err: err.message, revision: this.revision }, 'etcd watch disconnected, resuming after the last revision applied');
      this.etcdWatch = undefined;
      void w.cancel().catch(() => undefined);
      this.watchFrom(this.revision + 1).catch((e: unknown) => this.restart(e as Error));
    });
    // A watch etcd cancels (compaction while we were away) cannot be resumed: start over.
    w.on('error', (err: Error) => {
      if (this.stopped || !current()) return;
      this.etcdWatch = undefined;
      void w.cancel().catch(() => undefined);
      this.restart(err);
    });
  }

  /** Lists again and watches from there; every client watch ends with 410 and re-lists. */
  private restart(err: Error) {
    if (this.stopped) return;
    this.log.warn({ err: err.message }, 'etcd watch failed, relisting');
    for (const t of this.targets.values()) t.invalidate();
    this.ready = this.init();
  }

  private onEvent(kv: IKeyValue, deleted: boolean) {
    const rev = Number(kv.mod_revision);
    // Events older than the list the caches were reset to are already in them.
    if (rev < this.revision) return;
    const key = kv.key.toString();
    const t = this.targetOf(key);
    if (t) {
      if (deleted) t.remove(key, rev);
      else t.put(key, kv.value, rev);
    }
    this.advance(rev);
  }

  private advance(rev: number) {
    if (rev <= this.revision) return;
    this.revision = rev;
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.rev <= rev);
    this.waiters = this.waiters.filter((w) => w.rev > rev);
    for (const w of due) w.resolve();
  }

  /** Resolves once the caches have seen revision `rev`; 504 Timeout after `ms`. */
  async waitFor(rev: number, ms: number): Promise<void> {
    await this.ready;
    if (this.revision >= rev) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { rev, resolve: () => (clearTimeout(t), resolve()) };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(timeout(`Too large resource version: ${rev}, current: ${this.revision}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  async stop() {
    this.stopped = true;
    await this.etcdWatch?.cancel().catch(() => undefined);
  }
}
