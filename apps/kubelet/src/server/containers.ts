// From a request's namespace/pod/container to the pod the kubelet runs and the runtime containers
// that are that container's attempts, found by the labels the kubelet puts on them.
import { ApiError } from '@k8ts/api';
import type { Container as CriContainer, RuntimeService } from '@k8ts/cri';
import type { Pod } from 'kubernetes-types/core/v1';
import { LABELS, restartCountOf } from '../status/labels.ts';

export function findPod(pods: readonly Pod[], namespace: string, name: string, uid?: string): Pod {
  const pod = pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name && (!uid || p.metadata?.uid === uid));
  if (!pod) throw new ApiError(404, 'NotFound', `pod "${name}" does not exist`);
  return pod;
}

/** Every container name of the pod's spec: init, regular and ephemeral containers. */
export function specContainerNames(pod: Pod): string[] {
  const s = pod.spec;
  return [...(s?.initContainers ?? []), ...(s?.containers ?? []), ...(s?.ephemeralContainers ?? [])].map((c) => c.name);
}

export function requireSpecContainer(pod: Pod, container: string): void {
  if (!specContainerNames(pod).includes(container)) {
    throw new ApiError(404, 'NotFound', `container "${container}" not found in pod "${pod.metadata?.name ?? ''}"`);
  }
}

/** The runtime's containers for one container of a pod, newest attempt first. */
export async function containerAttempts(runtime: RuntimeService, pod: Pod, container: string): Promise<CriContainer[]> {
  const m = pod.metadata ?? {};
  const selector: Record<string, string> = {
    [LABELS.podNamespace]: m.namespace ?? '',
    [LABELS.podName]: m.name ?? '',
    [LABELS.containerName]: container,
  };
  if (m.uid) selector[LABELS.podUid] = m.uid;
  const list = await runtime.listContainers({ label_selector: selector });
  return list.sort((a, b) => {
    const byAttempt = restartCountOf(b.annotations) - restartCountOf(a.annotations);
    if (byAttempt !== 0) return byAttempt;
    const ta = BigInt(a.created_at || '0');
    const tb = BigInt(b.created_at || '0');
    return ta === tb ? 0 : tb > ta ? 1 : -1;
  });
}

/** The running attempt of a container, for exec and attach. */
export async function runningContainer(runtime: RuntimeService, pod: Pod, container: string): Promise<CriContainer> {
  const running = (await containerAttempts(runtime, pod, container)).find((c) => c.state === 'CONTAINER_RUNNING');
  if (!running) throw new ApiError(404, 'NotFound', `container not found ("${container}")`);
  return running;
}
