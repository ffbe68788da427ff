import type { Container, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type PluginArgs } from '../../framework/types.ts';
import { factory, type NodeResourcesBalancedAllocation } from './index.ts';

const plugin = (args?: PluginArgs) => factory(args, undefined as never) as NodeResourcesBalancedAllocation;
const container = (name: string, requests: Record<string, string>): Container => ({ name, image: 'busybox', resources: { requests } });
const pod = (...containers: Container[]) => makePod('p', { spec: { containers } });
const nodeInfo = (name: string, allocatable: Record<string, string>, pods: Pod[] = []) =>
  new NodeInfo(
    makeNode(name, { allocatable }),
    pods.map((p) => ({ ...p, spec: { ...p.spec!, nodeName: name } })),
  );

describe('NodeResourcesBalancedAllocation', () => {
  const cpuAndMemory = pod(container('a', { cpu: '1000m', memory: '2000' }), container('b', { cpu: '2000m', memory: '3000' }));
  it.each([
    // fractions 0.75 and 0.5 → std 0.125 → 87; 0.3 and 0.25 → std 0.025 → 97
    { name: 'cpu and memory', args: undefined, pod: cpuAndMemory, nodes: [{ cpu: '4000m', memory: '10000' }, { cpu: '10000m', memory: '20000' }], existing: [], want: [87, 97] },
    // node1 already holds 3000m/5000: fractions 1 (capped from 1.5) and 1 → 100
    {
      name: 'fractions are capped at 1 and count existing pods',
      args: undefined,
      pod: cpuAndMemory,
      nodes: [{ cpu: '4000m', memory: '10000' }],
      existing: [makePod('e', { requests: { cpu: '3000m', memory: '5000' } })],
      want: [100],
    },
    // only memory requested: cpu 0 and memory 0.5 → std 0.25 → 75
    { name: 'unset requests count as 0', args: undefined, pod: pod(container('a', { memory: '5000' })), nodes: [{ cpu: '4', memory: '10000' }], existing: [], want: [75] },
    // cpu 0.75, memory 0.5, gpu 0.5: mean 0.5833, std 0.1179 → 88
    {
      name: 'three resources use the standard deviation',
      args: { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu', weight: 1 }] },
      pod: pod(container('a', { cpu: '3', memory: '5000', 'example.com/gpu': '1' })),
      nodes: [{ cpu: '4', memory: '10000', 'example.com/gpu': '2' }],
      existing: [],
      want: [88],
    },
    {
      name: 'a scalar resource the pod does not request is left out',
      args: { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] },
      pod: cpuAndMemory,
      nodes: [{ cpu: '4000m', memory: '10000', 'example.com/gpu': '2' }],
      existing: [],
      want: [87],
    },
  ] as { name: string; args?: PluginArgs; pod: Pod; nodes: Record<string, string>[]; existing: Pod[]; want: number[] }[])(
    '$name',
    ({ args, pod, nodes, existing, want }) => {
      const pl = plugin(args);
      const state = new CycleState();
      expect(pl.preScore(state, pod)).toEqual({ code: 'Success' });
      const infos = nodes.map((alloc, i) => nodeInfo(`n${i}`, alloc, i === 0 ? existing : []));
      expect(infos.map((n) => pl.score(state, pod, n))).toEqual(want);
    },
  );

  it('skips best-effort pods', () => {
    expect(plugin().preScore(new CycleState(), makePod('p'))).toEqual({ code: 'Skip' });
  });

  it('defaults and validates args', () => {
    expect(plugin().args).toEqual({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] });
    expect(() => plugin({ resources: [{ name: 'cpu', weight: 200 }] })).toThrow(/resource weight of cpu should be in range \[1, 100\]/);
  });
});
