// The labels and annotations put on CRI sandboxes and containers (upstream kuberuntime/labels.go),
// the container hash that decides "definition changed", and the pod's log-friendly name. The
// label names themselves live in ../status/labels.ts, shared with the code that reads them back.
import { fnv32a } from '@k8ts/api';
import type { Labels } from '@k8ts/cri';
import type { Container, ContainerPort, Pod } from 'kubernetes-types/core/v1';
import { ANNOTATIONS, CONTAINER_TYPES, LABELS, type ContainerType } from '../status/labels.ts';

/** Upstream's format.Pod: `name_namespace(uid)`, used in back-off messages and events. */
export function formatPod(pod: Pod): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`;
}

/**
 * Hex hash of the fields whose change forces a restart. Upstream hashes only name and image
 * (other fields are immutable on a pod, or resized in place); the number differs from upstream's
 * because upstream feeds the JSON through a Go pretty-printer first.
 */
export function hashContainer(container: Container): string {
  return fnv32a(JSON.stringify({ image: container.image ?? '', name: container.name })).toString(16);
}

/** The back-off key of one container of one pod (upstream GetStableKey). */
export function stableKey(pod: Pod, container: Container): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? ''}_${m.uid ?? ''}_${container.name}_${hashContainer(container)}`;
}

/** Sandbox labels: the pod's own labels plus name, namespace and uid. */
export function sandboxLabels(pod: Pod): Labels {
  const m = pod.metadata ?? {};
  return {
    ...(m.labels ?? {}),
    [LABELS.podName]: m.name ?? '',
    [LABELS.podNamespace]: m.namespace ?? '',
    [LABELS.podUid]: m.uid ?? '',
  };
}

/** Sandbox annotations are the pod's annotations, unchanged. */
export function sandboxAnnotations(pod: Pod): Labels {
  return { ...(pod.metadata?.annotations ?? {}) };
}

export function containerLabels(pod: Pod, container: Container): Labels {
  const m = pod.metadata ?? {};
  return {
    [LABELS.podName]: m.name ?? '',
    [LABELS.podNamespace]: m.namespace ?? '',
    [LABELS.podUid]: m.uid ?? '',
    [LABELS.containerName]: container.name,
  };
}

/** Ports as Go's encoding/json writes v1.ContainerPort (field order and omitempty). */
function portsJSON(ports: readonly ContainerPort[]): string {
  return JSON.stringify(
    ports.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      ...(p.hostPort ? { hostPort: p.hostPort } : {}),
      containerPort: p.containerPort,
      ...(p.protocol ? { protocol: p.protocol } : {}),
      ...(p.hostIP ? { hostIP: p.hostIP } : {}),
    })),
  );
}

export function containerType(pod: Pod, container: Container): ContainerType | undefined {
  const named = (list?: readonly { name: string }[]) => list?.some((c) => c.name === container.name) ?? false;
  if (named(pod.spec?.initContainers)) return CONTAINER_TYPES.init;
  if (named(pod.spec?.containers)) return CONTAINER_TYPES.container;
  if (named(pod.spec?.ephemeralContainers)) return CONTAINER_TYPES.ephemeral;
  return undefined;
}

/**
 * What a restarted kubelet needs to know about a container it did not start itself: the spec
 * hash, the attempt, where the termination message is, the grace periods and the preStop hook.
 */
export function containerAnnotations(pod: Pod, container: Container, restartCount: number): Labels {
  const a: Labels = {
    [ANNOTATIONS.containerHash]: hashContainer(container),
    [ANNOTATIONS.restartCount]: String(restartCount),
    [ANNOTATIONS.terminationMessagePath]: container.terminationMessagePath ?? '',
    [ANNOTATIONS.terminationMessagePolicy]: container.terminationMessagePolicy ?? '',
  };
  const deletionGrace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletionGrace !== undefined && deletionGrace !== null) a[ANNOTATIONS.podDeletionGracePeriod] = String(deletionGrace);
  const grace = pod.spec?.terminationGracePeriodSeconds;
  if (grace !== undefined && grace !== null) a[ANNOTATIONS.podTerminationGracePeriod] = String(grace);
  if (container.lifecycle?.preStop) a[ANNOTATIONS.preStopHandler] = JSON.stringify(container.lifecycle.preStop);
  if (container.ports?.length) a[ANNOTATIONS.ports] = portsJSON(container.ports);
  const type = containerType(pod, container);
  if (type) a[ANNOTATIONS.containerType] = type;
  return a;
}
