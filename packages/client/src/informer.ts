// A reflector and an informer in one (client-go's tools/cache reflector.go + shared_informer.go):
// list, then watch from the list's resourceVersion; when a watch ends, watch again from the last
// resourceVersion seen (bookmarks advance it); when the server says that version is gone (410
// Expired, as a response or as an ERROR event) or anything else fails, back off and relist,
// turning the difference into add/update/delete calls.
//
// Contract for handlers, as upstream's: events for one object arrive in order; the cache is
// eventually consistent with the server; handlers run synchronously on the informer's loop, so
// they should only enqueue keys. A relist reports every surviving object through onUpdate (even
// if unchanged) and every vanished one through onDelete with a DeletedFinalStateUnknown.
import { ApiError } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import { deepFreeze, Lister, objectKey, Store } from './store.ts';
import type { ObjectKey } from './store.ts';
import type { KubeObject, ListOptions, ListResult, WatchEvent, WatchOptions } from './types.ts';

/** The part of Client an informer uses. */
export interface ListWatcher {
  list<T>(r: ResourceInfo, opts?: ListOptions): Promise<ListResult<T>>;
  watch<T>(r: ResourceInfo, opts: WatchOptions, signal?: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

/** An object that vanished while the informer was not watching; `obj` is its last known state. */
export interface DeletedFinalStateUnknown<T> {
  readonly tombstone: true;
  readonly key: ObjectKey;
  readonly obj: T;
}

/** A transform that drops metadata.managedFields (upstream's TrimManagedFields). */
export function dropManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...obj, metadata };
}

export const isTombstone = <T>(x: T | DeletedFinalStateUnknown<T>): x is DeletedFinalStateUnknown<T> =>
  (x as DeletedFinalStateUnknown<T>)?.tombstone === true;

export interface EventHandler<T> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface InformerOptions {
  client: ListWatcher;
  resource: ResourceInfo;
  /** Unset: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock?: Clock;
  transport?: 'http' | 'websocket';
  /** List page size (default 500, as client-go's pager). */
  pageSize?: number;
  /** Freeze cached objects so shared state cannot be changed by accident (default true). */
  freeze?: boolean;
  /**
   * Applied to every object before it is cached (client-go's TransformFunc), e.g.
   * `dropManagedFields`, which the scheduler and controller manager use as upstream's do:
   * managedFields are a good part of an object's size and no controller reads them.
   */
  transform?: (obj: KubeObject) => KubeObject;
  /** Watches ask the server to end after min..2·min seconds (default 300, as the reflector). */
  minWatchTimeoutSeconds?: number;
  /** Waits between failed attempts (default: 800 ms doubling to 30 s, jittered). */
  backoff?: Backoff;
  random?: () => number;
  /** Told of every failure the informer recovers from, and of handler exceptions. */
  onError?: (err: unknown) => void;
}

/** Thrown inside the loop when a watch ends at once with nothing in it, to avoid a hot loop. */
class ShortWatchError extends Error {}

const isConnectionRefused = (err: unknown) => (err as { code?: string })?.code === 'ECONNREFUSED';
const isTooManyRequests = (err: unknown) => err instanceof ApiError && err.code === 429;

export class Informer<T extends KubeObject> {
  readonly lister: Lister<T>;
  readonly #store = new Store<T>();
  readonly #o: InformerOptions & { clock: Clock; random: () => number };
  readonly #handlers: EventHandler<T>[] = [];
  readonly #backoff: Backoff;
  #rv = '';
  #synced = false;
  #started = false;
  readonly #syncWaiters: (() => void)[] = [];

