// InterPodAffinity's PreScore, Score and NormalizeScore. PreScore sums, per topology pair, the
// weights of every (anti-)affinity preference between the incoming pod and the running pods —
// both directions, plus the running pods' *required* affinity at hardPodAffinityWeight. A node's
// raw score is the sum over its labels' pairs (anti-affinity counts negative); NormalizeScore
// maps min..max onto 0..100.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { newPodInfo, termMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../../framework/pod-info.ts';
import { asError, SKIP, SUCCESS, type Status } from '../../framework/status.ts';
import { MAX_NODE_SCORE, type CycleState, type NodeScore, type Snapshot, type StateData } from '../../framework/types.ts';

export const PRE_SCORE_STATE_KEY = 'PreScoreInterPodAffinity';

export interface ScoringArgs {
  readonly hardPodAffinityWeight: number;
  readonly ignorePreferredTermsOfExistingPods: boolean;
}

/** topologyKey → topology value → summed weight. */
type ScoreMap = Map<string, Map<string, number>>;

/** Read-only once written, so clones share it. */
export class PreScoreState implements StateData {
  constructor(readonly topologyScore: ScoreMap) {}
  clone(): PreScoreState {
    return this;
  }
}

function addTerm(m: ScoreMap, term: AffinityTerm, weight: number, pod: Pod, nsLabels: Readonly<Record<string, string>> | undefined, node: Node | undefined, sign: 1 | -1): void {
  if (!termMatches(term, pod, nsLabels)) return;
  const value = node?.metadata?.labels?.[term.topologyKey];
  if (value === undefined) return;
  let byValue = m.get(term.topologyKey);
  if (!byValue) m.set(term.topologyKey, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + weight * sign);
}

function addTerms(m: ScoreMap, terms: readonly WeightedAffinityTerm[], pod: Pod, nsLabels: Readonly<Record<string, string>> | undefined, node: Node | undefined, sign: 1 | -1): void {
  for (const t of terms) addTerm(m, t.term, t.weight, pod, nsLabels, node, sign);
}

interface Scoring {
  readonly args: ScoringArgs;
  readonly incoming: PodInfo;
  readonly incomingNsLabels: Readonly<Record<string, string>> | undefined;
  readonly snapshot: Snapshot;
}

function addExistingPod(m: ScoreMap, c: Scoring, existing: PodInfo, node: Node | undefined): void {
  const incoming = c.incoming.pod;
  const { incomingNsLabels } = c;
  const existingNsLabels = c.snapshot.namespaceLabels(existing.pod.metadata?.namespace ?? 'default');
  // The incoming pod's preferences, judged on the running pod.
  addTerms(m, c.incoming.preferredAffinityTerms, existing.pod, existingNsLabels, node, 1);
  addTerms(m, c.incoming.preferredAntiAffinityTerms, existing.pod, existingNsLabels, node, -1);
  // The running pod's rules, judged on the incoming pod: what it requires weighs as a preference.
  if (c.args.hardPodAffinityWeight > 0)
    for (const t of existing.requiredAffinityTerms) addTerm(m, t, c.args.hardPodAffinityWeight, incoming, incomingNsLabels, node, 1);
  addTerms(m, existing.preferredAffinityTerms, incoming, incomingNsLabels, node, 1);
  addTerms(m, existing.preferredAntiAffinityTerms, incoming, incomingNsLabels, node, -1);
}

/**
 * Without preferences of its own, only pods with affinity terms can move the incoming pod's
 * scores, so only those are visited; Skip when nothing contributes.
 */
export function preScore(state: CycleState, pod: Pod, snapshot: Snapshot, args: ScoringArgs): Status {
  const a = pod.spec?.affinity;
  const hasPreferences =
    (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0 ||
    (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
  if (args.ignorePreferredTermsOfExistingPods && !hasPreferences) return SKIP;

  let incoming: PodInfo;
  try {
    incoming = newPodInfo(pod);
  } catch (e) {
    return asError(new Error(`failed to parse pod: ${(e as Error).message}`));
  }
  const c: Scoring = { args, incoming, incomingNsLabels: snapshot.namespaceLabels(pod.metadata?.namespace ?? 'default'), snapshot };
  const topologyScore: ScoreMap = new Map();
  for (const nodeInfo of hasPreferences ? snapshot.nodeInfos : snapshot.havePodsWithAffinity) {
    // Every term is over a topology key: a node without labels cannot contribute.
    if (Object.keys(nodeInfo.node?.metadata?.labels ?? {}).length === 0) continue;
    for (const existing of hasPreferences ? nodeInfo.pods : nodeInfo.podsWithAffinity) addExistingPod(topologyScore, c, existing, nodeInfo.node);
  }

  if (topologyScore.size === 0) return SKIP;
  state.write(PRE_SCORE_STATE_KEY, new PreScoreState(topologyScore));
  return SUCCESS;
}

function readPreScoreState(state: CycleState): PreScoreState {
  const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (!(s instanceof PreScoreState)) throw new Error(`failed to read "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
  return s;
}

/** The node's raw score: the sums of the pairs its labels form (negative when repelled). */
export function score(state: CycleState, nodeInfo: NodeInfo): number {
  const s = readPreScoreState(state);
  const labels = nodeInfo.node?.metadata?.labels ?? {};
  let total = 0;
  for (const [key, byValue] of s.topologyScore) {
    const value = labels[key];
    if (value !== undefined) total += byValue.get(value) ?? 0;
  }
  return total;
}

/** Min–max onto 0..MAX_NODE_SCORE, truncated; all zero when every node scored the same. */
export function normalizeScore(state: CycleState, scores: NodeScore[]): Status {
  let s: PreScoreState;
  try {
    s = readPreScoreState(state);
  } catch (e) {
    return asError(e);
  }
  if (s.topologyScore.size === 0) return SUCCESS;
  let min = Infinity;
  let max = -Infinity;
  for (const { score: v } of scores) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const diff = max - min;
  for (const ns of scores) ns.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((ns.score - min) / diff)) : 0;
  return SUCCESS;
}
