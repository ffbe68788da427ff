import type { Node, Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../../framework/pod-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type Handle } from '../../framework/types.ts';
import { CriticalPaths } from './filtering.ts';
import { factory, PreFilterState, PRE_FILTER_STATE_KEY, type PodTopologySpread } from './index.ts';
import { hard, HOSTNAME, soft, spreadHandle, ZONE } from './testing.ts';

const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";
const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const ok = 'ok';

const zoneNodes = (...extra: Node[]) => [
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('a2', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
  makeNode('b2', { labels: { [ZONE]: 'b' } }),
  ...extra,
];
const foo = (name: string, node: string, labels: Record<string, string> = {}, ns = 'default') =>
  makePod(name, { node, namespace: ns, labels: { app: 'foo', ...labels } });
const incoming = (cs: TopologySpreadConstraint[], labels: Record<string, string> = { app: 'foo' }, spec: Partial<Pod['spec']> = {}) =>
  makePod('p', { labels, spec: { topologySpreadConstraints: cs, ...spec } });

const verdict = (plugin: PodTopologySpread, state: CycleState, pod: Pod, handle: Handle) =>
  Object.fromEntries(
    handle.snapshot().nodeInfos.map((ni) => {
      const s = plugin.filter(state, pod, ni);
      return [ni.name, s.code === 'Success' ? ok : `${s.code}: ${'reasons' in s ? s.reasons.join(', ') : ''}`];
    }),
  );

function run(handle: Handle, pod: Pod, args?: Record<string, unknown>) {
  const plugin = factory(args, handle);
  const state = new CycleState();
  const pre = plugin.preFilter(state, pod, handle.snapshot().nodeInfos).status.code;
  return { plugin, state, pre, verdicts: pre === 'Success' ? verdict(plugin, state, pod, handle) : {} };
}

const notInZoneC = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a', 'b'] }] }] } } } };
const zoneC = makeNode('c1', { labels: { [ZONE]: 'c' } });
const taintedZoneC = makeNode('c1', { labels: { [ZONE]: 'c' }, spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] } });

