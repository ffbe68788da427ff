// Every controller this manager knows, in upstream's start order (each named exactly once).
import type { ControllerDescriptor } from './controller/registry.ts';
import { descriptor as cronJob } from './controllers/cronjob/index.ts';
import { descriptor as garbageCollector } from './controllers/garbage-collector/index.ts';
import { descriptor as job } from './controllers/job/index.ts';
import { descriptor as replicaSet } from './controllers/replicaset/index.ts';
import { descriptor as ttlAfterFinished } from './controllers/ttl-after-finished/index.ts';

export const ALL_CONTROLLERS: readonly ControllerDescriptor[] = [replicaSet, job, cronJob, ttlAfterFinished, garbageCollector];
