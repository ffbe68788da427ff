// The node lifecycle controller's writes through the API, and a recording fake for sync tests.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client, EventRecorder } from '@k8ts/client';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1';
import type { NodeLifecyclePort } from './sync.ts';

export const NODES = resourceFor('', 'v1', 'nodes')!;
const PODS = resourceFor('', 'v1', 'pods')!;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Events name a node by its name as uid, as upstream's RecordNodeStatusChange does. */
const nodeRef = (node: Node) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata?.name ?? '', uid: node.metadata?.name ?? '' } });

/** The pod with its Ready condition False (transition time now). */
export function notReadyPod(pod: Pod, now: Date): Pod {
  const copy = structuredClone(pod);
  for (const c of copy.status?.conditions ?? []) {
    if (c.type !== 'Ready' || c.status === 'False') continue;
    c.status = 'False';
    c.lastTransitionTime = rfc3339(now);
  }
  return copy;
}

export class ApiNodeLifecyclePort implements NodeLifecyclePort {
  constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}

  updateNodeStatus(node: Node): Promise<Node> {
    return this.client.updateStatus<Node>(NODES, node);
  }

  async setTaints(node: Node, taints: Taint[]): Promise<void> {
    const patch = { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints } };
    await this.client.patch(NODES, node.metadata?.name ?? '', patch, 'merge');
  }

  async markPodNotReady(pod: Pod, now: Date): Promise<void> {
    try {
      await this.client.updateStatus(PODS, notReadyPod(pod, now), { namespace: pod.metadata?.namespace ?? '' });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} }, 'Warning', 'NodeNotReady', 'Node is not ready');
  }

  nodeEvent(node: Node, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(nodeRef(node), type, reason, message);
  }
}

/** Records writes and applies them to `nodes` (a map the test owns) so a later pass sees them. */
export class FakeNodeLifecyclePort implements NodeLifecyclePort {
  readonly statusUpdates: Node[] = [];
  readonly taintWrites: { node: string; taints: Taint[] }[] = [];
  readonly notReadyPods: string[] = [];
  readonly events: { node: string; reason: string; message: string }[] = [];
  failTaintWrites = 0;
  failPodWrites = 0;

  constructor(private readonly apply: { node?(n: Node): void; pod?(p: Pod): void } = {}) {}

  async updateNodeStatus(node: Node): Promise<Node> {
    this.statusUpdates.push(node);
    this.apply.node?.(node);
    return node;
  }

  async setTaints(node: Node, taints: Taint[]): Promise<void> {
    if (this.failTaintWrites > 0 && this.failTaintWrites--) throw new Error('fake taint write conflict');
    this.taintWrites.push({ node: node.metadata?.name ?? '', taints });
    this.apply.node?.({ ...node, spec: { ...node.spec, taints } });
  }

  async markPodNotReady(pod: Pod, now: Date): Promise<void> {
    if (this.failPodWrites > 0 && this.failPodWrites--) throw new Error('fake pod status conflict');
    this.notReadyPods.push(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
    this.apply.pod?.(notReadyPod(pod, now));
  }

  nodeEvent(node: Node, _type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ node: node.metadata?.name ?? '', reason, message });
  }
}