describe('PodTopologySpread filter', () => {
  const cases: {
    name: string;
    nodes?: Node[];
    pods: Pod[];
    pod: Pod;
    defaultLabels?: Record<string, string>;
    args?: Record<string, unknown>;
    pre?: string;
    want?: Record<string, string>;
    counts?: Record<string, number>[];
  }[] = [
    { name: 'no constraints and nothing selects the pod: skipped', pods: [foo('f', 'a1')], pod: makePod('p', { labels: { app: 'foo' } }), pre: 'Skip' },
    { name: 'only soft constraints: skipped', pods: [], pod: incoming([soft(ZONE, 1, { app: 'foo' })]), pre: 'Skip' },
    {
      name: 'system defaults are soft: skipped even when selected',
      pods: [],
      pod: makePod('p', { labels: { app: 'foo' } }),
      defaultLabels: { app: 'foo' },
      pre: 'Skip',
    },
    {
      name: 'zone skew: the fuller zone is refused',
      pods: [foo('f1', 'a1'), foo('f2', 'a2'), foo('f3', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' })]),
      want: { a1: SKEW, a2: SKEW, b1: ok, b2: ok },
      counts: [{ a: 2, b: 1 }],
    },
    {
      name: 'a pod its own selector does not match adds nothing to the skew',
      pods: [foo('f1', 'a1'), foo('f2', 'a2'), foo('f3', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' })], { app: 'bar' }),
      want: { a1: ok, a2: ok, b1: ok, b2: ok },
    },
    {
      name: 'hostname skew, empty nodes count as domains with 0',
      pods: [foo('f1', 'a1')],
      pod: incoming([hard(HOSTNAME, 1, { app: 'foo' })]),
      want: { a1: SKEW, a2: ok, b1: ok, b2: ok },
      counts: [{ a1: 1, a2: 0, b1: 0, b2: 0 }],
    },
    {
      name: 'a node without the topology key is unresolvable and not a domain',
      nodes: zoneNodes(makeNode('x')),
      pods: [foo('f1', 'a1'), foo('f2', 'x'), foo('f3', 'x')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' })]),
      want: { a1: SKEW, a2: SKEW, b1: ok, b2: ok, x: MISSING },
      counts: [{ a: 1, b: 0 }],
    },
    {
      name: 'every constraint must hold',
      pods: [foo('f1', 'a1'), foo('f2', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }), hard(HOSTNAME, 1, { app: 'foo' })]),
      want: { a1: SKEW, a2: ok, b1: SKEW, b2: ok },
    },
    {
      name: 'minDomains above the domain count makes the global minimum 0',
      pods: [foo('f1', 'a1'), foo('f2', 'a2'), foo('f3', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }, { minDomains: 3 })]),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, b2: SKEW },
    },
    {
      name: 'minDomains met: the real minimum',
      pods: [foo('f1', 'a1'), foo('f2', 'a2'), foo('f3', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }, { minDomains: 2 })]),
      want: { a1: SKEW, a2: SKEW, b1: ok, b2: ok },
    },
    {
      name: 'pods of other namespaces and pods being deleted do not count',
      pods: [
        foo('f1', 'a1', {}, 'other'),
        makePod('f2', { node: 'a2', labels: { app: 'foo' }, metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } }),
        foo('f3', 'b1'),
      ],
      pod: incoming([hard(ZONE, 1, { app: 'foo' })]),
      want: { a1: ok, a2: ok, b1: SKEW, b2: SKEW },
      counts: [{ a: 0, b: 1 }],
    },
    {
      name: 'matchLabelKeys: only pods with the same values count',
      pods: [foo('f1', 'a1', { version: 'v1' }), foo('f2', 'a2', { version: 'v1' }), foo('f3', 'b1', { version: 'v2' })],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }, { matchLabelKeys: ['version'] })], { app: 'foo', version: 'v2' }),
      want: { a1: ok, a2: ok, b1: SKEW, b2: SKEW },
      counts: [{ a: 0, b: 1 }],
    },
    {
      name: 'nodeAffinityPolicy Honor (default): nodes the pod cannot use are not domains',
      nodes: zoneNodes(zoneC),
      pods: [foo('f1', 'a1'), foo('f2', 'b1'), foo('f3', 'b2')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' })], { app: 'foo' }, notInZoneC),
      want: { a1: ok, a2: ok, b1: SKEW, b2: SKEW, c1: ok },
      counts: [{ a: 1, b: 2 }],
    },
    {
      name: 'nodeAffinityPolicy Ignore: they are, and their empty zone is the minimum',
      nodes: zoneNodes(zoneC),
      pods: [foo('f1', 'a1'), foo('f2', 'b1'), foo('f3', 'b2')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }, { nodeAffinityPolicy: 'Ignore' })], { app: 'foo' }, notInZoneC),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, b2: SKEW, c1: ok },
      counts: [{ a: 1, b: 2, c: 0 }],
    },
    {
      name: 'nodeTaintsPolicy Ignore (default): tainted nodes are domains',
      nodes: zoneNodes(taintedZoneC),
      pods: [foo('f1', 'a1'), foo('f2', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' })]),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, b2: SKEW, c1: ok },
      counts: [{ a: 1, b: 1, c: 0 }],
    },
    {
      name: 'nodeTaintsPolicy Honor: untolerated taints exclude the node',
      nodes: zoneNodes(taintedZoneC),
      pods: [foo('f1', 'a1'), foo('f2', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }, { nodeTaintsPolicy: 'Honor' })]),
      want: { a1: ok, a2: ok, b1: ok, b2: ok, c1: ok },
      counts: [{ a: 1, b: 1 }],
    },
    {
      name: 'nodeTaintsPolicy Honor: a tolerated taint keeps the node',
      nodes: zoneNodes(taintedZoneC),
      pods: [foo('f1', 'a1'), foo('f2', 'b1')],
      pod: incoming([hard(ZONE, 1, { app: 'foo' }, { nodeTaintsPolicy: 'Honor' })], { app: 'foo' }, { tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, b2: SKEW, c1: ok },
      counts: [{ a: 1, b: 1, c: 0 }],
    },
    {
      name: 'List defaults apply to pods without constraints, with the default selector',
      pods: [foo('f1', 'a1'), makePod('other', { node: 'b1', labels: { app: 'bar' } })],
      pod: makePod('p', { labels: { app: 'foo' } }),
      defaultLabels: { app: 'foo' },
      args: { defaultingType: 'List', defaultConstraints: [{ topologyKey: HOSTNAME, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }] },
      want: { a1: SKEW, a2: ok, b1: ok, b2: ok },
    },
    {
      name: 'List defaults are dropped when nothing selects the pod',
      pods: [foo('f1', 'a1')],
      pod: makePod('p', { labels: { app: 'foo' } }),
      args: { defaultingType: 'List', defaultConstraints: [{ topologyKey: HOSTNAME, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }] },
      pre: 'Skip',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const handle = spreadHandle(c.nodes ?? zoneNodes(), c.pods, c.defaultLabels);
      const r = run(handle, c.pod, c.args);
      expect(r.pre).toBe(c.pre ?? 'Success');
      if (c.want) expect(r.verdicts).toEqual(c.want);
      if (c.counts) expect(r.state.read<PreFilterState>(PRE_FILTER_STATE_KEY)?.tpValueToMatchNum.map((m) => Object.fromEntries(m))).toEqual(c.counts);
    });
  }

  it('an invalid selector is an Error', () => {
    const handle = spreadHandle(zoneNodes(), []);
    const pod = incoming([{ topologyKey: ZONE, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] } }]);
    expect(factory(undefined, handle).preFilter(new CycleState(), pod, handle.snapshot().nodeInfos).status).toMatchObject({
      code: 'Error',
      error: { message: 'get constraints from pod: "Bogus" is not a valid label selector operator' },
    });
  });

  it('Filter without PreFilter is an Error', () => {
    const handle = spreadHandle(zoneNodes(), []);
    expect(factory(undefined, handle).filter(new CycleState(), makePod('p'), handle.snapshot().nodeInfos[0]!)).toMatchObject({
      code: 'Error',
      error: { message: 'reading "PreFilterPodTopologySpread" from cycleState: not found' },
    });
  });
});

