// Scheduler benchmarks (issue 4), shaped like upstream's scheduler_perf workloads. Nodes are
// created straight through the API (no kubelet); each end-to-end scenario gets a fresh etcd, API
// server and scheduler process. Figures are printed next to their targets, never asserted.
import type { Pod } from 'kubernetes-types/core/v1';
import { fmt, load, percentile, row } from '../lib.ts';
import { benchCluster, bindingTracker, createNodes, peakRssMiB } from './cluster.ts';
import { inProcess } from './in-process.ts';
import { basicPod, constrainedPod, stuckPod } from './pods.ts';

const SCALE = Number(process.env.BENCH_SCHED_SCALE ?? 1);
const n = (x: number) => Math.max(1, Math.round(x * SCALE));

interface Scenario {
  label: string;
  nodes: number;
  pods: number;
  make: (name: string) => Pod;
  stuck?: number;
  target?: string;
  rssTarget?: boolean;
}

async function endToEnd(s: Scenario) {
  const c = await benchCluster();
  try {
    await c.post('/api/v1/namespaces', { metadata: { name: 'bench' } });
    await c.post('/api/v1/namespaces', { metadata: { name: 'stuck' } });
    await createNodes(c, s.nodes);
    const scheduler = await c.startScheduler();
    if (s.stuck) {
      await load(s.stuck, 64, (i) => c.post('/api/v1/namespaces/stuck/pods', stuckPod(`stuck-${i}`)));
      // Let the scheduler see them all fail once, so they really sit in the unschedulable queue.
      for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
        const text = await (await fetch(`${scheduler.url}/metrics`)).text();
        const m = /scheduler_pending_pods\{queue="unschedulable"\} (\d+)/.exec(text);
        if (m && Number(m[1]) >= s.stuck) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const tracker = bindingTracker(c, 'bench');
    await tracker.ready;
    const created = new Map<string, number>();
    const start = performance.now();
    const creation = await load(s.pods, 64, async (i) => {
      const name = `pod-${i}`;
      await c.post('/api/v1/namespaces/bench/pods', s.make(name));
      created.set(name, performance.now());
    });
    const allBound = await tracker.done(s.pods, 600_000);
    await tracker.stop();
    const bound = [...tracker.bound.entries()];
    const last = Math.max(...bound.map(([, t]) => t));
    const latencies = bound.map(([name, t]) => t - (created.get(name) ?? t));
    const throughput = bound.length / ((last - start) / 1000);
    const tag = `(${s.label}) ${s.nodes} nodes, ${s.pods} pods${s.stuck ? ` + ${s.stuck} unschedulable` : ''}`;
    row(`${tag}: bound/s`, `${fmt(throughput, 0)}/s`, s.target ?? '');
    row('    pod creation rate (the API server’s share)', `${fmt(creation.perSecond, 0)}/s`);
    row('    create → bound latency p50/p99', `${fmt(percentile(latencies, 50), 0)}/${fmt(percentile(latencies, 99), 0)} ms`);
    if (!allBound) row('    NOT ALL BOUND within 10 minutes', `${bound.length}/${s.pods}`);
    if (s.rssTarget) row('    scheduler peak RSS', `${fmt(peakRssMiB(scheduler.pid), 0)} MiB`, '< 200 MiB');
    return throughput;
  } finally {
    await c.stop();
  }
}

console.log(`\nk8ts scheduler benchmarks — ${new Date().toISOString()}${SCALE !== 1 ? ` — scale ${SCALE}` : ''}`);
row('figure', 'value', 'target', 'ratio');
const a = await endToEnd({ label: 'a', nodes: n(5000), pods: n(10000), make: (x) => basicPod(x), target: '≥ 680/s (upstream)', rssTarget: true });
await endToEnd({ label: 'b', nodes: n(1000), pods: n(10000), make: (x) => basicPod(x) });
const framework = await inProcess({ nodes: n(5000), pods: n(10000) });
row(`(c) framework alone, ${n(5000)} nodes, ${n(10000)} pods`, `${fmt(framework.perSecond, 0)}/s`, '≥ 5,000/s', `${fmt(a / framework.perSecond, 2)}× (a)/(c)`);
row('    cycle latency p50/p99', `${fmt(framework.p50, 2)}/${fmt(framework.p99, 2)} ms`);
await endToEnd({ label: 'd', nodes: n(1000), pods: n(2000), make: constrainedPod });
await endToEnd({ label: 'e', nodes: n(1000), pods: n(2000), make: (x) => basicPod(x), stuck: n(5000) });
