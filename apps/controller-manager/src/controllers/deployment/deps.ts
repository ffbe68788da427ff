// What one Deployment sync reads and writes through: listers for reads, the client port for
// writes, an event recorder, the clock, and the queue for deliberate requeues.
import type { Clock, EventRecorder, Lister } from '@k8ts/client';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { DeploymentClient } from './client.ts';

export interface SyncDeps {
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  client: DeploymentClient;
  recorder: Pick<EventRecorder, 'event'>;
  clock: Clock;
  /** Requeues the Deployment after `ms` (to check its progress deadline then). */
  enqueueAfter(key: string, ms: number): void;
  /** Requeues the Deployment with the queue's per-key back-off. */
  enqueueRateLimited(key: string): void;
}

/** Takes the resourceVersion of what a write returned, so the next write of this sync does not conflict. */
export function tookWrite(d: Deployment, written: Deployment): void {
  d.metadata = { ...d.metadata, resourceVersion: written.metadata?.resourceVersion };
}

/**
 * Writes a Deployment whose annotations and/or status changed. Upstream writes both through
 * /status (its status strategy keeps metadata changes); ours keeps only status there, so changed
 * annotations (the revision) go through the main endpoint first.
 */
export async function writeDeployment(x: SyncDeps, d: Deployment, annotationsChanged: boolean): Promise<void> {
  if (annotationsChanged) tookWrite(d, await x.client.updateDeployment(d));
  tookWrite(d, await x.client.updateDeploymentStatus(d));
}
