import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../../framework/pod-info.ts';
import { makePod } from '../../framework/testing.ts';
import { unresolvable, unschedulable } from '../../framework/status.ts';
import { fitErrorMessage } from './message.ts';
import { filterPodsWithPDBViolation, moreImportantPod } from './victims.ts';

const pdb = (o: { ns?: string; selector?: LabelSelector; allowed: number; disrupted?: string[] }): PodDisruptionBudget => ({
  metadata: { name: 'pdb', namespace: o.ns ?? 'default' },
  spec: o.selector === undefined ? {} : { selector: o.selector },
  status: {
    disruptionsAllowed: o.allowed,
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
    ...(o.disrupted ? { disruptedPods: Object.fromEntries(o.disrupted.map((n) => [n, '2025-01-01T00:00:00Z'])) } : {}),
  },
});

describe('filterPodsWithPDBViolation', () => {
  const web = (name: string, ns = 'default') => makePod(name, { namespace: ns, labels: { app: 'web' } });
  const cases: { name: string; pods: ReturnType<typeof makePod>[]; pdbs: PodDisruptionBudget[]; violating: string[] }[] = [
    { name: 'budget allows one: the second pod violates', pods: [web('a'), web('b')], pdbs: [pdb({ selector: { matchLabels: { app: 'web' } }, allowed: 1 })], violating: ['b'] },
    { name: 'budget allows none', pods: [web('a')], pdbs: [pdb({ selector: { matchLabels: { app: 'web' } }, allowed: 0 })], violating: ['a'] },
    { name: 'other namespace', pods: [web('a', 'other')], pdbs: [pdb({ selector: { matchLabels: { app: 'web' } }, allowed: 0 })], violating: [] },
    { name: 'selector does not match', pods: [web('a')], pdbs: [pdb({ selector: { matchLabels: { app: 'db' } }, allowed: 0 })], violating: [] },
    { name: 'empty selector matches nothing', pods: [web('a')], pdbs: [pdb({ selector: {}, allowed: 0 })], violating: [] },
    { name: 'missing selector matches nothing', pods: [web('a')], pdbs: [pdb({ allowed: 0 })], violating: [] },
    { name: 'invalid selector matches nothing', pods: [web('a')], pdbs: [pdb({ selector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, allowed: 0 })], violating: [] },
    { name: 'pod without labels matches nothing', pods: [makePod('a')], pdbs: [pdb({ selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, allowed: 0 })], violating: [] },
    {
      name: 'already disrupted pods are not counted again',
      pods: [web('a'), web('b')],
      pdbs: [pdb({ selector: { matchLabels: { app: 'web' } }, allowed: 1, disrupted: ['a'] })],
      violating: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const infos = c.pods.map(newPodInfo);
      const { violating, nonViolating } = filterPodsWithPDBViolation(infos, c.pdbs);
      expect(violating.map((p) => p.pod.metadata?.name)).toEqual(c.violating);
      expect(violating.length + nonViolating.length).toBe(infos.length);
      expect(nonViolating.map((p) => p.pod.metadata?.name)).toEqual(infos.map((p) => p.pod.metadata?.name).filter((n) => !c.violating.includes(n ?? '')));
    });
  }
});

describe('moreImportantPod', () => {
  const now = new Date(Date.UTC(2025, 0, 1));
  const p = (priority: number, startTime?: string) => {
    const pod = makePod('x', { priority });
    return { ...pod, status: startTime ? { startTime } : {} };
  };
  const cases = [
    { name: 'higher priority', a: p(10), b: p(1, '2020-01-01T00:00:00Z'), want: true },
    { name: 'lower priority', a: p(1, '2020-01-01T00:00:00Z'), b: p(10), want: false },
    { name: 'same priority, started earlier', a: p(5, '2024-01-01T00:00:00Z'), b: p(5, '2024-06-01T00:00:00Z'), want: true },
    { name: 'same priority, not started counts as now', a: p(5), b: p(5, '2024-06-01T00:00:00Z'), want: false },
    { name: 'equal', a: p(5), b: p(5), want: false },
  ];
  for (const c of cases) it(c.name, () => expect(moreImportantPod(c.a, c.b, now)).toBe(c.want));
});

describe('fitErrorMessage', () => {
  const cases = [
    { name: 'nothing examined', all: 3, statuses: new Map(), want: '0/3 nodes are available: 3 Preemption is not helpful for scheduling.' },
    {
      name: 'histogram sorted as strings',
      all: 13,
      statuses: new Map([
        ...Array.from({ length: 10 }, (_, i) => [`a${i}`, unschedulable('Insufficient cpu')] as const),
        ['b', unresolvable('No preemption victims found for incoming pod')] as const,
      ]),
      want: '0/13 nodes are available: 1 No preemption victims found for incoming pod, 10 Insufficient cpu, 2 Preemption is not helpful for scheduling.',
    },
    { name: 'no nodes', all: 0, statuses: new Map(), want: '0/0 nodes are available:' },
  ];
  for (const c of cases) it(c.name, () => expect(fitErrorMessage(c.all, c.statuses)).toBe(c.want));
});
