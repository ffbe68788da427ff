// One sync of the namespace controller (upstream's namespaced_resources_deleter.go Delete): a
// namespace being deleted is marked Terminating, emptied of every namespaced object, and then
// released by removing the `kubernetes` finalizer through /finalize — the API server deletes
// it once no finalizer is left.
import { ApiError } from '@k8ts/api';
import type { Namespace } from 'kubernetes-types/core/v1';
import { ContentDeleter } from './content.ts';
import type { ContentPort, NamespacePort } from './content-port.ts';

export const FINALIZER = 'kubernetes';

export interface NamespaceSyncOptions {
  namespaces: NamespacePort;
  content: ContentPort;
  now: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

/** What a sync leaves to do: wait `remainingSeconds` for content still going away, or nothing. */
export interface SyncResult {
  remainingSeconds?: number;
}

const isConflict = (err: unknown) => err instanceof ApiError && err.code === 409;
const isNotFound = (err: unknown) => err instanceof ApiError && err.code === 404;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class NamespaceSync {
  readonly #content: ContentDeleter;

  constructor(private readonly o: NamespaceSyncOptions) {
    this.#content = new ContentDeleter(o.content, o.now);
  }

  /** `key` is the namespace name. Throws to be retried with back-off. */
  async sync(key: string): Promise<SyncResult> {
    // 1. The namespace as the API has it now; several writers touch it while it terminates.
    let ns = await this.o.namespaces.get(key);
    if (!ns?.metadata?.deletionTimestamp) return {};
    // 2. Phase Terminating.
    try {
      ns = await this.#retryOnConflict(ns, (cur) => {
        if (cur.status?.phase === 'Terminating') return Promise.resolve(cur);
        const next = structuredClone(cur);
        next.status = { ...next.status, phase: 'Terminating' };
        return this.o.namespaces.updateStatus(next);
      });
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return {};
    if ((ns.spec?.finalizers ?? []).length === 0) return {};
    // 3. Delete the content; the conditions always say how that went.
    const result = await this.#content.deleteAll(ns);
    const updated = structuredClone(ns);
    if (result.conditions.apply(updated, rfc3339(this.o.now()))) {
      try {
        ns = await this.o.namespaces.updateStatus(updated);
      } catch (err) {
        this.o.log?.warn({ namespace: key, err: (err as Error).message }, `couldn't update status condition for namespace "${key}"`);
      }
    }
    if (result.errors.length) throw new Error(result.errors.length === 1 ? result.errors[0] : `[${result.errors.join(', ')}]`);
    if (result.estimate > 0) return { remainingSeconds: result.estimate };
    // 4. Nothing left: give up our finalizer.
    try {
      await this.#retryOnConflict(ns, (cur) => {
        const next = structuredClone(cur);
        next.spec = { ...next.spec, finalizers: [...new Set((cur.spec?.finalizers ?? []).filter((f) => f !== FINALIZER))].sort() };
        return this.o.namespaces.finalize(next);
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return {};
  }

  /** Runs `fn` on the latest namespace until it does not conflict; a different uid stops it. */
  async #retryOnConflict(ns: Namespace, fn: (cur: Namespace) => Promise<Namespace>): Promise<Namespace> {
    for (let cur = ns; ;) {
      try {
        return await fn(cur);
      } catch (err) {
        if (!isConflict(err)) throw err;
        const latest = await this.o.namespaces.get(cur.metadata?.name ?? '');
        if (!latest) throw err;
        if (latest.metadata?.uid !== cur.metadata?.uid) throw new Error('namespace uid has changed across retries');
        cur = latest;
      }
    }
  }
}

/** Upstream's message for the requeue, kept for logs. */
export const remainingMessage = (estimate: number) => `some content remains in the namespace, estimate ${estimate} seconds before it is removed`;
