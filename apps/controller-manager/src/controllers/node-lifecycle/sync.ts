// The node lifecycle controller's work (upstream nodelifecycle/node_lifecycle_controller.go):
// - monitor(): every node-monitor-period, for each node
//     1. update its health from its status heartbeat and its Lease;
//     2. silent past the grace period → its conditions become Unknown (a status update);
//     3. the NoExecute taint follows the Ready condition: Unknown → unreachable, False → not-ready,
//        True → neither (taint-based eviction then acts on the pods);
//     4. on the change away from Ready=True: a NodeNotReady event and every pod on it is marked not ready.
// - syncNode(name): the NoSchedule taints follow the node's conditions and spec.unschedulable.
// - syncPod(key): a pod that shows up Ready on a node that is not is marked not ready too.
import type { Clock, Lister } from '@k8ts/client';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1';
import { gracePeriodMs, observeHealth, unknownConditions, type HealthConfig, type Lease, type NodeHealth } from './health.ts';
import { readyCondition, sameTaints, withConditionTaints, withReadyNoExecuteTaint } from './taints.ts';

export const LEASE_NAMESPACE = 'kube-node-lease';
/** Index of the pod lister: spec.nodeName. */
export const POD_NODE_INDEX = 'node-lifecycle/nodeName';

/** The writes the controller makes. */
export interface NodeLifecyclePort {
  /** Writes the node's status; returns the node as stored. */
  updateNodeStatus(node: Node): Promise<Node>;
  /** Replaces the node's taints, guarded by the resourceVersion of `node`. */
  setTaints(node: Node, taints: Taint[]): Promise<void>;
  /** Sets the pod's Ready condition to False (and records NodeNotReady on it). */
  markPodNotReady(pod: Pod, now: Date): Promise<void>;
  nodeEvent(node: Node, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface NodeLifecycleOptions extends HealthConfig {
  nodes: Lister<Node>;
  leases: Lister<Lease>;
  /** Must carry POD_NODE_INDEX. */
  pods: Lister<Pod>;
  clock: Clock;
  port: NodeLifecyclePort;
}

const isNotReady = (node: Node) => {
  const s = readyCondition(node)?.status;
  return s !== undefined && s !== 'True';
};

export class NodeLifecycleSync {
  readonly #health = new Map<string, NodeHealth>();
  /** Nodes whose pods were not all marked not ready when the node stopped being Ready. */
  readonly #retryPods = new Set<string>();

  constructor(private readonly o: NodeLifecycleOptions) {}

  /** One pass over every node; errors for one node do not stop the others. */
  async monitor(): Promise<Error[]> {
    const errors: Error[] = [];
    const nodes = this.o.nodes.list();
    const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const name of this.#health.keys()) {
      if (names.has(name)) continue;
      this.#health.delete(name);
      this.#retryPods.delete(name);
      this.o.port.nodeEvent({ metadata: { name } }, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
    }
    for (const node of nodes) {
      try {
        await this.#monitorNode(node);
      } catch (err) {
        errors.push(err as Error);
      }
    }
    return errors;
  }

  async #monitorNode(observed: Node): Promise<void> {
    const name = observed.metadata?.name ?? '';
    const now = this.o.clock.now();
    const wasReady = readyCondition(observed)?.status === 'True';
    if (!this.#health.has(name)) this.o.port.nodeEvent(observed, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
    // 1.
    const health = observeHealth(observed, this.o.leases.get(`${LEASE_NAMESPACE}/${name}`), this.#health.get(name), now);
    this.#health.set(name, health);
    // 2.
    let node = observed;
    if (now.getTime() > health.probeMs + gracePeriodMs(observed, this.o)) {
      const conditions = unknownConditions(observed, now);
      if (conditions) node = await this.o.port.updateNodeStatus({ ...structuredClone(observed), status: { ...structuredClone(observed.status), conditions } });
    }
    if (!readyCondition(node)) return;
    // 3. A failed taint write does not hold back step 4: it is retried next period either way.
    let taintError: unknown;
    const taints = withReadyNoExecuteTaint(node, now);
    if (!sameTaints(taints, node.spec?.taints ?? [])) await this.o.port.setTaints(node, taints).catch((err: unknown) => (taintError = err));
    // 4. The transition is seen once; pods that could not be marked then are retried every period.
    if (wasReady && isNotReady(node)) this.o.port.nodeEvent(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (isNotReady(node) && (wasReady || this.#retryPods.has(name))) {
      this.#retryPods.add(name);
      for (const pod of this.o.pods.byIndex(POD_NODE_INDEX, name)) await this.#markNotReady(pod, name, now);
      this.#retryPods.delete(name);
    } else if (!isNotReady(node)) {
      this.#retryPods.delete(name);
    }
    if (taintError) throw taintError;
  }

  /** NoSchedule taints from conditions (upstream doNoScheduleTaintingPass). */
  async syncNode(name: string): Promise<void> {
    const node = this.o.nodes.get(name);
    if (!node) return;
    const taints = withConditionTaints(node);
    if (!sameTaints(taints, node.spec?.taints ?? [])) await this.o.port.setTaints(node, taints);
  }

  /** A pod on a node this controller already knows not to be ready is marked not ready. */
  async syncPod(key: string): Promise<void> {
    const pod = this.o.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || !this.#health.has(nodeName)) return;
    const node = this.o.nodes.get(nodeName);
    if (node && isNotReady(node)) await this.#markNotReady(pod, nodeName, this.o.clock.now());
  }

  async #markNotReady(pod: Pod, nodeName: string, now: Date): Promise<void> {
    if (pod.spec?.nodeName !== nodeName) return;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') return;
    await this.o.port.markPodNotReady(pod, now);
  }
}
