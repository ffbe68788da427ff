// (c) The scheduling framework alone, in this process: the same cache, plugins and algorithm the
// scheduler runs, on the same nodes and pods, with no API server, no watch and no binding request.
// The ratio of (a) to this is the share of the cost that lies outside the framework.
import {
  CycleState, defaultProfile, inTreeRegistry, newFramework, NodeRotation, resolveProfile, SchedulerCache, schedulePod,
} from '@k8ts/scheduler';
import { selectorFromRequirements } from '@k8ts/api';
import { realClock } from '@k8ts/client';
import type { Pod } from 'kubernetes-types/core/v1';
import { percentile } from '../lib.ts';
import { benchNode } from './cluster.ts';
import { basicPod } from './pods.ts';

export async function inProcess(o: { nodes: number; pods: number; make?: (name: string) => Pod }) {
  const cache = new SchedulerCache();
  for (let i = 0; i < o.nodes; i++) cache.addNode(benchNode(i));
  const none = () => Promise.resolve();
  const fwk = newFramework({
    profile: resolveProfile(defaultProfile()),
    registry: inTreeRegistry(),
    deps: {
      snapshot: () => cache.snapshot(),
      clock: realClock,
      nominator: { nominatedPodsForNode: () => [] },
      podDisruptionBudgets: () => [],
      bindPod: none,
      evictPod: none,
      setNominatedNodeName: none,
      defaultSelector: () => selectorFromRequirements([]),
    },
  });
  const rotation = new NodeRotation();
  const latencies: number[] = [];
  let scheduled = 0;
  const start = performance.now();
  for (let i = 0; i < o.pods; i++) {
    const made = (o.make ?? basicPod)(`pod-${i}`);
    const pod: Pod = { ...made, metadata: { ...made.metadata, uid: `uid-${i}` } };
    const t = performance.now();
    const snapshot = cache.snapshot();
    const result = schedulePod(fwk, new CycleState(), pod, snapshot, { percentageOfNodesToScore: 0, random: Math.random, scheduler: rotation });
    if (result.kind === 'scheduled') {
      const bound = { ...pod, spec: { ...pod.spec!, nodeName: result.node } };
      cache.assumePod(bound);
      cache.finishBinding(bound);
      scheduled++;
    }
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: scheduled / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), scheduled };
}
