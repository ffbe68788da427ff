// Hollow nodes (kubemark): the built kubelet with --hollow-nodes=N runs N Kubelets on fake
// runtimes in ONE process. N nodes × P pods bound by spec.nodeName (no scheduler); the process's
// CPU (/proc/<pid>/stat utime+stime) and RSS (/proc/<pid>/status) are sampled while the nodes sit
// idle, while the pods start, and over a steady window once all are Ready, and divided by N —
// kubemark budgets ~0.1 core and 220 MB per hollow node.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import type { Client, Lease } from '@k8ts/client';
import type { Node } from 'kubernetes-types/core/v1';
import { fmt, load, percentile, row } from '../lib.ts';
import { benchControlPlane, Cleanup, NAMESPACES, NODES, PODS, PodTracker, ProcessSampler, sleepPod, startKubeletProcess } from './common.ts';

const NODE_COUNT = Number(process.env.BENCH_KUBELET_HOLLOW_NODES ?? 100);
const PODS_PER_NODE = Number(process.env.BENCH_KUBELET_HOLLOW_PODS ?? 30);
const STEADY_SECONDS = Number(process.env.BENCH_KUBELET_STEADY_SECONDS ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_KUBELET_IDLE_SECONDS ?? 10);
const READY_TIMEOUT_MS = Number(process.env.BENCH_KUBELET_HOLLOW_TIMEOUT_S ?? 600) * 1000;
const NS = 'hollow';
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases') as ResourceInfo;
const BUDGET_CORES = 0.1;
const BUDGET_MB = 220;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const hollowNodes = (): Promise<void> => Cleanup.around(run);

