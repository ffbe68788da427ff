// The generic store (genericregistry.Store upstream): create, read, update and delete for any kind,
// with the kind's behaviour supplied by its Strategy. Every write is prepared and validated in
// full before its single etcd transaction, so a rejected request leaves nothing behind.
import { randomUUID } from 'node:crypto';
import {
  alreadyExists, badRequest, conflict, invalid, notFound, selectableFields, type ResourceInfo,
} from '@k8ts/api';
import type { EtcdStore } from '../storage/etcd-store.ts';
import type { KObject, WatchCache } from '../storage/watch-cache.ts';
import type { Strategy, WriteContext } from './strategy.ts';
import { generateName } from './names.ts';
import { rfc3339 } from '../time.ts';
import { CacheEntry, decodeStored, encodeStored } from '../storage/codec.ts';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: Preconditions;
  dryRun?: boolean;
}

export type DeleteResult = { deleted: true; obj: KObject } | { deleted: false; obj: KObject };

/** What an update does to the stored object; returning undefined means "no change". */
export type Mutation = (current: KObject) => KObject | Promise<KObject>;

export interface Hooks {
  /** Admission that needs state (namespace lifecycle, IP and port allocation). */
  beforeCreate?(r: ResourceInfo, obj: KObject, ctx: WriteContext): Promise<() => void>;
  beforeUpdate?(r: ResourceInfo, obj: KObject, old: Readonly<KObject>, ctx: WriteContext): Promise<() => void>;
}

// An unconditional write retries until it lands, as upstream's GuaranteedUpdate (every conflict
// means another writer made progress); the cap only guards against a pathological loop.
const MAX_UPDATE_RETRIES = 100;

export class ResourceStore {
  readonly info: ResourceInfo;
  readonly prefix: string;

  constructor(
    readonly strategy: Strategy,
    readonly etcd: EtcdStore,
    readonly cache: WatchCache,
    private readonly hooks: Hooks,
  ) {
    this.info = strategy.resource;
    this.prefix = cache.prefix;
  }

