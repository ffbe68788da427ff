// The Recreate strategy: scale every old ReplicaSet to zero, wait until none of their pods is
// left running, and only then create (or scale up) the new ReplicaSet.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { deploymentComplete } from './conditions.ts';
import type { SyncDeps } from './deps.ts';
import { getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent } from './replicasets.ts';
import { cleanupDeployment } from './scale.ts';
import { syncRolloutStatus } from './status.ts';
import { activeReplicaSets, actualReplicas, replicasOf } from './util.ts';

/** Pods of the Deployment's ReplicaSets, by the uid of the ReplicaSet that controls them. */
export type PodMap = ReadonlyMap<string, readonly Pod[]>;

export async function rolloutRecreate(x: SyncDeps, d: Deployment, rsList: readonly ReplicaSet[], podMap: PodMap): Promise<void> {
  // The new ReplicaSet is not created yet: nothing may scale up before the old pods are gone.
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, false);
  let all: (ReplicaSet | undefined)[] = [...oldRSs, newRS];

  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) if ((await scaleReplicaSetAndRecordEvent(x, rs, 0, d)).scaled) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(x, all, newRS, d);

  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(x, all, newRS, d);

  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, true));
    all = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(x, newRS!, replicasOf(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(x, oldRSs, d);
  return syncRolloutStatus(x, all, newRS, d);
}

/** An old ReplicaSet still reports replicas, or one of its pods has not reached a terminal phase. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
