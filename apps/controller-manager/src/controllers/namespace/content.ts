// Deleting everything in a namespace (upstream's deleteAllContent): for every namespaced
// resource discovery lists as deletable, deletecollection (or list and delete one by one where
// that is not supported), then list what is left. Leftovers are expected while pods run out
// their grace period or objects wait on finalizers; the result estimates how long that takes.
import { ApiError } from '@k8ts/api';
import type { Namespace } from 'kubernetes-types/core/v1';
import { isPodTerminal } from '../../controller/pod-utils.ts';
import { ConditionUpdater } from './conditions.ts';
import type { ContentPort, DiscoveredResource, GVR } from './content-port.ts';

/** Seconds to wait for finalizers on remaining objects when nothing better is known. */
export const FINALIZER_ESTIMATE_SECONDS = 15;

interface GVRResult {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
}

const unsupported = (err: unknown) => err instanceof ApiError && (err.code === 404 || err.code === 405);
const gvrString = (r: GVR) => `{${r.group} ${r.version} ${r.resource}}`;

function parseGroupVersion(gv: string): { group: string; version: string } {
  const parts = gv.split('/');
  if (parts.length === 1 && parts[0]) return { group: '', version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  throw new Error(`unexpected GroupVersion string: ${gv}`);
}

export interface ContentResult {
  /** Seconds until what remains is expected to be gone; 0 when nothing remains. */
  estimate: number;
  errors: string[];
  conditions: ConditionUpdater;
}

export class ContentDeleter {
  constructor(private readonly content: ContentPort, private readonly now: () => Date) {}

  async deleteAll(ns: Namespace): Promise<ContentResult> {
    const name = ns.metadata?.name ?? '';
    const deletedAt = Date.parse(ns.metadata?.deletionTimestamp ?? '') || this.now().getTime();
    const conditions = new ConditionUpdater();
    const errors: string[] = [];
    // 1. Discovery; a partial answer is used, the failure is reported.
    const discovery = await this.content.discover();
    if (discovery.failed.length) {
      conditions.discoveryFailed(discovery.failed);
      errors.push(`unable to retrieve the complete list of server APIs: ${discovery.failed.map((f) => `${f.groupVersion}: ${f.message}`).sort().join(', ')}`);
    }
    const targets: { gvr: GVR; verbs: Set<string> }[] = [];
    const parseErrors: string[] = [];
    for (const r of discovery.resources.filter((x: DiscoveredResource) => x.verbs.includes('delete'))) {
      try {
        targets.push({ gvr: { ...parseGroupVersion(r.groupVersion), resource: r.resource }, verbs: new Set(r.verbs) });
      } catch (err) {
        parseErrors.push((err as Error).message);
      }
    }
    if (parseErrors.length) {
      const msg = parseErrors.length === 1 ? parseErrors[0]! : `[${parseErrors.join(', ')}]`;
      conditions.groupVersionFailed(msg);
      errors.push(msg);
    }
    // 2. Every resource, errors collected so one failing kind does not stop the others.
    let estimate = 0;
    const byResource = new Map<string, number>();
    const byFinalizer = new Map<string, number>();
    for (const t of targets) {
      let result: GVRResult;
      try {
        result = await this.#deleteResource(t.gvr, t.verbs, name, deletedAt);
      } catch (err) {
        const e = err as Error & { partial?: GVRResult };
        errors.push(e.message);
        conditions.contentFailed(e.message);
        if (!e.partial) continue;
        result = e.partial;
      }
      estimate = Math.max(estimate, result.estimate);
      if (result.remaining > 0) {
        byResource.set(`${t.gvr.resource}.${t.gvr.group}`, result.remaining);
        for (const [f, n] of result.finalizers) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + n);
      }
    }
    conditions.remaining(byResource, byFinalizer);
    return { estimate, errors, conditions };
  }

  async #deleteResource(gvr: GVR, verbs: Set<string>, ns: string, deletedAt: number): Promise<GVRResult> {
    const estimate = await this.#estimate(gvr, ns, deletedAt);
    const fail = (err: unknown, partial: GVRResult = { estimate, remaining: 0, finalizers: new Map() }) =>
      Object.assign(err instanceof Error ? err : new Error(String(err)), { partial });
    // Delete the whole collection where the resource supports it, else item by item.
    let collectionDeleted = false;
    if (verbs.has('deletecollection')) {
      try {
        await this.content.deleteCollection(gvr, ns);
        collectionDeleted = true;
      } catch (err) {
        if (!unsupported(err)) throw fail(err);
      }
    }
    if (!verbs.has('list')) return { estimate, remaining: 0, finalizers: new Map() };
    try {
      if (!collectionDeleted) {
        for (const item of await this.content.list(gvr, ns)) {
          try {
            await this.content.delete(gvr, ns, item.name);
          } catch (err) {
            if (!unsupported(err)) throw err;
          }
        }
      }
      // What is left, and what holds it.
      const left = await this.content.list(gvr, ns);
      if (left.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
      const finalizers = new Map<string, number>();
      for (const item of left) for (const f of item.finalizers) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      if (estimate > 0) return { estimate, remaining: left.length, finalizers };
      if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: left.length, finalizers };
      throw fail(new Error(`unexpected items still remain in namespace: ${ns} for gvr: ${gvrString(gvr)}`), { estimate, remaining: left.length, finalizers });
    } catch (err) {
      if ((err as { partial?: unknown }).partial) throw err;
      throw fail(err);
    }
  }

  /** Pods may take their longest grace period; none of it once that much time has passed since the delete. */
  async #estimate(gvr: GVR, ns: string, deletedAt: number): Promise<number> {
    if (gvr.group !== '' || gvr.resource !== 'pods') return 0;
    let estimate = 0;
    for (const pod of await this.content.listPods(ns)) {
      if (isPodTerminal(pod)) continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return this.now().getTime() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }
}