describe('PodTopologySpread PreFilter extensions', () => {
  const pods = [foo('f1', 'a1'), foo('f2', 'a2'), foo('f3', 'b1')];
  const pod = incoming([hard(ZONE, 1, { app: 'foo' })]);
  const cases: { name: string; op: 'addPod' | 'removePod'; target: Pod; node: string; counts: Record<string, number>; want: Record<string, string> }[] = [
    { name: 'removing a matching pod evens the zones', op: 'removePod', target: pods[0]!, node: 'a1', counts: { a: 1, b: 1 }, want: { a1: ok, a2: ok, b1: ok, b2: ok } },
    { name: 'adding a matching pod raises the minimum', op: 'addPod', target: foo('f4', 'b2'), node: 'b2', counts: { a: 2, b: 2 }, want: { a1: ok, a2: ok, b1: ok, b2: ok } },
    {
      name: 'a pod the selector does not match changes nothing',
      op: 'addPod',
      target: makePod('bar', { node: 'b2', labels: { app: 'bar' } }),
      node: 'b2',
      counts: { a: 2, b: 1 },
      want: { a1: SKEW, a2: SKEW, b1: ok, b2: ok },
    },
    {
      name: 'a pod of another namespace changes nothing',
      op: 'addPod',
      target: foo('f5', 'b2', {}, 'other'),
      node: 'b2',
      counts: { a: 2, b: 1 },
      want: { a1: SKEW, a2: SKEW, b1: ok, b2: ok },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const handle = spreadHandle(zoneNodes(), pods);
      const r = run(handle, pod);
      const copy = r.state.clone();
      expect(r.plugin.preFilterExtensions[c.op](copy, pod, newPodInfo(c.target), handle.snapshot().get(c.node)!)).toEqual({ code: 'Success' });
      expect(Object.fromEntries(copy.read<PreFilterState>(PRE_FILTER_STATE_KEY)!.tpValueToMatchNum[0]!)).toEqual(c.counts);
      expect(verdict(r.plugin, copy, pod, handle)).toEqual(c.want);
      // The original is untouched: preemption works on clones.
      expect(Object.fromEntries(r.state.read<PreFilterState>(PRE_FILTER_STATE_KEY)!.tpValueToMatchNum[0]!)).toEqual({ a: 2, b: 1 });
    });
  }
});

describe('CriticalPaths', () => {
  const cases: { name: string; updates: [string, number][]; want: [string, number][] }[] = [
    { name: 'empty', updates: [], want: [['', 2 ** 31 - 1], ['', 2 ** 31 - 1]] },
    { name: 'keeps the minimum first', updates: [['a', 3], ['b', 1], ['c', 2]], want: [['b', 1], ['c', 2]] },
    { name: 'a known value that grows swaps places', updates: [['a', 1], ['b', 2], ['a', 3]], want: [['b', 2], ['a', 3]] },
    { name: 'a known value that shrinks stays first', updates: [['a', 1], ['b', 2], ['a', 0]], want: [['a', 0], ['b', 2]] },
    { name: 'a larger new value is dropped', updates: [['a', 1], ['b', 2], ['c', 5]], want: [['a', 1], ['b', 2]] },
  ];
  it.each(cases)('$name', ({ updates, want }) => {
    const p = new CriticalPaths();
    for (const [v, n] of updates) p.update(v, n);
    expect(p.paths.map((x) => [x.value, x.num])).toEqual(want);
  });
});
