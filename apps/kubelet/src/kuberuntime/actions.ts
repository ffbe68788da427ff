// What a pod sync must do next (upstream kuberuntime_manager.go computePodActions, with the init
// container rules of kuberuntime_container.go findNextInitContainerToRun and
// container/helpers.go ShouldContainerBeRestarted). Pure: it reads the pod and what the runtime
// reports, and the pod worker carries the result out.
import type { ContainerStatus, PodSandboxStatus } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { ANNOTATIONS, containerNameOf } from '../status/labels.ts';
import { hashContainer } from './labels.ts';

export interface RuntimePodStatus {
  /** Every sandbox of the pod the runtime reports, any order. */
  sandboxes: readonly PodSandboxStatus[];
  /** Every container (all attempts) of the pod the runtime reports, any order. */
  containers: readonly ContainerStatus[];
}

export interface ProbeFailures {
  /**
   * Names of running containers whose liveness (or startup) probe has failed. The caller clears a
   * name when that container is restarted, so the new attempt is not killed for the old failure.
   */
  livenessFailed?: ReadonlySet<string>;
  startupFailed?: ReadonlySet<string>;
}

export type KillReason = 'LivenessProbe' | 'StartupProbe' | 'Unknown' | '';

export interface ContainerToKill {
  /** CRI container id. */
  id: string;
  name: string;
  /** Empty when the container's definition changed (upstream gives no reason then). */
  reason: KillReason;
  message: string;
}

export interface PodActions {
  /** Stop every container and the sandbox(es). */
  killPod: boolean;
  /** Run a new sandbox (after killPod); init containers then start from the first. */
  createSandbox: boolean;
  /** The existing sandbox to start containers in ('' when there is none to reuse). */
  sandboxId: string;
  /** The attempt number for the sandbox to create (or of the current one). */
  attempt: number;
  /** Index into spec.initContainers of the init container to start now. */
  nextInitContainerToStart: number | null;
  /** Indexes into spec.containers, in spec order. */
  containersToStart: number[];
  containersToKill: ContainerToKill[];
}

/** Newest first by creation time, as upstream sorts runtime statuses. */
export function newestFirst<T extends { created_at: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => {
    const d = BigInt(b.created_at || '0') - BigInt(a.created_at || '0');
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  });
}

/** A runtime container's name in the pod spec (from its metadata, or the kubelet's label). */
export const nameOf = (s: ContainerStatus): string => s.metadata?.name || containerNameOf(s.labels);

/** Whether a new sandbox is needed, the attempt it gets, and the sandbox to keep or kill. */
export function sandboxChanged(pod: Pod, sandboxes: readonly PodSandboxStatus[]): { changed: boolean; attempt: number; sandboxId: string } {
  const sorted = newestFirst(sandboxes);
  const latest = sorted[0];
  if (!latest) return { changed: true, attempt: 0, sandboxId: '' };
  const ready = sorted.filter((s) => s.state === 'SANDBOX_READY').length;
  const maxAttempt = Math.max(...sorted.map((s) => s.metadata?.attempt ?? 0));
  const next = maxAttempt + 1;
  if (ready > 1 || latest.state !== 'SANDBOX_READY') return { changed: true, attempt: next, sandboxId: latest.id };
  const hostNetwork = pod.spec?.hostNetwork === true;
  const network = latest.linux?.namespaces?.options?.network ?? 'POD';
  if (network !== (hostNetwork ? 'NODE' : 'POD')) return { changed: true, attempt: next, sandboxId: '' };
  if (!hostNetwork && latest.network && latest.network.ip === '') return { changed: true, attempt: next, sandboxId: latest.id };
  return { changed: false, attempt: maxAttempt, sandboxId: latest.id };
}

const restartsOnFailure = (pod: Pod): boolean => pod.spec?.restartPolicy !== 'Never';

/** A container with no record, or one created/unknown, is (re)started even under Never. */
export function shouldContainerBeRestarted(pod: Pod, status: ContainerStatus | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!status) return true;
  if (status.state === 'CONTAINER_RUNNING') return false;
  if (status.state === 'CONTAINER_UNKNOWN' || status.state === 'CONTAINER_CREATED') return true;
  if (pod.spec?.restartPolicy === 'Never') return false;
  if (pod.spec?.restartPolicy === 'OnFailure' && status.exit_code === 0) return false;
  return true;
}

export function isInitContainerFailed(status: ContainerStatus): boolean {
  if (status.reason === 'OOMKilled') return true;
  if (status.state === 'CONTAINER_EXITED' && status.exit_code !== 0) return true;
  return status.state === 'CONTAINER_UNKNOWN';
}

