// Builders for this plugin's tests: affinity terms in their API form, and a handle whose only
// working part is the snapshot.
import type { Affinity, Namespace, Node, Pod, PodAffinityTerm } from 'kubernetes-types/core/v1';
import { NodeSnapshot } from '../../framework/snapshot.ts';
import type { Handle } from '../../framework/types.ts';

export const ZONE = 'topology.kubernetes.io/zone';
export const HOSTNAME = 'kubernetes.io/hostname';

export const term = (topologyKey: string, matchLabels: Record<string, string>, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  topologyKey,
  labelSelector: { matchLabels },
  ...extra,
});

export interface AffinitySpec {
  affinity?: PodAffinityTerm[];
  antiAffinity?: PodAffinityTerm[];
  preferred?: [number, PodAffinityTerm][];
  preferredAnti?: [number, PodAffinityTerm][];
}

export function affinity(a: AffinitySpec): { affinity: Affinity } {
  const weighted = (ts: [number, PodAffinityTerm][] | undefined) => ts?.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm }));
  return {
    affinity: {
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: a.affinity, preferredDuringSchedulingIgnoredDuringExecution: weighted(a.preferred) },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: a.antiAffinity,
        preferredDuringSchedulingIgnoredDuringExecution: weighted(a.preferredAnti),
      },
    },
  };
}

export function snapshotHandle(nodes: readonly Node[], pods: readonly Pod[], namespaces: readonly Namespace[] = []): Handle {
  const snapshot = NodeSnapshot.of(nodes, pods, namespaces);
  return { snapshot: () => snapshot } as Partial<Handle> as Handle;
}

export const namespace = (name: string, labels: Record<string, string>): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
