// The controller manager's flags, named as kube-controller-manager's: the shared component flags
// (packages/client) plus --controllers and the controllers' own settings. Pure: parsed and
// validated before anything starts.
import { booleanFlag, COMPONENT_USAGE, componentDefaults, durationMs, parseComponentArgs, positiveNumber, type ComponentFlags } from '@k8ts/client';
import { DEFAULT_CONFIG, type ControllerConfig } from './controller/context.ts';

export interface ManagerFlags extends ComponentFlags {
  controllers: string[];
  config: ControllerConfig;
}

export const USAGE = `usage: controller-manager ${COMPONENT_USAGE}
  [--controllers=*] [--concurrent-syncs=5] [--node-monitor-grace-period=40s] [--node-monitor-period=5s]
  [--node-startup-grace-period=60s] [--terminated-pod-gc-threshold=12500] [--cluster-cidr=10.244.0.0/16]
  [--node-cidr-mask-size=24] [--allocate-node-cidrs=true]
  (defaults: --port=10257, --leader-elect-resource-name=kube-controller-manager, --kube-api-qps=500, --kube-api-burst=1000)`;

export function parseFlags(argv: readonly string[]): ManagerFlags {
  // Upstream's 20 QPS / 30 burst would throttle every controller far below what the API server
  // here sustains (~500 writes/s): 500 / 1000.
  const o: ManagerFlags = {
    ...componentDefaults({ port: 10257, leaseName: 'kube-controller-manager', qps: 500, burst: 1000 }),
    controllers: ['*'],
    config: { ...DEFAULT_CONFIG },
  };
  const c = o.config;
  return parseComponentArgs(argv, o, USAGE, (flag, value) => {
    switch (flag) {
      case 'controllers': o.controllers = value.split(',').map((s) => s.trim()).filter(Boolean); return true;
      case 'concurrent-syncs': c.concurrentSyncs = positiveNumber(flag, value); return true;
      case 'node-monitor-grace-period': c.nodeMonitorGracePeriodMs = durationMs(flag, value); return true;
      case 'node-monitor-period': c.nodeMonitorPeriodMs = durationMs(flag, value); return true;
      case 'node-startup-grace-period': c.nodeStartupGracePeriodMs = durationMs(flag, value); return true;
      case 'terminated-pod-gc-threshold': c.terminatedPodGCThreshold = positiveNumber(flag, value); return true;
      case 'cluster-cidr': c.clusterCIDR = value; return true;
      case 'node-cidr-mask-size': c.nodeCIDRMaskSize = positiveNumber(flag, value); return true;
      case 'allocate-node-cidrs': c.allocateNodeCIDRs = booleanFlag(flag, value); return true;
      default: return false;
    }
  });
}
