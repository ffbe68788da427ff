export { Heap } from './heap.ts';
export {
  ACTION_BITS,
  EVENTS,
  PLUGIN_EVENTS,
  WILDCARD_EVENT,
  eventMatches,
  nodeUpdateEvents,
  podMatchesEvent,
  type ActionType,
  type ClusterEvent,
  type EventResource,
} from './events.ts';
export { Nominator } from './nominator.ts';
export { assignedPodUpdateEvents, isPodUpdated } from './pod-changes.ts';
export {
  BACKOFF_FLUSH_INTERVAL_MS,
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
  QueueClosedError,
  UNSCHEDULABLE_FLUSH_INTERVAL_MS,
  type QueuedPodInfo,
  type QueueOptions,
} from './queued-pod-info.ts';
export { SchedulingQueue, type PendingCounts } from './scheduling-queue.ts';
