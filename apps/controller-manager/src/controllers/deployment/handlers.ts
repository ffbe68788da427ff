// Informer events → Deployment keys (upstream's add/update/delete handlers of
// deployment_controller.go). A ReplicaSet wakes the Deployment that controls it; an orphan wakes
// every Deployment whose selector matches it (one of them may adopt it); a pod deletion wakes a
// Recreate Deployment once none of its pods is left, since that is what it waits for.
import { labelSelectorFromObject } from '@k8ts/api';
import { isTombstone, type DeletedFinalStateUnknown, type Lister } from '@k8ts/client';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { controllerOf } from '../../controller/controller-ref.ts';

export interface HandlerDeps {
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  enqueue(key: string): void;
}

const unwrap = <T>(o: T | DeletedFinalStateUnknown<T>): T => (isTombstone(o) ? o.obj : o);
const keyOf = (d: Deployment) => `${d.metadata?.namespace}/${d.metadata?.name}`;

export class DeploymentHandlers {
  constructor(private readonly x: HandlerDeps) {}

  deployment(d: Deployment | DeletedFinalStateUnknown<Deployment>): void {
    this.x.enqueue(keyOf(unwrap(d)));
  }

  /** The Deployment `ref` names in `namespace`, if it is still that object. */
  #resolve(namespace: string, ref: OwnerReference | undefined): Deployment | undefined {
    if (ref?.kind !== 'Deployment') return undefined;
    const d = this.x.deployments.get(`${namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose selector matches the ReplicaSet's labels (candidates to adopt an orphan). */
  #matching(rs: ReplicaSet): Deployment[] {
    return this.x.deployments.byNamespace(rs.metadata?.namespace ?? '').filter((d) => {
      try {
        const sel = labelSelectorFromObject(d.spec?.selector);
        return !sel.empty && sel.matches(rs.metadata?.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  #enqueueOwnerOrCandidates(rs: ReplicaSet): void {
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.#resolve(rs.metadata?.namespace ?? '', ref);
      if (d) this.x.enqueue(keyOf(d));
      return;
    }
    for (const d of this.#matching(rs)) this.x.enqueue(keyOf(d));
  }

  addReplicaSet(rs: ReplicaSet): void {
    this.#enqueueOwnerOrCandidates(rs);
  }

  updateReplicaSet(old: ReplicaSet, cur: ReplicaSet): void {
    // A relist repeats unchanged objects: nothing to do.
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const oldRef = controllerOf(old);
    const curRef = controllerOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const d = this.#resolve(old.metadata?.namespace ?? '', oldRef);
      if (d) this.x.enqueue(keyOf(d));
    }
    if (curRef) return this.#enqueueOwnerOrCandidates(cur);
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelsChanged || refChanged) this.#enqueueOwnerOrCandidates(cur);
  }

  deleteReplicaSet(obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>): void {
    const rs = unwrap(obj);
    const d = this.#resolve(rs.metadata?.namespace ?? '', controllerOf(rs));
    if (d) this.x.enqueue(keyOf(d));
  }

  deletePod(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrap(obj);
    const namespace = pod.metadata?.namespace ?? '';
    const rsRef = controllerOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = this.x.replicaSets.get(`${namespace}/${rsRef.name}`);
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const d = this.#resolve(namespace, controllerOf(rs));
    if (d?.spec?.strategy?.type !== 'Recreate') return;
    const owned = new Set(this.x.replicaSets.byNamespace(namespace).filter((r) => controllerOf(r)?.uid === d.metadata?.uid).map((r) => r.metadata?.uid));
    const left = this.x.pods.byNamespace(namespace).some((p) => owned.has(controllerOf(p)?.uid) && p.metadata?.uid !== pod.metadata?.uid);
    if (!left) this.x.enqueue(keyOf(d));
  }
}
