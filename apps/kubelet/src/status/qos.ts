// The pod's QoS class (upstream's qos.GetPodQOS, without pod-level resources): BestEffort when no
// container asks for cpu or memory, Guaranteed when every container limits both and the pod's
// summed requests equal its summed limits, Burstable otherwise. Only cpu and memory count; zero
// quantities count as unset.
import { quantityMilli } from '@k8ts/api';
import type { Container, Pod } from 'kubernetes-types/core/v1';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

/** Positive cpu/memory quantities of a resource list, in thousandths (exact integer sums). */
function positive(list: Record<string, unknown> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of QOS_RESOURCES) {
    const raw = list?.[name];
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    const milli = quantityMilli(raw);
    if (milli !== undefined && milli > 0) out.set(name, milli);
  }
  return out;
}

function add(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

export function computePodQOS(pod: Pod): QOSClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const all: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of all) {
    add(requests, positive(c.resources?.requests));
    const l = positive(c.resources?.limits);
    add(limits, l);
    if (!l.has('cpu') || !l.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) if (limits.get(name) !== req) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** The class recorded at creation wins: it never changes over a pod's life. */
export function podQOS(pod: Pod): QOSClass {
  const recorded = pod.status?.qosClass;
  return recorded === 'Guaranteed' || recorded === 'Burstable' || recorded === 'BestEffort' ? recorded : computePodQOS(pod);
}
