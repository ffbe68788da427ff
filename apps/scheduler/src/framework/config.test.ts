import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig, numFeasibleNodesToFind, resolveProfile, type Profile } from './config.ts';

const names = (l: readonly { name: string }[]) => l.map((p) => p.name);
const profile = (plugins: Profile['plugins'], pluginConfig: Profile['pluginConfig'] = []): Profile => ({
  schedulerName: 'default-scheduler',
  plugins,
  pluginConfig,
});

describe('numFeasibleNodesToFind (upstream table)', () => {
  const cases = [
    { name: 'adaptive, 10 nodes: all', percentage: 0, nodes: 10, want: 10 },
    { name: '40%, 10 nodes: all', percentage: 40, nodes: 10, want: 10 },
    { name: 'adaptive, 1000 nodes: 42%', percentage: 0, nodes: 1000, want: 420 },
    { name: '40%, 1000 nodes', percentage: 40, nodes: 1000, want: 400 },
    { name: 'adaptive, 6000 nodes: floor of 5%', percentage: 0, nodes: 6000, want: 300 },
    { name: '40%, 6000 nodes', percentage: 40, nodes: 6000, want: 2400 },
    { name: 'at least 100 nodes', percentage: 1, nodes: 500, want: 100 },
    { name: '99 nodes: all', percentage: 10, nodes: 99, want: 99 },
    { name: '5000 nodes adaptive: 10%', percentage: 0, nodes: 5000, want: 500 },
  ];
  for (const c of cases) it(c.name, () => expect(numFeasibleNodesToFind(c.percentage, c.nodes)).toBe(c.want));
});

