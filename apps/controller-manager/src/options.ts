// The controller manager's flags, named as kube-controller-manager's. Pure: parsed and
// validated before anything starts.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseDuration } from '@k8ts/api';
import { DEFAULT_CONFIG, type ControllerConfig } from './controller/context.ts';

export interface ManagerFlags {
  kubeconfig: string;
  bindAddress: string;
  /** /healthz, /readyz and /metrics; 0 picks a free port. */
  port: number;
  controllers: string[];
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  /** Client-side rate limit (upstream defaults 20/30 are far below what this machine serves). */
  qps: number;
  burst: number;
  logLevel: string;
  config: ControllerConfig;
}

export const USAGE = `usage: controller-manager --kubeconfig=PATH [--bind-address=127.0.0.1] [--port=10257]
  [--controllers=*] [--leader-elect=true] [--leader-elect-lease-duration=15s] [--leader-elect-renew-deadline=10s]
  [--leader-elect-retry-period=2s] [--leader-elect-resource-namespace=kube-system]
  [--leader-elect-resource-name=kube-controller-manager] [--identity=NAME] [--kube-api-qps=N] [--kube-api-burst=N]
  [--concurrent-syncs=5] [--node-monitor-grace-period=40s] [--node-monitor-period=5s] [--node-startup-grace-period=60s]
  [--terminated-pod-gc-threshold=12500] [--cluster-cidr=10.244.0.0/16] [--node-cidr-mask-size=24]
  [--allocate-node-cidrs=true] [--log-level=info]`;

export class UsageError extends Error {}

const ms = (flag: string, v: string) => {
  const n = parseDuration(v);
  if (n === undefined || n <= 0) throw new UsageError(`--${flag}: not a positive duration: ${v}`);
  return n;
};
const positive = (flag: string, v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, not ${v}`);
  return n;
};
const bool = (flag: string, v: string) => {
  if (v !== 'true' && v !== 'false') throw new UsageError(`--${flag} must be true or false`);
  return v === 'true';
};

export function parseFlags(argv: readonly string[]): ManagerFlags {
  const o: ManagerFlags = {
    kubeconfig: '', bindAddress: '127.0.0.1', port: 10257, controllers: ['*'], leaderElect: true,
    leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2,
    leaseNamespace: 'kube-system', leaseName: 'kube-controller-manager', identity: `${hostname()}_${randomUUID()}`,
    qps: 500, burst: 1000, logLevel: 'info', config: { ...DEFAULT_CONFIG },
  };
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${arg}\n${USAGE}`);
    const [, flag = '', value = ''] = m;
    switch (flag) {
      case 'kubeconfig': o.kubeconfig = value; break;
      case 'bind-address': o.bindAddress = value; break;
      case 'port': o.port = Number(value); break;
      case 'controllers': o.controllers = value.split(',').map((s) => s.trim()).filter(Boolean); break;
      case 'leader-elect': o.leaderElect = bool(flag, value); break;
      case 'leader-elect-lease-duration': o.leaseDurationSeconds = ms(flag, value) / 1000; break;
      case 'leader-elect-renew-deadline': o.renewDeadlineSeconds = ms(flag, value) / 1000; break;
      case 'leader-elect-retry-period': o.retryPeriodSeconds = ms(flag, value) / 1000; break;
      case 'leader-elect-resource-namespace': o.leaseNamespace = value; break;
      case 'leader-elect-resource-name': o.leaseName = value; break;
      case 'identity': o.identity = value; break;
      case 'kube-api-qps': o.qps = positive(flag, value); break;
      case 'kube-api-burst': o.burst = positive(flag, value); break;
      case 'log-level': o.logLevel = value; break;
      case 'concurrent-syncs': o.config.concurrentSyncs = positive(flag, value); break;
      case 'node-monitor-grace-period': o.config.nodeMonitorGracePeriodMs = ms(flag, value); break;
      case 'node-monitor-period': o.config.nodeMonitorPeriodMs = ms(flag, value); break;
      case 'node-startup-grace-period': o.config.nodeStartupGracePeriodMs = ms(flag, value); break;
      case 'terminated-pod-gc-threshold': o.config.terminatedPodGCThreshold = positive(flag, value); break;
      case 'cluster-cidr': o.config.clusterCIDR = value; break;
      case 'node-cidr-mask-size': o.config.nodeCIDRMaskSize = positive(flag, value); break;
      case 'allocate-node-cidrs': o.config.allocateNodeCIDRs = bool(flag, value); break;
      default: throw new UsageError(`unknown flag --${flag}\n${USAGE}`);
    }
  }
  if (!o.kubeconfig) throw new UsageError(`--kubeconfig is required\n${USAGE}`);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError('--port must be 0-65535');
  if (o.leaderElect && !(o.leaseDurationSeconds > o.renewDeadlineSeconds))
    throw new UsageError('--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline');
  return o;
}
