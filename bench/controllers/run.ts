// Controller-manager benchmarks (issue 5). One etcd + API server + scheduler + controller manager
// (the built bundles, as `./k8ts up` runs them), object-only nodes, and a hollow kubelet in this
// process that reports every bound pod Running and Ready (what a node agent would do), so
// Deployments can roll. Each figure is set beside the cost of the same writes issued straight to
// the API server by one client, so the controllers' overhead shows as a ratio.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFor } from '@k8ts/api';
import { Client, Informer } from '@k8ts/client';
import { startEtcd, writeTestKubeconfig, type ComponentProcess } from '@k8ts/testing';
import type { Deployment } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { fmt, http, load, row, startApiServerProcess, startBenchComponent } from '../lib.ts';
import { benchNode, PODS } from '../scheduler/cluster.ts';
import { basicPod } from '../scheduler/pods.ts';

const SCALE = Number(process.env.BENCH_CTRL_SCALE ?? 1);
const n = (x: number) => Math.max(1, Math.round(x * SCALE));
const NAMESPACES = resourceFor('', 'v1', 'namespaces')!;
const NODE_RESOURCE = resourceFor('', 'v1', 'nodes')!;
const DEPLOYMENTS_RESOURCE = resourceFor('apps', 'v1', 'deployments')!;
const REPLICAS = n(1000);
const DEPLOYMENTS = n(500);
const NODES = n(100);

const etcd = await startEtcd({ name: 'bench-ctrl' });
const api = await startApiServerProcess(etcd.endpoint);
const dir = await mkdtemp(join(tmpdir(), 'k8ts-bench-ctrl-'));
const kubeconfig = join(dir, 'kubeconfig');
await writeTestKubeconfig(kubeconfig, api.url);
const client = new Client({ config: { server: api.url }, qps: 1e6, burst: 1e6 });
const children: ComponentProcess[] = [];
const ac = new AbortController();


/** Watches pods: counts those that exist, are bound, and marks bound pods Ready as a kubelet would. */
function hollowKubelet() {
  const pods = new Informer<Pod>({ client, resource: PODS });
  const marked = new Set<string>();
  const mark = (p: Pod) => {
    const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
    if (!p.spec?.nodeName || p.metadata?.deletionTimestamp || marked.has(key)) return;
    marked.add(key);
    const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status = { phase: 'Running', podIP: '10.244.0.1', conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: t })) };
    void client.patch(PODS, p.metadata!.name!, { status }, 'merge', { namespace: p.metadata!.namespace!, subresource: 'status' }).catch(() => marked.delete(key));
  };
  const finish = (p: Pod) => {
    if (p.metadata?.deletionTimestamp) void client.delete(PODS, p.metadata.name!, { namespace: p.metadata.namespace!, gracePeriodSeconds: 0 }).catch(() => undefined);
  };
  pods.addEventHandler({ onAdd: (p) => { mark(p); finish(p); }, onUpdate: (_o, p) => { mark(p); finish(p); } });
  void pods.start(ac.signal);
  return pods.lister;
}

const deployment = (name: string, replicas: number, image = 'registry.k8s.io/pause:3.10'): Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name, namespace: 'bench' },
  spec: {
    replicas, selector: { matchLabels: { app: name } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
  },
});

async function until(f: () => boolean, ms = 600_000): Promise<number> {
  const start = performance.now();
  while (!f()) {
    if (performance.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
  return (performance.now() - start) / 1000;
}

/** p99 of API request latency from the API server's histogram, over mutating verbs. */
async function apiP99(): Promise<number> {
  const text = (await http('GET', `${api.url}/metrics`)).body.toString();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_duration_seconds_bucket{')) continue;
    if (!/verb="(create|update|patch|delete|deletecollection)"/.test(line)) continue;
    const m = /le="([^"]+)"[^}]*\} (\d+)/.exec(line);
    if (!m) continue;
    const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  return sorted.find(([, c]) => c >= 0.99 * total)?.[0] ?? NaN;
}

try {
  console.log(`\nk8ts controller-manager benchmarks — ${new Date().toISOString()}${SCALE !== 1 ? ` — scale ${SCALE}` : ''}`);
  row('figure', 'value', 'target', 'ratio');
  await client.create(NAMESPACES, { metadata: { name: 'bench' } });
  await load(NODES, 32, (i) => client.create(NODE_RESOURCE, benchNode(i)).then(() => undefined));
  children.push(await startBenchComponent('scheduler', kubeconfig));
  children.push(await startBenchComponent('controller-manager', kubeconfig));
  const pods = hollowKubelet();
  const inBench = () => pods.byNamespace('bench');

  // Baseline: the same pod writes straight from one client.
  const direct = await load(REPLICAS, 64, (i) => client.create(PODS, basicPod(`direct-${i}`, 'bench'), { namespace: 'bench' }).then(() => undefined));
  row(`baseline: ${REPLICAS} pod creates straight to the API (c=64)`, `${fmt(direct.seconds, 2)} s`, '', '1.00×');
  await http('DELETE', `${api.url}/api/v1/namespaces/bench/pods?gracePeriodSeconds=0`);
  await until(() => inBench().length === 0);

  const big = 'big';
  const t0 = performance.now();
  await client.create(DEPLOYMENTS_RESOURCE, deployment(big, REPLICAS), { namespace: 'bench' });
  const owned = () => inBench().filter((p) => p.metadata?.labels?.app === big && !p.metadata.deletionTimestamp);
  await until(() => owned().length >= REPLICAS);
  const created = (performance.now() - t0) / 1000;
  await until(() => owned().filter((p) => p.spec?.nodeName).length >= REPLICAS);
  const bound = (performance.now() - t0) / 1000;
  row(`Deployment of ${REPLICAS}: all pods exist`, `${fmt(created, 2)} s`, '', `${fmt(created / direct.seconds, 2)}×`);
  row(`Deployment of ${REPLICAS}: all pods bound (scheduler running)`, `${fmt(bound, 2)} s`);

  const isNew = (p: Pod) => p.spec?.containers?.[0]?.image === 'registry.k8s.io/pause:3.10-new';
  const t1 = performance.now();
  await client.patch(DEPLOYMENTS_RESOURCE, big,
    { spec: { template: { spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10-new' }] } } } }, 'strategic', { namespace: 'bench' });
  await until(() => {
    const all = owned();
    return all.length === REPLICAS && all.every((p) => isNew(p) && p.status?.phase === 'Running');
  });
  const rolled = (performance.now() - t1) / 1000;
  row(`rolling update of ${REPLICAS} pods to a new template`, `${fmt(rolled, 2)} s`, '', `${fmt(rolled / (2 * direct.seconds), 2)}× (vs 2×baseline)`);

  const t2 = performance.now();
  await load(DEPLOYMENTS, 64, (i) => client.create(DEPLOYMENTS_RESOURCE, deployment(`d-${i}`, 1), { namespace: 'bench' }).then(() => undefined));
  await until(() => inBench().filter((p) => p.metadata?.labels?.app?.startsWith('d-') && p.status?.phase === 'Running').length >= DEPLOYMENTS);
  const many = (performance.now() - t2) / 1000;
  row(`${DEPLOYMENTS} Deployments of 1 created at once: all pods Running`, `${fmt(many, 2)} s`);
  row('API mutating request latency p99 (server histogram bucket)', `≤ ${fmt(await apiP99() * 1000, 0)} ms`, '≤ 1 s (upstream SLO)');
} finally {
  ac.abort();
  await Promise.all(children.map((c) => c.stop()));
  client.close();
  await api.stop();
  await etcd.stop();
  await rm(dir, { recursive: true, force: true });
}
