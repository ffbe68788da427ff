// The kubelet-owned pod conditions (upstream's status/generate.go): PodReadyToStartContainers
// from the sandbox, Initialized from the init containers, ContainersReady and Ready from the
// containers' readiness. Times are left out here: stampTransitions (merge.ts) sets them.
import type { PodSandboxStatus } from '@k8ts/cri';
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1';
import { isSidecar } from './containers.ts';
import { hasAnyRegularContainerStarted, type PodPhase } from './phase.ts';
import { CONDITION_REASONS as R } from './reasons.ts';

/** Conditions the kubelet computes and replaces on every sync; others it only carries along. */
export const KUBELET_CONDITIONS: ReadonlySet<string> = new Set([
  'PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers',
]);
/** Conditions the kubelet writes too but does not own (set during eviction or shutdown). */
export const SHARED_CONDITIONS: ReadonlySet<string> = new Set(['DisruptionTarget']);

/** Go's %s of a string slice: `[a b]`. */
const list = (names: readonly string[]) => `[${names.join(' ')}]`;

const cond = (type: string, status: 'True' | 'False', reason?: string, message?: string): PodCondition => ({
  type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}),
});

export function newestSandbox(sandboxes: readonly PodSandboxStatus[]): PodSandboxStatus | undefined {
  let newest: PodSandboxStatus | undefined;
  for (const s of sandboxes) if (!newest || BigInt(s.created_at || '0') > BigInt(newest.created_at || '0')) newest = s;
  return newest;
}

/**
 * Whether the worker must (re)create the sandbox: none yet, more than one ready, the newest not
 * ready, the wrong network namespace mode, or a pod-network sandbox without an IP.
 */
export function sandboxNeedsRecreate(pod: Pod, sandboxes: readonly PodSandboxStatus[]): boolean {
  const newest = newestSandbox(sandboxes);
  if (!newest) return true;
  if (sandboxes.filter((s) => s.state === 'SANDBOX_READY').length > 1) return true;
  if (newest.state !== 'SANDBOX_READY') return true;
  const hostNetwork = pod.spec?.hostNetwork === true;
  // An unset namespace option is the CRI's zero value, POD.
  if ((newest.linux?.namespaces?.options?.network ?? 'POD') !== (hostNetwork ? 'NODE' : 'POD')) return true;
  return !hostNetwork && newest.network !== null && newest.network.ip === '';
}

export function readyToStartContainersCondition(pod: Pod, sandboxes: readonly PodSandboxStatus[]): PodCondition {
  return cond('PodReadyToStartContainers', sandboxNeedsRecreate(pod, sandboxes) ? 'False' : 'True');
}

export function initializedCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (isSidecar(c) ? !s.started : !s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return cond('Initialized', 'True', R.podCompleted);
  // Regular containers ran, so initialisation happened even if a sidecar restarts now.
  if (hasAnyRegularContainerStarted(pod, statuses)) return cond('Initialized', 'True');
  const messages = [
    ...(unknown.length ? [`containers with unknown status: ${list(unknown)}`] : []),
    ...(incomplete.length ? [`containers with incomplete status: ${list(incomplete)}`] : []),
  ];
  if (messages.length) return cond('Initialized', 'False', R.containersNotInitialized, messages.join(', '));
  return cond('Initialized', 'True');
}

export function containersReadyCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const counted = [...(pod.spec?.initContainers ?? []).filter(isSidecar), ...(pod.spec?.containers ?? [])];
  for (const c of counted) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if ((phase === 'Succeeded' && unknown.length === 0) || phase === 'Failed') return terminalCondition('ContainersReady', phase);
  const messages = [
    ...(unknown.length ? [`containers with unknown status: ${list(unknown)}`] : []),
    ...(unready.length ? [`containers with unready status: ${list(unready)}`] : []),
  ];
  if (messages.length) return cond('ContainersReady', 'False', R.containersNotReady, messages.join(', '));
  return cond('ContainersReady', 'True');
}

/** Ready: ContainersReady, then every readiness gate's condition True. */
export function readyCondition(pod: Pod, conditions: readonly PodCondition[], statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const containersReady = containersReadyCondition(pod, statuses, phase);
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const messages: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (messages.length) return cond('Ready', 'False', R.readinessGatesNotReady, messages.join(', '));
  return cond('Ready', 'True');
}

/** Ready/ContainersReady of a finished pod: False, with PodCompleted or PodFailed. */
export function terminalCondition(type: 'Ready' | 'ContainersReady', phase: PodPhase): PodCondition {
  return cond(type, 'False', phase === 'Failed' ? R.podFailed : phase === 'Succeeded' ? R.podCompleted : undefined);
}
