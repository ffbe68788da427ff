// Scaling a Deployment without rolling it (a replicas change, or any change while paused), the
// proportional spread of a scale across ReplicaSets mid-rollout, and the clean-up of old
// ReplicaSets beyond revisionHistoryLimit.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { SyncDeps } from './deps.ts';
import { scaleReplicaSet, scaleReplicaSetAndRecordEvent } from './replicasets.ts';
import {
  activeReplicaSets, byCreation, byRevision, bySizeNewer, bySizeOlder, desiredReplicasAnnotation, hasRevisionHistoryLimit, isRollingUpdate,
  maxReplicasAnnotation, maxSurge, replicasOf, rsReplicas, specReplicas,
} from './util.ts';

/** True when an active ReplicaSet was sized for a different replica count than the Deployment's now. */
export function isScalingEvent(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[]): boolean {
  return activeReplicaSets(allRSs).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

/** The only active ReplicaSet; with none active, the newest; with several, none. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet runs every desired replica, all of them available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return rsReplicas(rs) === want && desiredReplicasAnnotation(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/**
 * This ReplicaSet's share of `toAdd`: its size scaled by (new max replicas / max replicas it was
 * sized for), rounded half away from zero, never past what is left to add (or remove).
 */
export function getProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -rsReplicas(rs);
  const maxNow = replicasOf(d) + maxSurge(d);
  let maxBefore = maxReplicasAnnotation(rs) ?? 0;
  // Without the annotation (or sized for 0), the Deployment's current size stands in.
  if (maxBefore === 0) maxBefore = d.status?.replicas ?? 0;
  if (maxBefore === 0) return 0;
  const scaled = (rsReplicas(rs) * maxNow) / maxBefore;
  return Math.sign(scaled) * Math.round(Math.abs(scaled)) - rsReplicas(rs);
}

/**
 * Applies a replica count change: all of it to the only active ReplicaSet; none to old ones once
 * the new one is saturated; otherwise, for RollingUpdate, spread across the active ReplicaSets in
 * proportion to their sizes, the rounding leftover going to the largest.
 */
export async function scale(x: SyncDeps, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Promise<void> {
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (rsReplicas(only) !== replicasOf(d)) await scaleReplicaSetAndRecordEvent(x, only, replicasOf(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(x, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const p = getProportion(rs, d, toAdd, added);
    added += p;
    return rsReplicas(rs) + p;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  for (const [i, rs] of all.entries()) await scaleReplicaSet(x, rs, sizes[i]!, d);
}

/** Deletes the oldest revisions beyond revisionHistoryLimit, but only ReplicaSets fully scaled down and settled. */
export async function cleanupDeployment(x: SyncDeps, oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - (d.spec?.revisionHistoryLimit ?? 0);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0) continue;
    if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    await x.client.deleteReplicaSet(rs.metadata?.namespace ?? 'default', rs.metadata?.name ?? '');
  }
}
