// What the pod worker does with a liveness or startup failure (kuberuntime's computePodActions
// and setTerminationGracePeriod): the Killing event's message, whether the container comes back
// under the pod's restartPolicy, and the grace period — the pod's deletion grace period if it
// is being deleted, else the probe's own terminationGracePeriodSeconds, else the pod's.
import type { Container, Pod } from 'kubernetes-types/core/v1';

/** Upstream's floor when the pod names no grace period at all. */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;

export interface ProbeKill {
  /** "Container c failed liveness probe, will be restarted" (no suffix under restartPolicy Never). */
  message: string;
  restart: boolean;
  gracePeriodSeconds: number;
}

export function probeKill(pod: Pod, container: Container, kind: 'liveness' | 'startup'): ProbeKill {
  const restart = pod.spec?.restartPolicy !== 'Never';
  const base = `Container ${container.name} failed ${kind} probe`;
  const probe = kind === 'liveness' ? container.livenessProbe : container.startupProbe;
  const deletion = pod.metadata?.deletionGracePeriodSeconds;
  const podGrace = pod.spec?.terminationGracePeriodSeconds;
  const gracePeriodSeconds =
    deletion ?? (podGrace === undefined ? MINIMUM_GRACE_PERIOD_SECONDS : (probe?.terminationGracePeriodSeconds ?? podGrace));
  return { message: restart ? `${base}, will be restarted` : base, restart, gracePeriodSeconds };
}
