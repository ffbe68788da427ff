// NodeResourcesFit (upstream plugins/noderesources/fit.go): Filter keeps the pod off nodes whose
// allocatable cannot hold its requests next to their pods'; Score ranks the rest by the configured
// strategy (LeastAllocated by default: prefer emptier nodes), counting unset cpu/memory requests
// as the scheduler's defaults.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { podRequests, type Resource } from '../../framework/resource.ts';
import { SUCCESS, unschedulable, type Status } from '../../framework/status.ts';
import type {
  CycleState,
  FilterPlugin,
  PluginArgs,
  PluginFactory,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
  StateData,
} from '../../framework/types.ts';
import { fitArgsWithDefaults, type NodeResourcesFitArgs } from './args.ts';
import { fitsRequest, type IgnoredResources } from './fitting.ts';
import { ResourceAllocationScorer, type Scorer } from './resource-allocation.ts';
import { leastAllocatedScorer, mostAllocatedScorer, requestedToCapacityRatioScorer } from './strategies.ts';

export * from './args.ts';
export { fitsRequest, isExtendedResourceName, NO_IGNORED, type IgnoredResources, type InsufficientResource } from './fitting.ts';
export { ResourceAllocationScorer, type Scorer } from './resource-allocation.ts';
export { brokenLinear, leastAllocatedScorer, mostAllocatedScorer, requestedToCapacityRatioScorer } from './strategies.ts';

export const NAME = 'NodeResourcesFit';
const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;

class PreFilterState implements StateData {
  constructor(readonly request: Resource) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): StateData {
    return this;
  }
}

function strategyScorer(args: NodeResourcesFitArgs): Scorer {
  const s = args.scoringStrategy;
  switch (s.type) {
    case 'LeastAllocated':
      return leastAllocatedScorer(s.resources);
    case 'MostAllocated':
      return mostAllocatedScorer(s.resources);
    case 'RequestedToCapacityRatio':
      return requestedToCapacityRatioScorer(s.resources, s.requestedToCapacityRatio?.shape ?? []);
  }
}

/** Whether the pod fits the node's free resources at all (for queueing hints and tests). */
export const fits = (pod: Pod, nodeInfo: NodeInfo): boolean => fitsRequest(podRequests(pod), nodeInfo).length === 0;

export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  readonly args: NodeResourcesFitArgs;
  readonly #ignored: IgnoredResources;
  readonly #scorer: ResourceAllocationScorer;

  constructor(args: NodeResourcesFitArgs) {
    this.args = args;
    this.#ignored = { names: new Set(args.ignoredResources), groups: new Set(args.ignoredResourceGroups) };
    this.#scorer = new ResourceAllocationScorer(args.scoringStrategy.resources, strategyScorer(args), false);
  }

  preFilter(state: CycleState, pod: Pod): PreFilterResult {
    state.write(PRE_FILTER_KEY, new PreFilterState(podRequests(pod)));
    return { status: SUCCESS };
  }

  /** Unschedulable (preemption may help) with one reason per resource that does not fit. */
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const request = state.read<PreFilterState>(PRE_FILTER_KEY)?.request ?? podRequests(pod);
    const insufficient = fitsRequest(request, nodeInfo, this.#ignored);
    return insufficient.length === 0 ? SUCCESS : unschedulable(...insufficient.map((r) => r.reason));
  }

  preScore(state: CycleState, pod: Pod): Status {
    state.write(PRE_SCORE_KEY, new PreScoreState(this.#scorer.podRequestList(pod)));
    return SUCCESS;
  }

  /** Already on 0..100: this plugin has no NormalizeScore. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const requests = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? this.#scorer.podRequestList(pod);
    return this.#scorer.score(nodeInfo, requests);
  }
}

export const factory: PluginFactory = (args: PluginArgs | undefined) => new NodeResourcesFit(fitArgsWithDefaults(args));
