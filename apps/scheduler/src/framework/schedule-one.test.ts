import { describe, expect, it } from 'vitest';
import { explainCycle, formatExplanation } from './explain.ts';
import { binder, build, filterOut, fixedScore, preFilter } from './fakes.test-support.ts';
import { NodeRotation, fitErrorMessage, nodeToStatusForPostFilter, schedulePod, selectHost, type Diagnosis, type ScheduleResult } from './schedule-one.ts';
import { NodeSnapshot } from './snapshot.ts';
import { SUCCESS, unresolvable, unschedulable, withPlugin, type Status } from './status.ts';
import { makeNode, makePod } from './testing.ts';
import { CycleState, type FilterPlugin, type Plugin, type ScorePlugin } from './types.ts';

const snap = (n: number) => NodeSnapshot.of(Array.from({ length: n }, (_, i) => makeNode(`n${i + 1}`)));
const three = snap(3);
const pod = makePod('web', { uid: 'uid-web' });
const never = () => 0.5;

function run(plugins: readonly Plugin[], o: { snapshot?: NodeSnapshot; random?: () => number; rotation?: NodeRotation; percentage?: number; weights?: Record<string, number>; pod?: typeof pod } = {}) {
  const snapshot = o.snapshot ?? three;
  const { fwk } = build([...plugins, binder()], { snapshot, ...(o.weights ? { weights: o.weights } : {}) });
  const rotation = o.rotation ?? new NodeRotation();
  const result = schedulePod(fwk, new CycleState(), o.pod ?? pod, snapshot, { percentageOfNodesToScore: o.percentage ?? 0, random: o.random ?? never, scheduler: rotation });
  return { result, rotation, snapshot };
}

const rejected = (plugin: string, s: Status) => withPlugin(s, plugin);

