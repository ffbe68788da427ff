import type { Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState } from '../../framework/types.ts';
import { NodeUnschedulable } from './index.ts';

describe('NodeUnschedulable', () => {
  const unschedulable = { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] };
  it.each([
    { name: 'schedulable node', cordoned: false, tolerations: [], want: { code: 'Success' } },
    { name: 'cordoned node', cordoned: true, tolerations: [], want: unschedulable },
    {
      name: 'cordoned node, pod tolerates the unschedulable taint',
      cordoned: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      want: { code: 'Success' },
    },
    {
      name: 'cordoned node, pod tolerates everything',
      cordoned: true,
      tolerations: [{ operator: 'Exists' }],
      want: { code: 'Success' },
    },
    {
      name: 'cordoned node, toleration for another effect',
      cordoned: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      want: unschedulable,
    },
  ] as { name: string; cordoned: boolean; tolerations: Toleration[]; want: object }[])('$name', ({ cordoned, tolerations, want }) => {
    const node = new NodeInfo(makeNode('n', { spec: { unschedulable: cordoned } }));
    const pod = makePod('p', { spec: { tolerations } });
    expect(new NodeUnschedulable().filter(new CycleState(), pod, node)).toEqual(want);
  });

  it('a NodeInfo without a node has unknown conditions', () => {
    expect(new NodeUnschedulable().filter(new CycleState(), makePod('p'), new NodeInfo())).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had unknown conditions'],
    });
  });
});
