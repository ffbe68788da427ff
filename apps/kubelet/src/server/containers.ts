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

const bare = (containerID: string | undefined) => containerID?.replace(/^[a-z0-9-]+:\/\//, '') ?? '';

/**
 * The attempt whose log a request means (upstream validateContainerLogStatus). With the
 * container's status in the pod: `previous` is lastState.terminated; otherwise the running or
 * terminated attempt, or — waiting to restart — the last terminated one. Without a status (or
 * when the runtime no longer has that attempt), the runtime's newest attempt, or the one before.
 */
export function logAttempt(pod: Pod, container: string, previous: boolean, attempts: CriContainer[]): CriContainer {
  const podName = pod.metadata?.name ?? '';
  const s = pod.status;
  const status = [...(s?.containerStatuses ?? []), ...(s?.initContainerStatuses ?? []), ...(s?.ephemeralContainerStatuses ?? [])].find((c) => c.name === container);
  const byId = (id: string) => (id ? attempts.find((a) => a.id === id) : undefined);
  const fail = (message: string) => new ApiError(400, 'BadRequest', message);
  if (status) {
    const { state, lastState } = status;
    let id = '';
    if (previous) {
      id = bare(lastState?.terminated?.containerID);
      if (!id) throw fail(`previous terminated container "${container}" in pod "${podName}" not found`);
    } else if (state?.running) {
      id = bare(status.containerID);
    } else if (state?.terminated) {
      id = bare(state.terminated.containerID) || bare(lastState?.terminated?.containerID);
      if (!id) throw fail(`container "${container}" in pod "${podName}" is terminated`);
    } else if (lastState?.terminated) {
      id = bare(lastState.terminated.containerID);
      if (!id) throw fail(`container "${container}" in pod "${podName}" is terminated`);
    } else if (state?.waiting) {
      const reason = state.waiting.reason ?? '';
      if (reason === 'ErrImagePull') throw fail(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
      if (reason === 'ImagePullBackOff') throw fail(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
      if (!attempts.length) throw fail(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
    }
    const found = byId(id);
    if (found) return found;
  }
  const target = previous ? attempts[1] : attempts[0];
  if (target) return target;
  if (previous) throw fail(`previous terminated container "${container}" in pod "${podName}" not found`);
  throw fail(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
}
