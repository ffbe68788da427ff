import { describe, expect, it } from 'vitest';
import { binder, build, fakeDeps, filterOut, fixedScore, preFilter, preScoreSkip } from './fakes.test-support.ts';
import { NodeInfo } from './node-info.ts';
import { newPodInfo } from './pod-info.ts';
import { defaultConfig, resolveProfile } from './config.ts';
import { inTreeRegistry } from './registry.ts';
import { NodeRotation, fitErrorMessage, schedulePod } from './schedule-one.ts';
import { newFramework } from './runtime.ts';
import { NodeSnapshot } from './snapshot.ts';
import { SUCCESS, unresolvable, unschedulable, type Status } from './status.ts';
import { makeNode, makePod } from './testing.ts';
import { CycleState, type BindPlugin, type FilterPlugin, type PluginFactory, type Plugin, type PreFilterPlugin, type ScorePlugin } from './types.ts';

const pod = makePod('p');
const nodes = ['n1', 'n2', 'n3'].map((n) => makeNode(n));
const snapshot = NodeSnapshot.of(nodes);
const info = (name: string) => snapshot.get(name)!;
const boom = (): never => {
  throw new Error('boom');
};

describe('Framework construction', () => {
  it('builds each plugin once, shared by every point it implements', () => {
    let built = 0;
    const p: FilterPlugin & ScorePlugin = { name: 'Both', filter: () => SUCCESS, score: () => 1 };
    const profile = resolveProfile({ schedulerName: 's', plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'Both' }, { name: 'Binder' }] } }, pluginConfig: [{ name: 'Both', args: { a: 1 } }] });
    let gotArgs: unknown;
    const fwk = newFramework({
      profile,
      registry: new Map<string, PluginFactory>([
        ['Both', (args) => (built++, (gotArgs = args), p)],
        ['Binder', () => binder()],
      ]),
      deps: fakeDeps(),
    });
    expect(built).toBe(1);
    expect(gotArgs).toEqual({ a: 1 });
    expect(fwk.filterPlugins.map((x) => x.name)).toEqual(['Both']);
    expect(fwk.scorePlugins.map((x) => x.name)).toEqual(['Both']);
  });

  const bad: { name: string; plugins: Plugin[]; want: string }[] = [
    { name: 'no binder', plugins: [filterOut('F', {})], want: 'at least one bind plugin is needed for profile with scheduler name "test"' },
  ];
  for (const c of bad) it(`rejects ${c.name}`, () => expect(() => build(c.plugins)).toThrow(c.want));

  it('rejects a plugin named at a point it does not implement', () => {
    const profile = resolveProfile({ schedulerName: 's', plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'Binder' }] }, score: { enabled: [{ name: 'F' }] } }, pluginConfig: [] });
    expect(() =>
      newFramework({ profile, registry: new Map<string, () => Plugin>([['F', () => filterOut('F', {})], ['Binder', () => binder()]]), deps: fakeDeps() }),
    ).toThrow('plugin "F" does not extend ScorePlugin plugin');
  });
});

