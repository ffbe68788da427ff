// What every controller is built from (upstream's ControllerContext): the API client for
// writes, the shared informers for reads, an event recorder per controller, the clock, a logger,
// the metrics, and the typed configuration from the command line.
import type { Client, Clock, EventRecorder } from '@k8ts/client';
import type { Logger } from 'pino';
import type { InformerFactory } from './informers.ts';
import type { ControllerMetrics } from './metrics.ts';

export interface ControllerConfig {
  /** Workers per controller (upstream --concurrent-*-syncs; default 5). */
  concurrentSyncs: number;
  /** A node whose Lease is older than this is NotReady/Unknown (upstream --node-monitor-grace-period, 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** How often node health is checked (upstream --node-monitor-period, 5 s). */
  nodeMonitorPeriodMs: number;
  /** A new node gets this long to post its first status (upstream --node-startup-grace-period, 60 s). */
  nodeStartupGracePeriodMs: number;
  /** Terminated pods kept before PodGC deletes the oldest (upstream --terminated-pod-gc-threshold, 12500). */
  terminatedPodGCThreshold: number;
  /** Pod addresses; every node gets a /nodeCIDRMaskSize (upstream --cluster-cidr, --node-cidr-mask-size). */
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
  allocateNodeCIDRs: boolean;
}

export const DEFAULT_CONFIG: ControllerConfig = {
  concurrentSyncs: 5,
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  nodeStartupGracePeriodMs: 60_000,
  terminatedPodGCThreshold: 12_500,
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  allocateNodeCIDRs: true,
};

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  clock: Clock;
  log: Logger;
  metrics: ControllerMetrics;
  /** An event recorder whose source is `component` (e.g. "replicaset-controller"). */
  recorder(component: string): EventRecorder;
  config: ControllerConfig;
}
