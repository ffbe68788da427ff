import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState } from '../../framework/types.ts';
import { calculateNumCandidates, dryRunPreemption, pickOneNodeForPreemption, type Candidate } from './candidates.ts';
import { FakeHandle } from './fake-handle.ts';

const victim = (name: string, priority: number, startTime?: string): Pod => {
  const p = makePod(name, { priority });
  return { ...p, status: startTime ? { startTime } : {} };
};

describe('calculateNumCandidates', () => {
  const cases = [
    { name: 'absolute floor wins on a small cluster', nodes: 10, pct: 10, abs: 100, want: 10 },
    { name: 'never more than the nodes', nodes: 50, pct: 10, abs: 100, want: 50 },
    { name: 'percentage of a large cluster', nodes: 5000, pct: 10, abs: 100, want: 500 },
    { name: 'percentage truncates', nodes: 1999, pct: 10, abs: 100, want: 199 },
    { name: 'absolute when the percentage is smaller', nodes: 500, pct: 10, abs: 100, want: 100 },
    { name: 'zero absolute', nodes: 9, pct: 50, abs: 0, want: 4 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(calculateNumCandidates(c.nodes, { minCandidateNodesPercentage: c.pct, minCandidateNodesAbsolute: c.abs })).toBe(c.want);
    });
  }
});

describe('dryRunPreemption', () => {
  const nodes = ['n0', 'n1', 'n2', 'n3'].map((n) => makeNode(n, { allocatable: { cpu: '1' } }));
  const pods = [
    makePod('g0', { node: 'n0', priority: 1, requests: { cpu: '1' }, labels: { app: 'db' } }),
    makePod('v1', { node: 'n1', priority: 1, requests: { cpu: '1' } }),
    makePod('h2', { node: 'n2', priority: 99, requests: { cpu: '1' } }),
    makePod('v3', { node: 'n3', priority: 1, requests: { cpu: '1' } }),
  ];
  const pdbs: PodDisruptionBudget[] = [{ metadata: { namespace: 'default', name: 'db' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } as PodDisruptionBudget['status'] }];
  const preemptor = makePod('p', { priority: 10, requests: { cpu: '1' } });

  const cases = [
    { name: 'all nodes, non-violating first', offset: 0, num: 4, want: ['n1', 'n3', 'n0'], statuses: ['n2'] },
    { name: 'starts at the offset and wraps', offset: 2, num: 4, want: ['n3', 'n1', 'n0'], statuses: ['n2'] },
    { name: 'stops once enough with one non-violating', offset: 3, num: 1, want: ['n3'], statuses: [] },
    { name: 'a violating candidate alone does not stop the search', offset: 0, num: 1, want: ['n1', 'n0'], statuses: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const handle = new FakeHandle({ nodes, pods });
      const r = dryRunPreemption(handle, new CycleState(), preemptor, handle.snapshot().nodeInfos, pdbs, c.offset, c.num);
      expect(r.candidates.map((x) => x.name)).toEqual(c.want);
      expect([...r.nodeStatuses.keys()]).toEqual(c.statuses);
      expect(r.errors).toEqual([]);
    });
  }

  it('records each victim set with its budget violations', () => {
    const handle = new FakeHandle({ nodes, pods });
    const r = dryRunPreemption(handle, new CycleState(), preemptor, handle.snapshot().nodeInfos, pdbs, 0, 4);
    expect(r.candidates.map((x) => [x.name, x.victims.map((v) => v.metadata?.name), x.numPDBViolations])).toEqual([
      ['n1', ['v1'], 0],
      ['n3', ['v3'], 0],
      ['n0', ['g0'], 1],
    ]);
    expect(r.nodeStatuses.get('n2')).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['No preemption victims found for incoming pod'] });
  });
});

describe('pickOneNodeForPreemption', () => {
  const cand = (name: string, victims: Pod[], numPDBViolations = 0): Candidate => ({ name, victims, numPDBViolations });
  const now = new Date(Date.UTC(2025, 0, 1));
  const cases: { name: string; candidates: Candidate[]; want: string | undefined }[] = [
    { name: 'none', candidates: [], want: undefined },
    { name: 'one', candidates: [cand('a', [victim('x', 5)])], want: 'a' },
    { name: 'fewest budget violations', candidates: [cand('a', [victim('x', 1)], 2), cand('b', [victim('y', 9)], 1)], want: 'b' },
    { name: 'lowest highest-priority victim', candidates: [cand('a', [victim('x', 5), victim('y', 1)]), cand('b', [victim('z', 4), victim('w', 4)])], want: 'b' },
    { name: 'smallest priority sum', candidates: [cand('a', [victim('x', 5), victim('y', 3)]), cand('b', [victim('z', 5), victim('w', 2)])], want: 'b' },
    {
      name: 'sum shifts negative priorities so more victims cost more',
      candidates: [cand('a', [victim('x', -10), victim('y', -10)]), cand('b', [victim('z', -10)])],
      want: 'b',
    },
    { name: 'fewest victims', candidates: [cand('a', [victim('x', 2), victim('y', 0), victim('v', 0)]), cand('b', [victim('z', 2)])], want: 'b' },
    {
      name: 'latest start among the most important victims',
      candidates: [
        cand('a', [victim('x', 5, '2024-01-01T00:00:10Z'), victim('y', 1, '2024-01-01T00:00:30Z')]),
        cand('b', [victim('z', 5, '2024-01-01T00:00:20Z'), victim('w', 1, '2024-01-01T00:00:01Z')]),
      ],
      want: 'b',
    },
    {
      name: 'an unstarted victim counts as starting now',
      candidates: [cand('a', [victim('x', 5, '2024-01-01T00:00:10Z')]), cand('b', [victim('z', 5)])],
      want: 'b',
    },
    { name: 'ties go to the first', candidates: [cand('a', [victim('x', 5)]), cand('b', [victim('y', 5)])], want: 'a' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(pickOneNodeForPreemption(c.candidates, now)?.name).toBe(c.want);
    });
  }
});
