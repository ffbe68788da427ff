// The pod phase from its container statuses, as upstream's getPhase (Kubernetes 1.32, no
// per-container restart rules): init containers first — a failed one fails the pod only under
// restartPolicy Never — then sidecars and regular containers decide between Pending, Running,
// Succeeded and Failed.
import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1';
import { isSidecar } from './containers.ts';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export const isTerminalPhase = (phase: string | undefined): phase is 'Succeeded' | 'Failed' =>
  phase === 'Succeeded' || phase === 'Failed';

/** Static pods come from a manifest file; the API-server copy is only their mirror. */
export const isStaticPod = (pod: Pod): boolean => {
  const source = pod.metadata?.annotations?.['kubernetes.io/config.source'];
  return source !== undefined && source !== 'api';
};

/** Any regular container has run or runs: the pod got past its init containers before. */
export function hasAnyRegularContainerStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && Boolean(s.state?.running || s.state?.terminated));
}

/**
 * `podIsTerminal`: the worker has finished with the pod. `initialized`: a regular container
 * exists in the current sandbox, so restarting sidecars do not send the pod back to Pending.
 */
export function podPhase(pod: Pod, status: PodStatus, podIsTerminal: boolean, initialized: boolean): PodPhase {
  const spec = pod.spec;
  const all = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])];
  const find = (name: string) => all.find((s) => s.name === name);

  let pendingInit = 0;
  let failedInit = 0;
  let pendingSidecars = 0;
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;

  for (const c of spec?.initContainers ?? []) {
    const s = find(c.name);
    if (isSidecar(c)) {
      if (!s) {
        unknown++;
      } else if (s.state?.running) {
        if (!s.started) pendingSidecars++;
        running++;
      } else if (s.state?.terminated) {
        // A stopped sidecar says nothing about the pod's progress…
      } else if (s.state?.waiting) {
        // …nor does one waiting to restart; one that never ran holds the pod back.
        if (!s.lastState?.terminated) {
          pendingSidecars++;
          waiting++;
        }
      } else {
        pendingSidecars++;
        unknown++;
      }
      continue;
    }
    if (!s || s.state?.running) pendingInit++;
    else if (s.state?.terminated) failedInit += s.state.terminated.exitCode !== 0 ? 1 : 0;
    else if (s.state?.waiting && s.lastState?.terminated) failedInit += s.lastState.terminated.exitCode !== 0 ? 1 : 0;
    else pendingInit++;
  }

  for (const c of spec?.containers ?? []) {
    const s = find(c.name);
    if (!s) {
      unknown++;
    } else if (s.state?.running) {
      running++;
    } else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }

  const policy = spec?.restartPolicy ?? 'Always';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || (pendingSidecars > 0 && !initialized) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    // A terminal pod's containers will not restart, whatever the policy says.
    if (podIsTerminal && !isStaticPod(pod)) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
