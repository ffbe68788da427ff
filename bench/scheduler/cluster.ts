// A fresh etcd + API server + scheduler process per scenario, and the pieces every scenario
// needs: fast creation of nodes and pods through the API, and a watch that timestamps each pod's
// binding as the API server reports it. SCHED_NODE_FLAGS passes node flags to the scheduler (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startEtcd, writeTestKubeconfig, type ComponentProcess, type EtcdProcess } from '@k8ts/testing';
import { Client, Informer } from '@k8ts/client';
import { resourceFor } from '@k8ts/api';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { http, load, nodeFlagsFrom, startApiServerProcess, startBenchComponent, type ApiServerProcess } from '../lib.ts';

export const PODS = resourceFor('', 'v1', 'pods')!;

export interface BenchCluster {
  etcd: EtcdProcess;
  api: ApiServerProcess;
  client: Client;
  post(path: string, body: unknown): Promise<void>;
  startScheduler(): Promise<ComponentProcess>;
  stop(): Promise<void>;
}

export async function benchCluster(): Promise<BenchCluster> {
  const etcd = await startEtcd({ name: 'bench-sched' });
  const api = await startApiServerProcess(etcd.endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-bench-sched-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeTestKubeconfig(kubeconfig, api.url);
  let scheduler: ComponentProcess | undefined;
  const client = new Client({ config: { server: api.url }, qps: 1e6, burst: 1e6 });
  const post = (path: string, body: unknown) =>
    http('POST', api.url + path, JSON.stringify(body)).then((r) => {
      if (r.status !== 201) throw new Error(`${r.status} ${r.body.toString()}`);
    });
  return {
    etcd, api, client, post,
    async startScheduler() {
      scheduler = await startBenchComponent('scheduler', kubeconfig, nodeFlagsFrom('SCHED_NODE_FLAGS'));
      return scheduler;
    },
    async stop() {
      client.close();
      await scheduler?.stop();
      await api.stop();
      await etcd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Nodes shaped like scheduler_perf's default node: 4 cpu, 32Gi, 110 pods, spread over `zones` zones. */
export function benchNode(i: number, zones = 10): Node {
  const allocatable = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: `node-${i}`,
      labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % zones}` },
    },
    spec: {},
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export async function createNodes(c: BenchCluster, n: number, zones = 10): Promise<void> {
  await load(n, 64, (i) => c.post('/api/v1/nodes', benchNode(i, zones)));
}

/**
 * Watches pods in `namespace` and records, per pod, when this process first saw it bound.
 * An informer, so a watch the API server cuts off (this process lags behind while it also
 * creates the pods) is resumed or relisted instead of ending the count. `done(n)` resolves once
 * n pods are bound.
 */
export function bindingTracker(c: BenchCluster, namespace: string) {
  const bound = new Map<string, number>();
  const ac = new AbortController();
  let waiter: { n: number; resolve: () => void } | undefined;
  const pods = new Informer<Pod>({ client: c.client, resource: PODS, namespace });
  const seen = (p: Pod) => {
    const name = p.metadata?.name ?? '';
    if (!p.spec?.nodeName || bound.has(name)) return;
    bound.set(name, performance.now());
    if (waiter && bound.size >= waiter.n) waiter.resolve();
  };
  pods.addEventHandler({ onAdd: seen, onUpdate: (_old, p) => seen(p) });
  const running = pods.start(ac.signal);
  return {
    ready: pods.waitForSync(),
    bound,
    done(n: number, timeoutMs: number): Promise<boolean> {
      if (bound.size >= n) return Promise.resolve(true);
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), timeoutMs);
        waiter = { n, resolve: () => { clearTimeout(t); resolve(true); } };
      });
    },
    async stop() {
      ac.abort();
      await running;
    },
  };
}

/** Peak resident memory of a process (VmHWM), in MiB. */
export const peakRssMiB = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
