// NodeAffinity (upstream plugins/nodeaffinity): the pod's nodeSelector and required node affinity
// filter nodes; its preferred terms score them by the weights they match. Args.addedAffinity is a
// profile-wide affinity applied to every pod on top of its own.
import type { NodeAffinity as NodeAffinitySpec, Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { SKIP, SUCCESS, asError, unresolvable, type Status } from '../../framework/status.ts';
import type {
  CycleState,
  FilterPlugin,
  NodeScore,
  PluginArgs,
  PluginFactory,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
  StateData,
} from '../../framework/types.ts';
import { NODE_NAME_FIELD, NodeSelectorMatcher, PreferredSchedulingTerms, requiredNodeAffinity, type RequiredNodeAffinity } from './node-selector.ts';
import { defaultNormalizeScore } from './normalize.ts';

export { defaultNormalizeScore } from './normalize.ts';
export {
  NODE_NAME_FIELD,
  NodeSelectorMatcher,
  PreferredSchedulingTerms,
  RequiredNodeAffinity,
  nodeMatchesNodeSelectorTerms,
  podMatchesNodeSelectorAndAffinityTerms,
  requiredNodeAffinity,
} from './node-selector.ts';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';
const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;

export interface NodeAffinityArgs {
  /** Applied to every pod of the profile in addition to the pod's own affinity. */
  addedAffinity?: NodeAffinitySpec;
}

class PreFilterState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly preferred: PreferredSchedulingTerms | undefined) {}
  clone(): StateData {
    return this;
  }
}

function podPreferred(pod: Pod): PreferredSchedulingTerms | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  return terms ? new PreferredSchedulingTerms(terms) : undefined;
}

/**
 * The node names the required terms pin the pod to, or undefined when any term allows every node:
 * terms are ORed (union), and within one term the metadata.name In requirements are ANDed
 * (intersection). A term without such a requirement lets every node through.
 */
function pinnedNodeNames(pod: Pod): Set<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  const union = new Set<string>();
  for (const term of terms) {
    let names: Set<string> | undefined;
    for (const f of term.matchFields ?? []) {
      if (f.key !== NODE_NAME_FIELD || f.operator !== 'In') continue;
      const values = new Set(f.values ?? []);
      names = names ? new Set([...names].filter((n) => values.has(n))) : values;
    }
    if (!names) return undefined;
    for (const n of names) union.add(n);
  }
  return union;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  readonly #addedSelector: NodeSelectorMatcher | undefined;
  readonly #addedPreferred: PreferredSchedulingTerms | undefined;

  constructor(args: NodeAffinityArgs = {}) {
    const required = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) {
      this.#addedSelector = new NodeSelectorMatcher(required.nodeSelectorTerms ?? []);
      if (this.#addedSelector.errors.length > 0)
        throw new Error(`parsing addedAffinity.requiredDuringSchedulingIgnoredDuringExecution: ${this.#addedSelector.errors.join('; ')}`);
    }
    const preferred = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (preferred.length > 0) this.#addedPreferred = new PreferredSchedulingTerms(preferred);
  }

  preFilter(state: CycleState, pod: Pod): PreFilterResult {
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !this.#addedSelector && !pod.spec?.nodeSelector) return { status: SKIP };
    state.write(PRE_FILTER_KEY, new PreFilterState(requiredNodeAffinity(pod)));
    const names = pinnedNodeNames(pod);
    if (!names) return { status: SUCCESS };
    // Every term pins node names, but none survives its own intersection: no node can match.
    if (names.size === 0) return { status: unresolvable(ERR_REASON_CONFLICT) };
    return { status: SUCCESS, nodeNames: names };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const node = nodeInfo.node;
    if (!node) return asError(new Error('node not found'));
    if (this.#addedSelector && !this.#addedSelector.matches(node)) return unresolvable(ERR_REASON_ENFORCED);
    const required = state.read<PreFilterState>(PRE_FILTER_KEY)?.required ?? requiredNodeAffinity(pod);
    return required.matches(node) ? SUCCESS : unresolvable(ERR_REASON_POD);
  }

  preScore(state: CycleState, pod: Pod): Status {
    let preferred: PreferredSchedulingTerms | undefined;
    try {
      preferred = podPreferred(pod);
    } catch (e) {
      return asError(e);
    }
    if (!preferred && !this.#addedPreferred) return SKIP;
    state.write(PRE_SCORE_KEY, new PreScoreState(preferred));
    return SUCCESS;
  }

  /** Raw score: the summed weights of the preferred terms (the pod's and the added ones) the node matches. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const node = nodeInfo.node;
    if (!node) throw new Error('node not found');
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    const preferred = s ? s.preferred : podPreferred(pod);
    return (this.#addedPreferred?.score(node) ?? 0) + (preferred?.score(node) ?? 0);
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    return defaultNormalizeScore(scores, false);
  }
}

export const factory: PluginFactory = (args: PluginArgs | undefined) => new NodeAffinity((args ?? {}) as NodeAffinityArgs);
