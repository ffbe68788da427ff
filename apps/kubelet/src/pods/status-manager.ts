// The status manager (upstream status/status_manager.go): turns the status a sync computed into
// the smallest strategic-merge patch of pods/<name>/status, merged over what the API holds so
// conditions owned by others survive, with the pod's uid as a precondition. It remembers what it
// last wrote, because the informer's copy may lag behind its own write. Once a deleted pod has
// no running container it writes the final status and deletes the pod with grace 0 — the
// kubelet's half of graceful deletion.
import { isApiError, resourceFor, type ResourceInfo } from '@k8ts/api';
import type { Client, Clock } from '@k8ts/client';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1';
import { mergeStatus, podStatusEqual } from '../status/merge.ts';
import { statusPatch } from '../status/patch.ts';

const PODS = resourceFor('', 'v1', 'pods') as ResourceInfo;

export type PodStatusApi = Pick<Client, 'patch' | 'delete'>;

interface Written {
  resourceVersion: number;
  status: PodStatus;
}

const rv = (p: Pod) => Number(p.metadata?.resourceVersion ?? 0);

export class StatusManager {
  readonly #written = new Map<string, Written>();

  constructor(private readonly api: PodStatusApi, private readonly clock: Clock) {}

  /**
   * Writes `status` for `apiPod` (the API's copy: for a static pod, its mirror pod) unless the
   * API already shows it. Resolves to the pod as written, or undefined when nothing was sent.
   */
  async set(apiPod: Pod, status: PodStatus, o: { couldHaveRunningContainers?: boolean } = {}): Promise<Pod | undefined> {
    const uid = apiPod.metadata?.uid ?? '';
    const written = this.#written.get(uid);
    // The informer has not seen our last write yet: diff against what we wrote.
    const base = written && written.resourceVersion > rv(apiPod) ? written.status : (apiPod.status ?? {});
    const merged = mergeStatus(base, status, this.clock.now(), o);
    if (podStatusEqual(base, merged)) return undefined;
    const patch = statusPatch(base, merged, uid);
    if (!patch.status) return undefined;
    try {
      const out = await this.api.patch<Pod>(PODS, apiPod.metadata?.name ?? '', patch, 'strategic', {
        namespace: apiPod.metadata?.namespace ?? '', subresource: 'status',
      });
      this.#written.set(uid, { resourceVersion: rv(out), status: out.status ?? {} });
      return out;
    } catch (err) {
      // The pod is gone or was recreated under the same name (uid precondition): nothing to write.
      this.#written.delete(uid);
      if (isApiError(err, 'NotFound') || isApiError(err, 'Conflict')) return undefined;
      throw err;
    }
  }

  /** The final step of a graceful delete: the API object goes once the kubelet is done with it. */
  async delete(apiPod: Pod): Promise<void> {
    const uid = apiPod.metadata?.uid ?? '';
    try {
      await this.api.delete(PODS, apiPod.metadata?.name ?? '', {
        namespace: apiPod.metadata?.namespace ?? '', gracePeriodSeconds: 0, preconditions: { uid },
      });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
    this.#written.delete(uid);
  }

  forget(uid: string): void {
    this.#written.delete(uid);
  }
}
