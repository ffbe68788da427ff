import type { Namespace, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../../framework/pod-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type Handle } from '../../framework/types.ts';
import { InterPodAffinity, factory, PreFilterState, PRE_FILTER_STATE_KEY } from './index.ts';
import { affinity, HOSTNAME, namespace, snapshotHandle, term, ZONE } from './testing.ts';

// Two zones of two nodes, and a node with no zone label.
const nodes = [
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('a2', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
  makeNode('b2', { labels: { [ZONE]: 'b' } }),
  makeNode('x'),
];

const AFFINITY = "node(s) didn't match pod affinity rules";
const ANTI = "node(s) didn't match pod anti-affinity rules";
const EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";

function run(handle: Handle, pod: Pod) {
  const plugin = factory(undefined, handle) as InterPodAffinity;
  const state = new CycleState();
  const pre = plugin.preFilter(state, pod);
  const verdicts: Record<string, string> = {};
  if (pre.status.code === 'Success')
    for (const ni of handle.snapshot().nodeInfos) {
      const s = plugin.filter(state, pod, ni);
      verdicts[ni.name] = s.code === 'Success' ? 'ok' : `${s.code}: ${'reasons' in s ? s.reasons.join(', ') : ''}`;
    }
  return { plugin, state, pre: pre.status.code, verdicts };
}

const db = (name: string, node: string, ns = 'default') => makePod(name, { node, namespace: ns, labels: { app: 'db' } });
const web = (name: string, node: string) => makePod(name, { node, labels: { app: 'web' } });
const ok = 'ok';
const unresolvable = `UnschedulableAndUnresolvable: ${AFFINITY}`;

describe('InterPodAffinity filter', () => {
  const cases: { name: string; pods: Pod[]; pod: Pod; namespaces?: Namespace[]; pre?: string; want?: Record<string, string>; counts?: object }[] = [
    { name: 'no terms anywhere: skipped', pods: [db('d', 'a1')], pod: makePod('p'), pre: 'Skip' },
    {
      name: 'required affinity: only the zone holding a matching pod',
      pods: [db('d', 'a1')],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' })] }) }),
      want: { a1: ok, a2: ok, b1: unresolvable, b2: unresolvable, x: unresolvable },
      counts: { affinity: { [`${ZONE}=a`]: 1 }, antiAffinity: {}, existing: {} },
    },
    {
      name: 'required affinity: every term must match the same pod',
      pods: [db('d', 'a1'), makePod('c', { node: 'b1', labels: { app: 'db', tier: 'cache' } })],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' }), term(HOSTNAME, { tier: 'cache' })] }) }),
      want: { a1: unresolvable, a2: unresolvable, b1: ok, b2: unresolvable, x: unresolvable },
      counts: { affinity: { [`${ZONE}=b`]: 1, [`${HOSTNAME}=b1`]: 1 }, antiAffinity: {}, existing: {} },
    },
    {
      name: 'first pod of a self-affine group may go to any node with the key',
      pods: [web('w', 'a1')],
      pod: makePod('p', { labels: { app: 'db' }, spec: affinity({ affinity: [term(ZONE, { app: 'db' })] }) }),
      want: { a1: ok, a2: ok, b1: ok, b2: ok, x: unresolvable },
    },
    {
      name: 'no matching pod and not self-affine: nowhere',
      pods: [web('w', 'a1')],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' })] }) }),
      want: { a1: unresolvable, a2: unresolvable, b1: unresolvable, b2: unresolvable, x: unresolvable },
    },
    {
      name: 'a self-affine pod still follows the matching pods once some run',
      pods: [db('d', 'b2')],
      pod: makePod('p', { labels: { app: 'db' }, spec: affinity({ affinity: [term(ZONE, { app: 'db' })] }) }),
      want: { a1: unresolvable, a2: unresolvable, b1: ok, b2: ok, x: unresolvable },
    },
    {
      name: 'matching pods of another namespace do not count',
      pods: [db('d', 'a1', 'other')],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' })] }) }),
      want: { a1: unresolvable, a2: unresolvable, b1: unresolvable, b2: unresolvable, x: unresolvable },
    },
    {
      name: 'namespaces named in the term',
      pods: [db('d', 'a1', 'other'), db('e', 'b1')],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' }, { namespaces: ['other'] })] }) }),
      want: { a1: ok, a2: ok, b1: unresolvable, b2: unresolvable, x: unresolvable },
    },
    {
      name: 'namespaceSelector matches by the namespace labels',
      pods: [db('d', 'a1', 'team-a'), db('e', 'b1', 'team-b')],
      namespaces: [namespace('team-a', { team: 'a' }), namespace('team-b', { team: 'b' })],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' }, { namespaceSelector: { matchLabels: { team: 'a' } } })] }) }),
      want: { a1: ok, a2: ok, b1: unresolvable, b2: unresolvable, x: unresolvable },
    },
    {
      name: 'an empty namespaceSelector spans every namespace',
      pods: [db('d', 'b1', 'team-b')],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' }, { namespaceSelector: {} })] }) }),
      want: { a1: unresolvable, a2: unresolvable, b1: ok, b2: ok, x: unresolvable },
    },
    {
      name: 'required anti-affinity of the incoming pod, per hostname',
      pods: [web('w', 'a1')],
      pod: makePod('p', { labels: { app: 'web' }, spec: affinity({ antiAffinity: [term(HOSTNAME, { app: 'web' })] }) }),
      want: { a1: `Unschedulable: ${ANTI}`, a2: ok, b1: ok, b2: ok, x: ok },
      counts: { affinity: {}, antiAffinity: { [`${HOSTNAME}=a1`]: 1 }, existing: {} },
    },
    {
      name: 'anti-affinity over a key a node lacks does not reject it',
      pods: [web('w', 'a1'), web('w2', 'x')],
      pod: makePod('p', { spec: affinity({ antiAffinity: [term(ZONE, { app: 'web' })] }) }),
      want: { a1: `Unschedulable: ${ANTI}`, a2: `Unschedulable: ${ANTI}`, b1: ok, b2: ok, x: ok },
    },
    {
      name: "a running pod's anti-affinity keeps matching pods out of its zone",
      pods: [makePod('guard', { node: 'a2', spec: affinity({ antiAffinity: [term(ZONE, { app: 'web' })] }) })],
      pod: makePod('p', { labels: { app: 'web' } }),
      want: { a1: `Unschedulable: ${EXISTING}`, a2: `Unschedulable: ${EXISTING}`, b1: ok, b2: ok, x: ok },
      counts: { affinity: {}, antiAffinity: {}, existing: { [`${ZONE}=a`]: 1 } },
    },
    {
      name: "a running pod's anti-affinity ignores pods it does not select",
      pods: [makePod('guard', { node: 'a2', spec: affinity({ antiAffinity: [term(ZONE, { app: 'web' })] }) })],
      pod: makePod('p', { labels: { app: 'db' } }),
      pre: 'Skip',
    },
    {
      name: 'affinity is checked before anti-affinity',
      pods: [db('d', 'a1'), web('w', 'b1')],
      pod: makePod('p', { spec: affinity({ affinity: [term(ZONE, { app: 'db' })], antiAffinity: [term(ZONE, { app: 'web' })] }) }),
      want: { a1: ok, a2: ok, b1: unresolvable, b2: unresolvable, x: unresolvable },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = run(snapshotHandle(nodes, c.pods, c.namespaces), c.pod);
      expect(r.pre).toBe(c.pre ?? 'Success');
      if (c.want) expect(r.verdicts).toEqual(c.want);
      if (c.counts) {
        const s = r.state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
        expect(JSON.parse(JSON.stringify({ affinity: s?.affinityCounts, antiAffinity: s?.antiAffinityCounts, existing: s?.existingAntiAffinityCounts }))).toEqual(c.counts);
      }
    });
  }

  it('reports an Error when PreFilter did not run', () => {
    const handle = snapshotHandle(nodes, []);
    const plugin = factory(undefined, handle) as InterPodAffinity;
    const s = plugin.filter(new CycleState(), makePod('p'), handle.snapshot().nodeInfos[0]!);
    expect(s).toMatchObject({ code: 'Error', error: { message: 'reading "PreFilterInterPodAffinity" from cycleState: not found' } });
  });
});

