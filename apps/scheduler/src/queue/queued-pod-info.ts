// A pod waiting in the scheduling queue with its scheduling history (upstream's QueuedPodInfo),
// and the options the queue is built from.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Clock } from '@k8ts/client';
import type { PodInfo } from '../framework/pod-info.ts';
import type { ClusterEvent } from './events.ts';

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** Always `podInfo.pod`; replaced together when the pod is updated. */
  pod: Pod;
  /** When the pod last entered the queue: orders equal priorities, and backoff counts from it. */
  timestamp: Date;
  /** Scheduling attempts so far (incremented by pop). */
  attempts: number;
  /** When the pod was first popped; for the scheduling latency metric. */
  initialAttemptTimestamp: Date | undefined;
  /**
   * Plugins that rejected the pod in its last attempt; the scheduling cycle fills this in before
   * `addUnschedulableIfNotPresent`. Only events these plugins registered move the pod back.
   */
  unschedulablePlugins: Set<string>;
}

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS = 5 * 60_000;
/** How often backoffQ is checked for pods whose backoff ended (upstream: every second). */
export const BACKOFF_FLUSH_INTERVAL_MS = 1_000;
/** How often unschedulablePods is checked for pods parked too long (upstream: every 30 s). */
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30_000;

export interface QueueOptions {
  readonly clock: Clock;
  /** Backoff after the first failed attempt; doubles per attempt. Default 1 s. */
  readonly podInitialBackoffMs?: number;
  /** Ceiling of the backoff. Default 10 s. */
  readonly podMaxBackoffMs?: number;
  /** An unschedulable pod parked this long goes back to be retried anyway. Default 5 min. */
  readonly podMaxInUnschedulablePodsDurationMs?: number;
  /** The events each plugin registered; default PLUGIN_EVENTS. */
  readonly pluginEvents?: Readonly<Record<string, readonly ClusterEvent[]>>;
  /** Labels of a namespace, for affinity terms with a namespaceSelector. */
  readonly namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
}

export class QueueClosedError extends Error {
  constructor() {
    super('scheduling queue is closed');
    this.name = 'QueueClosedError';
  }
}
