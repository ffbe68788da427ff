// Builders for tests (upstream's testing wrappers st.MakePod/st.MakeNode, in TS's object form):
// just enough defaults that each table row states only what it is about.
import type { Node, NodeSpec, NodeStatus, Pod, PodSpec } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';

let uidCounter = 0;

export interface NodeOptions {
  labels?: Record<string, string>;
  /** allocatable (and capacity): defaults cpu 4, memory 32Gi, pods 110 */
  allocatable?: Record<string, string>;
  spec?: NodeSpec;
  status?: NodeStatus;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable = { cpu: '4', memory: '32Gi', pods: '110', ...(o.allocatable ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: o.spec ?? {},
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }], ...(o.status ?? {}) },
  };
}

export interface PodOptions {
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  /** spec.nodeName */
  node?: string;
  /** requests of the single default container, e.g. { cpu: '500m', memory: '1Gi' } */
  requests?: Record<string, string>;
  priority?: number;
  /** merged over the default spec (one container "c" with image busybox) */
  spec?: Partial<PodSpec>;
  metadata?: Partial<ObjectMeta>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const container = { name: 'c', image: 'busybox', ...(o.requests ? { resources: { requests: o.requests } } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `pod-uid-${name}-${++uidCounter}`,
      labels: o.labels ?? {},
      ...(o.metadata ?? {}),
    },
    spec: {
      containers: [container],
      schedulerName: 'default-scheduler',
      ...(o.node ? { nodeName: o.node } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.spec ?? {}),
    },
    status: { phase: 'Pending' },
  };
}
