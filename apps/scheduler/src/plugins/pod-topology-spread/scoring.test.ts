import type { Node, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type NodeScore } from '../../framework/types.ts';
import { factory } from './index.ts';
import { hard, HOSTNAME, soft, spreadHandle, ZONE } from './testing.ts';

const zoneNodes = (...extra: Node[]) => [
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('a2', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
  makeNode('b2', { labels: { [ZONE]: 'b' } }),
  ...extra,
];
const foo = (name: string, node: string) => makePod(name, { node, labels: { app: 'foo' } });
const plain = makePod('p', { labels: { app: 'foo' } });
const withSoft = (...cs: ReturnType<typeof soft>[]) => makePod('p', { labels: { app: 'foo' }, spec: { topologySpreadConstraints: cs } });

describe('PodTopologySpread score', () => {
  const cases: {
    name: string;
    nodes?: Node[];
    pods: Pod[];
    pod: Pod;
    defaultLabels?: Record<string, string>;
    /** names of the nodes that passed Filter; all when unset */
    feasible?: string[];
    pre?: string;
    raw?: Record<string, number>;
    want?: Record<string, number>;
  }[] = [
    { name: 'no constraints and nothing selects the pod: skipped', pods: [foo('f', 'a1')], pod: plain, pre: 'Skip' },
    { name: 'only hard constraints: skipped', pods: [], pod: makePod('p', { spec: { topologySpreadConstraints: [hard(ZONE, 1, { app: 'foo' })] } }), pre: 'Skip' },
    {
      // hostname: 2·ln 6 + 2, zone: 3·ln 4 + 4 for a1; normalized 100·(max+min−s)/max.
      name: 'system defaults spread over hosts and zones',
      pods: [foo('f1', 'a1'), foo('f2', 'a1'), foo('f3', 'a2')],
      pod: plain,
      defaultLabels: { app: 'foo' },
      raw: { a1: 14, a2: 12, b1: 6, b2: 6 },
      want: { a1: 42, a2: 57, b1: 100, b2: 100 },
    },
    {
      // x has no zone: it still gets hostname spreading, and its missing value "" counts as a zone domain (ln 5).
      name: 'system defaults score nodes without a zone by hostname alone',
      nodes: zoneNodes(makeNode('x')),
      pods: [foo('f1', 'a1')],
      pod: plain,
      defaultLabels: { app: 'foo' },
      raw: { a1: 10, a2: 8, b1: 6, b2: 6, x: 2 },
      want: { a1: 20, a2: 40, b1: 60, b2: 60, x: 100 },
    },
    {
      name: "the pod's own constraints ignore nodes missing a key",
      nodes: zoneNodes(makeNode('x')),
      pods: [foo('f1', 'a1'), foo('f2', 'b1'), foo('f3', 'b2')],
      pod: withSoft(soft(ZONE, 1, { app: 'foo' })),
      raw: { a1: 1, a2: 1, b1: 3, b2: 3, x: 0 },
      want: { a1: 100, a2: 100, b1: 33, b2: 33, x: 0 },
    },
    {
      name: 'pods on infeasible nodes still count for their zone',
      pods: [foo('f1', 'a1'), foo('f2', 'a1'), foo('f3', 'b1')],
      pod: withSoft(soft(ZONE, 1, { app: 'foo' })),
      feasible: ['a2', 'b1', 'b2'],
      raw: { a2: 3, b1: 1, b2: 1 },
      want: { a2: 33, b1: 100, b2: 100 },
    },
    {
      name: 'hostname constraint counts per node, maxSkew−1 added',
      pods: [foo('f1', 'a1')],
      pod: withSoft(soft(HOSTNAME, 2, { app: 'foo' })),
      raw: { a1: 3, a2: 1, b1: 1, b2: 1 },
      want: { a1: 33, a2: 100, b1: 100, b2: 100 },
    },
    {
      name: 'no matching pods anywhere: every node 100',
      pods: [makePod('bar', { node: 'a1', labels: { app: 'bar' } })],
      pod: withSoft(soft(ZONE, 1, { app: 'foo' })),
      raw: { a1: 0, a2: 0, b1: 0, b2: 0 },
      want: { a1: 100, a2: 100, b1: 100, b2: 100 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const handle = spreadHandle(c.nodes ?? zoneNodes(), c.pods, c.defaultLabels);
      const plugin = factory(undefined, handle);
      const state = new CycleState();
      const feasible = handle.snapshot().nodeInfos.filter((ni) => !c.feasible || c.feasible.includes(ni.name));
      const status = plugin.preScore(state, c.pod, feasible);
      expect(status.code).toBe(c.pre ?? 'Success');
      if (status.code !== 'Success') return;
      const scores: NodeScore[] = feasible.map((ni) => ({ name: ni.name, score: plugin.score(state, c.pod, ni) }));
      expect(Object.fromEntries(scores.map((s) => [s.name, s.score]))).toEqual(c.raw);
      expect(plugin.normalizeScore(state, c.pod, scores)).toEqual({ code: 'Success' });
      expect(Object.fromEntries(scores.map((s) => [s.name, s.score]))).toEqual(c.want);
    });
  }

  it('Score without PreScore throws', () => {
    const handle = spreadHandle(zoneNodes(), []);
    expect(() => factory(undefined, handle).score(new CycleState(), plain, handle.snapshot().nodeInfos[0]!)).toThrow(
      'error reading "PreScorePodTopologySpread" from cycleState: not found',
    );
  });
});

describe('PodTopologySpread args', () => {
  const handle = spreadHandle([], []);
  it.each([
    { name: 'defaults', args: undefined, want: { defaultingType: 'System', defaultConstraints: [] } },
    {
      name: 'List with constraints',
      args: { defaultingType: 'List', defaultConstraints: [soft(ZONE, 2, {}, { labelSelector: undefined })] },
      want: { defaultingType: 'List', defaultConstraints: [soft(ZONE, 2, {}, { labelSelector: undefined })] },
    },
  ])('$name', ({ args, want }) => {
    expect(factory(args, handle).args).toEqual(want);
  });
  it.each([
    {
      name: 'System with constraints',
      args: { defaultConstraints: [soft(ZONE, 2, {}, { labelSelector: undefined })] },
      error: 'defaultingType: Invalid value: "System": when .defaultingType is "System", .defaultConstraints must be empty',
    },
    { name: 'unknown defaultingType', args: { defaultingType: 'Other' }, error: 'defaultingType: Unsupported value: "Other": supported values: "System", "List"' },
    {
      name: 'a default constraint with a selector',
      args: { defaultingType: 'List', defaultConstraints: [soft(ZONE, 2, { app: 'x' })] },
      error: 'defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod',
    },
  ])('rejects $name', ({ args, error }) => {
    expect(() => factory(args, handle)).toThrow(error);
  });
});