async function run(cleanup: Cleanup): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-bench-hollow-'));
  cleanup.push('remove the temp dir', () => rm(dir, { recursive: true, force: true }));
  const { cp, client, kubeconfig } = await benchControlPlane(cleanup, dir);
  await client.create(NAMESPACES, { metadata: { name: NS } });
  const total = NODE_COUNT * PODS_PER_NODE;

  console.log(`\nk8ts kubelet benchmarks: ${NODE_COUNT} hollow nodes × ${PODS_PER_NODE} pods in one kubelet process — ${new Date().toISOString()}`);
  const startedAt = performance.now();
  const kubelet = startKubeletProcess([
    `--kubeconfig=${kubeconfig}`, `--hollow-nodes=${NODE_COUNT}`, '--hostname-override=hollow', `--root-dir=${join(dir, 'root')}`, '--log-level=warn',
  ], join(dir, 'kubelet.log'));
  cleanup.push('stop the hollow kubelets', () => kubelet.stop());
  const sampler = new ProcessSampler(kubelet.pid);
  cleanup.push('stop sampling', () => sampler.stop());

  // All nodes registered and Ready.
  for (const deadline = Date.now() + 120_000; ;) {
    if (!kubelet.alive()) throw new Error(`the hollow kubelet process exited:\n${kubelet.logTail()}`);
    const nodes = (await client.list<Node>(NODES)).items;
    const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready >= NODE_COUNT) break;
    if (Date.now() > deadline) throw new Error(`only ${ready} of ${NODE_COUNT} hollow nodes Ready after 120 s:\n${kubelet.logTail()}`);
    await sleep(250);
  }
  const nodesReadyS = (performance.now() - startedAt) / 1000;
  const idleFrom = sampler.sample();
  await sleep(IDLE_SECONDS * 1000);
  const idle = sampler.window(idleFrom, sampler.sample());

  const tracker = new PodTracker(client, NS);
  cleanup.push('stop the pod watch', () => tracker.stop());
  await tracker.sync();
  const requestsBefore = await apiRequests(cp.url);
  const rampFrom = sampler.sample();
  const leaseWatch = leaseAges(client, NODE_COUNT);
  const created = new Map<string, number>();
  // Round-robin over the nodes, so every node's pods arrive spread over the whole creation.
  const creation = await load(total, 64, async (i) => {
    const name = `p-${i}`;
    created.set(name, performance.now());
    await client.create(PODS, sleepPod(name, NS, `hollow-${i % NODE_COUNT}`), { namespace: NS });
  });
  let timedOut = false;
  await tracker.until(() => tracker.ready.size >= total, READY_TIMEOUT_MS, `${total} pods Ready`).catch(() => (timedOut = true));
  const rampTo = sampler.sample();
  const leases = await leaseWatch.stop();
  const ramp = sampler.window(rampFrom, rampTo);
  const requestsDuring = diff(await apiRequests(cp.url), requestsBefore);
  // The benchmark's own creates are not the kubelets'.
  requestsDuring.set('create pods', (requestsDuring.get('create pods') ?? 0) - total);
  const readyLatencies = [...tracker.ready].map(([name, t]) => t - created.get(name)!);
  const allReadyS = (Math.max(...tracker.ready.values()) - rampFrom.t) / 1000;

  await sleep(STEADY_SECONDS * 1000);
  const steady = sampler.window(rampTo, sampler.sample());
  const peak = sampler.peakRssMiB();
  const perNode = (x: number) => x / NODE_COUNT;
  const mb = (mib: number) => (mib * 1024 * 1024) / 1e6;

  row('figure', 'value', 'kubemark budget', 'per hollow node');
  row(`${NODE_COUNT} hollow nodes registered and Ready`, `${fmt(nodesReadyS, 1)} s`);
  row(`idle, no pods (${fmt(idle.seconds, 0)} s): CPU`, `${fmt(idle.cores, 3)} cores`, `${BUDGET_CORES} core`, `${fmt(perNode(idle.cores), 4)} cores`);
  row('    RSS', `${fmt(idle.rssMean, 0)} MiB`, `${BUDGET_MB} MB`, `${fmt(mb(perNode(idle.rssMean)), 1)} MB`);
  row(`${total} pods created (c=64, ${fmt(creation.perSecond, 0)}/s)`, `${fmt(creation.seconds, 1)} s`);
  row(`all ${total} pods Ready, from the first create`, timedOut ? `NOT ALL: ${tracker.ready.size}/${total} in ${READY_TIMEOUT_MS / 1000} s` : `${fmt(allReadyS, 1)} s`, '', `${fmt(tracker.ready.size / allReadyS, 0)} pods/s`);
  row('    create → Ready p50 / p99', `${fmt(percentile(readyLatencies, 50) / 1000, 1)} / ${fmt(percentile(readyLatencies, 99) / 1000, 1)} s`, 'p99 ≤ 5 s (SLO)');
  const kubeletWrites = [...requestsDuring].filter(([k, v]) => v > 0 && !/^(get|list|watch) /.test(k));
  const writes = kubeletWrites.reduce((a, [, v]) => a + v, 0);
  row('    API writes during the ramp (the kubelets\')', `${fmt(writes / ramp.seconds, 0)}/s`, '', `${fmt(writes / total, 1)} per pod`);
  console.log(`        per pod: ${kubeletWrites.sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v / total, 2)}`).join(', ')}`);
  row('    oldest node Lease renewTime seen during the ramp', `${fmt(leases.oldest, 1)} s`, '< 40 s (lease duration, node-monitor grace)', `${leases.stale} nodes over 40 s`);
  row(`ramp (${fmt(ramp.seconds, 0)} s): CPU`, `${fmt(ramp.cores, 3)} cores`, `${BUDGET_CORES} core`, `${fmt(perNode(ramp.cores), 4)} cores`);
  row(`steady, all Ready (${fmt(steady.seconds, 0)} s): CPU`, `${fmt(steady.cores, 3)} cores`, `${BUDGET_CORES} core`, `${fmt(perNode(steady.cores), 4)} cores`);
  row('    RSS, steady mean', `${fmt(steady.rssMean, 0)} MiB`, `${BUDGET_MB} MB`, `${fmt(mb(perNode(steady.rssMean)), 1)} MB`);
  row('    RSS, peak (VmHWM)', `${fmt(peak, 0)} MiB`, `${BUDGET_MB} MB`, `${fmt(mb(perNode(peak)), 1)} MB`);
  if (timedOut) throw new Error(`only ${tracker.ready.size} of ${total} hollow pods Ready within ${READY_TIMEOUT_MS / 1000} s:\n${kubelet.logTail()}`);
}

/** apiserver_request_total summed by "<verb> <resource>". */
async function apiRequests(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^apiserver_request_total\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const verb = /verb="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    const resource = /resource="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    const key = `${verb} ${resource}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

const diff = (after: Map<string, number>, before: Map<string, number>) =>
  new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const));

/**
 * Every 2 s, the age of each hollow node's Lease (now − spec.renewTime): a kubelet too busy to
 * renew it for 40 s would have its node marked unreachable by the node lifecycle controller.
 */
function leaseAges(client: Client, nodes: number) {
  let oldest = 0;
  const stale = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const items = (await client.list<Lease>(LEASES, { namespace: 'kube-node-lease' }).catch(() => undefined))?.items ?? [];
      const now = Date.now();
      for (const l of items.filter((x) => x.metadata?.name?.startsWith('hollow-')).slice(0, nodes)) {
        const age = (now - Date.parse(l.spec?.renewTime ?? '')) / 1000;
        if (!Number.isFinite(age)) continue;
        oldest = Math.max(oldest, age);
        if (age > 40) stale.add(l.metadata?.name ?? '');
      }
      await sleep(2_000);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { oldest, stale: stale.size };
    },
  };
}