describe('schedulePod', () => {
  it('filters, scores with weights, and takes the highest total', () => {
    const { result } = run(
      [filterOut('F', { n1: unschedulable('node(s) were unschedulable') }), fixedScore('A', { n2: 10, n3: 20 }), fixedScore('B', { n2: 50, n3: 0 })],
      { weights: { A: 1, B: 2 } },
    );
    expect(result).toMatchObject({ kind: 'scheduled', node: 'n2', evaluatedNodes: 3, feasibleNodes: 2, feasible: ['n2', 'n3'] });
    if (result.kind !== 'scheduled') return;
    expect(result.scores.map((s) => [s.name, s.total])).toEqual([['n2', 110], ['n3', 20]]);
    expect([...result.diagnosis.unschedulablePlugins]).toEqual(['F']);
  });

  it('skips scoring when one node is feasible', () => {
    const throwing: ScorePlugin = { name: 'T', score: () => { throw new Error('must not run'); } };
    const { result } = run([filterOut('F', { n1: unschedulable('x'), n2: unschedulable('x') }), throwing]);
    expect(result).toMatchObject({ kind: 'scheduled', node: 'n3', evaluatedNodes: 3, feasibleNodes: 1, scores: [] });
  });

  it('reports every rejection when nothing fits', () => {
    const { result } = run([
      filterOut('NodeUnschedulable', { n1: unschedulable('node(s) were unschedulable') }),
      filterOut('NodeResourcesFit', { n2: unschedulable('Insufficient cpu'), n3: unschedulable('Insufficient cpu') }),
    ]);
    expect(result.kind).toBe('unschedulable');
    if (result.kind !== 'unschedulable') return;
    expect(result.numAllNodes).toBe(3);
    expect([...result.diagnosis.unschedulablePlugins].sort()).toEqual(['NodeResourcesFit', 'NodeUnschedulable']);
    expect(fitErrorMessage(3, result.diagnosis)).toBe('0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.');
  });

  it('a PreFilter rejection applies to every node', () => {
    const { result, snapshot } = run([preFilter('PTS', { status: unschedulable("node(s) didn't match pod topology spread constraints") })]);
    expect(result.kind).toBe('unschedulable');
    if (result.kind !== 'unschedulable') return;
    expect(result.diagnosis.preFilterMsg).toBe("node(s) didn't match pod topology spread constraints");
    expect([...result.diagnosis.unschedulablePlugins]).toEqual(['PTS']);
    expect(fitErrorMessage(3, result.diagnosis)).toBe("0/3 nodes are available: node(s) didn't match pod topology spread constraints.");
    const all = nodeToStatusForPostFilter(result.diagnosis, snapshot);
    expect([...all.keys()]).toEqual(['n1', 'n2', 'n3']);
    expect(all.get('n2')?.code).toBe('Unschedulable');
  });

  it("PreFilter's node set restricts filtering; the others are unresolvable", () => {
    const seen: string[] = [];
    const { result, snapshot } = run([
      preFilter('NodeAffinity', { status: SUCCESS, nodeNames: new Set(['n2', 'gone']) }, () => unschedulable('Insufficient memory')),
      filterOut('Seen', {}, seen),
    ]);
    expect(result.kind).toBe('unschedulable');
    if (result.kind !== 'unschedulable') return;
    expect([...result.diagnosis.nodeToStatus.keys()]).toEqual(['n2']);
    expect(fitErrorMessage(3, result.diagnosis)).toBe("0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    expect(nodeToStatusForPostFilter(result.diagnosis, snapshot).get('n1')?.code).toBe('UnschedulableAndUnresolvable');
  });

  it('tries the nominated node first', () => {
    const seen: string[] = [];
    const nominated = { ...pod, status: { nominatedNodeName: 'n3' } };
    const { result, rotation } = run([filterOut('F', {}, seen), fixedScore('A', { n1: 100 })], { pod: nominated });
    expect(result).toMatchObject({ kind: 'scheduled', node: 'n3', evaluatedNodes: 1, feasibleNodes: 1 });
    expect(seen).toEqual(['n3']);
    expect(rotation.nextStartNodeIndex).toBe(0);
  });

  it('falls back to every node when the nominated node no longer fits', () => {
    const nominated = { ...pod, status: { nominatedNodeName: 'n3' } };
    const { result } = run([filterOut('F', { n3: unschedulable('x') })], { pod: nominated });
    expect(result).toMatchObject({ kind: 'scheduled', node: 'n1' });
  });

  it('stops at numFeasibleNodesToFind and rotates the start', () => {
    const snapshot = snap(200);
    const rotation = new NodeRotation();
    const seen: string[] = [];
    const plugins = [filterOut('F', {}, seen), fixedScore('A', {})];
    const first = run(plugins, { snapshot, rotation, percentage: 50 }).result;
    expect(first).toMatchObject({ kind: 'scheduled', evaluatedNodes: 100, feasibleNodes: 100 });
    expect(rotation.nextStartNodeIndex).toBe(100);
    seen.length = 0;
    run(plugins, { snapshot, rotation, percentage: 50 });
    expect(seen[0]).toBe('n101');
    expect(rotation.nextStartNodeIndex).toBe(0);
  });

  it('without Score plugins the first feasible node is taken', () => {
    const seen: string[] = [];
    const { result } = run([filterOut('F', { n1: unschedulable('x') }, seen)]);
    expect(result).toMatchObject({ kind: 'scheduled', node: 'n2', evaluatedNodes: 2 });
    expect(seen).toEqual(['n1', 'n2']);
  });

  const errors: { name: string; plugins: Plugin[]; snapshot?: NodeSnapshot; want: string }[] = [
    { name: 'no nodes', plugins: [], snapshot: snap(0), want: 'no nodes available to schedule pods' },
    { name: 'a throwing filter', plugins: [{ name: 'T', filter: () => { throw new Error('boom'); } } as FilterPlugin], want: 'running "T" filter plugin: boom' },
    { name: 'an out-of-range score', plugins: [fixedScore('A', { n1: 1000 })], want: 'plugin "A" returns an invalid score 1000' },
  ];
  for (const c of errors)
    it(`returns an error for ${c.name}`, () => {
      const { result } = run(c.plugins, c.snapshot ? { snapshot: c.snapshot } : {});
      expect(result.kind).toBe('error');
      expect(result.kind === 'error' && result.error.message).toContain(c.want);
    });
});

describe('selectHost', () => {
  const tied = [{ name: 'a', total: 5 }, { name: 'b', total: 9 }, { name: 'c', total: 9 }, { name: 'd', total: 9 }];
  const cases = [
    { name: 'a single best', scores: [{ name: 'a', total: 1 }, { name: 'b', total: 3 }], random: [0.1], want: 'b' },
    { name: 'ties: random keeps the first', scores: tied, random: [0.9, 0.9], want: 'b' },
    { name: 'ties: random replaces with the second', scores: tied, random: [0.1, 0.9], want: 'c' },
    { name: 'ties: random replaces with the last', scores: tied, random: [0.9, 0.2], want: 'd' },
  ];
  for (const c of cases)
    it(c.name, () => {
      const rs = [...c.random];
      expect(selectHost(c.scores, () => rs.shift() ?? 0)).toBe(c.want);
    });

  it('is uniform over ties', () => {
    let seed = 42;
    const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      const h = selectHost(tied, lcg);
      counts[h] = (counts[h] ?? 0) + 1;
    }
    for (const n of ['b', 'c', 'd']) expect(counts[n]).toBeGreaterThan(850);
    expect(counts.a).toBeUndefined();
  });
});

