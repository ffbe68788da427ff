// `started` and `ready` of each container from the prober's latest results, as upstream's
// prober manager fills them in: a container without a startup probe is started once running; a
// running, started container without a readiness probe is ready; one with a probe is ready only
// after a success for this very container ID (results of an earlier attempt do not count).
import type { Container, ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1';
import { isSidecar } from './containers.ts';
import type { ProbeResults } from './types.ts';

export interface ProbeInputs {
  readiness?: ProbeResults | undefined;
  startup?: ProbeResults | undefined;
}

const bareId = (containerID: string | undefined): string => containerID?.replace(/^[^:]*:\/\//, '') ?? '';

function isStarted(spec: Container | undefined, s: ContainerStatus, p: ProbeInputs): boolean {
  if (!s.state?.running) return false;
  const result = p.startup?.get(bareId(s.containerID));
  if (result !== undefined) return result === 'Success';
  return !spec?.startupProbe;
}

function isReady(spec: Container | undefined, s: ContainerStatus, p: ProbeInputs): boolean {
  if (!s.state?.running) return false;
  if (p.readiness?.get(bareId(s.containerID)) === 'Success') return true;
  return !spec?.readinessProbe;
}

/** Sets `started` and `ready` on the statuses in place. */
export function applyProbeResults(pod: Pod, status: PodStatus, p: ProbeInputs): void {
  const containers = new Map((pod.spec?.containers ?? []).map((c) => [c.name, c]));
  for (const s of status.containerStatuses ?? []) {
    const spec = containers.get(s.name);
    s.started = isStarted(spec, s, p);
    if (s.started) s.ready = isReady(spec, s, p);
  }
  const inits = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  for (const s of status.initContainerStatuses ?? []) {
    const spec = inits.get(s.name);
    s.started = isStarted(spec, s, p);
    if (!spec) continue;
    if (!isSidecar(spec)) {
      // A regular init container is "ready" once it has completed successfully.
      if (s.state?.terminated?.exitCode === 0) s.ready = true;
      continue;
    }
    if (s.started) s.ready = isReady(spec, s, p);
  }
}
