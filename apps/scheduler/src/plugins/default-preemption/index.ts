// DefaultPreemption: the PostFilter plugin that, when a pod fits on no node, looks for a node
// where evicting lower-priority pods would make room, evicts them, and nominates the pod to that
// node (upstream's defaultpreemption plugin driving the preemption Evaluator). The pod is not
// bound here: it goes back to the queue and is scheduled once the victims are gone, while
// status.nominatedNodeName keeps lower-priority pods from taking the room meanwhile.
import type { NodeInfo } from '../../framework/node-info.ts';
import { podPriority } from '../../framework/pod-info.ts';
import { SUCCESS, unschedulable, type Status } from '../../framework/status.ts';
import type { CycleState, Handle, NodeToStatus, Pod, PluginArgs, PluginFactory, PostFilterPlugin, PostFilterResult } from '../../framework/types.ts';
import { calculateNumCandidates, dryRunError, dryRunPreemption, pickOneNodeForPreemption, type Candidate } from './candidates.ts';
import { fitErrorMessage } from './message.ts';

export const NAME = 'DefaultPreemption';

export interface DefaultPreemptionArgs {
  /** Share of the potential nodes the dry run wants as candidates, 0..100. */
  minCandidateNodesPercentage: number;
  /** At least this many candidates (bounded by the number of potential nodes). */
  minCandidateNodesAbsolute: number;
}

export const DEFAULT_ARGS: Readonly<DefaultPreemptionArgs> = Object.freeze({
  minCandidateNodesPercentage: 10,
  minCandidateNodesAbsolute: 100,
});

/** Applies defaults to the configured args and validates them as upstream; throws the aggregated field errors. */
export function parseArgs(raw: PluginArgs | undefined): DefaultPreemptionArgs {
  const args = { ...DEFAULT_ARGS, ...(raw ?? {}) } as DefaultPreemptionArgs;
  const pct = args.minCandidateNodesPercentage;
  const abs = args.minCandidateNodesAbsolute;
  const errs: string[] = [];
  const invalid = (field: string, value: unknown, why: string) => errs.push(`${field}: Invalid value: ${JSON.stringify(value)}: ${why}`);
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) invalid('minCandidateNodesPercentage', pct, 'not in valid range [0, 100]');
  if (!Number.isInteger(abs) || abs < 0) invalid('minCandidateNodesAbsolute', abs, 'not in valid range [0, inf)');
  if (pct === 0 && abs === 0) {
    invalid('minCandidateNodesPercentage', pct, 'cannot be zero at the same time as minCandidateNodesAbsolute');
    invalid('minCandidateNodesAbsolute', abs, 'cannot be zero at the same time as minCandidateNodesPercentage');
  }
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return { minCandidateNodesPercentage: pct, minCandidateNodesAbsolute: abs };
}

export interface DefaultPreemptionOptions {
  /** An integer in [0, n): where in the potential nodes the dry run starts. Defaults to Math.random. */
  random?: (n: number) => number;
}

