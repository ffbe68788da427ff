// Builders for the Deployment controller's unit tests: Deployments, the ReplicaSets a Deployment
// owns (named and labelled by the template hash, as the controller makes them), pods, and a sync
// environment of real stores with the recording fake client, a recorder and a FakeClock.
import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Deployment, DeploymentStatus, DeploymentStrategy, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';
import { FakeDeploymentClient } from './client.ts';
import type { SyncDeps } from './deps.ts';
import { POD_TEMPLATE_HASH, templateHash } from './hash.ts';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION } from './util.ts';

export const T0 = Date.UTC(2025, 0, 1);
export const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const template = (image: string): PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

export interface DepOpts {
  replicas?: number;
  image?: string;
  strategy?: DeploymentStrategy;
  paused?: boolean;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  annotations?: Record<string, string>;
  generation?: number;
  status?: DeploymentStatus;
}

export function dep(o: DepOpts = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', resourceVersion: '1', generation: o.generation ?? 1, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image ?? 'v1'),
      strategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      ...(o.paused ? { paused: true } : {}),
    },
    ...(o.status ? { status: o.status } : {}),
  };
}

export interface RSOpts {
  image: string;
  replicas: number;
  /** status.replicas (default `replicas`) */
  actual?: number;
  available?: number;
  revision?: number;
  /** desired-replicas / max-replicas annotations (default the Deployment's 3 and 4) */
  desired?: number;
  max?: number;
  createdAt?: number;
  orphan?: boolean;
}

export const hashOf = (image: string) => templateHash(template(image));
export const rsName = (image: string) => `web-${hashOf(image)}`;

/** A ReplicaSet the Deployment "web" created for the template with `image`. */
export function rsFor(o: RSOpts): ReplicaSet {
  const hash = hashOf(o.image);
  const labels = { app: 'web', [POD_TEMPLATE_HASH]: hash };
  const t = template(o.image);
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`, namespace: 'default', uid: `uid-${o.image}`, resourceVersion: '1', generation: 1, labels,
      creationTimestamp: at(o.createdAt ?? 0),
      annotations: { [REVISION]: String(o.revision ?? 1), [DESIRED_REPLICAS]: String(o.desired ?? 3), [MAX_REPLICAS]: String(o.max ?? 4) },
      ...(o.orphan ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }] }),
    },
    spec: { replicas: o.replicas, minReadySeconds: 0, selector: { matchLabels: labels }, template: { ...t, metadata: { labels } } },
    status: { replicas: o.actual ?? o.replicas, readyReplicas: o.available ?? 0, availableReplicas: o.available ?? 0, observedGeneration: 1 },
  };
}

export function pod(name: string, rs: ReplicaSet, phase = 'Running'): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, labels: { ...rs.spec?.selector.matchLabels },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata?.name ?? '', uid: rs.metadata?.uid ?? '', controller: true }],
    },
    spec: { containers: [{ name: 'c', image: 'x' }] },
    status: { phase },
  };
}

export interface Env extends SyncDeps {
  client: FakeDeploymentClient;
  clock: FakeClock;
  events: string[];
  requeues: { key: string; ms: number }[];
}

function lister<T extends { metadata?: { name?: string } }>(objs: readonly T[]) {
  const store = new Store<T & { metadata?: object }>();
  for (const o of objs) store.set(o as never);
  return new Lister(store);
}

/** Stores seeded with the objects; the fake client starts with the same Deployments and ReplicaSets. */
export function env(d: Deployment, rss: readonly ReplicaSet[] = [], pods: readonly Pod[] = [], now = T0): Env {
  const clock = new FakeClock(now);
  const events: string[] = [];
  const requeues: { key: string; ms: number }[] = [];
  return {
    deployments: lister([d]) as Lister<Deployment>,
    replicaSets: lister(rss) as Lister<ReplicaSet>,
    pods: lister(pods) as Lister<Pod>,
    client: new FakeDeploymentClient(clock, [d, ...rss]),
    recorder: { event: (_o, type, reason, message) => void events.push(`${type} ${reason} ${message}`) },
    clock, events, requeues,
    enqueueAfter: (key, ms) => void requeues.push({ key, ms }),
    enqueueRateLimited: (key) => void requeues.push({ key, ms: 0 }),
  };
}

/** The last status the controller wrote for "web". */
export const lastStatus = (e: Env): DeploymentStatus | undefined =>
  (e.client.of('updateStatus').at(-1)?.obj as Deployment | undefined)?.status;

/** Sizes the controller set, as "name=replicas", in order. */
export const scaled = (e: Env): string[] =>
  e.client.writes.filter((w) => w.verb === 'updateRS' || w.verb === 'createRS').map((w) => `${w.verb} ${w.name}=${(w.obj as ReplicaSet).spec?.replicas}`);
