import type { Container, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { podRequests } from '../../framework/resource.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type PluginArgs } from '../../framework/types.ts';
import { factory, fitsRequest, type NodeResourcesFit } from './index.ts';

const handle = undefined as never;
const plugin = (args?: PluginArgs) => factory(args, handle) as NodeResourcesFit;
const container = (name: string, requests: Record<string, string>): Container => ({ name, image: 'busybox', resources: { requests } });
const withContainers = (name: string, containers: Container[], extra: Partial<Pod['spec']> = {}) =>
  makePod(name, { spec: { containers, ...extra } });
const nodeInfo = (allocatable: Record<string, string>, pods: Pod[] = []) =>
  new NodeInfo(
    makeNode('n', { allocatable }),
    pods.map((p) => ({ ...p, spec: { ...p.spec!, nodeName: 'n' } })),
  );

describe('NodeResourcesFit filter', () => {
  const node = { cpu: '10', memory: '20', pods: '32' };
  it.each([
    { name: 'no requests on a full node', alloc: node, existing: [makePod('e', { requests: { cpu: '10', memory: '20' } })], pod: makePod('p'), want: [] },
    { name: 'fits exactly', alloc: node, existing: [makePod('e', { requests: { cpu: '5', memory: '5' } })], pod: makePod('p', { requests: { cpu: '5', memory: '15' } }), want: [] },
    {
      name: 'too much cpu',
      alloc: node,
      existing: [makePod('e', { requests: { cpu: '5', memory: '19' } })],
      pod: makePod('p', { requests: { cpu: '6', memory: '1' } }),
      want: ['Insufficient cpu'],
    },
    {
      name: 'too much cpu and memory: every reason listed',
      alloc: node,
      existing: [makePod('e', { requests: { cpu: '5', memory: '19' } })],
      pod: makePod('p', { requests: { cpu: '6', memory: '2' } }),
      want: ['Insufficient cpu', 'Insufficient memory'],
    },
    {
      name: 'an init container needs more than the containers',
      alloc: node,
      existing: [makePod('e', { requests: { cpu: '5' } })],
      pod: withContainers('p', [container('c', { cpu: '1' })], { initContainers: [container('i', { cpu: '6' })] }),
      want: ['Insufficient cpu'],
    },
    {
      name: 'pod overhead counts',
      alloc: node,
      existing: [makePod('e', { requests: { memory: '15' } })],
      pod: withContainers('p', [container('c', { memory: '4' })], { overhead: { memory: '2' } }),
      want: ['Insufficient memory'],
    },
    {
      name: 'too many pods',
      alloc: { ...node, pods: '1' },
      existing: [makePod('e')],
      pod: makePod('p', { requests: { cpu: '11' } }),
      want: ['Too many pods', 'Insufficient cpu'],
    },
    {
      name: 'ephemeral storage',
      alloc: { ...node, 'ephemeral-storage': '10Gi' },
      existing: [makePod('e', { requests: { 'ephemeral-storage': '8Gi' } })],
      pod: makePod('p', { requests: { 'ephemeral-storage': '4Gi' } }),
      want: ['Insufficient ephemeral-storage'],
    },
    {
      name: 'extended resource',
      alloc: { ...node, 'example.com/gpu': '2' },
      existing: [makePod('e', { requests: { 'example.com/gpu': '1' } })],
      pod: makePod('p', { requests: { 'example.com/gpu': '2' } }),
      want: ['Insufficient example.com/gpu'],
    },
    { name: 'extended resource the node lacks', alloc: node, existing: [], pod: makePod('p', { requests: { 'example.com/gpu': '1' } }), want: ['Insufficient example.com/gpu'] },
    { name: 'hugepages', alloc: { ...node, 'hugepages-2Mi': '4Mi' }, existing: [], pod: makePod('p', { requests: { 'hugepages-2Mi': '6Mi' } }), want: ['Insufficient hugepages-2Mi'] },
  ])('$name', ({ alloc, existing, pod, want }) => {
    const pl = plugin();
    const state = new CycleState();
    expect(pl.preFilter(state, pod).status).toEqual({ code: 'Success' });
    expect(pl.filter(state, pod, nodeInfo(alloc, existing))).toEqual(want.length ? { code: 'Unschedulable', reasons: want } : { code: 'Success' });
  });

  it.each([
    { name: 'by name', args: { ignoredResources: ['example.com/gpu'] }, want: { code: 'Success' } },
    { name: 'by group', args: { ignoredResourceGroups: ['example.com'] }, want: { code: 'Success' } },
    { name: 'other group', args: { ignoredResourceGroups: ['example.org'] }, want: { code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] } },
  ])('ignored extended resources: $name', ({ args, want }) => {
    const pl = plugin(args);
    const pod = makePod('p', { requests: { 'example.com/gpu': '1' } });
    const state = new CycleState();
    pl.preFilter(state, pod);
    expect(pl.filter(state, pod, nodeInfo({ cpu: '1' }))).toEqual(want);
  });

  it('native resources cannot be ignored', () => {
    const pl = plugin({ ignoredResources: ['hugepages-2Mi'] });
    const pod = makePod('p', { requests: { 'hugepages-2Mi': '2Mi' } });
    const state = new CycleState();
    pl.preFilter(state, pod);
    expect(pl.filter(state, pod, nodeInfo({ cpu: '1' }))).toEqual({ code: 'Unschedulable', reasons: ['Insufficient hugepages-2Mi'] });
  });

  it('fitsRequest reports amounts', () => {
    const info = nodeInfo({ cpu: '2', memory: '1Gi', pods: '10' }, [makePod('e', { requests: { cpu: '1500m' } })]);
    expect(fitsRequest(podRequests(makePod('p', { requests: { cpu: '1' } })), info)).toEqual([
      { resourceName: 'cpu', reason: 'Insufficient cpu', requested: 1000, used: 1500, capacity: 2000 },
    ]);
  });
});

