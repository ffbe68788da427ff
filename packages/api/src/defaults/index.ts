// applyDefaults: what the apiserver fills in before validation, so `kubectl get -o yaml` shows what
// a real cluster shows. One defaulter per Kind; kinds with no defaults (ConfigMap, Event, Lease,
// ServiceAccount, PodDisruptionBudget, …) are left as sent.
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.ts';
import { defaultCronJob, defaultJob } from './batch.ts';
import { defaultNamespace, defaultNode, defaultPersistentVolumeClaim, defaultPriorityClass, defaultSecret } from './core.ts';
import { defaultPod, type DefaultsOptions } from './pod.ts';
import { defaultEndpointSlice, defaultEndpoints, defaultService } from './service.ts';
import { isObj, type Obj } from './util.ts';

const DEFAULTERS: Record<string, (obj: Obj, opts: DefaultsOptions) => void> = {
  Pod: defaultPod,
  Service: defaultService,
  Endpoints: defaultEndpoints,
  EndpointSlice: defaultEndpointSlice,
  Secret: defaultSecret,
  Namespace: defaultNamespace,
  Node: defaultNode,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  DaemonSet: defaultDaemonSet,
  StatefulSet: defaultStatefulSet,
  Job: defaultJob,
  CronJob: defaultCronJob,
  PriorityClass: defaultPriorityClass,
};

/**
 * Fills in `obj` (of Kind `kind`) in place. Pods also get the defaulting admission plugins
 * (service account, not-ready/unreachable tolerations); templates inside workloads do not.
 * Idempotent, so it is safe on create and on update. Unknown kinds and non-objects are left alone.
 */
export function applyDefaults(kind: string, obj: any, opts: DefaultsOptions = {}): void {
  const fn = DEFAULTERS[kind];
  if (fn && isObj(obj)) fn(obj, opts);
}

export type { DefaultsOptions } from './pod.ts';
export { defaultPullPolicy } from './image.ts';
export { canonicalQuantity } from './resources.ts';
