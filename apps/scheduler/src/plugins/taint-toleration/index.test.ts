import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type NodeScore } from '../../framework/types.ts';
import { TaintToleration, findUntoleratedTaint, toleratesTaint } from './index.ts';

const nodeWithTaints = (name: string, taints: Taint[]) => new NodeInfo(makeNode(name, { spec: { taints } }));
const podWith = (tolerations: Toleration[]) => makePod('p', { spec: { tolerations } });

describe('toleratesTaint', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each([
    { name: 'equal key, value and effect', toleration: { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, want: true },
    { name: 'operator defaults to Equal', toleration: { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, want: true },
    { name: 'different value', toleration: { key: 'dedicated', value: 'cpu', effect: 'NoSchedule' }, want: false },
    { name: 'Exists ignores the value', toleration: { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, want: true },
    { name: 'empty effect matches every effect', toleration: { key: 'dedicated', operator: 'Exists' }, want: true },
    { name: 'other effect', toleration: { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, want: false },
    { name: 'empty key with Exists tolerates everything', toleration: { operator: 'Exists' }, want: true },
    { name: 'empty key with Equal compares the value only', toleration: { value: 'gpu' }, want: true },
    { name: 'other key', toleration: { key: 'zone', operator: 'Exists' }, want: false },
    { name: 'unknown operator', toleration: { key: 'dedicated', operator: 'Gt', value: 'gpu' }, want: false },
  ])('$name', ({ toleration, want }) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });
});

describe('TaintToleration filter', () => {
  it.each([
    { name: 'no taints', taints: [], tolerations: [], want: { code: 'Success' } },
    {
      name: 'untolerated NoSchedule taint',
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      tolerations: [{ key: 'dedicated', value: 'user2', effect: 'NoSchedule' }],
      want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: user1}'] },
    },
    {
      name: 'tolerated NoSchedule taint',
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user1', effect: 'NoSchedule' }],
      want: { code: 'Success' },
    },
    {
      name: 'untolerated NoExecute taint without value',
      taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }],
      tolerations: [],
      want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'] },
    },
    {
      name: 'PreferNoSchedule taints never filter',
      taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }],
      tolerations: [],
      want: { code: 'Success' },
    },
    {
      name: 'the first untolerated taint is reported',
      taints: [
        { key: 'a', value: '1', effect: 'NoSchedule' },
        { key: 'b', value: '2', effect: 'NoSchedule' },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {b: 2}'] },
    },
  ] as { name: string; taints: Taint[]; tolerations: Toleration[]; want: object }[])('$name', ({ taints, tolerations, want }) => {
    const status = new TaintToleration().filter(new CycleState(), podWith(tolerations), nodeWithTaints('n', taints));
    expect(status).toEqual(want);
  });

  it('findUntoleratedTaint applies the filter', () => {
    const taints: Taint[] = [{ key: 'x', effect: 'PreferNoSchedule' }];
    expect(findUntoleratedTaint(taints, [])).toEqual(taints[0]);
    expect(findUntoleratedTaint(taints, [], (t) => t.effect === 'NoSchedule')).toBeUndefined();
  });
});

describe('TaintToleration score', () => {
  it.each([
    {
      name: 'nodes with fewer untolerated PreferNoSchedule taints score higher',
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }],
      nodes: [
        [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }],
        [{ key: 'foo', value: 'blah', effect: 'PreferNoSchedule' }],
        [
          { key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' },
          { key: 'foo', value: 'blah', effect: 'PreferNoSchedule' },
        ],
      ],
      want: [100, 50, 0],
    },
    {
      name: 'a toleration without effect covers PreferNoSchedule; NoSchedule tolerations do not',
      tolerations: [
        { key: 'a', operator: 'Exists' },
        { key: 'b', operator: 'Exists', effect: 'NoSchedule' },
      ],
      nodes: [[{ key: 'a', effect: 'PreferNoSchedule' }], [{ key: 'b', effect: 'PreferNoSchedule' }]],
      want: [100, 0],
    },
    {
      name: 'only PreferNoSchedule taints count',
      tolerations: [],
      nodes: [[{ key: 'a', effect: 'NoSchedule' }], [{ key: 'b', effect: 'PreferNoSchedule' }], []],
      want: [100, 0, 100],
    },
    { name: 'no taints anywhere: every node gets the maximum', tolerations: [], nodes: [[], []], want: [100, 100] },
  ] as { name: string; tolerations: Toleration[]; nodes: Taint[][]; want: number[] }[])('$name', ({ tolerations, nodes, want }) => {
    const pl = new TaintToleration();
    const state = new CycleState();
    const pod = podWith(tolerations);
    const infos = nodes.map((taints, i) => nodeWithTaints(`n${i}`, taints));
    expect(pl.preScore(state, pod)).toEqual({ code: 'Success' });
    const scores: NodeScore[] = infos.map((n) => ({ name: n.name, score: pl.score(state, pod, n) }));
    pl.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual(want);
  });
});
