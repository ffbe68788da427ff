// The labels and annotations the kubelet puts on CRI sandboxes and containers, by upstream's names
// (pkg/kubelet/types/labels.go and kuberuntime/labels.go). They are how a restarted kubelet — and
// this status code — map runtime objects back to pods, containers and attempts, so every module
// that writes or reads them imports these names from here.
import type { Labels } from '@k8ts/cri';

/** Labels on sandboxes and containers (sandboxes also carry the pod's own labels). */
export const LABELS = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  /** Containers only. */
  containerName: 'io.kubernetes.container.name',
} as const;

/** Annotations on containers. */
export const ANNOTATIONS = {
  /** Hex hash of the container spec; a change means the container is restarted. */
  containerHash: 'io.kubernetes.container.hash',
  /** Decimal attempt number: 0 for the first start, +1 per restart. */
  restartCount: 'io.kubernetes.container.restartCount',
  terminationMessagePath: 'io.kubernetes.container.terminationMessagePath',
  terminationMessagePolicy: 'io.kubernetes.container.terminationMessagePolicy',
  /** JSON of the preStop handler, so a kill after a restart can still run it. */
  preStopHandler: 'io.kubernetes.container.preStopHandler',
  /** JSON of the container's ports. */
  ports: 'io.kubernetes.container.ports',
  /** One of CONTAINER_TYPES. */
  containerType: 'io.kubernetes.container.type',
  podDeletionGracePeriod: 'io.kubernetes.pod.deletionGracePeriod',
  podTerminationGracePeriod: 'io.kubernetes.pod.terminationGracePeriod',
} as const;

export const CONTAINER_TYPES = { init: 'init', container: 'container', ephemeral: 'ephemeral' } as const;
export type ContainerType = (typeof CONTAINER_TYPES)[keyof typeof CONTAINER_TYPES];

/** The container's name as the kubelet labelled it ('' for containers it did not create). */
export function containerNameOf(labels: Labels | null | undefined): string {
  return labels?.[LABELS.containerName] ?? '';
}

/** The attempt number from the annotations; 0 when missing or malformed, as upstream. */
export function restartCountOf(annotations: Labels | null | undefined): number {
  const raw = annotations?.[ANNOTATIONS.restartCount];
  if (raw === undefined || !/^\d+$/.test(raw)) return 0;
  return Number(raw);
}