describe('runPreFilterPlugins', () => {
  const cases: { name: string; plugins: PreFilterPlugin[]; want: Status; nodeNames?: string[]; skipped?: string[] }[] = [
    { name: 'all succeed', plugins: [preFilter('A', { status: SUCCESS })], want: SUCCESS },
    { name: 'skip marks the filter skipped', plugins: [preFilter('A', { status: { code: 'Skip' } })], want: SUCCESS, skipped: ['A'] },
    {
      name: 'unresolvable stops at once',
      plugins: [preFilter('A', { status: unresolvable('nope') }), preFilter('B', { status: { code: 'Skip' } })],
      want: { code: 'UnschedulableAndUnresolvable', reasons: ['nope'], plugin: 'A' },
    },
    {
      name: 'unschedulable lets the rest run',
      plugins: [preFilter('A', { status: unschedulable('later') }), preFilter('B', { status: { code: 'Skip' } })],
      want: { code: 'Unschedulable', reasons: ['later'], plugin: 'A' },
      skipped: ['B'],
    },
    {
      name: 'node sets intersect',
      plugins: [preFilter('A', { status: SUCCESS, nodeNames: new Set(['n1', 'n2']) }), preFilter('B', { status: SUCCESS, nodeNames: new Set(['n2', 'n3']) })],
      want: SUCCESS,
      nodeNames: ['n2'],
    },
    {
      name: 'an empty intersection is unresolvable',
      plugins: [preFilter('B', { status: SUCCESS, nodeNames: new Set(['n1']) }), preFilter('A', { status: SUCCESS, nodeNames: new Set(['n3']) })],
      want: unresolvable("node(s) didn't satisfy plugin(s) [A B] simultaneously"),
      nodeNames: [],
    },
    {
      name: 'one plugin returning no nodes',
      plugins: [preFilter('A', { status: SUCCESS, nodeNames: new Set() })],
      want: unresolvable("node(s) didn't satisfy plugin A"),
      nodeNames: [],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const { fwk } = build([...c.plugins, binder()], { snapshot });
      const state = new CycleState();
      const r = fwk.runPreFilterPlugins(state, pod);
      expect(r.status).toEqual(c.want);
      expect(r.nodeNames ? [...r.nodeNames] : undefined).toEqual(c.nodeNames);
      expect([...state.skipFilterPlugins]).toEqual(c.skipped ?? []);
    });

  it('turns a throw into an Error naming the plugin', () => {
    const { fwk } = build([{ name: 'T', preFilter: boom } as PreFilterPlugin, binder()], { snapshot });
    const s = fwk.runPreFilterPlugins(new CycleState(), pod).status;
    expect(s).toMatchObject({ code: 'Error', plugin: 'T' });
    expect(s.code === 'Error' && s.error.message).toBe('running PreFilter plugin "T": boom');
  });
});

describe('runFilterPlugins', () => {
  const cases: { name: string; plugins: Plugin[]; skip?: string[]; want: Status; seenByB: string[] }[] = [
    { name: 'all pass', plugins: [filterOut('A', {}), filterOut('B', {})], want: SUCCESS, seenByB: ['n1'] },
    {
      name: 'first rejection stops and names its plugin',
      plugins: [filterOut('A', { n1: unschedulable('node(s) were unschedulable') }), filterOut('B', {})],
      want: { code: 'Unschedulable', reasons: ['node(s) were unschedulable'], plugin: 'A' },
      seenByB: [],
    },
    { name: 'a skipped filter does not run', plugins: [filterOut('A', { n1: unschedulable('x') }), filterOut('B', {})], skip: ['A'], want: SUCCESS, seenByB: ['n1'] },
  ];
  for (const c of cases)
    it(c.name, () => {
      const seen: string[] = [];
      const plugins = c.plugins.map((p) => (p.name === 'B' ? filterOut('B', {}, seen) : p));
      const { fwk } = build([...plugins, binder()]);
      const state = new CycleState();
      state.skipFilterPlugins = new Set(c.skip ?? []);
      expect(fwk.runFilterPlugins(state, pod, info('n1'))).toEqual(c.want);
      expect(seen).toEqual(c.seenByB);
    });

  it('turns a throw into an Error naming the plugin', () => {
    const { fwk } = build([{ name: 'T', filter: boom } as FilterPlugin, binder()]);
    const s = fwk.runFilterPlugins(new CycleState(), pod, info('n1'));
    expect(s).toMatchObject({ code: 'Error', plugin: 'T' });
    expect(s.code === 'Error' && s.error.message).toBe('running "T" filter plugin: boom');
  });
});