  constructor(opts: InformerOptions) {
    this.#o = { clock: realClock, random: Math.random, ...opts };
    this.#backoff = opts.backoff ?? new Backoff({ clock: this.#o.clock, random: this.#o.random });
    this.lister = new Lister(this.#store);
  }

  /** Handlers added late are first told of every cached object as an add. */
  addEventHandler(handler: EventHandler<T>): void {
    this.#handlers.push(handler);
    for (const obj of this.#store.values()) this.#call(() => handler.onAdd?.(obj, true));
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves once the first list is in the cache (or at once if it already is). */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** The resourceVersion of the last list, watch event or bookmark applied. */
  lastSyncResourceVersion(): string {
    return this.#rv;
  }

  /** Runs until the signal aborts; resolves then. Can be started once. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new Error(`informer for ${this.#o.resource.plural} already started`);
    this.#started = true;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) await this.#list(signal);
        if (signal.aborted) break;
        needList = false;
        await this.#watch(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.#o.onError?.(err);
        needList = !(isConnectionRefused(err) || isTooManyRequests(err));
        try {
          await this.#o.clock.sleep(this.#backoff.next(), signal);
        } catch {
          break;
        }
      }
    }
  }

  async #list(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let page: ListResult<T> | undefined;
    let cont: string | undefined;
    do {
      page = await this.#o.client.list<T>(this.#o.resource, {
        ...this.#selectors(),
        limit: this.#o.pageSize ?? 500,
        ...(cont ? { continue: cont } : {}),
      });
      if (signal.aborted) return;
      items.push(...page.items);
      cont = page.metadata.continue || undefined;
    } while (cont);
    this.#replace(items, page.metadata.resourceVersion);
  }

  async #watch(signal: AbortSignal): Promise<void> {
    const min = this.#o.minWatchTimeoutSeconds ?? 300;
    const opts: WatchOptions = {
      ...this.#selectors(),
      resourceVersion: this.#rv,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.floor(min * (1 + this.#o.random())),
      ...(this.#o.transport ? { transport: this.#o.transport } : {}),
    };
    const startedAt = this.#o.clock.now().getTime();
    let events = 0;
    for await (const e of this.#o.client.watch<T>(this.#o.resource, opts, signal)) {
      if (signal.aborted) return;
      if (e.type === 'ERROR') throw ApiError.fromStatus(e.object.code ?? 500, e.object);
      events++;
      this.#apply(e);
    }
    if (events === 0 && this.#o.clock.now().getTime() - startedAt < 1000 && !signal.aborted) {
      throw new ShortWatchError(`very short watch of ${this.#o.resource.plural}: ended at once with no events`);
    }
  }

  #apply(e: Exclude<WatchEvent<T>, { type: 'ERROR' }>): void {
    const obj = this.#freeze(e.object);
    const rv = obj.metadata?.resourceVersion;
    if (e.type === 'BOOKMARK') {
      if (rv) this.#rv = rv;
      return;
    }
    if (e.type === 'DELETED') {
      this.#store.delete(objectKey(obj));
      this.#emit((h) => h.onDelete?.(obj));
    } else {
      const old = this.#store.set(obj);
      this.#emit((h) => (old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj, false)));
    }
    if (rv) this.#rv = rv;
  }

  /** Makes the cache equal to a fresh list, telling handlers what changed. */
  #replace(items: T[], rv: string): void {
    const initial = !this.#synced;
    const seen = new Set<ObjectKey>();
    for (const raw of items) {
      const obj = this.#freeze(raw);
      seen.add(objectKey(obj));
      const old = this.#store.set(obj);
      this.#emit((h) => (old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj, initial)));
    }
    for (const key of this.#store.keys()) {
      if (seen.has(key)) continue;
      const last = this.#store.delete(key)!;
      const tombstone: DeletedFinalStateUnknown<T> = { tombstone: true, key, obj: last };
      this.#emit((h) => h.onDelete?.(tombstone));
    }
    this.#rv = rv;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  #selectors(): ListOptions {
    const { namespace, labelSelector, fieldSelector } = this.#o;
    return {
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
  }

  #freeze(obj: T): T {
    const t = this.#o.transform ? (this.#o.transform(obj) as T) : obj;
    return this.#o.freeze === false ? t : deepFreeze(t);
  }

  #emit(fn: (h: EventHandler<T>) => void): void {
    for (const h of this.#handlers) this.#call(() => fn(h));
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#o.onError?.(err);
    }
  }
}