describe('fitErrorMessage', () => {
  const diag = (statuses: Record<string, Status>, o: Partial<Diagnosis> = {}): Diagnosis => ({
    nodeToStatus: new Map(Object.entries(statuses)),
    absentNodesStatus: unresolvable(),
    unschedulablePlugins: new Set(),
    preFilterMsg: '',
    ...o,
  });
  const f = (r: string) => rejected('F', unschedulable(r));
  const cases: { name: string; n: number; d: Diagnosis; post?: string; want: string }[] = [
    { name: 'PreFilter message', n: 3, d: diag({}, { preFilterMsg: 'Node(s) failed PreFilter plugin FalsePreFilter' }), want: '0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter.' },
    { name: 'one reason on every node', n: 3, d: diag({ n1: f('Node(s) failed Filter plugin FalseFilter-1'), n2: f('Node(s) failed Filter plugin FalseFilter-1'), n3: f('Node(s) failed Filter plugin FalseFilter-1') }), want: '0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1.' },
    {
      name: 'several reasons per node, sorted as strings',
      n: 12,
      d: diag(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`n${i}`, i < 10 ? rejected('F', unschedulable('b', 'a')) : f('c')]))),
      want: '0/12 nodes are available: 10 a, 10 b, 2 c.',
    },
    {
      name: 'with a PostFilter message',
      n: 3,
      d: diag({ n1: f('Insufficient cpu'), n2: f('Insufficient cpu'), n3: f('node(s) were unschedulable') }),
      post: 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      want: '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    },
    { name: 'PreFilter message with PostFilter message', n: 2, d: diag({}, { preFilterMsg: 'x' }), post: 'preemption: not eligible due to preemptionPolicy=Never.', want: '0/2 nodes are available: x. preemption: not eligible due to preemptionPolicy=Never.' },
    { name: 'absent nodes count their status reasons', n: 5, d: diag({ n1: f('Insufficient cpu') }, { absentNodesStatus: unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]") }), want: "0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't satisfy plugin(s) [NodeAffinity]." },
    { name: 'nothing to say', n: 1, d: diag({}), want: '0/1 nodes are available:' },
  ];
  for (const c of cases) it(c.name, () => expect(fitErrorMessage(c.n, c.d, c.post)).toBe(c.want));
});

describe('explainCycle', () => {
  const time = new Date(Date.UTC(2025, 0, 1));
  const explain = (result: ScheduleResult, snapshot = three, postFilterMsg?: string) =>
    explainCycle({ pod, result, snapshot, time, attempt: 2, ...(postFilterMsg ? { postFilterMsg } : {}) });

  it('records verdicts and scores, and prints a table', () => {
    const { result } = run([filterOut('NodeUnschedulable', { n1: unschedulable('node(s) were unschedulable') }), fixedScore('A', { n2: 10, n3: 20 }), fixedScore('B', { n2: 50, n3: 0 })], {
      weights: { A: 1, B: 2 },
    });
    const e = explain(result);
    expect(e).toMatchObject({ pod: 'default/web', uid: 'uid-web', time: '2025-01-01T00:00:00.000Z', attempt: 2, result: 'Scheduled', node: 'n2', message: 'Successfully assigned default/web to n2' });
    expect(e.nodes[0]).toEqual({ node: 'n1', filter: { plugin: 'NodeUnschedulable', code: 'Unschedulable', reasons: ['node(s) were unschedulable'] } });
    expect(e.nodes[1]).toMatchObject({ node: 'n2', filter: 'passed', total: 110 });
    expect(formatExplanation(e)).toMatchInlineSnapshot(`
      "default/web (uid uid-web) at 2025-01-01T00:00:00.000Z, attempt 2: Scheduled on n2
      Successfully assigned default/web to n2

         NODE  FILTER                                         A(x1)  B(x2)  TOTAL
         n1    NodeUnschedulable: node(s) were unschedulable
      *  n2    passed                                         10     50     110
         n3    passed                                         20     0      20
      "
    `);
  });

  it('marks nodes never filtered and uses the FitError text', () => {
    const snapshot = snap(200);
    const pass = run([filterOut('F', {}), fixedScore('A', {})], { snapshot, percentage: 50 }).result;
    expect(explain(pass, snapshot).nodes[150]).toEqual({ node: 'n151', filter: 'not evaluated' });

    const fail = run([preFilter('NodeAffinity', { status: SUCCESS, nodeNames: new Set(['n2']) }, () => unschedulable('Insufficient cpu'))]).result;
    const e = explain(fail, three, 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    expect(e.result).toBe('Unschedulable');
    expect(e.message).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    expect(e.nodes.map((n) => n.filter)).toEqual([
      { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"] },
      { plugin: 'NodeAffinity', code: 'Unschedulable', reasons: ['Insufficient cpu'] },
      { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"] },
    ]);
  });

  it('reports errors', () => {
    const e = explain({ kind: 'error', error: new Error('no nodes available to schedule pods') });
    expect(e).toMatchObject({ result: 'Error', message: 'no nodes available to schedule pods' });
    expect(e.nodes.every((n) => n.filter === 'not evaluated')).toBe(true);
  });
});