describe('runFilterPluginsWithNominatedPods', () => {
  // A filter that fits at most one pod per node, and a PreFilter extension that counts added pods.
  const onePodPerNode = (added: string[]): PreFilterPlugin & FilterPlugin => ({
    name: 'OnePod',
    preFilter: () => ({ status: SUCCESS }),
    preFilterExtensions: {
      addPod: (_s, _p, pi) => (added.push(pi.pod.metadata!.name!), SUCCESS),
      removePod: () => SUCCESS,
    },
    filter: (_s, _p, n: NodeInfo) => (n.pods.length > 0 ? unschedulable('too many pods') : SUCCESS),
  });
  const cases = [
    { name: 'no nominated pods: one pass', nominated: [], want: 'Success', added: [] },
    { name: 'a higher-priority nominated pod takes the room', nominated: [makePod('high', { priority: 10 })], want: 'Unschedulable', added: ['high'] },
    { name: 'an equal-priority nominated pod takes the room', nominated: [makePod('same', { priority: 0 })], want: 'Unschedulable', added: ['same'] },
    { name: 'a lower-priority nominated pod is ignored', nominated: [makePod('low', { priority: -1 })], want: 'Success', added: [] },
  ];
  for (const c of cases)
    it(c.name, () => {
      const added: string[] = [];
      const { fwk } = build([onePodPerNode(added), binder()], { nominated: { n1: c.nominated.map(newPodInfo) } });
      const node = info('n1');
      expect(fwk.runFilterPluginsWithNominatedPods(new CycleState(), pod, node).code).toBe(c.want);
      expect(added).toEqual(c.added);
      expect(node.pods).toHaveLength(0);
    });

  it('the pod itself, nominated, is not counted', () => {
    const { fwk } = build([onePodPerNode([]), binder()], { nominated: { n1: [newPodInfo(pod)] } });
    expect(fwk.runFilterPluginsWithNominatedPods(new CycleState(), pod, info('n1')).code).toBe('Success');
  });
});

describe('runScorePlugins', () => {
  const all = [info('n1'), info('n2'), info('n3')];
  it('normalizes, checks the range, then weights and sums', () => {
    const halve = (l: { score: number }[]) => {
      for (const s of l) s.score = Math.trunc(s.score / 2);
      return SUCCESS;
    };
    const { fwk } = build([fixedScore('A', { n1: 100, n2: 50 }), fixedScore('B', { n1: 200, n2: 0, n3: 100 }, halve), binder()], { weights: { A: 2, B: 3 } });
    const r = fwk.runScorePlugins(new CycleState(), pod, all);
    expect(r.status).toEqual(SUCCESS);
    expect(r.nodes.map((n) => [n.name, n.total])).toEqual([['n1', 500], ['n2', 100], ['n3', 150]]);
    expect(r.nodes[0]!.scores).toEqual([
      { plugin: 'A', raw: 100, normalized: 100, weight: 2, weighted: 200 },
      { plugin: 'B', raw: 200, normalized: 100, weight: 3, weighted: 300 },
    ]);
  });

  const errors: { name: string; plugins: Plugin[]; want: string }[] = [
    {
      name: 'a score above 100 after normalizing',
      plugins: [fixedScore('A', { n2: 101 })],
      want: 'applying score defaultWeights on Score plugins: plugin "A" returns an invalid score 101, it should in the range of [0, 100] after normalizing',
    },
    { name: 'a negative score', plugins: [fixedScore('A', { n1: -1 })], want: 'plugin "A" returns an invalid score -1' },
    { name: 'a throwing score', plugins: [{ name: 'T', score: boom } as ScorePlugin], want: 'running Score plugins: plugin "T" failed with: boom' },
    {
      name: 'a failing normalize',
      plugins: [fixedScore('A', {}, () => unschedulable('bad'))],
      want: 'running Normalize on Score plugins: plugin "A" failed with: bad',
    },
  ];
  for (const c of errors)
    it(`fails on ${c.name}`, () => {
      const { fwk } = build([...c.plugins, binder()]);
      const r = fwk.runScorePlugins(new CycleState(), pod, all);
      expect(r.status.code).toBe('Error');
      expect(r.status.code === 'Error' && r.status.error.message).toContain(c.want);
    });

  it('PreScore Skip leaves the plugin out of Score', () => {
    const { fwk } = build([preScoreSkip('S', 50), fixedScore('A', { n1: 10 }), binder()]);
    const state = new CycleState();
    expect(fwk.runPreScorePlugins(state, pod, all)).toEqual(SUCCESS);
    expect([...state.skipScorePlugins]).toEqual(['S']);
    expect(fwk.runScorePlugins(state, pod, all).nodes[0]!.scores.map((s) => s.plugin)).toEqual(['A']);
  });
});