describe('NodeResourcesFit score', () => {
  // Upstream's classic case: a pod asking 3000m cpu and 5000 bytes of memory in two containers.
  const pod = withContainers('p', [container('a', { cpu: '1000m', memory: '2000' }), container('b', { cpu: '2000m', memory: '3000' })]);
  const small = [{ cpu: '4000m', memory: '10000' }, { cpu: '6000m', memory: '10000' }];
  const rtcr = (...shape: [number, number][]) => ({
    scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: shape.map(([utilization, score]) => ({ utilization, score })) } },
  });
  it.each([
    // node1: cpu (4000-3000)*100/4000 = 25, memory 50 → 37; node2: 50, 50 → 50
    { name: 'LeastAllocated (default)', args: undefined, pod, nodes: small, want: [37, 50] },
    { name: 'LeastAllocated with cpu weighted 2', args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 2 }, { name: 'memory', weight: 1 }] } }, pod, want: [33, 50] },
    // node1: cpu 75, memory 50 → 62; node2: 50, 50 → 50
    { name: 'MostAllocated', args: { scoringStrategy: { type: 'MostAllocated' } }, pod, want: [62, 50] },
    // utilization 75% and 50% on the rising curve: round((75+50)/2) = 63
    { name: 'RequestedToCapacityRatio, rising', args: rtcr([0, 0], [100, 10]), pod, want: [63, 50] },
    { name: 'RequestedToCapacityRatio, falling', args: rtcr([0, 10], [100, 0]), pod, want: [38, 50] },
    // no requests count as 100m cpu and 200Mi memory: cpu 97 and 98, memory 98 each
    {
      name: 'best-effort pod counts the defaults',
      args: undefined,
      pod: makePod('p'),
      nodes: [{ cpu: '4', memory: '10Gi' }, { cpu: '6', memory: '10Gi' }],
      want: [97, 98],
    },
    {
      name: 'a scalar resource the pod does not request is left out',
      args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu', weight: 3 }] } },
      pod,
      want: [37, 50],
    },
    // node2: cpu 1000*100/6000 = 16, memory over-committed 0 → 8
    { name: 'an over-committed resource scores 0', args: undefined, pod: makePod('p', { requests: { cpu: '5', memory: '20000' } }), want: [0, 8] },
  ] as { name: string; args?: object; pod: Pod; nodes?: Record<string, string>[]; want: number[] }[])('$name', ({ args, pod, nodes, want }) => {
    const pl = plugin(args as PluginArgs | undefined);
    const state = new CycleState();
    const infos = (nodes ?? small).map((alloc) => nodeInfo(alloc));
    expect(pl.preScore(state, pod)).toEqual({ code: 'Success' });
    expect(infos.map((n) => pl.score(state, pod, n))).toEqual(want);
  });

  it('scores count the nonzero requests of pods already on the node', () => {
    const pl = plugin();
    const info = nodeInfo({ cpu: '1', memory: '1000Mi' }, [makePod('e')]);
    const p = makePod('p', { requests: { cpu: '100m', memory: '200Mi' } });
    // cpu (1000-200)/1000 = 80, memory (1000-400)/1000 = 60
    expect(pl.score(new CycleState(), p, info)).toBe(70);
  });
});

describe('NodeResourcesFit args', () => {
  it('defaults', () => {
    expect(plugin().args).toEqual({
      ignoredResources: [],
      ignoredResourceGroups: [],
      scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] },
    });
  });
  it.each([
    { name: 'unknown strategy', args: { scoringStrategy: { type: 'Random' } }, want: /scoringStrategy.type: Unsupported value: "Random"/ },
    { name: 'weight out of range', args: { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 101 }] } }, want: /resource weight of cpu should be in range \[1, 100\]/ },
    { name: 'RequestedToCapacityRatio without shape', args: { scoringStrategy: { type: 'RequestedToCapacityRatio' } }, want: /at least one point must be specified/ },
    {
      name: 'shape not increasing',
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 50, score: 2 }] } } },
      want: /sorted in increasing order/,
    },
    { name: 'resource group with a slash', args: { ignoredResourceGroups: ['example.com/gpu'] }, want: /resource group name can't contain '\/'/ },
  ])('rejects $name', ({ args, want }) => {
    expect(() => plugin(args)).toThrow(want);
  });
});
