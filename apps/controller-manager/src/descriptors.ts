// Every controller this manager knows, in upstream's start order (each named exactly once).
import type { ControllerDescriptor } from './controller/registry.ts';
import { descriptor as cronJob } from './controllers/cronjob/index.ts';
import { descriptor as daemonSet } from './controllers/daemonset/index.ts';
import { descriptor as deployment } from './controllers/deployment/index.ts';
import { descriptor as disruption } from './controllers/disruption/index.ts';
import { descriptor as endpoints } from './controllers/endpoints/index.ts';
import { descriptor as endpointSlice } from './controllers/endpointslice/index.ts';
import { descriptor as garbageCollector } from './controllers/garbage-collector/index.ts';
import { descriptor as job } from './controllers/job/index.ts';
import { descriptor as namespace } from './controllers/namespace/index.ts';
import { descriptor as nodeIpam } from './controllers/node-ipam/index.ts';
import { descriptor as nodeLifecycle, taintEvictionDescriptor as taintEviction } from './controllers/node-lifecycle/index.ts';
import { descriptor as podGC } from './controllers/podgc/index.ts';
import { descriptor as replicaSet } from './controllers/replicaset/index.ts';
import { descriptor as serviceAccount } from './controllers/serviceaccount/index.ts';
import { descriptor as statefulSet } from './controllers/statefulset/index.ts';
import { descriptor as ttlAfterFinished } from './controllers/ttl-after-finished/index.ts';

export const ALL_CONTROLLERS: readonly ControllerDescriptor[] = [
  endpoints, endpointSlice, replicaSet, podGC, namespace, serviceAccount, garbageCollector, daemonSet, job, deployment,
  disruption, statefulSet, cronJob, nodeIpam, nodeLifecycle, taintEviction, ttlAfterFinished,
];
