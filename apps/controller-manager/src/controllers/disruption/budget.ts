// The arithmetic of a PodDisruptionBudget's status (upstream disruption.go getExpectedPodCount,
// buildDisruptedPodMap, countHealthyPods, updatePdbStatus and the pdb helper's condition rules).
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1';
import type { Condition } from 'kubernetes-types/meta/v1';
import { isPodReady } from '../../controller/pod-utils.ts';

/** An eviction recorded in status.disruptedPods that has not led to a deletion by then is dropped. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

/** An integer, or a percentage of `total` rounded up (upstream GetScaledValueFromIntOrPercent). */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

export interface Expected {
  expectedCount: number;
  desiredHealthy: number;
}

/**
 * `scale()` sums the scale of the controllers of the pods; it is only asked for when the budget is
 * relative to it (maxUnavailable, or minAvailable as a percentage).
 */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: readonly Pod[], scale: () => number): Expected {
  const { maxUnavailable, minAvailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const expectedCount = scale();
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - scaledValue(maxUnavailable, expectedCount)) };
  }
  if (minAvailable !== undefined && minAvailable !== null) {
    if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable };
    const expectedCount = scale();
    return { expectedCount, desiredHealthy: scaledValue(minAvailable, expectedCount) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

/**
 * The evictions in status.disruptedPods still expected to become deletions, and when the next one
 * runs out (the budget is looked at again then); `expired` names the pods that never went.
 */
export function disruptedPodMap(pdb: PodDisruptionBudget, pods: readonly Pod[], now: Date): { map: Record<string, string>; recheckMs?: number; expired: Pod[] } {
  const recorded = pdb.status?.disruptedPods ?? {};
  const map: Record<string, string> = {};
  const expired: Pod[] = [];
  let recheckMs: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const at = recorded[name];
    if (pod.metadata?.deletionTimestamp || at === undefined) continue;
    const deadline = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (deadline < now.getTime()) {
      expired.push(pod);
      continue;
    }
    map[name] = at;
    if (recheckMs === undefined || deadline < recheckMs) recheckMs = deadline;
  }
  return { map, ...(recheckMs === undefined ? {} : { recheckMs }), expired };
}

/** Ready pods that are neither being deleted nor just evicted. */
export const countHealthy = (pods: readonly Pod[], disrupted: Record<string, string>): number =>
  pods.filter((p) => !p.metadata?.deletionTimestamp && disrupted[p.metadata?.name ?? ''] === undefined && isPodReady(p)).length;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Sets (or replaces) the DisruptionAllowed condition; the transition time moves only when the status does. */
export function withCondition(conditions: readonly Condition[] | undefined, c: Omit<Condition, 'lastTransitionTime' | 'type'>, now: Date): Condition[] {
  const old = conditions?.find((x) => x.type === 'DisruptionAllowed');
  const next: Condition = { type: 'DisruptionAllowed', ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : rfc3339(now) };
  return [...(conditions ?? []).filter((x) => x.type !== 'DisruptionAllowed'), next];
}

export interface Observed extends Expected {
  currentHealthy: number;
  disruptedPods: Record<string, string>;
}

/** The status the budget should have, or undefined if it has it already. */
export function nextStatus(pdb: PodDisruptionBudget, o: Observed, now: Date): PodDisruptionBudgetStatus | undefined {
  // A budget matching no pods yet stays at 0 so that pods appearing before the next sync are safe.
  const allowed = o.expectedCount <= 0 ? 0 : Math.max(0, o.currentHealthy - o.desiredHealthy);
  const s = pdb.status;
  const generation = pdb.metadata?.generation ?? 0;
  const cond = s?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const condOk = cond !== undefined && (allowed > 0 ? cond.status === 'True' && cond.reason === 'SufficientPods' : cond.status === 'False' && cond.reason === 'InsufficientPods');
  const samePods = JSON.stringify(Object.entries(s?.disruptedPods ?? {}).sort()) === JSON.stringify(Object.entries(o.disruptedPods).sort());
  if (s && s.currentHealthy === o.currentHealthy && s.desiredHealthy === o.desiredHealthy && s.expectedPods === o.expectedCount &&
    s.disruptionsAllowed === allowed && samePods && (s.observedGeneration ?? 0) === generation && condOk) return undefined;
  return {
    currentHealthy: o.currentHealthy,
    desiredHealthy: o.desiredHealthy,
    expectedPods: o.expectedCount,
    disruptionsAllowed: allowed,
    disruptedPods: o.disruptedPods,
    observedGeneration: generation,
    conditions: withCondition(s?.conditions, allowed > 0
      ? { status: 'True', reason: 'SufficientPods', message: '', observedGeneration: generation }
      : { status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: generation }, now),
  };
}