interface InitProgress {
  /** Status of the failed init container to restart, if that is why `next` is set. */
  failed?: ContainerStatus;
  next: number | null;
  done: boolean;
}

/**
 * Init containers run one at a time in order. A running regular container proves they all
 * completed, even if the runtime has since garbage-collected them.
 */
export function nextInitContainer(pod: Pod, latest: (name: string) => ContainerStatus | undefined): InitProgress {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return { next: null, done: true };
  if ((pod.spec?.containers ?? []).some((c) => latest(c.name)?.state === 'CONTAINER_RUNNING')) return { next: null, done: true };
  for (let i = inits.length - 1; i >= 0; i--) {
    const status = latest(inits[i]?.name ?? '');
    if (status && isInitContainerFailed(status)) return { failed: status, next: i, done: false };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const status = latest(inits[i]?.name ?? '');
    if (!status) continue;
    if (status.state === 'CONTAINER_RUNNING') return { next: null, done: false };
    if (status.state === 'CONTAINER_EXITED') return i === inits.length - 1 ? { next: null, done: true } : { next: i + 1, done: false };
  }
  return { next: 0, done: false };
}

export function computePodActions(pod: Pod, status: RuntimePodStatus, probes: ProbeFailures = {}): PodActions {
  const sandbox = sandboxChanged(pod, status.sandboxes);
  const containers = newestFirst(status.containers);
  const latest = (name: string) => containers.find((c) => nameOf(c) === name);
  const spec: readonly Container[] = pod.spec?.containers ?? [];
  const actions: PodActions = {
    killPod: sandbox.changed,
    createSandbox: sandbox.changed,
    sandboxId: sandbox.sandboxId,
    attempt: sandbox.attempt,
    nextInitContainerToStart: null,
    containersToStart: [],
    containersToKill: [],
  };

  if (sandbox.changed) {
    // A finished Never pod whose sandbox died is only cleaned up, never re-created.
    if (!restartsOnFailure(pod) && sandbox.attempt !== 0 && containers.length !== 0) return { ...actions, createSandbox: false };
    const toStart = spec.flatMap((c, i) => {
      const s = latest(c.name);
      const succeeded = s?.state === 'CONTAINER_EXITED' && s.exit_code === 0;
      return pod.spec?.restartPolicy === 'OnFailure' && succeeded ? [] : [i];
    });
    if (toStart.length === 0 && nextInitContainer(pod, latest).done) return { ...actions, createSandbox: false };
    if ((pod.spec?.initContainers ?? []).length !== 0) return { ...actions, nextInitContainerToStart: 0 };
    return { ...actions, containersToStart: toStart };
  }

  const init = nextInitContainer(pod, latest);
  if (!init.done) {
    if (init.next !== null) {
      if (init.failed && !restartsOnFailure(pod)) actions.killPod = true;
      else {
        if (init.failed?.state === 'CONTAINER_UNKNOWN') {
          actions.containersToKill.push({
            id: init.failed.id,
            name: nameOf(init.failed),
            reason: 'Unknown',
            message: `Init container is in "unknown" state, try killing it before restart`,
          });
        }
        actions.nextInitContainerToStart = init.next;
      }
    }
    return actions;
  }

  let keep = 0;
  spec.forEach((container, idx) => {
    const s = latest(container.name);
    if (!s || s.state !== 'CONTAINER_RUNNING') {
      if (!shouldContainerBeRestarted(pod, s)) return;
      actions.containersToStart.push(idx);
      // An unknown container may still be running: kill it first so two never run at once.
      if (s?.state === 'CONTAINER_UNKNOWN') {
        actions.containersToKill.push({
          id: s.id,
          name: container.name,
          reason: 'Unknown',
          message: `Container is in "unknown" state, try killing it before restart`,
        });
      }
      return;
    }
    let restart = restartsOnFailure(pod);
    let reason: KillReason = '';
    let message: string;
    if ((s.annotations?.[ANNOTATIONS.containerHash] ?? '') !== hashContainer(container)) {
      message = `Container ${container.name} definition changed`;
      restart = true;
    } else if (probes.livenessFailed?.has(container.name)) {
      message = `Container ${container.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (probes.startupFailed?.has(container.name)) {
      message = `Container ${container.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keep++;
      return;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      actions.containersToStart.push(idx);
    }
    actions.containersToKill.push({ id: s.id, name: container.name, reason, message });
  });

  if (keep === 0 && actions.containersToStart.length === 0) actions.killPod = true;
  return actions;
}
