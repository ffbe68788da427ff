// What the status manager does between a computed status and the one in the API: conditions the
// kubelet does not own are carried over, lastTransitionTime moves only when a condition's status
// changes, startTime is set once, and a terminal phase is never left. podStatusEqual is its
// "is a write needed" test: condition times alone never cause a write.
import type { PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import { KUBELET_CONDITIONS, SHARED_CONDITIONS, terminalCondition } from './conditions.ts';
import { jsonEqual } from './equal.ts';
import { isTerminalPhase } from './phase.ts';
import { apiTime } from './time.ts';

const tracked = (c: PodCondition) => KUBELET_CONDITIONS.has(c.type) || SHARED_CONDITIONS.has(c.type);

export function podStatusEqual(a: PodStatus, b: PodStatus): boolean {
  const ca = new Map((a.conditions ?? []).filter(tracked).map((c) => [c.type, c]));
  const cb = new Map((b.conditions ?? []).filter(tracked).map((c) => [c.type, c]));
  if (ca.size !== cb.size) return false;
  for (const [type, c] of cb) {
    const o = ca.get(type);
    if (!o || o.status !== c.status || (o.reason ?? '') !== (c.reason ?? '') || (o.message ?? '') !== (c.message ?? '')) return false;
  }
  const { conditions: _a, ...restA } = a;
  const { conditions: _b, ...restB } = b;
  return jsonEqual(restA, restB);
}

/**
 * Sets lastTransitionTime on the kubelet-owned conditions of `next` (in place): the previous
 * time when the status is unchanged, `now` otherwise; and startTime once.
 */
export function stampTransitions(next: PodStatus, prev: PodStatus | undefined, now: Date): void {
  for (const c of next.conditions ?? []) {
    if (!KUBELET_CONDITIONS.has(c.type)) continue;
    const old = prev?.conditions?.find((o) => o.type === c.type);
    c.lastTransitionTime = old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : apiTime(now);
  }
  next.startTime = prev?.startTime || next.startTime || apiTime(now);
}

export interface MergeOptions {
  /** Containers may still run: hold a terminal phase back until they have stopped. */
  couldHaveRunningContainers?: boolean;
}

/** The status to write over `old` (the API's), given the freshly computed `next`. */
export function mergeStatus(old: PodStatus, next: PodStatus, now: Date, opts: MergeOptions = {}): PodStatus {
  const out = structuredClone(next);
  const toTerminal = !isTerminalPhase(old.phase) && isTerminalPhase(out.phase);

  const conditions = (old.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type)).map((c) => structuredClone(c));
  for (const c of out.conditions ?? []) {
    if (KUBELET_CONDITIONS.has(c.type)) {
      conditions.push(c);
    } else if (SHARED_CONDITIONS.has(c.type)) {
      // DisruptionTarget is only published together with the terminal phase.
      if (c.type === 'DisruptionTarget' && !toTerminal) continue;
      const i = conditions.findIndex((o) => o.type === c.type);
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    }
  }
  out.conditions = conditions;

  if (isTerminalPhase(old.phase) && out.phase !== old.phase) {
    setPhase(out, old);
  } else if (toTerminal && opts.couldHaveRunningContainers) {
    setPhase(out, old);
  }

  if (isTerminalPhase(out.phase)) {
    for (const type of ['ContainersReady', 'Ready'] as const) {
      const i = conditions.findIndex((c) => c.type === type);
      if (i >= 0 && conditions[i]!.status === 'True') conditions[i] = terminalCondition(type, out.phase);
    }
  }

  stampTransitions(out, old, now);
  return out;
}

function setPhase(out: PodStatus, from: PodStatus): void {
  out.phase = from.phase;
  if (from.reason) out.reason = from.reason;
  else delete out.reason;
  if (from.message) out.message = from.message;
  else delete out.message;
}
