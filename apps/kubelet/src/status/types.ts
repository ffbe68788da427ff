// What computePodStatus needs to know: the pod, what the runtime holds for it, and what the pod
// worker and the prober learned since the last status.
import type { ContainerStatus, PodSandboxStatus } from '@k8ts/cri';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1';

/** As the prober's ResultsManager stores them; only Success counts as passing. */
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

/**
 * Latest probe result per CRI container id (the bare id, without `containerd://`); the prober's
 * ResultsManager fits.
 */
export interface ProbeResults {
  get(containerId: string): ProbeResult | undefined;
}

/** Why the worker could not start a container last time (upstream's reason cache). */
export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  /** Every sandbox the runtime still has for this pod, any order. */
  sandboxes: readonly PodSandboxStatus[];
  /** Every container and attempt the runtime still has for this pod, any order. */
  containers: readonly ContainerStatus[];
  /** By container name: the last start failure (ErrImagePull, CrashLoopBackOff, …). */
  waitingReasons?: ReadonlyMap<string, WaitingReason>;
  readiness?: ProbeResults;
  startup?: ProbeResults;
  /** By CRI container id: text read from the terminationMessagePath file (or the log tail). */
  terminationMessages?: ReadonlyMap<string, string>;
  /** The status this kubelet last computed; defaults to pod.status. */
  previous?: PodStatus;
  /** The node's addresses, primary first. */
  hostIPs: readonly string[];
  /** Overrides the IPs read from the newest ready sandbox. */
  podIPs?: readonly string[];
  /** The pod worker has decided the pod is done (deleted, deadline exceeded, evicted). */
  podIsTerminal?: boolean;
  /** Scheme of container IDs in the status; default 'containerd'. */
  runtimeName?: string;
  now: Date;
}
