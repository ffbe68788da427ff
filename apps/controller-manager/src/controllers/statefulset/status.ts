// StatefulSet status from the pods the set owns (upstream's computeReplicaStatus, updateStatus and
// completeRollingUpdate), and whether it differs from what the API server holds.
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { isPodAvailable } from '../../controller/pod-utils.ts';
import { isCreated, isRunningAndReady, isTerminating, podRevision } from './identity.ts';

export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: Date) =>
  isRunningAndReady(pod) && isPodAvailable(pod, minReadySeconds, now);

export interface Revisions {
  current: string;
  update: string;
}

export function computeStatus(set: StatefulSet, pods: readonly Pod[], rev: Revisions, now: Date): StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0,
    currentRevision: rev.current,
    updateRevision: rev.update,
    collisionCount: set.status?.collisionCount ?? 0,
  };
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas!++;
      if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas!++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      if (podRevision(pod) === rev.current) status.currentReplicas!++;
      if (podRevision(pod) === rev.update) status.updatedReplicas!++;
    }
  }
  // A rolling update is complete once every wanted replica runs, ready, at the update revision.
  const want = set.spec?.replicas ?? 1;
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  return status;
}

const FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision'] as const;

/** Whether `status` says something the stored status does not (upstream's inconsistentStatus). */
export function statusChanged(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = set.status ?? { replicas: 0 };
  return FIELDS.some((f) => (status[f] ?? 0) !== (old[f] ?? 0));
}
