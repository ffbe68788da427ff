// What informer events mean to the ReplicaSet controller (upstream's addPod/updatePod/deletePod
// and the RS handlers). Handlers only record observations in the expectations and queue keys;
// every decision is left to sync.
import { labelSelectorFromObject } from '@k8ts/api';
import { isTombstone, objectKey, type DeletedFinalStateUnknown, type Lister } from '@k8ts/client';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { controllerOf } from '../../controller/controller-ref.ts';
import type { UIDTrackingExpectations } from '../../controller/expectations.ts';
import { isPodReady, podKey } from '../../controller/pod-utils.ts';

export interface HandlerDeps {
  replicaSets: Lister<ReplicaSet>;
  expectations: UIDTrackingExpectations;
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
}

const unwrap = <T>(obj: T | DeletedFinalStateUnknown<T>): T => (isTombstone(obj) ? obj.obj : obj);
const sameRef = (a: OwnerReference | undefined, b: OwnerReference | undefined) => JSON.stringify(a) === JSON.stringify(b);
const sameLabels = (a: Pod, b: Pod) => {
  const la = a.metadata?.labels ?? {};
  const lb = b.metadata?.labels ?? {};
  const ka = Object.keys(la);
  return ka.length === Object.keys(lb).length && ka.every((k) => la[k] === lb[k]);
};

export class ReplicaSetHandlers {
  constructor(private readonly d: HandlerDeps) {}

  addReplicaSet(rs: ReplicaSet): void {
    this.d.enqueue(objectKey(rs));
  }

  updateReplicaSet(old: ReplicaSet, cur: ReplicaSet): void {
    // A delete and re-create under one name seen as an update: the old one's expectations go.
    if (old.metadata?.uid !== cur.metadata?.uid) this.deleteReplicaSet(old);
    // Every update is synced, not only spec changes, so a ReplicaSet whose creates failed is
    // retried whenever anything about it changes.
    this.d.enqueue(objectKey(cur));
  }

  deleteReplicaSet(obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>): void {
    const key = objectKey(unwrap(obj));
    this.d.expectations.delete(key);
    this.d.enqueue(key);
  }

  addPod(pod: Pod): void {
    // A pod already being deleted when first seen (e.g. after a restart) is no creation.
    if (pod.metadata?.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const rs = this.#resolve(pod, ref);
      if (!rs) return;
      const key = objectKey(rs);
      this.d.expectations.creationObserved(key);
      this.d.enqueue(key);
      return;
    }
    // An orphan: every ReplicaSet that selects it may want to adopt it. No creation is observed,
    // since no controller waits for orphans.
    for (const rs of this.#selecting(pod)) this.d.enqueue(objectKey(rs));
  }

  updatePod(old: Pod, cur: Pod): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion && old.metadata?.resourceVersion !== undefined) return;
    const labelsChanged = !sameLabels(old, cur);
    if (cur.metadata?.deletionTimestamp) {
      // A graceful deletion has begun: count it now so a replacement is made at once, rather than
      // after the kubelet finishes. The old owner hears of it too if the labels moved.
      this.deletePod(cur);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = !sameRef(curRef, oldRef);
    if (refChanged && oldRef) {
      const prev = this.#resolve(old, oldRef);
      if (prev) this.d.enqueue(objectKey(prev));
    }
    if (curRef) {
      const rs = this.#resolve(cur, curRef);
      if (!rs) return;
      this.d.enqueue(objectKey(rs));
      // Becoming available takes minReadySeconds after becoming ready, and nothing is written
      // then: look again a second after it should have happened.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.d.enqueueAfter(objectKey(rs), (minReady + 1) * 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.#selecting(cur)) this.d.enqueue(objectKey(rs));
  }

  deletePod(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrap(obj);
    const ref = controllerOf(pod);
    if (!ref) return;
    const rs = this.#resolve(pod, ref);
    if (!rs) return;
    const key = objectKey(rs);
    this.d.expectations.deletionObservedOf(key, podKey(pod));
    this.d.enqueue(key);
  }

  /** The ReplicaSet `ref` names, if it exists and is the same object (same uid). */
  #resolve(pod: Pod, ref: OwnerReference): ReplicaSet | undefined {
    if (ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.d.replicaSets.get(`${pod.metadata?.namespace ?? ''}/${ref.name}`);
    return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets in the pod's namespace whose (non-empty, valid) selector matches it. */
  #selecting(pod: Pod): ReplicaSet[] {
    const labels = pod.metadata?.labels ?? {};
    return this.d.replicaSets.byNamespace(pod.metadata?.namespace ?? '', (rs) => {
      try {
        const sel = labelSelectorFromObject(rs.spec?.selector);
        return !sel.empty && sel.matches(labels);
      } catch {
        return false;
      }
    });
  }
}
