// A Handle for preemption tests: a snapshot built from nodes and pods, a stand-in filter (pod
// count and cpu, counting nominated pods of equal or higher priority as upstream's
// RunFilterPluginsWithNominatedPods does), and records of every API call preemption makes.
import { everything } from '@k8ts/api';
import { FakeClock } from '@k8ts/client';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { newPodInfo, podPriority, type PodInfo } from '../../framework/pod-info.ts';
import { NodeSnapshot } from '../../framework/snapshot.ts';
import { SUCCESS, unschedulable, type Status } from '../../framework/status.ts';
import type { CycleState, Handle, StateData } from '../../framework/types.ts';

const key = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** Counts the PreFilter-extension calls made on one CycleState, to show preemption works on copies. */
export class ExtensionCalls implements StateData {
  static readonly KEY = 'test/extension-calls';
  constructor(
    public added = 0,
    public removed = 0,
  ) {}
  clone(): ExtensionCalls {
    return new ExtensionCalls(this.added, this.removed);
  }
}

export interface FakeHandleOptions {
  nodes: Node[];
  pods?: Pod[];
  pdbs?: PodDisruptionBudget[];
  /** Pods nominated to a node (by status.nominatedNodeName), for the nominator. */
  nominated?: Pod[];
  /** evictPod rejects for pods with these names. */
  failEvictions?: string[];
  /** Status every PreFilter extension call returns (Success by default). */
  extensionStatus?: Status;
}

export class FakeHandle implements Handle {
  readonly clock = new FakeClock(Date.UTC(2025, 0, 1));
  readonly evicted: { pod: string; reason: string }[] = [];
  readonly nominations: { pod: string; node: string }[] = [];
  readonly #snapshot: NodeSnapshot;
  readonly #o: FakeHandleOptions;
  readonly #nominated: PodInfo[];

  constructor(o: FakeHandleOptions) {
    this.#o = o;
    this.#snapshot = NodeSnapshot.of(o.nodes, o.pods ?? []);
    this.#nominated = (o.nominated ?? []).map(newPodInfo);
  }

  snapshot(): NodeSnapshot {
    return this.#snapshot;
  }

  readonly nominator = {
    nominatedPodsForNode: (node: string): readonly PodInfo[] =>
      this.#nominated.filter((pi) => pi.pod.status?.nominatedNodeName === node),
  };

  runFilterPluginsWithNominatedPods(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const others = this.nominator
      .nominatedPodsForNode(nodeInfo.name)
      .filter((pi) => podPriority(pi.pod) >= podPriority(pod) && pi.pod.metadata?.uid !== pod.metadata?.uid);
    const count = nodeInfo.pods.length + others.length + 1;
    const cpu = nodeInfo.requested.milliCPU + others.reduce((s, pi) => s + pi.requests.milliCPU, 0) + newPodInfo(pod).requests.milliCPU;
    const reasons = [];
    if (count > nodeInfo.allocatable.allowedPodNumber) reasons.push('Too many pods');
    if (cpu > nodeInfo.allocatable.milliCPU) reasons.push('Insufficient cpu');
    return reasons.length > 0 ? unschedulable(...reasons) : SUCCESS;
  }

  runPreFilterExtensionAddPod(state: CycleState): Status {
    this.#calls(state).added++;
    return this.#o.extensionStatus ?? SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState): Status {
    this.#calls(state).removed++;
    return this.#o.extensionStatus ?? SUCCESS;
  }

  #calls(state: CycleState): ExtensionCalls {
    let c = state.read<ExtensionCalls>(ExtensionCalls.KEY);
    if (!c) state.write(ExtensionCalls.KEY, (c = new ExtensionCalls()));
    return c;
  }

  podDisruptionBudgets(): readonly PodDisruptionBudget[] {
    return this.#o.pdbs ?? [];
  }

  async bindPod(): Promise<void> {
    throw new Error('preemption never binds');
  }

  async evictPod(pod: Pod, reason: string): Promise<void> {
    if (this.#o.failEvictions?.includes(pod.metadata?.name ?? '')) throw new Error(`evicting ${key(pod)}: Too Many Requests`);
    this.evicted.push({ pod: key(pod), reason });
  }

  async setNominatedNodeName(pod: Pod, node: string): Promise<void> {
    this.nominations.push({ pod: key(pod), node });
  }

  defaultSelector() {
    return everything;
  }
}