/** The condition message upstream sets on a victim; passed to evictPod as the reason. */
export const preemptionReason = (preemptor: Pod): string =>
  `${preemptor.spec?.schedulerName ?? 'default-scheduler'}: preempting to accommodate a higher priority pod`;

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = NAME;
  readonly #handle: Handle;
  readonly #args: DefaultPreemptionArgs;
  readonly #random: (n: number) => number;

  constructor(handle: Handle, args: DefaultPreemptionArgs = { ...DEFAULT_ARGS }, options: DefaultPreemptionOptions = {}) {
    this.#handle = handle;
    this.#args = args;
    this.#random = options.random ?? ((n) => Math.floor(Math.random() * n));
  }

  /**
   * Success with the node the pod is nominated to once its victims are evicted; Unschedulable
   * when preemption cannot help (then nominatedNodeName is '' when the pod's nomination should
   * be cleared, absent when it should be kept); Error on a failed API call or simulation.
   * Every message starts with "preemption: ", as upstream's.
   */
  async postFilter(state: CycleState, pod: Pod, filteredNodeStatus: NodeToStatus): Promise<PostFilterResult> {
    const { status, nominatedNodeName } = await this.#preempt(state, pod, filteredNodeStatus);
    const prefixed = prefix(status);
    return nominatedNodeName === undefined ? { status: prefixed } : { status: prefixed, nominatedNodeName };
  }

  async #preempt(state: CycleState, pod: Pod, filtered: NodeToStatus): Promise<PostFilterResult> {
    const ineligible = this.#notEligibleReason(pod, filtered);
    if (ineligible) return { status: unschedulable(ineligible) };

    const allNodes = this.#handle.snapshot().nodeInfos;
    if (allNodes.length === 0) return { status: { code: 'Error', error: new Error('no nodes available') } };
    // Only nodes that a Filter called Unschedulable can be helped by removing pods; a node not
    // in the map counts as UnschedulableAndUnresolvable (upstream's default for absent nodes).
    const potential = allNodes.filter((n) => filtered.get(n.name)?.code === 'Unschedulable');
    let candidates: Candidate[] = [];
    let nodeStatuses = new Map<string, Status>();
    if (potential.length > 0) {
      const offset = this.#random(potential.length);
      const num = calculateNumCandidates(potential.length, this.#args);
      const run = dryRunPreemption(this.#handle, state, pod, potential, this.#handle.podDisruptionBudgets(), offset, num);
      if (run.candidates.length === 0 && run.errors.length > 0) return { status: { code: 'Error', error: dryRunError(run.errors) } };
      ({ candidates, nodeStatuses } = run);
    }
    if (candidates.length === 0) {
      return { status: unschedulable(fitErrorMessage(allNodes.length, nodeStatuses)), nominatedNodeName: '' };
    }

    const best = pickOneNodeForPreemption(candidates, this.#handle.clock.now()) as Candidate;
    const prepared = await this.#prepareCandidate(best, pod);
    if (prepared.code !== 'Success') return { status: prepared };
    return { status: SUCCESS, nominatedNodeName: best.name };
  }

  /**
   * Why `pod` may not preempt now, or undefined when it may: its policy forbids it, or it
   * already preempted on its nominated node and the victims there are still terminating (unless
   * that node has since become unusable for it).
   */
  #notEligibleReason(pod: Pod, filtered: NodeToStatus): string | undefined {
    if (pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.status?.nominatedNodeName;
    if (!nominated) return undefined;
    if ((filtered.get(nominated)?.code ?? 'UnschedulableAndUnresolvable') === 'UnschedulableAndUnresolvable') return undefined;
    const nodeInfo: NodeInfo | undefined = this.#handle.snapshot().get(nominated);
    const priority = podPriority(pod);
    // Upstream also requires the DisruptionTarget condition its own deletion path sets; our
    // victims go through the eviction API, so any lower-priority pod being deleted counts.
    const waiting = nodeInfo?.pods.some((pi) => podPriority(pi.pod) < priority && pi.pod.metadata?.deletionTimestamp);
    return waiting ? 'not eligible due to a terminating pod on the nominated node.' : undefined;
  }

  /**
   * Evicts the victims (skipping those already being deleted), then clears the nomination of
   * lower-priority pods nominated to the same node: they may no longer fit there, and clearing
   * sends them back to be scheduled elsewhere sooner. A failed clear is not fatal.
   */
  async #prepareCandidate(c: Candidate, pod: Pod): Promise<Status> {
    const reason = preemptionReason(pod);
    try {
      await Promise.all(c.victims.filter((v) => !v.metadata?.deletionTimestamp).map((v) => this.#handle.evictPod(v, reason)));
    } catch (e) {
      return { code: 'Error', error: e instanceof Error ? e : new Error(String(e)) };
    }
    const priority = podPriority(pod);
    const lower = this.#handle.nominator
      .nominatedPodsForNode(c.name)
      .filter((pi) => podPriority(pi.pod) < priority && pi.pod.status?.nominatedNodeName);
    await Promise.allSettled(lower.map((pi) => this.#handle.setNominatedNodeName(pi.pod, '')));
    return SUCCESS;
  }
}

/** Upstream's PostFilter prefixes every message of the evaluator with "preemption: ". */
function prefix(s: Status): Status {
  switch (s.code) {
    case 'Unschedulable':
    case 'UnschedulableAndUnresolvable':
      return { ...s, reasons: [`preemption: ${s.reasons.join(', ')}`] };
    case 'Error':
      return { ...s, error: new Error(`preemption: ${s.error.message}`, { cause: s.error }) };
    default:
      return s;
  }
}

export const factory: PluginFactory = (args, handle) => new DefaultPreemption(handle, parseArgs(args));
