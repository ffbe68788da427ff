export { realClock, FakeClock, flush, type Clock, type TimerHandle } from './clock.ts';
export {
  TokenBucket, ItemExponentialRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter,
} from './ratelimit.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { loadKubeconfig, kubeconfigFromText, type KubeConfigEntry } from './kubeconfig.ts';
export { Client, type ClientOptions } from './client.ts';
export { resourcePath, withQuery } from './paths.ts';
export type {
  KubeObject, ObjectMeta, WatchEvent, ListResult, ListOptions, WatchOptions, WriteOptions, PatchType, PatchOptions, DeleteOptions, RawResponse,
} from './types.ts';
export { ndjson, Channel } from './watch.ts';
export {
  Store, Lister, keyOf, objectKey, splitKey, deepFreeze, NAMESPACE_INDEX, type ObjectKey, type IndexFunc,
} from './store.ts';
export {
  Informer, isTombstone, dropManagedFields, type InformerOptions, type ListWatcher, type EventHandler, type DeletedFinalStateUnknown,
} from './informer.ts';
export { WorkQueue, runWorker, type WorkQueueOptions, type QueueItem } from './workqueue.ts';
export { leasePort, microTime, type Lease, type LeaseSpec, type LeasePort } from './lease.ts';
export { LeaderElector, type LeaderElectorOptions, type LeaderCallbacks } from './leaderelection.ts';
export { EventRecorder, type EventRecorderOptions, type EventType } from './events.ts';
export {
  UsageError, componentDefaults, applyComponentFlag, parseComponentArgs, leaderElectionOf, runUntilSignalled,
  durationMs, positiveNumber, booleanFlag, COMPONENT_USAGE, type ComponentFlags, type LeaderElectionConfig,
} from './component.ts';
