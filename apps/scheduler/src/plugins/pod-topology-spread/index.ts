// PodTopologySpread: spreads matching pods evenly over topology domains (hosts, zones, …) by
// spec.topologySpreadConstraints — DoNotSchedule ones filter (filtering.ts), ScheduleAnyway
// ones score (scoring.ts). Pods without constraints of their own get the default constraints.
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1';
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
import { SYSTEM_DEFAULT_CONSTRAINTS, type Defaults } from './constraints.ts';
import { filter, preFilter, readPreFilterState } from './filtering.ts';
import { normalizeScore, preScore, score } from './scoring.ts';

export { SYSTEM_DEFAULT_CONSTRAINTS, type SpreadConstraint } from './constraints.ts';
export { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, PreFilterState, PRE_FILTER_STATE_KEY } from './filtering.ts';
export { PreScoreState, PRE_SCORE_STATE_KEY } from './scoring.ts';

export const NAME = 'PodTopologySpread';

export interface PodTopologySpreadArgs {
  /** Constraints for pods that have none, when defaultingType is List. */
  readonly defaultConstraints: readonly TopologySpreadConstraint[];
  /** System: the built-in SYSTEM_DEFAULT_CONSTRAINTS; List: defaultConstraints. */
  readonly defaultingType: 'System' | 'List';
}

export const DEFAULT_ARGS: PodTopologySpreadArgs = Object.freeze({ defaultConstraints: [], defaultingType: 'System' });

/** The args over their defaults; throws on combinations upstream's validation refuses. */
export function parseArgs(raw: PluginArgs | undefined): PodTopologySpreadArgs {
  const args = { ...DEFAULT_ARGS, ...(raw ?? {}) } as PodTopologySpreadArgs;
  if (args.defaultingType !== 'System' && args.defaultingType !== 'List')
    throw new Error(`defaultingType: Unsupported value: ${JSON.stringify(args.defaultingType)}: supported values: "System", "List"`);
  if (args.defaultingType === 'System' && args.defaultConstraints.length > 0)
    throw new Error('defaultingType: Invalid value: "System": when .defaultingType is "System", .defaultConstraints must be empty');
  for (const [i, c] of args.defaultConstraints.entries()) {
    if (c.labelSelector) throw new Error(`defaultConstraints[${i}].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
    if (!(c.maxSkew > 0)) throw new Error(`defaultConstraints[${i}].maxSkew: Invalid value: ${c.maxSkew}: not in valid range (0, inf)`);
  }
  return args;
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  readonly args: PodTopologySpreadArgs;
  readonly #handle: Handle;
  readonly #defaults: Defaults;

  constructor(args: PodTopologySpreadArgs, handle: Handle) {
    this.args = args;
    this.#handle = handle;
    const constraints = args.defaultingType === 'System' ? SYSTEM_DEFAULT_CONSTRAINTS : args.defaultConstraints;
    this.#defaults = { constraints, selectorFor: (pod) => handle.defaultSelector(pod) };
  }

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult {
    return preFilter(state, pod, nodes, this.#defaults);
  }

  /** Preemption's what-ifs: the counts follow pods added to or removed from a node. */
  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, podInfo, nodeInfo) => update(state, pod, podInfo, nodeInfo, 1),
    removePod: (state, pod, podInfo, nodeInfo) => update(state, pod, podInfo, nodeInfo, -1),
  };

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    return filter(state, pod, nodeInfo);
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    return preScore(state, pod, {
      filteredNodes: nodes,
      allNodes: this.#handle.snapshot().nodeInfos,
      defaults: this.#defaults,
      systemDefaulted: this.args.defaultingType === 'System',
    });
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return score(state, pod, nodeInfo);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    return normalizeScore(state, scores);
  }
}

function update(state: CycleState, pod: Pod, podInfo: PodInfo, nodeInfo: NodeInfo, delta: number): Status {
  const s = readPreFilterState(state);
  if (s instanceof Error) return asError(s);
  s.updateWithPod(podInfo.pod, pod, nodeInfo.node, delta);
  return SUCCESS;
}

export const factory = ((args, handle) => new PodTopologySpread(parseArgs(args), handle)) satisfies PluginFactory;