describe('PostFilter, Reserve, Bind', () => {
  it('PostFilter gathers reasons until one succeeds', async () => {
    const pf = (name: string, status: Status, nominatedNodeName?: string) => ({
      name,
      postFilter: async () => (nominatedNodeName ? { status, nominatedNodeName } : { status }),
    });
    const cases = [
      { name: 'all unschedulable', plugins: [pf('A', unschedulable('a')), pf('B', unschedulable('b'))], want: { code: 'Unschedulable', reasons: ['a', 'b'], plugin: 'A' } },
      { name: 'a success wins', plugins: [pf('A', unschedulable('a')), pf('B', SUCCESS, 'n2')], want: SUCCESS, node: 'n2' },
      { name: 'no plugins', plugins: [], want: { code: 'Unschedulable', reasons: [] } },
    ];
    for (const c of cases) {
      const { fwk } = build([...c.plugins, binder()]);
      const r = await fwk.runPostFilterPlugins(new CycleState(), pod, new Map());
      expect(r.status, c.name).toEqual(c.want);
      expect(r.nominatedNodeName, c.name).toBe(c.node);
    }
  });

  it('Unreserve runs in reverse order and Bind stops at the first non-Skip', async () => {
    const log: string[] = [];
    const rp = (name: string) => ({ name, reserve: () => (log.push(`reserve ${name}`), SUCCESS), unreserve: () => void log.push(`unreserve ${name}`) });
    const skipper = { name: 'Skipper', bind: async () => (log.push('skip'), { code: 'Skip' }) as Status };
    const calls: string[] = [];
    const { fwk } = build([rp('A'), rp('B'), skipper, binder('Binder', calls)]);
    const state = new CycleState();
    expect(fwk.runReservePluginsReserve(state, pod, 'n1')).toEqual(SUCCESS);
    fwk.runReservePluginsUnreserve(state, pod, 'n1');
    expect(await fwk.runBindPlugins(state, pod, 'n1')).toEqual(SUCCESS);
    expect(log).toEqual(['reserve A', 'reserve B', 'unreserve B', 'unreserve A', 'skip']);
    expect(calls).toEqual(['p->n1']);
  });

  it('a throwing binder becomes an Error naming it', async () => {
    const { fwk } = build([{ name: 'Bad', bind: async () => boom() } as BindPlugin]);
    const s = await fwk.runBindPlugins(new CycleState(), pod, 'n1');
    expect(s).toMatchObject({ code: 'Error', plugin: 'Bad' });
    expect(s.code === 'Error' && s.error.message).toBe('running Bind plugin "Bad": boom');
  });
});

describe('the default profile over the in-tree registry', () => {
  const deps = fakeDeps(NodeSnapshot.of([makeNode('a', { spec: { unschedulable: true } }), makeNode('b'), makeNode('c', { allocatable: { cpu: '8' } })]));
  const fwk = newFramework({ profile: resolveProfile(defaultConfig().profiles[0]!), registry: inTreeRegistry(), deps });
  const names = (l: readonly Plugin[]) => l.map((p) => p.name);

  it('has upstream plugin lists per extension point', () => {
    expect(names(fwk.filterPlugins)).toEqual([
      'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity',
    ]);
    expect(names(fwk.scorePlugins)).toEqual([
      'TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation', 'ImageLocality',
    ]);
    expect(fwk.scorePlugins.map((p) => fwk.weightOf(p.name))).toEqual([3, 2, 1, 2, 2, 1, 1]);
    expect(names(fwk.postFilterPlugins)).toEqual(['DefaultPreemption']);
    expect(names(fwk.bindPlugins)).toEqual(['DefaultBinder']);
  });

  it('gives the upstream message for a pod that fits nowhere', () => {
    const big = makePod('big', { requests: { cpu: '5' } });
    const r = schedulePod(fwk, new CycleState(), big, deps.snapshot(), { percentageOfNodesToScore: 0, random: () => 0, scheduler: new NodeRotation() });
    expect(r.kind).toBe('scheduled');
    const huge = makePod('huge', { requests: { cpu: '9' } });
    const u = schedulePod(fwk, new CycleState(), huge, deps.snapshot(), { percentageOfNodesToScore: 0, random: () => 0, scheduler: new NodeRotation() });
    expect(u.kind === 'unschedulable' && fitErrorMessage(u.numAllNodes, u.diagnosis)).toBe(
      '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.',
    );
  });
});
