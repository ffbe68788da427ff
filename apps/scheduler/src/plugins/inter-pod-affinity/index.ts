// InterPodAffinity: places a pod by the pods already running — required and preferred
// podAffinity / podAntiAffinity of the incoming pod, and the anti-affinity (required) and
// preferences of the running pods towards it, each over its topologyKey. Filtering lives in
// filtering.ts, scoring in scoring.ts; this file wires them to the framework's extension points.
import type { NodeInfo } from '../../framework/node-info.ts';
import type { PodInfo } from '../../framework/pod-info.ts';
import { asError, SUCCESS, type Status } from '../../framework/status.ts';
import type {
  CycleState,
  FilterPlugin,
  Handle,
  NodeScore,
  Pod,
  PluginArgs,
  PluginFactory,
  PreFilterExtensions,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/types.ts';
import { filter, preFilter, readPreFilterState } from './filtering.ts';
import { normalizeScore, preScore, score } from './scoring.ts';

export {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  PreFilterState,
  PRE_FILTER_STATE_KEY,
} from './filtering.ts';
export { PreScoreState, PRE_SCORE_STATE_KEY } from './scoring.ts';

export const NAME = 'InterPodAffinity';

export interface InterPodAffinityArgs {
  /** Weight, in scoring, of a running pod's required affinity term that the incoming pod matches (0..100). */
  readonly hardPodAffinityWeight: number;
  /** Ignore running pods' preferred terms unless the incoming pod has preferred terms itself. */
  readonly ignorePreferredTermsOfExistingPods: boolean;
}

export const DEFAULT_ARGS: InterPodAffinityArgs = Object.freeze({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });

/** The args over their defaults; throws on values upstream's validation refuses. */
export function parseArgs(raw: PluginArgs | undefined): InterPodAffinityArgs {
  const args = { ...DEFAULT_ARGS, ...(raw ?? {}) } as InterPodAffinityArgs;
  const w = args.hardPodAffinityWeight;
  if (!Number.isInteger(w) || w < 0 || w > 100) throw new Error(`hardPodAffinityWeight: Invalid value: ${w}: not in valid range [0, 100]`);
  return args;
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  readonly args: InterPodAffinityArgs;
  readonly #handle: Handle;

  constructor(args: InterPodAffinityArgs, handle: Handle) {
    this.args = args;
    this.#handle = handle;
  }

  preFilter(state: CycleState, pod: Pod): PreFilterResult {
    return preFilter(state, pod, this.#handle.snapshot());
  }

  /** Preemption's what-ifs: the counts follow pods added to or removed from a node. */
  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, _pod, podInfo, nodeInfo) => update(state, podInfo, nodeInfo, 1),
    removePod: (state, _pod, podInfo, nodeInfo) => update(state, podInfo, nodeInfo, -1),
  };

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
    return filter(state, nodeInfo);
  }

  preScore(state: CycleState, pod: Pod): Status {
    return preScore(state, pod, this.#handle.snapshot(), this.args);
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    return score(state, nodeInfo);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    return normalizeScore(state, scores);
  }
}

function update(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo, delta: number): Status {
  const s = readPreFilterState(state);
  if (s instanceof Error) return asError(s);
  s.updateWithPod(podInfo, nodeInfo.node, delta);
  return SUCCESS;
}

export const factory = ((args, handle) => new InterPodAffinity(parseArgs(args), handle)) satisfies PluginFactory;
