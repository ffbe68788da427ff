// Entry points the apiserver's strategies call: one per verb, dispatching on Kind. A kind with no
// rules here is accepted as is (its ObjectMeta is still checked where upstream checks it).
import type { StatusCause } from '../errors.ts';
import {
  validateBinding, validateConfigMap, validateDataUpdate, validateEvent, validateLease, validateNamespace, validateNamespaceStatus,
  validateNode, validatePodDisruptionBudget, validatePriorityClass, validateSecret, validateServiceAccount,
} from './core.ts';
import { immutable, nonNegative } from './field.ts';
import { asObj, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from './pod.ts';
import { validateEndpointSlice, validateEndpoints, validateService, validateServiceUpdate } from './service.ts';
import {
  validateCronJob, validateDaemonSet, validateDeployment, validateJob, validateReplicaSet, validateStatefulSet, validateWorkloadUpdate,
} from './workloads.ts';

type Obj = Record<string, unknown>;

const CREATE: Record<string, (o: Obj) => StatusCause[]> = {
  Pod: validatePod,
  Deployment: validateDeployment,
  ReplicaSet: validateReplicaSet,
  DaemonSet: validateDaemonSet,
  StatefulSet: validateStatefulSet,
  Job: validateJob,
  CronJob: validateCronJob,
  Service: validateService,
  Endpoints: validateEndpoints,
  EndpointSlice: validateEndpointSlice,
  ConfigMap: validateConfigMap,
  Secret: validateSecret,
  Namespace: validateNamespace,
  Node: validateNode,
  Event: validateEvent,
  ServiceAccount: validateServiceAccount,
  Binding: validateBinding,
  Lease: validateLease,
  PodDisruptionBudget: validatePodDisruptionBudget,
  PriorityClass: validatePriorityClass,
};

/** [] when `obj` may be created; otherwise one cause per problem, as upstream reports them. */
export function validateCreate(kind: string, obj: any): StatusCause[] {
  const o = asObj(obj);
  const fn = CREATE[kind];
  return fn ? fn(o) : validateObjectMeta(o['metadata'], nameIsDNSSubdomain);
}

/** Everything validateCreate checks except the name format (it cannot change), plus immutability. */
export function validateUpdate(kind: string, obj: any, old: any): StatusCause[] {
  const o = asObj(obj);
  const prev = asObj(old);
  const fresh = validateCreate(kind, o).filter((c) => !c.field?.startsWith('metadata.'));
  switch (kind) {
    case 'Pod':
      return dedupe([...validatePodUpdate(o, prev), ...fresh.filter((c) => !c.field?.startsWith('spec'))]);
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
      return dedupe([...validateWorkloadUpdate(kind, o, prev), ...fresh]);
    case 'Service':
      return dedupe([...validateServiceUpdate(o, prev), ...fresh]);
    case 'ConfigMap':
    case 'Secret':
      return dedupe([...validateObjectMetaUpdate(o['metadata'], prev['metadata']), ...validateDataUpdate(kind, o, prev), ...fresh]);
    case 'PriorityClass':
      return dedupe([
        ...validateObjectMetaUpdate(o['metadata'], prev['metadata']),
        ...immutable('value', o['value'], prev['value']),
        ...immutable('preemptionPolicy', o['preemptionPolicy'], prev['preemptionPolicy']),
        ...fresh,
      ]);
    default:
      return dedupe([...validateObjectMetaUpdate(o['metadata'], prev['metadata']), ...fresh]);
  }
}

const REPLICA_STATUS = ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas', 'fullyLabeledReplicas', 'unavailableReplicas', 'currentReplicas'];
const DAEMON_STATUS = ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'];
const JOB_STATUS = ['active', 'succeeded', 'failed', 'ready', 'terminating'];

/** Status writes: metadata stays put and counters in status are never negative. */
export function validateStatusUpdate(kind: string, obj: any, old: any): StatusCause[] {
  const o = asObj(obj);
  const prev = asObj(old);
  if (kind === 'Pod') return validatePodStatusUpdate(o, prev);
  const errs = validateObjectMetaUpdate(o['metadata'], prev['metadata']);
  const status = asObj(o['status']);
  const counters = kind === 'DaemonSet' ? DAEMON_STATUS : kind === 'Job' ? JOB_STATUS : REPLICA_STATUS;
  for (const f of counters) errs.push(...nonNegative(`status.${f}`, status[f]));
  errs.push(...nonNegative('status.observedGeneration', status['observedGeneration']));
  if (kind === 'Namespace') errs.push(...validateNamespaceStatus(o));
  return errs;
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const k = `${c.field ?? ''}\u0000${c.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isConfigMapKey, isIP } from './names.ts';
export { validateLabelSelector } from './meta.ts';
export { cronScheduleError } from './cron.ts';
