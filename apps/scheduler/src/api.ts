// Every write the scheduler makes to the API, behind one narrow port so the scheduling loop can
// be tested with a recording fake. Upstream's equivalents: DefaultBinder's Bind, preemption's
// victim deletion, and schedule_one.go's updatePod (PodScheduled condition + nominatedNodeName).
import { ApiError, resourceFor, type ResourceInfo } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';

export interface PodScheduledCondition {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface SchedulerApi {
  bind(pod: Pod, nodeName: string): Promise<void>;
  evict(pod: Pod, reason: string): Promise<void>;
  setNominatedNodeName(pod: Pod, nodeName: string): Promise<void>;
  /** Writes the PodScheduled condition (and nominatedNodeName when given) unless nothing changes. */
  updatePodStatus(pod: Pod, condition: PodScheduledCondition, nominatedNodeName?: string): Promise<void>;
}

const PODS: ResourceInfo = resourceFor('', 'v1', 'pods')!;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Whether writing `c` would change the pod's PodScheduled condition (timestamps aside). */
export function conditionChanged(pod: Pod, c: PodScheduledCondition): boolean {
  const old = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return !old || old.status !== c.status || old.reason !== c.reason || old.message !== c.message;
}

export function apiPort(client: Client, now: () => Date): SchedulerApi {
  const ns = (pod: Pod) => pod.metadata?.namespace ?? 'default';
  const name = (pod: Pod) => pod.metadata?.name ?? '';
  return {
    async bind(pod, nodeName) {
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: name(pod), namespace: ns(pod), ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      await client.subresource('POST', PODS, name(pod), 'binding', binding, ns(pod));
    },

    // The victim first gets a DisruptionTarget condition saying why (upstream's
    // PreemptionByScheduler), then the eviction API, so PodDisruptionBudgets get their say; when a
    // budget refuses (429) it is deleted anyway, as upstream preemption does once no
    // PDB-respecting choice exists.
    async evict(pod, reason) {
      const disruption: PodCondition = {
        type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: reason, lastTransitionTime: rfc3339(now()),
      };
      try {
        await client.patch(PODS, name(pod), { status: { conditions: [disruption] } }, 'strategic', { namespace: ns(pod), subresource: 'status' });
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return;
        throw err;
      }
      const eviction = {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: name(pod), namespace: ns(pod) },
        deleteOptions: { preconditions: { uid: pod.metadata?.uid } },
      };
      try {
        await client.subresource('POST', PODS, name(pod), 'eviction', eviction, ns(pod));
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return;
        if (!(err instanceof ApiError && err.code === 429)) throw err;
        await client.delete(PODS, name(pod), { namespace: ns(pod), preconditions: { uid: pod.metadata?.uid } }).catch((e: unknown) => {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        });
      }
    },

    async setNominatedNodeName(pod, nodeName) {
      await client.patch(PODS, name(pod), { status: { nominatedNodeName: nodeName || null } }, 'merge', { namespace: ns(pod), subresource: 'status' });
    },

    async updatePodStatus(pod, c, nominatedNodeName) {
      const nominatedChanges = nominatedNodeName !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNodeName;
      if (!conditionChanged(pod, c) && !nominatedChanges) return;
      const old = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
      const condition: PodCondition = {
        type: 'PodScheduled',
        status: c.status,
        reason: c.reason,
        message: c.message,
        lastProbeTime: null as unknown as string,
        lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now()),
      };
      const status: Record<string, unknown> = { conditions: [condition] };
      if (nominatedChanges) status.nominatedNodeName = nominatedNodeName || null;
      await client.patch(PODS, name(pod), { status }, 'strategic', { namespace: ns(pod), subresource: 'status' });
    },
  };
}
