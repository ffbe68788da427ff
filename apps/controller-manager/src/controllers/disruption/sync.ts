// The disruption controller's sync for one PodDisruptionBudget (upstream disruption.go trySync):
//   1. read the budget and the pods its selector matches in its namespace;
//   2. work out how many pods are expected (from the scale of their controllers when the budget is
//      relative: Deployment, ReplicaSet or StatefulSet) and how many must stay healthy;
//   3. drop evictions from status.disruptedPods that never turned into deletions within 2 minutes;
//   4. count the healthy pods and write the status if it changed; look again when the next recorded
//      eviction runs out.
// When step 2 fails the budget fails safe: no disruptions allowed, condition reason SyncFailed.
import { labelSelectorFromObject } from '@k8ts/api';
import { splitKey, type Clock, type KubeObject, type Lister } from '@k8ts/client';
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { controllerOf } from '../../controller/controller-ref.ts';
import { countHealthy, disruptedPodMap, expectedPodCount, nextStatus, withCondition } from './budget.ts';
import { staleDisruption, withDisruptionReset } from './stale-disruption.ts';

export interface DisruptionPort {
  updateStatus(pdb: PodDisruptionBudget): Promise<void>;
  /** Writes a pod's status (used to reset a stale DisruptionTarget condition). */
  updatePodStatus(pod: Pod): Promise<void>;
  /** `ref` carries apiVersion, kind and metadata (cached objects may lack the first two). */
  event(ref: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const pdbRef = (pdb: PodDisruptionBudget): KubeObject => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: pdb.metadata ?? {} });
const podRef = (pod: Pod): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} });

export interface DisruptionListers {
  pdbs: Lister<PodDisruptionBudget>;
  pods: Lister<Pod>;
  replicaSets: Lister<ReplicaSet>;
  deployments: Lister<Deployment>;
  statefulSets: Lister<StatefulSet>;
}

export interface DisruptionOptions extends DisruptionListers {
  clock: Clock;
  port: DisruptionPort;
  /** Look at this budget again after `ms`. */
  requeueAfter(key: string, ms: number): void;
  /** Look at this pod's DisruptionTarget condition again after `ms`. */
  requeuePodAfter(key: string, ms: number): void;
}

interface Scale {
  uid: string;
  scale: number;
}

type Finder = (ref: OwnerReference, ns: string) => Scale | undefined;

/** The controllers whose scale the controller understands, tried in turn (upstream's finders). */
function finders(l: DisruptionListers): Finder[] {
  const owned = <T extends KubeObject & { metadata?: { uid?: string } }>(lister: Lister<T>, kind: string, ref: OwnerReference, ns: string): T | undefined => {
    if (ref.kind !== kind) return undefined;
    const o = lister.get(`${ns}/${ref.name}`);
    return o?.metadata?.uid === ref.uid ? o : undefined;
  };
  return [
    (ref, ns) => {
      const rs = owned(l.replicaSets, 'ReplicaSet', ref, ns);
      // A ReplicaSet run by a Deployment counts through the Deployment.
      if (!rs || controllerOf(rs)?.kind === 'Deployment') return undefined;
      return { uid: rs.metadata?.uid ?? '', scale: rs.spec?.replicas ?? 1 };
    },
    (ref, ns) => {
      const rs = owned(l.replicaSets, 'ReplicaSet', ref, ns);
      const depRef = rs && controllerOf(rs);
      const dep = depRef && owned(l.deployments, 'Deployment', depRef, ns);
      return dep ? { uid: dep.metadata?.uid ?? '', scale: dep.spec?.replicas ?? 1 } : undefined;
    },
    (ref, ns) => {
      const ss = owned(l.statefulSets, 'StatefulSet', ref, ns);
      return ss ? { uid: ss.metadata?.uid ?? '', scale: ss.spec?.replicas ?? 1 } : undefined;
    },
  ];
}

export class DisruptionSync {
  readonly #finders: Finder[];

  constructor(private readonly o: DisruptionOptions) {
    this.#finders = finders(o);
  }

  /** The budgets whose selector matches the pod. */
  budgetsFor(pod: Pod): PodDisruptionBudget[] {
    return this.o.pdbs.byNamespace(pod.metadata?.namespace ?? '', (pdb) => labelSelectorFromObject(pdb.spec?.selector).matches(pod.metadata?.labels ?? {}));
  }

  async sync(key: string): Promise<void> {
    // 1.
    const pdb = this.o.pdbs.get(key);
    if (!pdb) return;
    const { namespace } = splitKey(key);
    const selector = labelSelectorFromObject(pdb.spec?.selector);
    const pods = this.o.pods.byNamespace(namespace, (p) => selector.matches(p.metadata?.labels ?? {}));
    if (pods.length === 0) this.o.port.event(pdbRef(pdb), 'Normal', 'NoPods', 'No matching pods found');
    const now = this.o.clock.now();
    // 2.
    let expected;
    const unmanaged: string[] = [];
    try {
      expected = expectedPodCount(pdb, pods, () => this.#scale(pods, unmanaged));
    } catch (err) {
      this.o.port.event(pdbRef(pdb), 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      await this.#failSafe(pdb, err as Error, now);
      throw err;
    }
    if (unmanaged.length > 0) {
      this.o.port.event(pdbRef(pdb), 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${selector.toString()}) were found to be unmanaged. ` +
        'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. ' +
        'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
    }
    // 3.
    const disrupted = disruptedPodMap(pdb, pods, now);
    // Upstream's message names the namespace twice (not the budget's name); kept for fidelity.
    for (const pod of disrupted.expired)
      this.o.port.event(podRef(pod), 'Warning', 'NotDeleted', `Pod was expected by PDB ${namespace}/${namespace} to be deleted but it wasn't`);
    // 4.
    const status = nextStatus(pdb, { ...expected, currentHealthy: countHealthy(pods, disrupted.map), disruptedPods: disrupted.map }, now);
    if (status) await this.o.port.updateStatus({ ...structuredClone(pdb), status });
    if (disrupted.recheckMs !== undefined) this.o.requeueAfter(key, Math.max(0, disrupted.recheckMs - now.getTime()) + 1);
  }

  /** Resets the pod's DisruptionTarget condition once it has gone stale; until then looks again later. */
  async syncStalePod(key: string): Promise<void> {
    const pod = this.o.pods.get(key);
    if (!pod) return;
    const now = this.o.clock.now();
    const { has, waitMs } = staleDisruption(pod, now);
    if (!has) return;
    if (waitMs > 0) return this.o.requeuePodAfter(key, waitMs);
    await this.o.port.updatePodStatus(withDisruptionReset(pod, now));
  }

  /** The summed scale of the pods' controllers; pods without a controller are listed in `unmanaged`. */
  #scale(pods: readonly Pod[], unmanaged: string[]): number {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata?.name ?? '');
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = this.#finders.map((f) => f(ref, pod.metadata?.namespace ?? '')).find((s) => s !== undefined);
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
      scales.set(found.uid, found.scale);
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  }

  async #failSafe(pdb: PodDisruptionBudget, err: Error, now: Date): Promise<void> {
    const status = pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 };
    await this.o.port.updateStatus({
      ...structuredClone(pdb),
      status: {
        ...structuredClone(status),
        disruptionsAllowed: 0,
        conditions: withCondition(status.conditions, { status: 'False', reason: 'SyncFailed', message: err.message, observedGeneration: status.observedGeneration ?? 0 }, now),
      },
    });
  }
}
