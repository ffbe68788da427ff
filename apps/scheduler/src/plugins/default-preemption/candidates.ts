// Finding and ranking preemption candidates (upstream's preemption.Evaluator: DryRunPreemption
// and pickOneNodeForPreemption). A candidate is a node plus the victims whose eviction would let
// the preemptor fit there. The dry run stops once it holds enough candidates, at least one of
// them breaking no PodDisruptionBudget; which nodes it looks at first is decided by a random
// offset, so that concurrent preemptors do not all pile onto the same node.
import { aggregateMessage } from '@k8ts/api';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { podPriority } from '../../framework/pod-info.ts';
import { asError, type Status } from '../../framework/status.ts';
import type { CycleState, Handle, Pod } from '../../framework/types.ts';
import { podStartTime, selectVictimsOnNode } from './victims.ts';

export interface Candidate {
  readonly name: string;
  /** Most important first. */
  readonly victims: readonly Pod[];
  readonly numPDBViolations: number;
}

export interface CandidateArgs {
  minCandidateNodesPercentage: number;
  minCandidateNodesAbsolute: number;
}

/** How many candidates the dry run looks for among `numNodes` potential nodes (never more than there are). */
export function calculateNumCandidates(numNodes: number, args: CandidateArgs): number {
  const n = Math.max(Math.trunc((numNodes * args.minCandidateNodesPercentage) / 100), args.minCandidateNodesAbsolute);
  return Math.min(n, numNodes);
}

export interface DryRunResult {
  /** Candidates breaking no budget first, then the others, each in the order they were found. */
  candidates: Candidate[];
  /** Why each node examined that did not become a candidate could not help. */
  nodeStatuses: Map<string, Status>;
  /** Errors from the nodes examined (their statuses are Error). */
  errors: Error[];
}

/**
 * Simulates preemption on `potentialNodes`, starting at `offset` and wrapping around, each on
 * a copy of its NodeInfo and of `state`, until `numCandidates` candidates are found.
 */
export function dryRunPreemption(
  handle: Handle,
  state: CycleState,
  pod: Pod,
  potentialNodes: readonly NodeInfo[],
  pdbs: readonly PodDisruptionBudget[],
  offset: number,
  numCandidates: number,
): DryRunResult {
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  const nodeStatuses = new Map<string, Status>();
  const errors: Error[] = [];
  for (let i = 0; i < potentialNodes.length; i++) {
    const nodeInfo = (potentialNodes[(offset + i) % potentialNodes.length] as NodeInfo).clone();
    const sel = selectVictimsOnNode(handle, state.clone(), pod, nodeInfo, pdbs);
    let status = sel.status;
    if (status.code === 'Success' && sel.victims.length > 0) {
      const list = sel.numPDBViolations === 0 ? nonViolating : violating;
      if (list.length < numCandidates) list.push({ name: nodeInfo.name, victims: sel.victims, numPDBViolations: sel.numPDBViolations });
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
      continue;
    }
    if (status.code === 'Success') status = asError(new Error(`expected at least one victim pod on node ${JSON.stringify(nodeInfo.name)}`));
    if (status.code === 'Error') errors.push(status.error);
    nodeStatuses.set(nodeInfo.name, status);
  }
  return { candidates: [...nonViolating, ...violating], nodeStatuses, errors };
}

export const dryRunError = (errors: readonly Error[]): Error => new Error(aggregateMessage(errors.map((e) => e.message)));

const INT32_SPAN = 2 ** 31;

/** Start time of the earliest-started pod among the highest-priority victims. */
function earliestStartOfTopVictims(victims: readonly Pod[], now: Date): number {
  let maxPriority = -Infinity;
  let earliest = Infinity;
  for (const v of victims) {
    const p = podPriority(v);
    const t = podStartTime(v, now);
    if (p > maxPriority) [maxPriority, earliest] = [p, t];
    else if (p === maxPriority && t < earliest) earliest = t;
  }
  return earliest;
}

/**
 * The candidate to preempt on. Each criterion in turn keeps only the best-scoring nodes, until
 * one is left: fewest budget violations; lowest priority of the most important victim; smallest
 * sum of victim priorities (each shifted by 2^31 so that more negative-priority pods still cost
 * more); fewest victims; latest start among the most important victims; else the first.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[], now: Date): Candidate | undefined {
  const scores: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -podPriority(c.victims[0] as Pod),
    (c) => -c.victims.reduce((sum, v) => sum + podPriority(v) + INT32_SPAN, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTopVictims(c.victims, now),
  ];
  let remaining = [...candidates];
  for (const score of scores) {
    if (remaining.length <= 1) break;
    const scored = remaining.map((c) => ({ c, s: score(c) }));
    const best = Math.max(...scored.map((x) => x.s));
    remaining = scored.filter((x) => x.s === best).map((x) => x.c);
  }
  return remaining[0];
}
