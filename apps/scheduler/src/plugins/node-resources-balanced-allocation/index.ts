// NodeResourcesBalancedAllocation (upstream plugins/noderesources/balanced_allocation.go): prefers
// nodes whose resources would be used evenly with the pod on them. Each configured resource's
// fraction requested/allocatable (capped at 1) is taken; the score is (1 - their standard
// deviation) × 100, truncated.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { SKIP, SUCCESS, type Status } from '../../framework/status.ts';
import { MAX_NODE_SCORE, type CycleState, type PluginArgs, type PluginFactory, type PreScorePlugin, type ScorePlugin, type StateData } from '../../framework/types.ts';
import { ResourceAllocationScorer, resourcesWithDefaults, validateResources, type ResourceSpec } from '../node-resources-fit/index.ts';

export const NAME = 'NodeResourcesBalancedAllocation';
const PRE_SCORE_KEY = `PreScore${NAME}`;

export interface NodeResourcesBalancedAllocationArgs {
  /** Defaults to cpu and memory, weight 1 (weights do not change this plugin's score). */
  resources: ResourceSpec[];
}

export function balancedArgsWithDefaults(raw: PluginArgs | undefined): NodeResourcesBalancedAllocationArgs {
  const args = { resources: resourcesWithDefaults((raw as Partial<NodeResourcesBalancedAllocationArgs> | undefined)?.resources) };
  const errs = validateResources(args.resources, 'resources');
  if (errs.length > 0) throw new Error(`invalid NodeResourcesBalancedAllocationArgs: ${errs.join(', ')}`);
  return args;
}

/** Resource i's share of the node with the pod on it, at most 1. */
const fractionOf = (requested: readonly number[], allocatable: readonly number[], i: number) => Math.min((requested[i] ?? 0) / (allocatable[i] ?? 0), 1);

/** (1 - std) × MAX_NODE_SCORE over the fractions of the resources the node has. */
export function balancedResourceScorer(requested: readonly number[], allocatable: readonly number[]): number {
  // Two passes over the resources, with no array of fractions and no closure made per call: this
  // runs for every feasible node of every cycle.
  let count = 0;
  let sum = 0;
  let first = 0;
  let second = 0;
  for (let i = 0; i < requested.length; i++) {
    if ((allocatable[i] ?? 0) === 0) continue;
    const f = fractionOf(requested, allocatable, i);
    if (count === 0) first = f;
    else if (count === 1) second = f;
    count++;
    sum += f;
  }
  let std = 0;
  // With two resources the deviation is half their difference; upstream special-cases it.
  if (count === 2) std = Math.abs((first - second) / 2);
  else if (count > 2) {
    const mean = sum / count;
    let squares = 0;
    for (let i = 0; i < requested.length; i++) {
      if ((allocatable[i] ?? 0) === 0) continue;
      const d = fractionOf(requested, allocatable, i) - mean;
      squares += d * d;
    }
    std = Math.sqrt(squares / count);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

class PreScoreState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): StateData {
    return this;
  }
}

export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  readonly #scorer: ResourceAllocationScorer;

  constructor(readonly args: NodeResourcesBalancedAllocationArgs) {
    // Counts what pods really request: unset requests are not replaced by defaults here.
    this.#scorer = new ResourceAllocationScorer(args.resources, balancedResourceScorer, true);
  }

  /**
   * Skip for a pod that requests none of the resources: it changes no node's balance, and scoring
   * it would pile best-effort pods onto the node that is already the most balanced.
   */
  preScore(state: CycleState, pod: Pod): Status {
    const requests = this.#scorer.podRequestList(pod);
    if (requests.every((r) => r === 0)) return SKIP;
    state.write(PRE_SCORE_KEY, new PreScoreState(requests));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const pre = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (pre) return this.#scorer.score(nodeInfo, pre.podRequests); // PreScore saw a request
    const requests = this.#scorer.podRequestList(pod);
    if (requests.every((r) => r === 0)) return 0;
    return this.#scorer.score(nodeInfo, requests);
  }
}

export const factory: PluginFactory = (args: PluginArgs | undefined) => new NodeResourcesBalancedAllocation(balancedArgsWithDefaults(args));
