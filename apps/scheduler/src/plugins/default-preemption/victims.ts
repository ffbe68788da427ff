// Choosing victims on one node (upstream's DefaultPreemption.SelectVictimsOnNode): the smallest
// set of lower-priority pods whose removal lets the preemptor pass every Filter. Runs on a copy
// of the node and of the cycle state, which it mutates freely.
//
// The search is greedy, as upstream's: take every lower-priority pod off the node; if the pod
// still does not fit, this node cannot help. Otherwise put pods back one at a time, most
// important first, keeping each one that leaves room for the preemptor. Pods whose eviction
// would break a PodDisruptionBudget are offered back before the others, so a budget is only
// broken when nothing else works.
import { labelSelectorFromObject } from '@k8ts/api';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { podPriority, type PodInfo } from '../../framework/pod-info.ts';
import { asError, reasonsOf, SUCCESS, unresolvable, type Status } from '../../framework/status.ts';
import type { CycleState, Handle, Pod } from '../../framework/types.ts';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** When a pod started; one that has not started yet counts as starting `now` (as upstream). */
export function podStartTime(pod: Pod, now: Date): number {
  const t = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  return Number.isNaN(t) ? now.getTime() : t;
}

/** Higher priority first; at equal priority the pod that started earlier is more important. */
export function moreImportantPod(a: Pod, b: Pod, now: Date): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTime(a, now) < podStartTime(b, now);
}

/** A comparator sorting by descending importance. */
export const byImportance =
  (now: Date) =>
  (a: Pod, b: Pod): number =>
    moreImportantPod(a, b, now) ? -1 : moreImportantPod(b, a, now) ? 1 : 0;

/**
 * Splits `podInfos` (order kept) into the pods whose eviction, counted in this order, would take
 * some matching budget below zero disruptions allowed, and the rest. A budget matches a pod in its
 * namespace whose labels its selector selects; a missing or empty selector matches nothing, and a
 * pod the budget already lists in status.disruptedPods is not counted again.
 */
export function filterPodsWithPDBViolation(
  podInfos: readonly PodInfo[],
  pdbs: readonly PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      return labelSelectorFromObject(p.spec?.selector);
    } catch {
      return undefined; // an invalid selector matches no pod
    }
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of podInfos) {
    const meta = pi.pod.metadata ?? {};
    const labels = meta.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        const sel = selectors[i];
        if ((pdb.metadata?.namespace ?? 'default') !== (meta.namespace ?? 'default')) return;
        if (!sel || sel.empty || !sel.matches(labels)) return;
        if (meta.name !== undefined && pdb.status?.disruptedPods?.[meta.name] !== undefined) return;
        allowed[i] = (allowed[i] ?? 0) - 1;
        if ((allowed[i] ?? 0) < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

export interface VictimSelection {
  status: Status;
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
}

const statusError = (s: Status): Error => (s.code === 'Error' ? s.error : new Error(reasonsOf(s).join(', ')));

/** Finds the victims on `nodeInfo` (a copy) for `pod`, simulating in `state` (a copy). */
export function selectVictimsOnNode(
  handle: Handle,
  state: CycleState,
  pod: Pod,
  nodeInfo: NodeInfo,
  pdbs: readonly PodDisruptionBudget[],
): VictimSelection {
  const none = (status: Status): VictimSelection => ({ status, victims: [], numPDBViolations: 0 });
  // A failed PreFilter extension or bookkeeping step throws; the node's status becomes Error.
  const check = (s: Status) => {
    if (s.code !== 'Success') throw statusError(s);
  };
  const removePod = (pi: PodInfo) => {
    if (!nodeInfo.removePod(pi.pod))
      throw new Error(`no corresponding pod ${pi.pod.metadata?.name} in pods of node ${nodeInfo.name}`);
    check(handle.runPreFilterExtensionRemovePod(state, pod, pi, nodeInfo));
  };
  const addPod = (pi: PodInfo) => {
    nodeInfo.addPod(pi);
    check(handle.runPreFilterExtensionAddPod(state, pod, pi, nodeInfo));
  };

  const priority = podPriority(pod);
  const potential = nodeInfo.pods.filter((pi) => podPriority(pi.pod) < priority);
  try {
    for (const pi of potential) removePod(pi);
    if (potential.length === 0) return none(unresolvable(NO_VICTIMS));
    // Affinity of the preemptor to one of the victims is not considered (as upstream): if the
    // pod does not fit with every candidate gone, this node is out.
    const fitsAlone = handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (fitsAlone.code !== 'Success') return none(fitsAlone);

    const now = handle.clock.now();
    const order = byImportance(now);
    potential.sort((a, b) => order(a.pod, b.pod));
    const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    const reprieve = (pi: PodInfo): boolean => {
      addPod(pi);
      const fits = handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo).code === 'Success';
      if (!fits) {
        removePod(pi);
        victims.push(pi);
      }
      return fits;
    };
    let numPDBViolations = 0;
    for (const pi of violating) if (!reprieve(pi)) numPDBViolations++;
    for (const pi of nonViolating) reprieve(pi);
    // Violating victims came first; restore one order of importance over both groups.
    if (violating.length > 0 && nonViolating.length > 0) victims.sort((a, b) => order(a.pod, b.pod));
    return { status: SUCCESS, victims: victims.map((v) => v.pod), numPDBViolations };
  } catch (e) {
    return none(asError(e));
  }
}
