// Builders for the ReplicaSet controller's unit tests: ReplicaSets, pods in given states, and a
// sync environment of real stores with recording fakes for every port.
import { FakeClock, Lister, Store } from '@k8ts/client';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { UIDTrackingExpectations } from '../../controller/expectations.ts';
import { FakePodControl } from '../../controller/pod-control.ts';
import { FakeReplicaSetClient } from './rs-client.ts';
import type { SyncDeps } from './sync.ts';

export const T0 = Date.UTC(2025, 0, 1);
export const at = (secondsAfterT0: number) => new Date(T0 + secondsAfterT0 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface RSOpts {
  name?: string;
  uid?: string;
  replicas?: number;
  labels?: Record<string, string>;
  templateLabels?: Record<string, string>;
  minReadySeconds?: number;
  generation?: number;
  status?: ReplicaSet['status'];
  deleting?: boolean;
  owner?: string;
}

export function rs(o: RSOpts = {}): ReplicaSet {
  const name = o.name ?? 'web';
  const labels = o.labels ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: o.uid ?? `uid-${name}`, resourceVersion: '1', generation: o.generation ?? 1,
      ...(o.deleting ? { deletionTimestamp: at(0) } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dep', uid: o.owner, controller: true }] } : {}),
    },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: labels },
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      template: { metadata: { labels: o.templateLabels ?? labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
    ...(o.status ? { status: o.status } : {}),
  };
}

export interface PodOpts {
  owner?: ReplicaSet | null;
  labels?: Record<string, string>;
  node?: string;
  phase?: string;
  /** Seconds after T0 at which the pod became Ready; unset = not ready. */
  readyAt?: number;
  createdAt?: number;
  restarts?: number;
  deleting?: boolean;
  cost?: string;
  rv?: string;
}

export function pod(name: string, o: PodOpts = {}): Pod {
  const owner = o.owner === undefined ? rs() : o.owner;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, resourceVersion: o.rv ?? '1',
      labels: o.labels ?? { app: 'web' },
      creationTimestamp: at(o.createdAt ?? 0),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
      ...(o.deleting ? { deletionTimestamp: at(0) } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? (o.readyAt !== undefined ? 'Running' : 'Pending'),
      ...(o.readyAt !== undefined ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(o.readyAt) }] } : {}),
      ...(o.restarts !== undefined ? { containerStatuses: [{ name: 'c', image: 'nginx', imageID: '', ready: true, restartCount: o.restarts }] } : {}),
    },
  };
}

export interface Env {
  deps: SyncDeps;
  podControl: FakePodControl;
  rsClient: FakeReplicaSetClient;
  expectations: UIDTrackingExpectations;
  clock: FakeClock;
  rsStore: Store<ReplicaSet>;
  podStore: Store<Pod>;
  requeued: { key: string; ms: number }[];
}

/** Stores seeded with `rss` and `pods`; the fake API serves the same ReplicaSets. */
export function env(rss: readonly ReplicaSet[], pods: readonly Pod[] = [], o: { now?: number; burstReplicas?: number } = {}): Env {
  const clock = new FakeClock(o.now ?? T0);
  const rsStore = new Store<ReplicaSet>();
  const podStore = new Store<Pod>();
  for (const r of rss) rsStore.set(r);
  for (const p of pods) podStore.set(p);
  const podControl = new FakePodControl();
  const rsClient = new FakeReplicaSetClient(rss);
  const expectations = new UIDTrackingExpectations(clock);
  const requeued: Env['requeued'] = [];
  const deps: SyncDeps = {
    replicaSets: new Lister(rsStore), pods: new Lister(podStore), podControl, rsClient, expectations, clock,
    enqueueAfter: (key, ms) => requeued.push({ key, ms }),
    ...(o.burstReplicas !== undefined ? { burstReplicas: o.burstReplicas } : {}),
  };
  return { deps, podControl, rsClient, expectations, clock, rsStore, podStore, requeued };
}
