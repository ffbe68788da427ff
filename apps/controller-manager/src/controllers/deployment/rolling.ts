// The RollingUpdate strategy: one step per sync — scale the new ReplicaSet up within maxSurge,
// or else scale old ones down within maxUnavailable (unhealthy replicas first) — then report.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import { deploymentComplete } from './conditions.ts';
import type { SyncDeps } from './deps.ts';
import { getAllReplicaSetsAndSyncRevision, newRSNewReplicas, scaleReplicaSetAndRecordEvent } from './replicasets.ts';
import { cleanupDeployment } from './scale.ts';
import { syncRolloutStatus } from './status.ts';
import { activeReplicaSets, availableReplicas, byCreation, maxUnavailable, replicasOf, rsReplicas, specReplicas } from './util.ts';

export async function rolloutRolling(x: SyncDeps, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, true);
  const all = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(x, all, newRS!, d)) return syncRolloutStatus(x, all, newRS, d);
  if (await reconcileOldReplicaSets(x, all, activeReplicaSets(oldRSs), newRS!, d)) return syncRolloutStatus(x, all, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(x, oldRSs, d);
  return syncRolloutStatus(x, all, newRS, d);
}

/** Scales the new ReplicaSet toward desired, no further than maxSurge allows. True when it scaled. */
export async function reconcileNewReplicaSet(x: SyncDeps, all: readonly ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const want = replicasOf(d);
  if (rsReplicas(newRS) === want) return false;
  if (rsReplicas(newRS) > want) return (await scaleReplicaSetAndRecordEvent(x, newRS, want, d)).scaled;
  return (await scaleReplicaSetAndRecordEvent(x, newRS, newRSNewReplicas(d, all, newRS), d)).scaled;
}

/**
 * Scales old ReplicaSets down as far as availability allows: never below desired − maxUnavailable
 * available pods, counting the new ReplicaSet's unavailable pods against the budget so a broken
 * new template cannot take the old pods with it. Returns true when anything scaled.
 */
export async function reconcileOldReplicaSets(x: SyncDeps, all: readonly ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (specReplicas(oldRSs) === 0) return false;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // Upstream swallows these errors here and reports progress instead; the next sync retries.
  try {
    const cleaned = await cleanupUnhealthyReplicas(x, oldRSs, d, maxScaledDown);
    const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(x, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
    return cleaned.count + scaledDown > 0;
  } catch {
    return false;
  }
}

/** Removes replicas that are not available from old ReplicaSets, oldest first, up to `max`. */
export async function cleanupUnhealthyReplicas(x: SyncDeps, oldRSs: ReplicaSet[], d: Deployment, max: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= max) break;
    const unhealthy = rsReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (rsReplicas(rs) === 0 || unhealthy === 0) continue;
    const n = Math.min(max - total, unhealthy);
    sorted[i] = (await scaleReplicaSetAndRecordEvent(x, rs, rsReplicas(rs) - n, d)).rs;
    total += n;
  }
  return { oldRSs: sorted, count: total };
}

/** Scales old ReplicaSets down, oldest first, by as many as are available beyond desired − maxUnavailable. */
export async function scaleDownOldReplicaSetsForRollingUpdate(x: SyncDeps, all: readonly ReplicaSet[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = availableReplicas(all);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (rsReplicas(rs) === 0) continue;
    const n = Math.min(rsReplicas(rs), budget - total);
    await scaleReplicaSetAndRecordEvent(x, rs, rsReplicas(rs) - n, d);
    total += n;
  }
  return total;
}