describe('resolveProfile', () => {
  it('expands the default MultiPoint set in upstream order with weights', () => {
    const r = resolveProfile(defaultConfig().profiles[0]!);
    expect(r.queueSort).toBe('PrioritySort');
    expect(names(r.score)).toEqual([
      'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit',
      'PodTopologySpread', 'InterPodAffinity', 'DefaultPreemption', 'NodeResourcesBalancedAllocation', 'ImageLocality', 'DefaultBinder',
    ]);
    const w = Object.fromEntries(r.score.map((p) => [p.name, p.weight]));
    expect(w).toMatchObject({ TaintToleration: 3, NodeAffinity: 2, NodeResourcesFit: 1, PodTopologySpread: 2, InterPodAffinity: 2, NodeResourcesBalancedAllocation: 1, ImageLocality: 1 });
    expect(r.filter.every((p) => p.multiPoint)).toBe(true);
  });

  const cases: { name: string; profile: Profile; point: 'filter' | 'score' | 'postFilter'; want: string[]; weights?: Record<string, number> }[] = [
    {
      name: "'*' at a point keeps only what is named there",
      profile: profile({ score: { disabled: [{ name: '*' }], enabled: [{ name: 'ImageLocality', weight: 5 }] } }),
      point: 'score',
      want: ['ImageLocality'],
      weights: { ImageLocality: 5 },
    },
    {
      name: 'disabling one plugin at one point',
      profile: profile({ filter: { disabled: [{ name: 'NodePorts' }] } }),
      point: 'filter',
      want: ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'DefaultPreemption', 'NodeResourcesBalancedAllocation', 'ImageLocality', 'DefaultBinder'],
    },
    {
      name: 'a plugin re-enabled at a point moves first (override) and takes that weight',
      profile: profile({ score: { enabled: [{ name: 'ImageLocality', weight: 7 }] } }),
      point: 'score',
      want: ['ImageLocality', 'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'DefaultPreemption', 'NodeResourcesBalancedAllocation', 'DefaultBinder'],
      weights: { ImageLocality: 7, TaintToleration: 3 },
    },
    {
      name: "multiPoint '*' removes every default",
      profile: profile({ multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeName' }, { name: 'DefaultBinder' }] } }),
      point: 'filter',
      want: ['NodeName', 'DefaultBinder'],
    },
    {
      name: 'multiPoint weight override replaces the default in place',
      profile: profile({ multiPoint: { enabled: [{ name: 'TaintToleration', weight: 9 }] } }),
      point: 'score',
      want: ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'DefaultPreemption', 'NodeResourcesBalancedAllocation', 'ImageLocality', 'DefaultBinder'],
      weights: { TaintToleration: 9 },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const r = resolveProfile(c.profile);
      expect(names(r[c.point])).toEqual(c.want);
      for (const [n, w] of Object.entries(c.weights ?? {})) expect(r[c.point].find((p) => p.name === n)?.weight).toBe(w);
    });

  it('rejects repeated plugin config and double registration', () => {
    expect(() => resolveProfile(profile({}, [{ name: 'NodeAffinity', args: {} }, { name: 'NodeAffinity', args: {} }]))).toThrow(
      'repeated config for plugin NodeAffinity',
    );
    expect(() => resolveProfile(profile({ filter: { enabled: [{ name: 'NodeName' }, { name: 'NodeName' }] } }))).toThrow('already registered');
  });
});

describe('loadConfig', () => {
  const head = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

  it('applies upstream defaults', () => {
    expect(loadConfig(head)).toEqual(defaultConfig());
  });

  it('reads profiles, weights, args (dropping their apiVersion/kind)', () => {
    const c = loadConfig(
      head +
        `percentageOfNodesToScore: 30
podInitialBackoffSeconds: 2
podMaxBackoffSeconds: 20
profiles:
  - schedulerName: my-scheduler
    plugins:
      score:
        enabled: [{ name: NodeResourcesFit, weight: 4 }]
    pluginConfig:
      - name: NodeResourcesFit
        args:
          apiVersion: kubescheduler.config.k8s.io/v1
          kind: NodeResourcesFitArgs
          scoringStrategy: { type: MostAllocated }
`,
    );
    expect(c.percentageOfNodesToScore).toBe(30);
    expect(c.podInitialBackoffSeconds).toBe(2);
    expect(c.podMaxBackoffSeconds).toBe(20);
    const r = resolveProfile(c.profiles[0]!);
    expect(r.schedulerName).toBe('my-scheduler');
    expect(r.score.find((p) => p.name === 'NodeResourcesFit')?.weight).toBe(4);
    expect(r.args.get('NodeResourcesFit')).toEqual({ scoringStrategy: { type: 'MostAllocated' } });
  });

  const bad = [
    { name: 'wrong apiVersion', text: 'apiVersion: v1\nkind: KubeSchedulerConfiguration\n', want: 'apiVersion: Invalid value: "v1"' },
    { name: 'bad percentage', text: head + 'percentageOfNodesToScore: 101\n', want: 'percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]' },
    { name: 'unknown plugin', text: head + 'profiles:\n- plugins:\n    filter:\n      enabled: [{name: Foo}]\n', want: 'profiles[0].plugins.filter.enabled[0].name: Invalid value: "Foo": unknown plugin' },
    { name: 'bad weight', text: head + 'profiles:\n- plugins:\n    score:\n      enabled: [{name: ImageLocality, weight: -1}]\n', want: 'profiles[0].plugins.score.enabled[0].weight: Invalid value: -1' },
    { name: 'max backoff below initial', text: head + 'podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n', want: 'must be greater than or equal to PodInitialBackoffSeconds' },
    { name: 'unknown field', text: head + 'foo: 1\n', want: 'unknown field "foo"' },
    { name: 'no binder left', text: head + 'profiles:\n- plugins:\n    multiPoint:\n      disabled: [{name: DefaultBinder}]\n', want: 'at least one bind plugin is needed' },
    { name: 'duplicate scheduler names', text: head + 'profiles:\n- schedulerName: a\n- schedulerName: a\n', want: 'profiles[1].schedulerName: Duplicate value: "a"' },
    { name: 'another queue sort', text: head + 'profiles:\n- plugins:\n    queueSort:\n      enabled: [{name: NodeName}]\n', want: 'only PrioritySort can sort the queue' },
    { name: 'not yaml', text: 'a: [', want: 'yaml:' },
  ];
  for (const c of bad)
    it(`rejects ${c.name}`, () => {
      expect(() => loadConfig(c.text)).toThrow(ConfigError);
      expect(() => loadConfig(c.text)).toThrow(c.want);
    });
});
