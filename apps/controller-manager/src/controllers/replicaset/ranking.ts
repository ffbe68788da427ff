// Which pods a ReplicaSet gives up first when it has too many (upstream's getPodsToDelete and
// controller_utils' ActivePodsWithRanks ordering). Pods that cost the least to lose come first:
// not yet scheduled, not yet running, not ready, cheap by annotation, doubled up on a node with
// their siblings, ready only briefly, crash-looping, newest. Times are compared on a log2 scale
// of their age so that equally old pods are picked pseudo-randomly (by uid) rather than always
// the same one (the LogarithmicScaleDown behaviour, on by default upstream).
import type { Pod } from 'kubernetes-types/core/v1';
import { isPodActive, isPodReady, podReadySince } from '../../controller/pod-utils.ts';

/** Lower costs are deleted first (upstream annotation; an unparsable value counts as 0). */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

export function podDeletionCost(pod: Pod): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw.trim())) return 0;
  const n = Number(raw.trim());
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

const maxRestarts = (pod: Pod): number =>
  Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));

const time = (s: string | undefined): number | undefined => (s ? new Date(s).getTime() : undefined);

/** -1 for no age (zero or future), else floor(log2(age in nanoseconds)), as upstream. */
function logRank(t: number, now: number): number {
  const ageNs = (now - t) * 1e6;
  return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
}

/**
 * Negative when `a` should be deleted before `b`. Unset times sort first; with `now` set, times
 * within the same power-of-two age bucket fall back to the uid order.
 */
function compareTimes(a: Pod, b: Pod, ta: number | undefined, tb: number | undefined, now: number | undefined): number {
  if (ta === tb) return 0;
  if (ta === undefined) return -1;
  if (tb === undefined) return 1;
  if (now === undefined) return tb - ta; // newer first
  const diff = logRank(ta, now) - logRank(tb, now);
  if (diff !== 0) return diff;
  const ua = a.metadata?.uid ?? '';
  const ub = b.metadata?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** A pod and how many active related pods share its node (more → deleted earlier). */
export interface RankedPod {
  pod: Pod;
  rank: number;
}

/** The deletion order of two pods: negative when `a` goes first. */
export function compareForDeletion(a: RankedPod, b: RankedPod, now?: Date): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const oa = PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0;
  const ob = PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa - ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = podDeletionCost(pa);
  const cb = podDeletionCost(pb);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const nowMs = now?.getTime();
  if (ra && rb) {
    const c = compareTimes(pa, pb, podReadySince(pa)?.getTime(), podReadySince(pb)?.getTime(), nowMs);
    if (c !== 0) return c;
  }
  const ma = maxRestarts(pa);
  const mb = maxRestarts(pb);
  if (ma !== mb) return mb - ma;
  return compareTimes(pa, pb, time(pa.metadata?.creationTimestamp), time(pb.metadata?.creationTimestamp), nowMs);
}

/** Ranks each pod by the number of active `relatedPods` on its node (upstream's getPodsRankedByRelatedPodsOnSameNode). */
export function rankByRelatedPodsOnSameNode(pods: readonly Pod[], relatedPods: readonly Pod[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/**
 * The `diff` pods of `filteredPods` to delete first. `relatedPods` are the active pods of every
 * ReplicaSet with the same owner (for a Deployment: all its ReplicaSets), so scale-down spreads
 * the survivors across nodes. Does not reorder `filteredPods`.
 */
export function getPodsToDelete(filteredPods: readonly Pod[], relatedPods: readonly Pod[], diff: number, now?: Date): Pod[] {
  if (diff >= filteredPods.length) return filteredPods.slice(0, diff);
  return rankByRelatedPodsOnSameNode(filteredPods, relatedPods)
    .sort((a, b) => compareForDeletion(a, b, now))
    .slice(0, diff)
    .map((r) => r.pod);
}
