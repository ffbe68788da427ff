// PodTopologySpread's PreScore, Score and NormalizeScore: the soft (ScheduleAnyway) constraints.
// A node's raw score sums, per constraint, the matching pods in its domain times log(domains+2)
// (so a constraint over few domains is not drowned by one over many) plus maxSkew−1 (which
// blunts small differences). NormalizeScore reverses it: fewest matching pods → 100.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { asError, SKIP, SUCCESS, type Status } from '../../framework/status.ts';
import { MAX_NODE_SCORE, type CycleState, type NodeScore, type StateData } from '../../framework/types.ts';
import { constraintsFor, countMatching, HOSTNAME_KEY, nodeHasAllKeys, nodeIncluded, type Defaults, type SpreadConstraint } from './constraints.ts';

export const PRE_SCORE_STATE_KEY = 'PreScorePodTopologySpread';

/** Read-only once written, so clones share it. */
export class PreScoreState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Feasible nodes lacking a topology key; they score 0. */
    readonly ignoredNodes: ReadonlySet<string>,
    /** Per constraint: topology value → matching pods, for the values of feasible nodes (hostname is counted in Score). */
    readonly topologyValueToPodCounts: readonly Map<string, number>[],
    readonly topologyNormalizingWeight: readonly number[],
  ) {}

  clone(): PreScoreState {
    return this;
  }
}

export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);

const scoreForCount = (count: number, maxSkew: number, weight: number): number => count * weight + (maxSkew - 1);

export interface ScoreInput {
  /** The nodes that passed Filter. */
  readonly filteredNodes: readonly NodeInfo[];
  /** Every node of the snapshot: pods on infeasible nodes still count towards their domain. */
  readonly allNodes: readonly NodeInfo[];
  readonly defaults: Defaults;
  /**
   * True for the System defaults: then only pods' own constraints require every topology key,
   * so that nodes without a zone label still get hostname spreading.
   */
  readonly systemDefaulted: boolean;
}

export function preScore(state: CycleState, pod: Pod, input: ScoreInput): Status {
  if (input.allNodes.length === 0) return SKIP;
  let constraints: SpreadConstraint[];
  try {
    constraints = constraintsFor(pod, 'ScheduleAnyway', input.defaults);
  } catch (e) {
    return asError(new Error(`calculating preScoreState: ${(e as Error).message}`));
  }
  if (constraints.length === 0) return SKIP;
  const requireAllTopologies = (pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !input.systemDefaulted;

  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const ni of input.filteredNodes) {
    if (requireAllTopologies && !nodeHasAllKeys(ni.node, constraints)) {
      ignored.add(ni.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME_KEY) return;
      const value = ni.node?.metadata?.labels?.[c.topologyKey] ?? '';
      if (!counts[i]!.has(value)) counts[i]!.set(value, 0);
    });
  }
  const weights = constraints.map((c, i) =>
    topologyNormalizingWeight(c.topologyKey === HOSTNAME_KEY ? input.filteredNodes.length - ignored.size : counts[i]!.size),
  );

  const namespace = pod.metadata?.namespace ?? 'default';
  for (const ni of input.allNodes) {
    const node = ni.node;
    if (!node || (requireAllTopologies && !nodeHasAllKeys(node, constraints))) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod, node)) return;
      const value = node.metadata?.labels?.[c.topologyKey] ?? '';
      // Only domains of feasible nodes are scored (hostname domains are counted in Score).
      const current = counts[i]!.get(value);
      if (current === undefined) return;
      counts[i]!.set(value, current + countMatching(ni.pods, c.selector, namespace));
    });
  }
  state.write(PRE_SCORE_STATE_KEY, new PreScoreState(constraints, ignored, counts, weights));
  return SUCCESS;
}

function readPreScoreState(state: CycleState): PreScoreState {
  const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (!(s instanceof PreScoreState)) throw new Error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
  return s;
}

export function score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
  const s = readPreScoreState(state);
  if (s.ignoredNodes.has(nodeInfo.name)) return 0;
  const labels = nodeInfo.node?.metadata?.labels ?? {};
  const namespace = pod.metadata?.namespace ?? 'default';
  let total = 0;
  s.constraints.forEach((c, i) => {
    const value = labels[c.topologyKey];
    if (value === undefined) return;
    const count = c.topologyKey === HOSTNAME_KEY ? countMatching(nodeInfo.pods, c.selector, namespace) : (s.topologyValueToPodCounts[i]!.get(value) ?? 0);
    total += scoreForCount(count, c.maxSkew, s.topologyNormalizingWeight[i]!);
  });
  return Math.round(total);
}

/** Reversed onto 0..MAX_NODE_SCORE: max+min−score over max, integer division; ignored nodes get 0. */
export function normalizeScore(state: CycleState, scores: NodeScore[]): Status {
  let s: PreScoreState;
  try {
    s = readPreScoreState(state);
  } catch (e) {
    return asError(e);
  }
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (const ns of scores) {
    if (s.ignoredNodes.has(ns.name)) continue;
    if (ns.score < min) min = ns.score;
    if (ns.score > max) max = ns.score;
  }
  for (const ns of scores) {
    if (s.ignoredNodes.has(ns.name)) ns.score = 0;
    else if (max === 0) ns.score = MAX_NODE_SCORE;
    else ns.score = Math.trunc((MAX_NODE_SCORE * (max + min - ns.score)) / max);
  }
  return SUCCESS;
}
