import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { at, pod, T0 } from './fixtures.ts';
import { getPodsToDelete, podDeletionCost } from './ranking.ts';

const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata?.name);
const NOW = new Date(T0 + 3600_000);

describe('getPodsToDelete', () => {
  const cases: { name: string; pods: Pod[]; related?: Pod[]; diff: number; want: string[]; now?: Date }[] = [
    { name: 'unassigned before assigned', pods: [pod('a', { node: 'n1', readyAt: 0 }), pod('b')], diff: 1, want: ['b'] },
    { name: 'pending before unknown before running', pods: [pod('run', { node: 'n', phase: 'Running' }), pod('unk', { node: 'n', phase: 'Unknown' }), pod('pend', { node: 'n', phase: 'Pending' })], diff: 2, want: ['pend', 'unk'] },
    { name: 'not ready before ready', pods: [pod('ready', { node: 'n', readyAt: 0 }), pod('notready', { node: 'n', phase: 'Running' })], diff: 1, want: ['notready'] },
    { name: 'lower deletion cost first', pods: [pod('dear', { node: 'n', readyAt: 0, cost: '100' }), pod('cheap', { node: 'n', readyAt: 0, cost: '-5' })], diff: 1, want: ['cheap'] },
    {
      name: 'doubled up on a node before alone',
      pods: [pod('alone', { node: 'n1', readyAt: 0 }), pod('crowded', { node: 'n2', readyAt: 0 })],
      related: [pod('alone', { node: 'n1', readyAt: 0 }), pod('crowded', { node: 'n2', readyAt: 0 }), pod('sibling', { node: 'n2', readyAt: 0 })],
      diff: 1, want: ['crowded'],
    },
    { name: 'ready for less time first', pods: [pod('old', { node: 'n', readyAt: 0 }), pod('young', { node: 'n', readyAt: 3000 })], diff: 1, want: ['young'] },
    {
      name: 'ready times in one log2 bucket fall back to uid order',
      pods: [pod('b', { node: 'n', readyAt: 11 }), pod('a', { node: 'n', readyAt: 10 })], diff: 1, want: ['a'],
    },
    { name: 'more restarts first', pods: [pod('calm', { node: 'n', readyAt: 0, restarts: 0 }), pod('flappy', { node: 'n', readyAt: 0, restarts: 7 })], diff: 1, want: ['flappy'] },
    { name: 'newer first', pods: [pod('older', { node: 'n', readyAt: 0, createdAt: 0 }), pod('newer', { node: 'n', readyAt: 0, createdAt: 1800 })], diff: 1, want: ['newer'] },
    { name: 'newer first without a reference time', pods: [pod('older', { node: 'n', readyAt: 0, createdAt: 0 }), pod('newer', { node: 'n', readyAt: 0, createdAt: 1 })], diff: 1, want: ['newer'], now: undefined },
    { name: 'all of them when diff covers every pod, in the given order', pods: [pod('x', { node: 'n', readyAt: 0 }), pod('y')], diff: 2, want: ['x', 'y'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = [...c.pods];
      const got = getPodsToDelete(input, c.related ?? c.pods, c.diff, 'now' in c ? c.now : NOW);
      expect(names(got)).toEqual(c.want);
      expect(names(input)).toEqual(names(c.pods));
    });
  }
});

describe('podDeletionCost', () => {
  const cases = [
    { name: 'absent', cost: undefined, want: 0 },
    { name: 'integer', cost: '42', want: 42 },
    { name: 'negative', cost: '-7', want: -7 },
    { name: 'not a number', cost: 'high', want: 0 },
    { name: 'beyond int32', cost: '3000000000', want: 0 },
  ];
  for (const c of cases) it(c.name, () => expect(podDeletionCost(pod('p', c.cost === undefined ? {} : { cost: c.cost }))).toBe(c.want));
});

it('at() renders whole seconds', () => expect(at(1)).toBe('2025-01-01T00:00:01Z'));