describe('InterPodAffinity PreFilter extensions', () => {
  const antiWeb = makePod('p', { labels: { app: 'web' }, spec: affinity({ antiAffinity: [term(ZONE, { app: 'web' })] }) });
  const guard = makePod('guard', { node: 'b1', labels: { app: 'guard' }, spec: affinity({ antiAffinity: [term(HOSTNAME, { app: 'web' })] }) });
  const cases: { name: string; op: 'addPod' | 'removePod'; target: Pod; node: string; want: Record<string, string> }[] = [
    {
      name: 'removing the only matching pod frees its zone',
      op: 'removePod',
      target: web('w', 'a1'),
      node: 'a1',
      want: { a1: ok, a2: ok, b1: `Unschedulable: ${EXISTING}`, b2: ok, x: ok },
    },
    {
      name: 'removing a pod with anti-affinity lifts it',
      op: 'removePod',
      target: guard,
      node: 'b1',
      want: { a1: `Unschedulable: ${ANTI}`, a2: `Unschedulable: ${ANTI}`, b1: ok, b2: ok, x: ok },
    },
    {
      name: 'adding a matching pod closes its zone',
      op: 'addPod',
      target: web('w2', 'b2'),
      node: 'b2',
      want: {
        a1: `Unschedulable: ${ANTI}`,
        a2: `Unschedulable: ${ANTI}`,
        b1: `Unschedulable: ${ANTI}`,
        b2: `Unschedulable: ${ANTI}`,
        x: ok,
      },
    },
    {
      name: 'adding a pod with anti-affinity against the incoming pod',
      op: 'addPod',
      target: makePod('g2', { node: 'x', spec: affinity({ antiAffinity: [term(HOSTNAME, { app: 'web' })] }) }),
      node: 'x',
      want: { a1: `Unschedulable: ${ANTI}`, a2: `Unschedulable: ${ANTI}`, b1: `Unschedulable: ${EXISTING}`, b2: ok, x: `Unschedulable: ${EXISTING}` },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const handle = snapshotHandle(nodes, [web('w', 'a1'), guard]);
      const r = run(handle, antiWeb);
      const before = { ...r.verdicts };
      const copy = r.state.clone();
      const ni = handle.snapshot().get(c.node)!;
      expect(r.plugin.preFilterExtensions[c.op](copy, antiWeb, newPodInfo(c.target), ni)).toEqual({ code: 'Success' });
      const after: Record<string, string> = {};
      for (const n of handle.snapshot().nodeInfos) {
        const s = r.plugin.filter(copy, antiWeb, n);
        after[n.name] = s.code === 'Success' ? 'ok' : `${s.code}: ${'reasons' in s ? s.reasons.join(', ') : ''}`;
      }
      expect(after).toEqual(c.want);
      // The original state is untouched: preemption works on clones.
      for (const n of handle.snapshot().nodeInfos) expect(r.plugin.filter(r.state, antiWeb, n).code === 'Success' ? 'ok' : 'no').toBe(before[n.name] === 'ok' ? 'ok' : 'no');
    });
  }
});

describe('InterPodAffinity args', () => {
  it.each([
    { name: 'defaults', args: undefined, want: { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false } },
    { name: 'overrides', args: { hardPodAffinityWeight: 5 }, want: { hardPodAffinityWeight: 5, ignorePreferredTermsOfExistingPods: false } },
  ])('$name', ({ args, want }) => {
    expect((factory(args, snapshotHandle([], [])) as InterPodAffinity).args).toEqual(want);
  });
  it('rejects a weight out of range', () => {
    expect(() => factory({ hardPodAffinityWeight: 101 }, snapshotHandle([], []))).toThrow('hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]');
  });
});
