// Toleration matching as component-helpers' scheduling/corev1 helpers: shared by TaintToleration,
// NodeUnschedulable and (later) the DaemonSet controller and taint-based eviction.
import type { Taint, Toleration } from 'kubernetes-types/core/v1';

/**
 * Whether one toleration covers a taint. An empty effect covers every effect; an empty key with
 * operator Exists covers every key; Exists ignores the value, Equal (the default) compares it.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export const tolerationsTolerateTaint = (tolerations: readonly Toleration[] | undefined, taint: Taint): boolean =>
  (tolerations ?? []).some((t) => toleratesTaint(t, taint));

export type TaintFilter = (taint: Taint) => boolean;

/** The effects that keep a pod off a node (PreferNoSchedule only lowers its score). */
export const doNotScheduleTaints: TaintFilter = (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** The first taint that passes `filter` and that no toleration covers; undefined when all are tolerated. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter: TaintFilter = () => true,
): Taint | undefined {
  return (taints ?? []).find((taint) => filter(taint) && !tolerationsTolerateTaint(tolerations, taint));
}
