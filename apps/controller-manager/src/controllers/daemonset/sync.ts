// One DaemonSet sync (upstream's syncDaemonSet), as numbered steps: read the set, the nodes and
// the set's pods from the listers; while earlier creations or deletions are unobserved, only
// refresh the status; otherwise put one pod on every eligible node and remove the rest (manage),
// then — once that is observed — advance the rolling update; always write the status.
import { labelSelectorFromObject } from '@k8ts/api';
import { splitKey, type Clock, type EventRecorder, type Lister } from '@k8ts/client';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { claim, newControllerRef } from '../../controller/controller-ref.ts';
import { ControllerExpectations } from '../../controller/expectations.ts';
import type { PodControl } from '../../controller/pod-control.ts';
import { isPodTerminal } from '../../controller/pod-utils.ts';
import { templateHash } from '../statefulset/revision.ts';
import { daemonPodTemplate, targetNodeName } from './daemon-pod.ts';
import type { DaemonSetPort } from './ds-client.ts';
import { planNodes, podsByNode } from './plan.ts';
import { computeStatus, statusChanged } from './status.ts';
import { rollingUpdate } from './update.ts';

/** At most this many creations and deletions per sync (upstream's BurstReplicas). */
export const BURST_REPLICAS = 250;

export interface DaemonSetSyncOptions {
  sets: Lister<DaemonSet>;
  nodes: Lister<Node>;
  pods: Lister<Pod>;
  podControl: PodControl;
  port: DaemonSetPort;
  recorder: Pick<EventRecorder, 'event'>;
  clock: Clock;
  enqueueAfter(key: string, ms: number): void;
}

export class DaemonSetSync {
  readonly expectations: ControllerExpectations;

  constructor(private readonly o: DaemonSetSyncOptions) {
    this.expectations = new ControllerExpectations(o.clock);
  }

  async sync(key: string): Promise<void> {
    // 1. Read the set; a deleted one only leaves expectations to forget.
    const ds = this.o.sets.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const { namespace } = splitKey(key);
    const nodes = this.o.nodes.list();
    const pods = await this.#claimPods(key, ds, namespace);
    // Revisions are template hashes: there are no ControllerRevision objects in this API.
    const hash = templateHash(ds.spec?.template);
    if (ds.metadata?.deletionTimestamp) return;
    const now = this.o.clock.now();
    // Status counts ignore terminal pods already being deleted; manage must still see them.
    const live = podsByNode(pods.filter((p) => !(isPodTerminal(p) && p.metadata?.deletionTimestamp)));
    // 2. Earlier writes not yet seen: refresh the status, keep observedGeneration.
    if (!this.expectations.satisfied(key)) return this.#writeStatus(ds, nodes, live, hash, false);
    // 3. Manage: one pod per eligible node. 4. Then advance the update once manage is observed.
    let failure: unknown;
    try {
      const plan = planNodes(ds, nodes, podsByNode(pods), hash, now);
      for (const pod of plan.failedPods) {
        this.o.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${namespace}/${pod.metadata?.name} on node ${targetNodeName(pod)}, will try to kill it`);
      }
      await this.#syncNodes(key, ds, plan.podsToDelete, plan.nodesNeedingPods, hash);
      if (this.expectations.satisfied(key) && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        const step = rollingUpdate(ds, nodes, live, hash, now);
        await this.#syncNodes(key, ds, step.podsToDelete, step.nodesToCreate, hash);
      }
    } catch (err) {
      failure = err;
    }
    // 5. Status, whatever happened.
    await this.#writeStatus(ds, nodes, live, hash, true);
    if (failure) throw failure;
  }

  async #claimPods(key: string, ds: DaemonSet, namespace: string): Promise<Pod[]> {
    return claim(this.o.pods.byNamespace(namespace), {
      owner: ds, apiVersion: 'apps/v1', kind: 'DaemonSet', selector: labelSelectorFromObject(ds.spec?.selector),
      patch: (pod, patch) => this.o.podControl.patchPod(namespace, pod.metadata?.name ?? '', patch),
      canAdopt: async () => {
        const fresh = await this.o.port.get(namespace, ds.metadata?.name ?? '');
        if (!fresh || fresh.metadata?.uid !== ds.metadata?.uid) throw new Error(`original DaemonSet ${key} is gone`);
        if (fresh.metadata?.deletionTimestamp) throw new Error(`DaemonSet ${key} is being deleted`);
      },
    });
  }

  async #writeStatus(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string, observed: boolean): Promise<void> {
    const status = computeStatus(ds, nodes, byNode, hash, this.o.clock.now(), observed);
    if (statusChanged(ds, status)) await this.o.port.updateStatus(ds, status);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable) this.o.enqueueAfter(`${ds.metadata?.namespace}/${ds.metadata?.name}`, minReady * 1000);
  }

  /**
   * Deletes and creates under expectations (upstream's syncNodes): creations go in slow-start
   * batches (1, 2, 4, …) that stop at the first failing batch; every write that fails or is skipped
   * lowers the expectations, since its watch event will never come.
   */
  async #syncNodes(key: string, ds: DaemonSet, podsToDelete: readonly string[], nodesNeeding: readonly string[], hash: string): Promise<void> {
    const creates = nodesNeeding.slice(0, BURST_REPLICAS);
    const deletes = podsToDelete.slice(0, BURST_REPLICAS);
    if (creates.length === 0 && deletes.length === 0) return;
    const ns = ds.metadata?.namespace ?? '';
    this.expectations.set(key, creates.length, deletes.length);
    const errors: unknown[] = [];
    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    let next = 0;
    for (let batch = 1; next < creates.length; batch *= 2) {
      const nodes = creates.slice(next, next + batch);
      next += nodes.length;
      const results = await Promise.allSettled(nodes.map((node) => this.o.podControl.createPod(ns, daemonPodTemplate(ds, hash, node), ds, ref)));
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        this.expectations.creationObserved(key);
        errors.push(r.reason);
      }
      if (errors.length > 0) break;
    }
    if (next < creates.length) this.expectations.lower(key, creates.length - next, 0);
    const deleted = await Promise.allSettled(deletes.map((name) => this.o.podControl.deletePod(ns, name, ds)));
    for (const r of deleted) {
      if (r.status === 'fulfilled') continue;
      this.expectations.deletionObserved(key);
      errors.push(r.reason);
    }
    if (errors.length > 0) throw new Error(`DaemonSet ${key}: ${errors.map((e) => (e as Error).message).join('; ')}`);
  }
}
