// TaintToleration (upstream plugins/tainttoleration): a node's NoSchedule/NoExecute taints keep
// off every pod that does not tolerate them; untolerated PreferNoSchedule taints only lower the
// node's score (fewer is better).
import type { Pod, Toleration } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { SUCCESS, unresolvable, type Status } from '../../framework/status.ts';
import type { CycleState, FilterPlugin, NodeScore, PluginFactory, PreScorePlugin, ScorePlugin, StateData } from '../../framework/types.ts';
import { defaultNormalizeScore } from '../node-affinity/normalize.ts';
import { doNotScheduleTaints, findUntoleratedTaint, tolerationsTolerateTaint } from './tolerations.ts';

export { doNotScheduleTaints, findUntoleratedTaint, toleratesTaint, tolerationsTolerateTaint, type TaintFilter } from './tolerations.ts';

export const NAME = 'TaintToleration';
const PRE_SCORE_KEY = `PreScore${NAME}`;

class PreScoreState implements StateData {
  constructor(readonly preferNoScheduleTolerations: readonly Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

/** Tolerations that can cover a PreferNoSchedule taint: that effect, or no effect (every effect). */
const preferNoScheduleTolerations = (pod: Pod): Toleration[] =>
  (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NAME;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const taint = findUntoleratedTaint(nodeInfo.taints, pod.spec?.tolerations, doNotScheduleTaints);
    if (!taint) return SUCCESS;
    return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  preScore(state: CycleState, pod: Pod): Status {
    state.write(PRE_SCORE_KEY, new PreScoreState(preferNoScheduleTolerations(pod)));
    return SUCCESS;
  }

  /** Raw score: how many PreferNoSchedule taints of the node the pod does not tolerate. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const tolerations = state.read<PreScoreState>(PRE_SCORE_KEY)?.preferNoScheduleTolerations ?? preferNoScheduleTolerations(pod);
    let n = 0;
    for (const taint of nodeInfo.taints)
      if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) n++;
    return n;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    return defaultNormalizeScore(scores, true);
  }
}

export const factory: PluginFactory = () => new TaintToleration();
