// Fake plugins and a framework builder for the runtime and schedule-one tests.
import { labelSelectorFromObject } from '@k8ts/api';
import { FakeClock } from '@k8ts/client';
import { resolveProfile, type PluginRef } from './config.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import { newFramework, type Framework, type FrameworkDeps } from './runtime.ts';
import type { Snapshot } from './types.ts';
import { SUCCESS, type Status } from './status.ts';
import type { BindPlugin, FilterPlugin, NodeScore, Plugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from './types.ts';

export const binder = (name = 'Binder', calls: string[] = []): BindPlugin => ({
  name,
  bind: async (_s, pod, node) => {
    calls.push(`${pod.metadata?.name}->${node}`);
    return SUCCESS;
  },
});

/** A filter rejecting the listed nodes with the given status; records the nodes it saw. */
export const filterOut = (name: string, verdicts: Record<string, Status>, seen: string[] = []): FilterPlugin => ({
  name,
  filter: (_s, _p, n) => {
    seen.push(n.name);
    return verdicts[n.name] ?? SUCCESS;
  },
});

export const fixedScore = (name: string, scores: Record<string, number>, normalize?: (s: NodeScore[]) => Status): ScorePlugin => ({
  name,
  score: (_s, _p, n) => scores[n.name] ?? 0,
  ...(normalize ? { normalizeScore: (_s, _p, l) => normalize(l) } : {}),
});

export const preFilter = (name: string, result: PreFilterResult, filter?: (n: NodeInfo) => Status): PreFilterPlugin & FilterPlugin => ({
  name,
  preFilter: () => result,
  filter: (_s, _p, n) => (filter ? filter(n) : SUCCESS),
});

export const preScoreSkip = (name: string, score: number): PreScorePlugin & ScorePlugin => ({
  name,
  preScore: () => ({ code: 'Skip' }),
  score: () => score,
});

export interface Built {
  fwk: Framework;
  clock: FakeClock;
}

/**
 * A framework whose only plugins are `plugins` (each enabled through MultiPoint, in order, with
 * `weights` by name), over `snapshot`, with `nominated` pods per node.
 */
export function build(
  plugins: readonly Plugin[],
  o: { weights?: Record<string, number>; snapshot?: Snapshot; nominated?: Record<string, PodInfo[]>; percentageOfNodesToScore?: number } = {},
): Built {
  const enabled: PluginRef[] = plugins.map((p) => ({ name: p.name, ...(o.weights?.[p.name] ? { weight: o.weights[p.name] } : {}) }));
  const profile = resolveProfile({
    schedulerName: 'test',
    ...(o.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: o.percentageOfNodesToScore } : {}),
    plugins: { multiPoint: { disabled: [{ name: '*' }], enabled } },
    pluginConfig: [],
  });
  const deps = fakeDeps(o.snapshot, o.nominated);
  const fwk = newFramework({ profile, registry: new Map(plugins.map((p) => [p.name, () => p])), deps });
  return { fwk, clock: deps.clock };
}

const EMPTY: Snapshot = { nodeInfos: [], havePodsWithAffinity: [], havePodsWithRequiredAntiAffinity: [], get: () => undefined, namespaceLabels: () => undefined, imageNumNodes: () => 0 };

export function fakeDeps(snapshot: Snapshot = EMPTY, nominated: Record<string, PodInfo[]> = {}): FrameworkDeps & { clock: FakeClock } {
  return {
    snapshot: () => snapshot,
    clock: new FakeClock(),
    nominator: { nominatedPodsForNode: (n) => nominated[n] ?? [] },
    podDisruptionBudgets: () => [],
    bindPod: async () => {},
    evictPod: async () => {},
    setNominatedNodeName: async () => {},
    defaultSelector: () => labelSelectorFromObject(null),
  };
}
