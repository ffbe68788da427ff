// The endpoints.kubernetes.io/last-change-trigger-time annotation (upstream's
// TriggerTimeTracker): when did the change that this endpoints write reflects happen? For a
// service seen for the first time, its creation; afterwards, the earliest of the changes since
// the last sync — a pod's Ready condition moving, or the service being recreated. Undefined
// when nothing it tracks changed (the annotation is then dropped).
import type { Pod, Service } from 'kubernetes-types/core/v1';

interface State {
  pods: Map<string, number>;
  service: number;
}

const time = (s: string | undefined) => (s ? Date.parse(s) : 0);
const podTriggerTime = (pod: Pod) => time(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);

export class TriggerTimeTracker {
  readonly #states = new Map<string, State>();

  /** Call once per sync of the service, whether or not the sync writes. */
  compute(svc: Service, pods: readonly Pod[]): Date | undefined {
    const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    const before = this.#states.get(key);
    const state: State = { pods: new Map(), service: time(svc.metadata?.creationTimestamp) };
    let min = Infinity;
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (!t) continue;
      const name = pod.metadata?.name ?? '';
      state.pods.set(name, t);
      if (t > (before?.pods.get(name) ?? 0)) min = Math.min(min, t);
    }
    if (state.service > (before?.service ?? 0)) min = Math.min(min, state.service);
    this.#states.set(key, state);
    if (!before) return state.service ? new Date(state.service) : undefined;
    return Number.isFinite(min) ? new Date(min) : undefined;
  }

  forget(namespace: string, name: string): void {
    this.#states.delete(`${namespace}/${name}`);
  }
}

/** RFC 3339 with nanoseconds, as Go's time.RFC3339Nano prints (trailing zeros dropped). */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}
