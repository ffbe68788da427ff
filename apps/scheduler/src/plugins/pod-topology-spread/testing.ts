// Builders for this plugin's tests: constraints in their API form and a handle with a snapshot
// and a fixed default selector (what Services/ReplicaSets selecting the pod would give).
import { selectorFromSet } from '@k8ts/api';
import type { Namespace, Node, Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import { NodeSnapshot } from '../../framework/snapshot.ts';
import type { Handle } from '../../framework/types.ts';

export const ZONE = 'topology.kubernetes.io/zone';
export const HOSTNAME = 'kubernetes.io/hostname';

export const hard = (topologyKey: string, maxSkew: number, matchLabels: Record<string, string>, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  topologyKey,
  maxSkew,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels },
  ...extra,
});

export const soft = (topologyKey: string, maxSkew: number, matchLabels: Record<string, string>, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint =>
  hard(topologyKey, maxSkew, matchLabels, { whenUnsatisfiable: 'ScheduleAnyway', ...extra });

/** `defaultSelector` selects by these labels; none (the default) means nothing selects the pod. */
export function spreadHandle(nodes: readonly Node[], pods: readonly Pod[], defaultLabels: Record<string, string> = {}, namespaces: readonly Namespace[] = []): Handle {
  const snapshot = NodeSnapshot.of(nodes, pods, namespaces);
  return { snapshot: () => snapshot, defaultSelector: () => selectorFromSet(defaultLabels) } as Partial<Handle> as Handle;
}
