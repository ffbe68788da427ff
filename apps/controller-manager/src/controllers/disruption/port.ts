// The disruption controller's writes: the budget's status (guarded by its resourceVersion, so a
// concurrent eviction that spent a disruption makes this write fail and the sync run again) and
// Events, with a recording fake.
import { resourceFor } from '@k8ts/api';
import type { Client, EventRecorder, KubeObject } from '@k8ts/client';
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { DisruptionPort } from './sync.ts';

export const PDBS = resourceFor('policy', 'v1', 'poddisruptionbudgets')!;
const PODS = resourceFor('', 'v1', 'pods')!;

export class ApiDisruptionPort implements DisruptionPort {
  constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}

  async updateStatus(pdb: PodDisruptionBudget): Promise<void> {
    await this.client.updateStatus(PDBS, pdb, { namespace: pdb.metadata?.namespace ?? '' });
  }

  async updatePodStatus(pod: Pod): Promise<void> {
    await this.client.updateStatus(PODS, pod, { namespace: pod.metadata?.namespace ?? '' });
  }

  event(ref: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(ref, type, reason, message);
  }
}

export class FakeDisruptionPort implements DisruptionPort {
  readonly updates: PodDisruptionBudget[] = [];
  readonly podUpdates: Pod[] = [];
  readonly events: { name: string; type: string; reason: string; message: string }[] = [];
  failUpdates = 0;

  constructor(private readonly apply?: (pdb: PodDisruptionBudget) => void) {}

  async updateStatus(pdb: PodDisruptionBudget): Promise<void> {
    if (this.failUpdates > 0) {
      this.failUpdates--;
      throw new Error('fake update failure');
    }
    this.updates.push(pdb);
    this.apply?.(pdb);
  }

  async updatePodStatus(pod: Pod): Promise<void> {
    this.podUpdates.push(pod);
  }

  event(ref: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ name: `${ref.kind}/${ref.metadata?.name ?? ''}`, type, reason, message });
  }
}
