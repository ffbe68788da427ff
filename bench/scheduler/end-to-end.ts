// Figure (a) alone, for profiling: `SCHED_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npx tsx bench/scheduler/end-to-end.ts [nodes] [pods]`.
import { load, rssMiB } from '../lib.ts';
import { benchCluster, bindingTracker, createNodes, peakRssMiB } from './cluster.ts';
import { basicPod } from './pods.ts';

const nodes = Number(process.argv[2] ?? 5000);
const pods = Number(process.argv[3] ?? 10000);
const c = await benchCluster();
try {
  await c.post('/api/v1/namespaces', { metadata: { name: 'bench' } });
  await createNodes(c, nodes);
  const s = await c.startScheduler();
  const t = bindingTracker(c, 'bench');
  await t.ready;
  const start = performance.now();
  const created = await load(pods, 64, (i) => c.post('/api/v1/namespaces/bench/pods', basicPod(`pod-${i}`)));
  if (process.env.SCHED_SIGNAL) process.kill(s.pid, process.env.SCHED_SIGNAL as NodeJS.Signals);
  await t.done(pods, 600_000);
  const last = Math.max(...t.bound.values());
  console.log(`${t.bound.size} pods bound on ${nodes} nodes: ${(t.bound.size / ((last - start) / 1000)).toFixed(0)}/s (created at ${created.perSecond.toFixed(0)}/s); scheduler RSS ${rssMiB(s.pid).toFixed(0)} MiB, peak ${peakRssMiB(s.pid).toFixed(0)} MiB`);
  await t.stop();
} finally {
  await c.stop();
}
