// Which strategy serves which resource: one line per kind that is not plain.
import type { ResourceInfo } from '@k8ts/api';
import { WorkloadStrategy, JobStrategy } from './apps/workloads.ts';
import { NamespaceStrategy } from './core/namespaces.ts';
import { PodStrategy } from './core/pods.ts';
import { EventStrategy, SecretStrategy, ServiceAccountStrategy, ServiceStrategy } from './core/simple.ts';
import { DefaultStrategy, type Strategy } from './strategy.ts';

const BY_KIND: Record<string, new (r: ResourceInfo) => Strategy> = {
  Pod: PodStrategy,
  Namespace: NamespaceStrategy,
  Service: ServiceStrategy,
  Event: EventStrategy,
  Secret: SecretStrategy,
  ServiceAccount: ServiceAccountStrategy,
  Deployment: WorkloadStrategy,
  ReplicaSet: WorkloadStrategy,
  DaemonSet: WorkloadStrategy,
  StatefulSet: WorkloadStrategy,
  Job: JobStrategy,
  CronJob: WorkloadStrategy,
  PodDisruptionBudget: WorkloadStrategy,
};

export const strategyFor = (r: ResourceInfo): Strategy => new (BY_KIND[r.kind] ?? DefaultStrategy)(r);
