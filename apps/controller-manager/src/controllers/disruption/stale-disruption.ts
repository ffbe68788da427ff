// Stale DisruptionTarget conditions (upstream disruption.go syncStalePodDisruption): a controller
// that marked a pod for disruption and then failed to delete it leaves a pod that claims to be on
// its way out. Two minutes after the condition was set, a pod that is neither terminating nor
// finished gets it reset to False. Conditions the kubelet sets are left alone: its terminations
// may legitimately take longer.
import type { Pod } from 'kubernetes-types/core/v1';

export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60_000;

/** Whether the pod carries a DisruptionTarget condition that can go stale, and how long until it is. */
export function staleDisruption(pod: Pod, now: Date, timeoutMs = STALE_POD_DISRUPTION_TIMEOUT_MS): { has: boolean; waitMs: number } {
  if (pod.metadata?.deletionTimestamp) return { has: false, waitMs: 0 };
  const c = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet' || terminal) return { has: false, waitMs: 0 };
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
  return { has: true, waitMs: Math.max(0, since + timeoutMs - now.getTime()) };
}

/** The pod with its DisruptionTarget condition False (transition time now). */
export function withDisruptionReset(pod: Pod, now: Date): Pod {
  const copy = structuredClone(pod);
  for (const c of copy.status?.conditions ?? []) {
    if (c.type !== 'DisruptionTarget') continue;
    c.status = 'False';
    c.lastTransitionTime = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return copy;
}