  key(namespace: string | undefined, name: string) {
    return this.info.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** The key prefix of a namespace's objects (or of all of them). */
  keyPrefix(namespace: string | undefined) {
    return this.info.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  entry(key: string, value: Buffer, rev: number): CacheEntry {
    return CacheEntry.fromStored(key, value, rev, (o) => selectableFields(this.info.kind, o));
  }

  decode(value: Buffer | string, rev: number): KObject {
    return decodeStored(value, rev).obj;
  }

  private encode(obj: KObject) {
    return encodeStored(obj);
  }

  private target() {
    return { group: this.info.group, resource: this.info.plural };
  }

  /**
   * Every object under `keyPrefix` as etcd holds it now: from the watch cache once it has caught
   * up, else straight from etcd.
   */
  async listConsistent(keyPrefix: string): Promise<{ entries: CacheEntry[]; revision: number }> {
    if (await this.cache.waitFresh()) return { entries: this.cache.list(keyPrefix), revision: this.cache.revision };
    const { kvs, revision } = await this.etcd.rangeAll(keyPrefix);
    return { entries: kvs.map((kv) => this.entry(kv.key, kv.value, kv.rev)), revision };
  }

  async get(namespace: string | undefined, name: string): Promise<KObject> {
    const kv = await this.etcd.get(this.key(namespace, name));
    if (!kv) throw notFound(this.target(), name);
    return this.decode(kv.value, kv.rev);
  }

  private lease: { id: string; until: number } | undefined;

  /** Objects with a TTL share one lease per minute of creation time, as upstream's lease reuse. */
  private async leaseFor(ttl: number, now: number) {
    if (!this.lease || this.lease.until < now) {
      this.lease = { id: await this.etcd.grantLease(ttl + 60), until: now + 60_000 };
    }
    return this.lease.id;
  }

  /** Takes ownership of `obj` (callers pass a freshly decoded object) and returns it, stored. */
  async create(namespace: string | undefined, obj: KObject, ctx: WriteContext): Promise<KObject> {
    const meta = obj.metadata ?? (obj.metadata = {});
    if (this.info.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
      meta.name = generateName(meta.generateName);
    }
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.generation;
    dropEmptyMetadata(meta);
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(ctx.now);
    obj.kind = this.info.kind;
    this.strategy.prepareForCreate(obj, ctx);
    const causes = this.strategy.validate(obj);
    const name = String(meta.name ?? '');
    if (causes.length) throw invalid(this.info.kind, name, causes, this.info.group || undefined);

    // Reservations (IPs, ports) only bridge the time until the write is visible; they go either way.
    const release = (await this.hooks.beforeCreate?.(this.info, obj, ctx)) ?? (() => undefined);
    try {
      if (ctx.dryRun) return obj;
      const lease = this.strategy.ttlSeconds ? await this.leaseFor(this.strategy.ttlSeconds, ctx.now.getTime()) : undefined;
      const res = await this.etcd.create(this.key(namespace, name), this.encode(obj), lease);
      if (!res.ok) throw alreadyExists(this.target(), name);
      meta.resourceVersion = String(res.rev);
      return obj;
    } finally {
      release();
    }
  }

  /**
   * Read-modify-write with optimistic concurrency (GuaranteedUpdate upstream). `mutate` gets a
   * private copy of the current object. If the object it returns carries metadata.resourceVersion,
   * that is a precondition: a stale one answers 409. Without one the write applies to whatever is
   * current, and a conflict with someone else's write is retried.
   *
   * As upstream, the first attempt starts from the watch cache's copy instead of reading etcd: the
   * write's revision check makes a stale copy harmless, and whatever a stale copy leads to — a
   * failed write, a refusal, a precondition that does not match, "nothing changed" — is decided
   * again on the object read from etcd before it is answered.
   */
  async update(
    namespace: string | undefined,
    name: string,
    mutate: Mutation,
    ctx: WriteContext & { subresource?: 'status' | 'other' },
  ): Promise<KObject> {
    const key = this.key(namespace, name);
    let guess = this.cache.get(key);
    for (let attempt = 0; ; attempt++) {
      const current = guess === undefined;
      let rev: number;
      let old: KObject;
      let copy: KObject;
      if (guess) {
        ({ rev } = guess);
        // Each read of a cache entry's obj parses its JSON anew: two independent copies.
        old = guess.obj;
        copy = guess.obj;
        guess = undefined;
      } else {
        const kv = await this.etcd.get(key);
        if (!kv) throw notFound(this.target(), name);
        rev = kv.rev;
        old = this.decode(kv.value, kv.rev);
        copy = structuredClone(old);
      }
      let next: KObject;
      let pinned: unknown;
      try {
        const obj = await mutate(copy);
        pinned = obj.metadata?.resourceVersion;
        if (pinned !== undefined && pinned !== '' && pinned !== String(rev)) {
          throw conflict(this.target(), name, 'the object has been modified; please apply your changes to the latest version and try again');
        }
        next = this.prepareUpdate(obj, old, ctx);
      } catch (e) {
        if (current) throw e;
        continue;
      }
      if (this.unchanged(next, old)) {
        if (current) return old;
        continue;
      }
      const release = (await this.hooks.beforeUpdate?.(this.info, next, old, ctx)) ?? (() => undefined);
      let finished: KObject | undefined;
      try {
        if (ctx.dryRun) {
          if (!current) continue;
          next.metadata.resourceVersion = String(rev);
          return next;
        }
        finished = await this.writeUpdate(namespace, name, next, rev);
      } finally {
        release();
      }
      if (finished) return finished;
      if (!current) continue;
      if (pinned || attempt >= MAX_UPDATE_RETRIES) {
        throw conflict(this.target(), name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
    }
  }

  private prepareUpdate(obj: KObject, old: KObject, ctx: WriteContext & { subresource?: 'status' | 'other' }) {
    if (!obj || typeof obj !== 'object' || !obj.metadata) throw badRequest('the object has no metadata');
    obj.kind = this.info.kind;
    obj.apiVersion = old.apiVersion;
    const meta = obj.metadata;
    dropEmptyMetadata(meta);
    // Server-owned metadata always comes from storage.
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (old.metadata[k] === undefined) delete meta[k];
      else meta[k] = old.metadata[k];
    }
    if (ctx.subresource === 'status') this.strategy.prepareForStatusUpdate(obj, old);
    else if (ctx.subresource !== 'other') this.strategy.prepareForUpdate(obj, old, ctx);
    // 'other' marks the server's own narrow changes (binding, finalize, scale, budgets), which
    // check what they change themselves and may touch fields clients cannot (a pod's nodeName).
    if (ctx.subresource === 'other') return obj;
    const causes =
      ctx.subresource === 'status' ? this.strategy.validateStatusUpdate(obj, old) : this.strategy.validateUpdate(obj, old);
    if (causes.length) throw invalid(this.info.kind, String(meta.name ?? ''), causes, this.info.group || undefined);
    return obj;
  }

  /** The stored form leaves resourceVersion out, so equal encodings mean nothing would change. */
  private unchanged(next: KObject, old: KObject) {
    return this.encode(next) === this.encode(old);
  }

  /** Writes an update; an object whose deletion was only waiting for finalizers goes now. */
  private async writeUpdate(namespace: string | undefined, name: string, next: KObject, rev: number) {
    const key = this.key(namespace, name);
    if (next.metadata.deletionTimestamp && this.finalizersOf(next).length === 0 && !this.gracefulPending(next)) {
      const res = await this.etcd.delete(key, rev);
      if (!res.ok) return undefined;
      next.metadata.resourceVersion = String(res.rev);
      return next;
    }
    const res = await this.etcd.update(key, this.encode(next), rev);
    if (!res.ok) return undefined;
    next.metadata.resourceVersion = String(res.rev);
    return next;
  }

  private finalizersOf(obj: Readonly<KObject>): string[] {
    const own = (obj.metadata.finalizers as string[] | undefined) ?? [];
    return [...own, ...(this.strategy.pendingFinalizers?.(obj) ?? [])];
  }

  /** A pod in its grace period is removed by its kubelet, not by the last finalizer going. */
  private gracefulPending(obj: Readonly<KObject>) {
    return Number(obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  }

  /**
   * Delete: immediately, or — with finalizers, a propagation policy that needs the garbage
   * collector, or a pod's grace period — by setting deletionTimestamp and leaving the final
   * removal to whoever clears the last finalizer (or to the kubelet).
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions, ctx: WriteContext): Promise<DeleteResult> {
    for (let attempt = 0; ; attempt++) {
      const key = this.key(namespace, name);
      const kv = await this.etcd.get(key);
      if (!kv) throw notFound(this.target(), name);
      const current = this.decode(kv.value, kv.rev);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflict(this.target(), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(current.metadata.uid)}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(kv.rev)) {
        throw conflict(this.target(), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${kv.rev}`);
      }
      this.strategy.checkDelete?.(current);
      const plan = this.planDelete(current, opts, ctx);
      if (ctx.dryRun) return plan.remove ? { deleted: true, obj: current } : { deleted: false, obj: plan.obj };
      if (plan.remove) {
        const res = await this.etcd.delete(key, kv.rev);
        if (res.ok) return { deleted: true, obj: current };
      } else {
        if (plan.obj === current) return { deleted: false, obj: current };
        const res = await this.etcd.update(key, this.encode(plan.obj), kv.rev);
        if (res.ok) {
          plan.obj.metadata.resourceVersion = String(res.rev);
          return { deleted: false, obj: plan.obj };
        }
      }
      if (attempt >= MAX_UPDATE_RETRIES) throw conflict(this.target(), name, 'the object has been modified; please try again');
    }
  }

  private planDelete(current: KObject, opts: DeleteOptions, ctx: WriteContext): { remove: boolean; obj: KObject } {
    const meta = current.metadata;
    const grace = this.strategy.gracePeriod(current, opts.gracePeriodSeconds);
    if (meta.deletionTimestamp) {
      // Already deleting: only a shorter grace period changes anything (kubelet's final delete is 0).
      const left = Number(meta.deletionGracePeriodSeconds ?? 0);
      if (grace === 0 && this.finalizersOf(current).length === 0) return { remove: true, obj: current };
      if (grace < left) {
        const obj = structuredClone(current);
        obj.metadata.deletionGracePeriodSeconds = grace;
        obj.metadata.deletionTimestamp = rfc3339(new Date(ctx.now.getTime() + grace * 1000));
        return { remove: false, obj };
      }
      return { remove: false, obj: current };
    }
    const finalizers = new Set((meta.finalizers as string[] | undefined) ?? []);
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
    const pending = [...finalizers, ...(this.strategy.pendingFinalizers?.(current) ?? [])];
    if (pending.length === 0 && grace === 0) return { remove: true, obj: current };
    const obj = structuredClone(current);
    if (finalizers.size) obj.metadata.finalizers = [...finalizers];
    obj.metadata.deletionTimestamp = rfc3339(new Date(ctx.now.getTime() + grace * 1000));
    obj.metadata.deletionGracePeriodSeconds = grace;
    this.strategy.prepareForDelete?.(obj);
    return { remove: false, obj };
  }
}

/**
 * ObjectMeta's lists and maps are `omitempty` upstream: an empty one (say, the ownerReferences
 * left after the garbage collector removed the last) is stored and served as absent.
 */
function dropEmptyMetadata(meta: KObject['metadata']): void {
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'] as const) {
    const v = meta[k];
    if (v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)) delete meta[k];
  }
}
