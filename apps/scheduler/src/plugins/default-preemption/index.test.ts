import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { describe, expect, it } from 'vitest';
import { asError, unresolvable, unschedulable, type Status } from '../../framework/status.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState } from '../../framework/types.ts';
import { ExtensionCalls, FakeHandle, type FakeHandleOptions } from './fake-handle.ts';
import { DEFAULT_ARGS, DefaultPreemption, factory, NAME, parseArgs } from './index.ts';

interface PodSpecOpts {
  node?: string;
  prio?: number;
  cpu?: string;
  labels?: Record<string, string>;
  started?: string;
  deleting?: boolean;
  nominated?: string;
  never?: boolean;
}

function pod(name: string, o: PodSpecOpts = {}): Pod {
  const p = makePod(name, {
    ...(o.node ? { node: o.node } : {}),
    priority: o.prio ?? 0,
    ...(o.cpu ? { requests: { cpu: o.cpu } } : {}),
    labels: o.labels ?? {},
    ...(o.deleting ? { metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' } } : {}),
    ...(o.never ? { spec: { preemptionPolicy: 'Never' } } : {}),
  });
  const status = { phase: o.node ? 'Running' : 'Pending', ...(o.started ? { startTime: o.started } : {}), ...(o.nominated ? { nominatedNodeName: o.nominated } : {}) };
  return { ...p, status };
}

const node = (name: string, cpu = '1', pods = '110') => makeNode(name, { allocatable: { cpu, pods } });

const pdb = (name: string, matchLabels: Record<string, string>, disruptionsAllowed: number): PodDisruptionBudget => ({
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels } },
  status: { disruptionsAllowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
});

const U = unschedulable('Insufficient cpu');
const UU = unresolvable("node(s) didn't match Pod's node affinity/selector");
const REASON = 'default-scheduler: preempting to accommodate a higher priority pod';

interface Case {
  name: string;
  handle: FakeHandleOptions;
  preemptor: Pod;
  filtered: Record<string, Status>;
  want: { code: string; message: string; nominatedNodeName?: string };
  evicted?: string[];
  cleared?: string[];
}

const cases: Case[] = [
  {
    name: 'evicts only the lowest-priority pod that makes room',
    handle: { nodes: [node('n1')], pods: [pod('low', { node: 'n1', prio: 1, cpu: '500m' }), pod('mid', { node: 'n1', prio: 5, cpu: '500m' })] },
    preemptor: pod('p', { prio: 10, cpu: '500m' }),
    filtered: { n1: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/low'],
  },
  {
    name: 'reprieves as many victims as fit, the earliest started first',
    handle: {
      nodes: [node('n1')],
      pods: [
        pod('a', { node: 'n1', prio: 1, cpu: '250m', started: '2024-01-01T00:00:04Z' }),
        pod('b', { node: 'n1', prio: 1, cpu: '250m', started: '2024-01-01T00:00:01Z' }),
        pod('c', { node: 'n1', prio: 1, cpu: '250m', started: '2024-01-01T00:00:03Z' }),
        pod('d', { node: 'n1', prio: 1, cpu: '250m', started: '2024-01-01T00:00:02Z' }),
      ],
    },
    preemptor: pod('p', { prio: 10, cpu: '500m' }),
    filtered: { n1: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/c', 'default/a'],
  },
  {
    name: 'makes room for the pod count too',
    handle: { nodes: [node('n1', '4', '2')], pods: [pod('a', { node: 'n1', prio: 1 }), pod('b', { node: 'n1', prio: 2 })] },
    preemptor: pod('p', { prio: 10 }),
    filtered: { n1: unschedulable('Too many pods') },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/a'],
  },
  {
    name: 'prefers the node whose most important victim has the lowest priority',
    handle: { nodes: [node('n1'), node('n2')], pods: [pod('v5', { node: 'n1', prio: 5, cpu: '1' }), pod('v1', { node: 'n2', prio: 1, cpu: '1' })] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U, n2: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n2' },
    evicted: ['default/v1'],
  },
  {
    name: 'keeps a pod under a PodDisruptionBudget when another victim does',
    handle: {
      nodes: [node('n1')],
      pods: [
        pod('guarded', { node: 'n1', prio: 1, cpu: '500m', labels: { app: 'db' }, started: '2024-01-01T00:00:09Z' }),
        pod('free', { node: 'n1', prio: 1, cpu: '500m', started: '2024-01-01T00:00:01Z' }),
      ],
      pdbs: [pdb('db', { app: 'db' }, 0)],
    },
    preemptor: pod('p', { prio: 10, cpu: '500m' }),
    filtered: { n1: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/free'],
  },
  {
    name: 'prefers a node where no budget is broken',
    handle: {
      nodes: [node('n1'), node('n2')],
      pods: [pod('guarded', { node: 'n1', prio: 1, cpu: '1', labels: { app: 'db' } }), pod('free', { node: 'n2', prio: 3, cpu: '1' })],
      pdbs: [pdb('db', { app: 'db' }, 0)],
    },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U, n2: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n2' },
    evicted: ['default/free'],
  },
  {
    name: 'breaks a budget when nothing else makes room',
    handle: { nodes: [node('n1')], pods: [pod('guarded', { node: 'n1', prio: 1, cpu: '1', labels: { app: 'db' } })], pdbs: [pdb('db', { app: 'db' }, 0)] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/guarded'],
  },
  {
    name: 'never evicts pods of higher or equal priority',
    handle: { nodes: [node('n1')], pods: [pod('high', { node: 'n1', prio: 100, cpu: '500m' }), pod('same', { node: 'n1', prio: 10, cpu: '250m' }), pod('low', { node: 'n1', prio: 1, cpu: '250m' })] },
    preemptor: pod('p', { prio: 10, cpu: '500m' }),
    filtered: { n1: U },
    want: { code: 'Unschedulable', message: 'preemption: 0/1 nodes are available: 1 Insufficient cpu.', nominatedNodeName: '' },
  },
  {
    name: 'a pod with preemptionPolicy Never does not preempt',
    handle: { nodes: [node('n1')], pods: [pod('low', { node: 'n1', prio: 1, cpu: '1' })] },
    preemptor: pod('p', { prio: 10, cpu: '1', never: true }),
    filtered: { n1: U },
    want: { code: 'Unschedulable', message: 'preemption: not eligible due to preemptionPolicy=Never.' },
  },
  {
    name: 'no candidates: per-node reasons and unresolvable nodes counted',
    handle: { nodes: [node('n1'), node('n2'), node('n3')], pods: [pod('high', { node: 'n1', prio: 100, cpu: '1' }), pod('low', { node: 'n2', prio: 1, cpu: '1' })] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U, n2: UU, n3: UU },
    want: {
      code: 'Unschedulable',
      message: 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      nominatedNodeName: '',
    },
  },
  {
    name: 'no node is Unschedulable: preemption is not helpful anywhere',
    handle: { nodes: [node('n1'), node('n2')], pods: [pod('low', { node: 'n1', prio: 1, cpu: '1' })] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: UU },
    want: { code: 'Unschedulable', message: 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.', nominatedNodeName: '' },
  },
  {
    name: 'waits while a victim on the nominated node terminates',
    handle: { nodes: [node('n1'), node('n2')], pods: [pod('going', { node: 'n1', prio: 1, cpu: '1', deleting: true }), pod('low', { node: 'n2', prio: 1, cpu: '1' })] },
    preemptor: pod('p', { prio: 10, cpu: '1', nominated: 'n1' }),
    filtered: { n1: U, n2: U },
    want: { code: 'Unschedulable', message: 'preemption: not eligible due to a terminating pod on the nominated node.' },
  },
  {
    name: 'preempts again when the nominated node became unresolvable',
    handle: { nodes: [node('n1'), node('n2')], pods: [pod('going', { node: 'n1', prio: 1, cpu: '1', deleting: true }), pod('low', { node: 'n2', prio: 1, cpu: '1' })] },
    preemptor: pod('p', { prio: 10, cpu: '1', nominated: 'n1' }),
    filtered: { n1: UU, n2: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n2' },
    evicted: ['default/low'],
  },
  {
    name: 'does not evict a victim already being deleted',
    handle: { nodes: [node('n1')], pods: [pod('going', { node: 'n1', prio: 1, cpu: '500m', deleting: true }), pod('low', { node: 'n1', prio: 2, cpu: '500m' })] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/low'],
  },
  {
    name: 'clears the nomination of lower-priority pods nominated to the node',
    handle: {
      nodes: [node('n1')],
      pods: [pod('low', { node: 'n1', prio: 1, cpu: '1' })],
      nominated: [pod('lesser', { prio: 5, nominated: 'n1' }), pod('greater', { prio: 50, nominated: 'n1' }), pod('elsewhere', { prio: 1, nominated: 'n2' })],
    },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U },
    want: { code: 'Success', message: '', nominatedNodeName: 'n1' },
    evicted: ['default/low'],
    cleared: ['default/lesser'],
  },
  {
    name: 'a refused eviction is an Error',
    handle: { nodes: [node('n1')], pods: [pod('low', { node: 'n1', prio: 1, cpu: '1' })], failEvictions: ['low'] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U },
    want: { code: 'Error', message: 'preemption: evicting default/low: Too Many Requests' },
  },
  {
    name: 'a failing PreFilter extension is an Error',
    handle: { nodes: [node('n1'), node('n2')], pods: [pod('a', { node: 'n1', prio: 1, cpu: '1' }), pod('b', { node: 'n2', prio: 1, cpu: '1' })], extensionStatus: asError(new Error('boom')) },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: { n1: U, n2: U },
    want: { code: 'Error', message: 'preemption: boom' },
  },
  {
    name: 'no nodes at all is an Error',
    handle: { nodes: [] },
    preemptor: pod('p', { prio: 10, cpu: '1' }),
    filtered: {},
    want: { code: 'Error', message: 'preemption: no nodes available' },
  },
];

const messageOf = (s: Status) => (s.code === 'Error' ? s.error.message : s.code === 'Success' || s.code === 'Skip' ? '' : s.reasons.join(', '));

describe('DefaultPreemption.postFilter', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const handle = new FakeHandle(c.handle);
      const plugin = new DefaultPreemption(handle, { ...DEFAULT_ARGS }, { random: () => 0 });
      const state = new CycleState();
      const before = handle.snapshot().nodeInfos.map((n) => n.pods.length);
      const res = await plugin.postFilter(state, c.preemptor, new Map(Object.entries(c.filtered)));
      expect({ code: res.status.code, message: messageOf(res.status), nominatedNodeName: res.nominatedNodeName }).toEqual({
        nominatedNodeName: undefined,
        ...c.want,
      });
      expect(handle.evicted).toEqual((c.evicted ?? []).map((pod) => ({ pod, reason: REASON })));
      expect(handle.nominations).toEqual((c.cleared ?? []).map((pod) => ({ pod, node: '' })));
      // The dry run works on copies: the cycle's state and the snapshot are as they were.
      expect(state.read(ExtensionCalls.KEY)).toBeUndefined();
      expect(handle.snapshot().nodeInfos.map((n) => n.pods.length)).toEqual(before);
    });
  }
});

describe('DefaultPreemption args', () => {
  const cases: { name: string; args?: Record<string, unknown>; want?: unknown; error?: string }[] = [
    { name: 'defaults', want: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 } },
    { name: 'overrides', args: { minCandidateNodesPercentage: 50, minCandidateNodesAbsolute: 0 }, want: { minCandidateNodesPercentage: 50, minCandidateNodesAbsolute: 0 } },
    { name: 'percentage out of range', args: { minCandidateNodesPercentage: 101 }, error: 'minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]' },
    { name: 'negative absolute', args: { minCandidateNodesAbsolute: -1 }, error: 'minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)' },
    {
      name: 'both zero',
      args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 },
      error:
        '[minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute, minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage]',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) expect(() => parseArgs(c.args)).toThrow(c.error);
      else expect(parseArgs(c.args)).toEqual(c.want);
    });
  }

  it('factory builds the plugin under its upstream name', () => {
    const plugin = factory(undefined, new FakeHandle({ nodes: [] }));
    expect(plugin).toBeInstanceOf(DefaultPreemption);
    expect(plugin.name).toBe(NAME);
    expect(NAME).toBe('DefaultPreemption');
  });
});
