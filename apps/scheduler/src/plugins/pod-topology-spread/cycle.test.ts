// PodTopologySpread and InterPodAffinity together in the real framework: replicas scheduled one
// after another, each bound pod joining the next cycle's snapshot, as the scheduler does.
import { selectorFromSet } from '@k8ts/api';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../framework/config.ts';
import { binder, fakeDeps } from '../../framework/fakes.test-support.ts';
import { newFramework } from '../../framework/runtime.ts';
import { schedulePod, NodeRotation } from '../../framework/schedule-one.ts';
import { NodeSnapshot } from '../../framework/snapshot.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type PluginFactory, type Snapshot } from '../../framework/types.ts';
import { factory as interPodAffinity, NAME as IPA } from '../inter-pod-affinity/index.ts';
import { factory as podTopologySpread, NAME as PTS } from './index.ts';
import { hard, HOSTNAME, ZONE } from './testing.ts';

const nodes = [
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('a2', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
  makeNode('b2', { labels: { [ZONE]: 'b' } }),
];

/** A snapshot that always reads the latest of the cycle-by-cycle snapshots. */
function liveSnapshot(current: () => Snapshot): Snapshot {
  return {
    get nodeInfos() {
      return current().nodeInfos;
    },
    get havePodsWithAffinity() {
      return current().havePodsWithAffinity;
    },
    get havePodsWithRequiredAntiAffinity() {
      return current().havePodsWithRequiredAntiAffinity;
    },
    get: (n) => current().get(n),
    namespaceLabels: (n) => current().namespaceLabels(n),
    imageNumNodes: (image) => current().imageNumNodes(image),
  };
}

/** Schedules `replicas` copies of a pod in turn; returns where each went ('-' when nowhere) and the last failure's reasons. */
function scheduleReplicas(replicas: number, spec: Partial<PodSpec>, defaultLabels: Record<string, string> = {}) {
  let bound: Pod[] = [];
  let snapshot = NodeSnapshot.of(nodes, bound);
  const profile = resolveProfile({
    schedulerName: 'test',
    plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: PTS }, { name: IPA }, { name: 'Binder' }] } },
    pluginConfig: [],
  });
  const registry = new Map<string, PluginFactory>([
    [PTS, podTopologySpread],
    [IPA, interPodAffinity],
    ['Binder', () => binder()],
  ]);
  const deps = { ...fakeDeps(liveSnapshot(() => snapshot)), defaultSelector: () => selectorFromSet(defaultLabels) };
  const fwk = newFramework({ profile, registry, deps });
  const placed: string[] = [];
  let reasons: Record<string, string> = {};
  for (let i = 0; i < replicas; i++) {
    const pod = makePod(`web-${i}`, { labels: { app: 'web' }, spec });
    const r = schedulePod(fwk, new CycleState(), pod, snapshot, { percentageOfNodesToScore: 100, random: () => 0, scheduler: new NodeRotation() });
    if (r.kind === 'scheduled') {
      placed.push(r.node);
      bound = [...bound, { ...pod, spec: { ...pod.spec!, nodeName: r.node } }];
      snapshot = NodeSnapshot.of(nodes, bound);
    } else {
      placed.push('-');
      if (r.kind === 'unschedulable')
        reasons = Object.fromEntries([...r.diagnosis.nodeToStatus].map(([n, s]) => [n, 'reasons' in s ? `${s.plugin}: ${s.reasons.join(', ')}` : s.code]));
    }
  }
  const perZone = { a: placed.filter((n) => n.startsWith('a')).length, b: placed.filter((n) => n.startsWith('b')).length };
  return { placed, perZone, reasons };
}

describe('spreading through the framework', () => {
  it('hard zone spread keeps the zones within maxSkew after every pod', () => {
    const r = scheduleReplicas(6, { topologySpreadConstraints: [hard(ZONE, 1, { app: 'web' })] });
    expect(r.placed).not.toContain('-');
    expect(r.perZone).toEqual({ a: 3, b: 3 });
    for (let i = 1; i <= r.placed.length; i++) {
      const prefix = r.placed.slice(0, i);
      const a = prefix.filter((n) => n.startsWith('a')).length;
      expect(Math.abs(a - (i - a))).toBeLessThanOrEqual(1);
    }
  });

  it('required anti-affinity per host: one replica per node, the fifth is unschedulable', () => {
    const spec = {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME, labelSelector: { matchLabels: { app: 'web' } } }] } },
    };
    const r = scheduleReplicas(5, spec);
    expect(new Set(r.placed.slice(0, 4))).toEqual(new Set(['a1', 'a2', 'b1', 'b2']));
    expect(r.placed[4]).toBe('-');
    const reason = "InterPodAffinity: node(s) didn't match pod anti-affinity rules";
    expect(r.reasons).toEqual({ a1: reason, a2: reason, b1: reason, b2: reason });
  });

  it('system default spreading puts replicas of one Service on separate nodes and zones', () => {
    const r = scheduleReplicas(4, {}, { app: 'web' });
    expect(new Set(r.placed)).toEqual(new Set(['a1', 'a2', 'b1', 'b2']));
    expect(r.perZone).toEqual({ a: 2, b: 2 });
    expect(r.placed[0]!.slice(0, 1)).not.toBe(r.placed[1]!.slice(0, 1));
  });
});
