// Pods (pkg/registry/core/pod/strategy.go): a new pod is Pending with its QoS class; deleting a
// pod that a kubelet may be running is graceful — the kubelet removes it once its containers stop.
import { parseQuantity } from '@k8ts/api';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../../storage/watch-cache.ts';
import { DefaultStrategy } from '../strategy.ts';

export class PodStrategy extends DefaultStrategy {
  override readonly returnDeletedObject = true;

  protected override initialStatus(obj: KObject): unknown {
    return { phase: 'Pending', qosClass: qosClass(obj as unknown as Pod) };
  }

  override gracePeriod(obj: Readonly<KObject>, requested: number | undefined): number {
    const pod = obj as unknown as Pod;
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  }
}

const COMPUTE = ['cpu', 'memory'] as const;

/** Guaranteed, Burstable or BestEffort, from every container's requests and limits (pkg/apis/core/helper/qos). */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const r of COMPUTE) {
      const req = requests[r];
      const lim = limits[r];
      if ((req !== undefined && parseQuantity(req) !== 0) || (lim !== undefined && parseQuantity(lim) !== 0)) any = true;
      if (lim === undefined) guaranteed = false;
      else if (req !== undefined && parseQuantity(req) !== parseQuantity(lim)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
