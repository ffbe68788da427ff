// Integration harness: a real etcd and API server (packages/testing), our Client, and the
// scheduler running in this process against them — exactly as in production, minus the process
// boundary. Nodes are plain API objects (no kubelet); tests play the kubelet where they must
// (finishing the deletion of evicted pods).
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client, type ListResult } from '@k8ts/client';
import { startControlPlane, until, type ControlPlane } from '@k8ts/testing';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1';
import { pino } from 'pino';
import { defaultConfig, type SchedulerConfig } from '../framework/config.ts';
import { schedulerMetrics } from '../metrics.ts';
import { Scheduler } from '../scheduler.ts';

export const PODS: ResourceInfo = resourceFor('', 'v1', 'pods')!;
export const NODES: ResourceInfo = resourceFor('', 'v1', 'nodes')!;
export const EVENTS: ResourceInfo = resourceFor('', 'v1', 'events')!;

export interface Harness {
  cp: ControlPlane;
  client: Client;
  scheduler: Scheduler;
  createNode(name: string, o?: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; spec?: Node['spec'] }): Promise<Node>;
  createPod(pod: Pod): Promise<Pod>;
  getPod(name: string, ns?: string): Promise<Pod>;
  /** Polls the pod until `f` holds (default: bound); returns it. */
  waitPod(name: string, f?: (p: Pod) => boolean, ms?: number): Promise<Pod>;
  eventsFor(name: string, ns?: string): Promise<Event[]>;
  close(): Promise<void>;
}

export { until };

export const bound = (p: Pod) => Boolean(p.spec?.nodeName);

export function pod(name: string, o: { cpu?: string; memory?: string; labels?: Record<string, string>; priority?: string; spec?: Partial<Pod['spec']> } = {}): Pod {
  const requests = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels ?? { app: name } },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ...(Object.keys(requests).length ? { resources: { requests } } : {}) }],
      ...(o.priority ? { priorityClassName: o.priority } : {}),
      ...(o.spec ?? {}),
    },
  };
}

export async function startHarness(o: { config?: SchedulerConfig } = {}): Promise<Harness> {
  const cp = await startControlPlane();
  const client = new Client({ config: { server: cp.url }, qps: 1000, burst: 1000 });
  const log = pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' });
  const config = o.config ?? defaultConfig();
  const scheduler = new Scheduler({ client, config, log, metrics: schedulerMetrics(), identity: 'test-scheduler' });
  const ac = new AbortController();
  const running = scheduler.run(ac.signal);
  const h: Harness = {
    cp, client, scheduler,
    async createNode(name, n = {}) {
      const allocatable = { cpu: n.cpu ?? '4', memory: n.memory ?? '8Gi', pods: n.pods ?? '110' };
      return client.create<Node>(NODES, {
        apiVersion: 'v1', kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(n.labels ?? {}) } },
        spec: n.spec ?? {},
        status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
      });
    },
    createPod: (p) => client.create<Pod>(PODS, p, { namespace: p.metadata?.namespace ?? 'default' }),
    getPod: (name, ns = 'default') => client.get<Pod>(PODS, name, ns),
    waitPod: (name, f = bound, ms = 20_000) => until(async () => {
      const p = await client.get<Pod>(PODS, name, 'default');
      return f(p) ? p : undefined;
    }, ms, `pod ${name}`),
    async eventsFor(name, ns = 'default') {
      const list: ListResult<Event> = await client.list<Event>(EVENTS, { namespace: ns, fieldSelector: `involvedObject.name=${name}` });
      return list.items;
    },
    async close() {
      ac.abort();
      await running.catch(() => undefined);
      client.close();
      await cp.stop();
    },
  };
  await until(async () => scheduler.ready(), 20_000, 'the scheduler’s informers');
  return h;
}
