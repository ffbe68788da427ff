// Taints the node controllers manage and the toleration rules pods answer them with
// (upstream's v1 helper ToleratesTaint / GetMatchingTolerations and the taint keys of
// k8s.io/api/core/v1 well_known_taints.go).
import type { Node, NodeCondition, Taint, Toleration } from 'kubernetes-types/core/v1';

export const TAINT = {
  notReady: 'node.kubernetes.io/not-ready',
  unreachable: 'node.kubernetes.io/unreachable',
  unschedulable: 'node.kubernetes.io/unschedulable',
  memoryPressure: 'node.kubernetes.io/memory-pressure',
  diskPressure: 'node.kubernetes.io/disk-pressure',
  networkUnavailable: 'node.kubernetes.io/network-unavailable',
  pidPressure: 'node.kubernetes.io/pid-pressure',
} as const;

/** Which condition status puts which NoSchedule taint on a node (upstream's TaintNodesByCondition). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT.notReady, Unknown: TAINT.unreachable },
  MemoryPressure: { True: TAINT.memoryPressure },
  DiskPressure: { True: TAINT.diskPressure },
  NetworkUnavailable: { True: TAINT.networkUnavailable },
  PIDPressure: { True: TAINT.pidPressure },
};

const NO_SCHEDULE_KEYS = new Set<string>([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT.unschedulable]);

export const readyCondition = (node: Node): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === 'Ready');

/** Taint `t` is tolerated by `tol` (an empty key with Exists tolerates every taint). */
export function tolerates(tol: Toleration, t: Taint): boolean {
  if (tol.effect && tol.effect !== t.effect) return false;
  if (tol.key && tol.key !== t.key) return false;
  switch (tol.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (tol.value ?? '') === (t.value ?? '');
    default: return false;
  }
}

/** Whether every taint is tolerated, and the toleration that tolerates each. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const t of taints) {
    const tol = tolerations.find((x) => tolerates(x, t));
    if (!tol) return { all: false, used: [] };
    used.push(tol);
  }
  return { all: true, used };
}

/** Milliseconds the pod may stay: the smallest tolerationSeconds used; undefined is forever. */
export function minTolerationMs(used: readonly Toleration[]): number | undefined {
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    const ms = Math.max(0, t.tolerationSeconds) * 1000;
    if (min === undefined || ms < min) min = ms;
  }
  return min;
}

/** The node's taints with the NoSchedule taints its conditions and spec.unschedulable call for. */
export function withConditionTaints(node: Node): Taint[] {
  const want: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: TAINT.unschedulable, effect: 'NoSchedule' });
  const kept = (node.spec?.taints ?? []).filter((t) => t.effect !== 'NoSchedule' || !NO_SCHEDULE_KEYS.has(t.key) || want.some((w) => w.key === t.key));
  const added = want.filter((w) => !kept.some((t) => t.key === w.key && t.effect === 'NoSchedule'));
  return [...kept, ...added];
}

/** The node's taints with the NoExecute taint its Ready condition calls for (and not the other). */
export function withReadyNoExecuteTaint(node: Node, now: Date): Taint[] {
  const status = readyCondition(node)?.status;
  const want = status === 'False' ? TAINT.notReady : status === 'Unknown' ? TAINT.unreachable : undefined;
  const taints = node.spec?.taints ?? [];
  const kept = taints.filter((t) => t.effect !== 'NoExecute' || (t.key !== TAINT.notReady && t.key !== TAINT.unreachable) || t.key === want);
  if (want && !kept.some((t) => t.key === want && t.effect === 'NoExecute'))
    kept.push({ key: want, effect: 'NoExecute', timeAdded: now.toISOString().replace(/\.\d{3}Z$/, 'Z') });
  return kept;
}

const taintId = (t: Taint) => `${t.key}\u0000${t.value ?? ''}\u0000${t.effect}`;

export const sameTaints = (a: readonly Taint[], b: readonly Taint[]) =>
  a.length === b.length && a.every((t) => b.some((u) => taintId(u) === taintId(t)));
