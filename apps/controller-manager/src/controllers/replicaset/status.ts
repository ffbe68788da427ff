// A ReplicaSet's status from the pods it owns (upstream's replica_set_utils.go): counts of pods,
// of pods carrying every template label, of ready and of available pods, and the ReplicaFailure
// condition that reports the last failed create or delete until a sync succeeds again.
import { selectorFromSet } from '@k8ts/api';
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { isPodAvailable, isPodReady } from '../../controller/pod-utils.ts';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** Kubernetes times are whole seconds on the wire. */
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const desiredReplicas = (rs: ReplicaSet): number => rs.spec?.replicas ?? 1;

/**
 * The status `rs` should have given its active, claimed pods and the error (if any) of this
 * sync's creates or deletes. An existing ReplicaFailure condition is kept as it was while errors
 * continue, and removed by the first sync without one. observedGeneration is set on write.
 */
export function calculateStatus(rs: ReplicaSet, filteredPods: readonly Pod[], manageReplicasErr: Error | undefined, now: Date): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of filteredPods) {
    if (templateLabels.matches(pod.metadata?.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }

  const old = rs.status ?? { replicas: 0 };
  let conditions: ReplicaSetCondition[] | undefined = old.conditions ? old.conditions.map((c) => ({ ...c })) : undefined;
  const failure = conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageReplicasErr && !failure) {
    const diff = filteredPods.length - desiredReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...(conditions ?? []), { type: REPLICA_FAILURE, status: 'True', reason, message: manageReplicasErr.message, lastTransitionTime: rfc3339(now) }];
  } else if (!manageReplicasErr && failure) {
    conditions = conditions!.filter((c) => c.type !== REPLICA_FAILURE);
  }

  const status: ReplicaSetStatus = {
    ...old,
    replicas: filteredPods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  if (conditions && conditions.length > 0) status.conditions = conditions;
  else delete status.conditions;
  return status;
}

const sameConditions = (a: readonly ReplicaSetCondition[] = [], b: readonly ReplicaSetCondition[] = []) =>
  a.length === b.length && a.every((c, i) => JSON.stringify(c) === JSON.stringify(b[i]));

/** True when writing `next` would change nothing: same counts, conditions, and generation observed. */
export function statusUpToDate(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? { replicas: 0 };
  return (
    (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (rs.metadata?.generation ?? 0) === (cur.observedGeneration ?? 0) &&
    sameConditions(cur.conditions, next.conditions)
  );
}
