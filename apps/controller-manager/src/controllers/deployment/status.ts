// The Deployment's status, as `kubectl rollout status` reads it: replica counts summed over its
// ReplicaSets, observedGeneration, the Available condition, and during a rollout the
// Progressing condition with its deadline.
import { objectKey } from '@k8ts/client';
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1';
import {
  deploymentComplete, deploymentProgressing, deploymentTimedOut, fromReplicaSetCondition, getCondition, newCondition,
  REASON, removeCondition, setCondition,
} from './conditions.ts';
import { tookWrite, type SyncDeps } from './deps.ts';
import { canonicalJSON } from './hash.ts';
import { actualReplicas, availableReplicas, hasProgressDeadline, maxUnavailable, readyReplicas, replicasOf, specReplicas } from './util.ts';

type MaybeRS = ReplicaSet | undefined;

export function calculateStatus(allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment, now: Date): DeploymentStatus {
  const available = availableReplicas(allRSs);
  // More available than desired happens while scaling down: nothing is unavailable then.
  const unavailable = Math.max(0, specReplicas(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (available >= replicasOf(d) - maxUnavailable(d))
    setCondition(status, newCondition('Available', 'True', REASON.MinimumAvailable, 'Deployment has minimum availability.', now));
  else setCondition(status, newCondition('Available', 'False', REASON.MinimumUnavailable, 'Deployment does not have minimum availability.', now));
  return status;
}

/** Status for comparison: zero counts are omitted on the wire (omitempty), so 0 and absent are equal. */
const canonicalStatus = (s: DeploymentStatus | undefined) =>
  canonicalJSON(Object.fromEntries(Object.entries(s ?? {}).filter(([k, v]) => v !== 0 || k === 'collisionCount')));

async function writeIfChanged(x: SyncDeps, d: Deployment, status: DeploymentStatus): Promise<boolean> {
  if (canonicalStatus(d.status) === canonicalStatus(status)) return false;
  d.status = status;
  tookWrite(d, await x.client.updateDeploymentStatus(d));
  return true;
}

/** Counts and Available only (scaling, paused and deleted Deployments). */
export async function syncDeploymentStatus(x: SyncDeps, allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment): Promise<void> {
  await writeIfChanged(x, d, calculateStatus(allRSs, newRS, d, x.clock.now()));
}

/** The status of a rollout: counts, Available, Progressing against the deadline, ReplicaFailure. */
export async function syncRolloutStatus(x: SyncDeps, allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment): Promise<void> {
  const now = x.clock.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');

  const current = getCondition(d.status, 'Progressing');
  // A resync after a finished rollout has no progress to estimate.
  const finished = status.replicas === status.updatedReplicas && current?.reason === REASON.NewRSAvailable;
  if (hasProgressDeadline(d) && !finished) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', REASON.NewRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with an unchanged reason (setCondition would keep
      // the old one), which is what restarts the deadline.
      const cond = newCondition('Progressing', 'True', REASON.RSUpdated, `${subject} is progressing.`, now);
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', REASON.TimedOut, `${subject} has timed out progressing.`, now));
    }
  }

  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');

  if (!(await writeIfChanged(x, d, status))) requeueStuckDeployment(x, d, status);
}

/** The new ReplicaSet's ReplicaFailure condition, else an old one's. */
function replicaFailure(allRSs: readonly MaybeRS[], newRS: MaybeRS) {
  for (const rs of [newRS, ...allRSs]) {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (c) return fromReplicaSetCondition(c);
  }
  return undefined;
}

/**
 * A rollout with no visible progress is checked again when its deadline passes (lastUpdateTime
 * of Progressing + progressDeadlineSeconds, plus a second against timer skew), since no event
 * may come to wake it. Returns the delay in ms, 0 for "now, rate-limited", -1 for no requeue.
 */
export function requeueStuckDeployment(x: SyncDeps, d: Deployment, status: DeploymentStatus): number {
  const cond = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return -1;
  if (deploymentComplete(d, status) || cond.reason === REASON.TimedOut) return -1;
  const after = Date.parse(cond.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - x.clock.now().getTime();
  if (after < 1000) {
    x.enqueueRateLimited(objectKey(d));
    return 0;
  }
  x.enqueueAfter(objectKey(d), after + 1000);
  return after;
}
