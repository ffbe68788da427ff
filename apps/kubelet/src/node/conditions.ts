// The four conditions the kubelet owns on its Node (nodestatus setters): the pressure trio,
// always False here since k8ts has no eviction manager, and Ready, which follows the runtime.
// Each keeps lastTransitionTime while its status holds; lastHeartbeatTime is always now.
import type { RuntimeCondition } from '@k8ts/cri';
import type { NodeCondition } from 'kubernetes-types/core/v1';
import type { RuntimeReport } from './types.ts';

/** metav1.Time's wire format: RFC 3339, whole seconds. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The condition types this module writes, in the order upstream appends them. */
export const OWNED_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'] as const;

const PRESSURE = {
  MemoryPressure: { reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  DiskPressure: { reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
} as const;

/** Go's %v of a CRI RuntimeCondition pointer, which upstream embeds in its messages. */
const describe = (c: RuntimeCondition | undefined): string =>
  c ? `${c.type}=${c.status} reason:${c.reason} message:${c.message}` : '<nil>';

/**
 * Why the node is not ready, in upstream's order (runtime, then network); empty when ready.
 * A failed Status call counts as the runtime being down.
 */
export function runtimeErrors(runtime: RuntimeReport): string[] {
  if ('error' in runtime) return ['container runtime is down'];
  const conds = runtime.status.status?.conditions ?? [];
  const find = (type: string) => conds.find((c) => c.type === type);
  const errs: string[] = [];
  const runtimeReady = find('RuntimeReady');
  if (!runtimeReady?.status) errs.push(`container runtime not ready: ${describe(runtimeReady)}`);
  const networkReady = find('NetworkReady');
  if (!networkReady?.status) errs.push(`container runtime network not ready: ${describe(networkReady)}`);
  return errs;
}

/** errors.NewAggregate's text: one message bare, several bracketed. */
const aggregate = (errs: string[]): string => (errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);

export function nodeConditions(previous: readonly NodeCondition[], runtime: RuntimeReport, now: Date): NodeCondition[] {
  const stamp = rfc3339(now);
  const next = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => {
    const old = previous.find((c) => c.type === type);
    const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : stamp;
    return { type, status, lastHeartbeatTime: stamp, lastTransitionTime, reason, message };
  };
  const errs = runtimeErrors(runtime);
  const ready = errs.length === 0
    ? next('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
    : next('Ready', 'False', 'KubeletNotReady', aggregate(errs));
  const owned = [
    ...Object.entries(PRESSURE).map(([type, p]) => next(type, 'False', p.reason, p.message)),
    ready,
  ];
  // Conditions written by others (NetworkUnavailable, …) stay where they were.
  const others = previous.filter((c) => !(OWNED_CONDITIONS as readonly string[]).includes(c.type));
  return [...others, ...owned];
}
