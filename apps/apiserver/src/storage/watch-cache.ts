// One watch cache per resource: the current state of every object and a ring buffer of recent
// events, so a client can resume from any resourceVersion still inside the window. Events come
// from the registry-wide WatchDispatcher (one etcd watch in all); this class fans them out to
// the API watchers (etcd's cache/ module has the same shape: store + ring buffer + demux).
import { expired, serviceUnavailable, type ApiError } from '@k8ts/api';
import { prefixEnd, type EtcdStore } from './etcd-store.ts';
import { CacheEntry } from './codec.ts';
import type { CacheTarget, WatchDispatcher } from './dispatcher.ts';
import { RingBuffer } from './ring-buffer.ts';

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export { CacheEntry } from './codec.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  type: EventType;
  rev: number;
  /** the new state; for DELETED the last state, stamped with the deletion revision */
  entry: CacheEntry;
  /** the state before this event (undefined for ADDED) */
  prev: CacheEntry | undefined;
}

export interface WatchCacheConfig {
  /** Events kept for resuming watches. Upstream sizes this by resource; 10k covers bursts here. */
  capacity: number;
  /** How long a watch or list waits for the cache to reach a requested revision (upstream: 3 s). */
  waitTimeoutMs: number;
  /** How long a consistent list waits for the cache before reading etcd instead. */
  freshTimeoutMs: number;
  /** A watcher whose socket holds more unsent bytes than this is cut off (it re-watches). */
  maxLagBytes: number;
}

export const DEFAULT_WATCH_CACHE_CONFIG: WatchCacheConfig = {
  capacity: 10_000,
  waitTimeoutMs: 3_000,
  freshTimeoutMs: 250,
  maxLagBytes: 32 * 1024 * 1024,
};

export interface WatchSink {
  /** The keys this watcher cares about (a namespace prefix, or the whole resource). */
  readonly keyPrefix: string;
  deliver(ev: CacheEvent): void;
  bookmark(rev: number): void;
  /** Ends the watch; with an error the client gets an ERROR event first. */
  close(err?: ApiError): void;
}

export interface WatchCacheOptions {
  etcd: EtcdStore;
  dispatcher: WatchDispatcher;
  prefix: string;
  /** The kind's selectable fields of an object (for field selectors). */
  fieldsOf: (obj: KObject) => Record<string, string>;
  config?: Partial<WatchCacheConfig>;
}

export class WatchCache implements CacheTarget {
  readonly config: WatchCacheConfig;
  readonly prefix: string;
  private readonly items = new Map<string, CacheEntry>();
  private sortedKeys: string[] | undefined;
  private readonly events: RingBuffer<CacheEvent>;
  private readonly sinks = new Set<WatchSink>();
  private stopped = false;
  /** Every change of this resource after this revision is in `events`. */
  private windowStart = 0;

  constructor(private readonly opts: WatchCacheOptions) {
    this.config = { ...DEFAULT_WATCH_CACHE_CONFIG, ...opts.config };
    this.prefix = opts.prefix;
    this.events = new RingBuffer(this.config.capacity);
    opts.dispatcher.add(this);
  }

  /** The cache reflects etcd up to this revision. */
  get revision() {
    return this.opts.dispatcher.revision;
  }

  get ready() {
    return this.opts.dispatcher.ready;
  }

  reset(kvs: { key: string; value: Buffer; rev: number }[], revision: number) {
    this.items.clear();
    this.sortedKeys = undefined;
    for (const kv of kvs) this.items.set(kv.key, this.entry(kv.key, kv.value, kv.rev));
    this.events.clear();
    this.windowStart = revision;
  }

  invalidate() {
    for (const s of this.sinks) s.close(expired('the watch cache was reinitialised; re-list and watch again'));
    this.sinks.clear();
  }

  private entry(key: string, value: Buffer, rev: number): CacheEntry {
    return CacheEntry.fromStored(key, value, rev, this.opts.fieldsOf);
  }

  put(key: string, value: Buffer, rev: number) {
    const prev = this.items.get(key);
    const entry = this.entry(key, value, rev);
    if (!prev) this.sortedKeys = undefined;
    this.items.set(key, entry);
    this.emit({ type: prev ? 'MODIFIED' : 'ADDED', rev, entry, prev });
  }

  remove(key: string, rev: number) {
    const prev = this.items.get(key);
    if (!prev) return;
    this.items.delete(key);
    this.sortedKeys = undefined;
    this.emit({ type: 'DELETED', rev, entry: prev.deletedAt(rev), prev });
  }

  private emit(ev: CacheEvent) {
    const evicted = this.events.push(ev);
    if (evicted) this.windowStart = evicted.rev;
    for (const s of this.sinks) {
      if (ev.entry.key.startsWith(s.keyPrefix)) s.deliver(ev);
    }
  }

  /** Resolves once the cache has seen revision `rev`; 504 Timeout after the configured wait. */
  waitFor(rev: number): Promise<void> {
    return this.opts.dispatcher.waitFor(rev, this.config.waitTimeoutMs);
  }

  /**
   * Waits until the cache holds everything etcd has now, for a consistent read served from
   * memory. False when it did not get there quickly (writes outside our prefix can hold the
   * store revision ahead of what our watch sees): the caller then reads etcd.
   */
  async waitFresh(): Promise<boolean> {
    const rev = await this.opts.etcd.revision();
    try {
      await this.opts.dispatcher.waitFor(rev, this.config.freshTimeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Objects under `keyPrefix`, in key order, at `this.revision`. */
  list(keyPrefix: string): CacheEntry[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.items.keys()].sort();
    const keys = this.sortedKeys;
    let i = lowerBound(keys, keyPrefix);
    const end = prefixEnd(keyPrefix).toString();
    const out: CacheEntry[] = [];
    for (; i < keys.length && keys[i]! < end; i++) out.push(this.items.get(keys[i]!)!);
    return out;
  }

  get(key: string): CacheEntry | undefined {
    return this.items.get(key);
  }

  /**
   * Starts a watcher. `from` = a revision to resume after, or 'now' to get the current state as
   * ADDED events first (resourceVersion "0" or unset). Throws 410 Expired when `from` has left
   * the window. Replay and registration happen in one synchronous step, so no event is missed.
   */
  async watch(from: number | 'now', sink: WatchSink): Promise<void> {
    if (this.stopped) throw serviceUnavailable('the API server is shutting down');
    if (from === 'now') {
      await this.ready;
      const rev = this.revision;
      for (const entry of this.list(sink.keyPrefix)) sink.deliver({ type: 'ADDED', rev, entry, prev: undefined });
    } else {
      await this.waitFor(from);
      if (from < this.windowStart) {
        throw expired(`too old resource version: ${from} (${this.windowStart})`);
      }
      for (const ev of this.events.since((e) => e.rev > from)) {
        if (ev.entry.key.startsWith(sink.keyPrefix)) sink.deliver(ev);
      }
    }
    this.sinks.add(sink);
  }

  unwatch(sink: WatchSink) {
    this.sinks.delete(sink);
  }

  /** Sends a bookmark at the current revision to every watcher that asked for them. */
  bookmarkAll() {
    for (const s of this.sinks) s.bookmark(this.revision);
  }

  stop() {
    this.stopped = true;
    for (const s of this.sinks) s.close();
    this.sinks.clear();
  }
}

function lowerBound(keys: string[], target: string) {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
