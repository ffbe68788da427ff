// How taint-based eviction deletes a pod through the API (upstream addConditionAndDeletePod):
// the DisruptionTarget condition first, so whoever watches the pod learns why, then an ordinary
// (graceful) delete. A pod already gone is not an error.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client, EventRecorder } from '@k8ts/client';
import type { Pod } from 'kubernetes-types/core/v1';
import type { EvictionPort } from './taint-eviction.ts';

const PODS = resourceFor('', 'v1', 'pods')!;

export const disruptionTarget = (reason: string, message: string, now: Date) => ({
  type: 'DisruptionTarget', status: 'True', reason, message, lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
});

export class ApiEvictionPort implements EvictionPort {
  constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}

  async evict(pod: Pod, now: Date): Promise<void> {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    try {
      const condition = disruptionTarget('DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint', now);
      await this.client.patch(PODS, name, { status: { conditions: [condition] } }, 'strategic', { namespace, subresource: 'status' });
      await this.client.delete(PODS, name, { namespace });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
  }

  podEvent(pod: Pod, reason: string, message: string): void {
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} }, 'Normal', reason, message);
  }
}

export class FakeEvictionPort implements EvictionPort {
  readonly evicted: string[] = [];
  readonly events: { pod: string; reason: string; message: string }[] = [];
  failEvictions = 0;

  async evict(pod: Pod): Promise<void> {
    if (this.failEvictions > 0) {
      this.failEvictions--;
      throw new Error('fake eviction failure');
    }
    this.evicted.push(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  podEvent(pod: Pod, reason: string, message: string): void {
    this.events.push({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, reason, message });
  }
}
