// What the runtime holds for one pod, found by the pod-uid label the kubelet puts on every
// sandbox and container (so a restarted kubelet finds the same things). Statuses are read one by
// one: the list calls do not carry exit codes, reasons or IPs.
import { isNotFound, type ContainerStatus, type PodSandboxStatus, type RuntimeService } from '@k8ts/cri';
import type { RuntimePodStatus } from '../kuberuntime/actions.ts';
import { LABELS } from '../status/labels.ts';

export type RuntimeReader = Pick<RuntimeService, 'listPodSandbox' | 'podSandboxStatus' | 'listContainers' | 'containerStatus'>;

/** A status read that lost a race with a removal yields nothing rather than an error. */
async function unlessGone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function readPodRuntime(runtime: RuntimeReader, podUid: string): Promise<RuntimePodStatus> {
  const selector = { label_selector: { [LABELS.podUid]: podUid } };
  const [sandboxList, containerList] = await Promise.all([runtime.listPodSandbox(selector), runtime.listContainers(selector)]);
  const [sandboxes, containers] = await Promise.all([
    Promise.all(sandboxList.map((s) => unlessGone(runtime.podSandboxStatus(s.id)).then((r) => r?.status ?? undefined))),
    Promise.all(containerList.map((c) => unlessGone(runtime.containerStatus(c.id)).then((r) => r?.status ?? undefined))),
  ]);
  return {
    sandboxes: sandboxes.filter((s): s is PodSandboxStatus => !!s),
    containers: containers.filter((c): c is ContainerStatus => !!c),
  };
}
