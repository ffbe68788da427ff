// The scheduler process's flags, named as kube-scheduler's. Pure: parsed and validated before
// anything starts; the scheduling policy itself lives in the --config file (config.ts).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseDuration } from '@k8ts/api';

export interface SchedulerOptions {
  kubeconfig: string;
  /** A KubeSchedulerConfiguration file; unset → upstream defaults. */
  config: string | undefined;
  bindAddress: string;
  /** /healthz, /metrics and /debug; 0 picks a free port. */
  port: number;
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  leaseNamespace: string;
  leaseName: string;
  /** Who we are in the Lease: host name plus a random suffix, as upstream. */
  identity: string;
  /** Client-side rate limit towards the API server (upstream kube-scheduler: 50 / 100). */
  qps: number;
  burst: number;
  logLevel: string;
}

export const DEFAULTS: Omit<SchedulerOptions, 'kubeconfig' | 'identity'> = {
  config: undefined,
  bindAddress: '127.0.0.1',
  port: 10259,
  leaderElect: true,
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
  leaseNamespace: 'kube-system',
  leaseName: 'kube-scheduler',
  qps: 50,
  burst: 100,
  logLevel: 'info',
};

export const USAGE = `usage: scheduler --kubeconfig=PATH [--config=PATH] [--bind-address=127.0.0.1] [--port=10259]
  [--leader-elect=true] [--leader-elect-lease-duration=15s] [--leader-elect-renew-deadline=10s]
  [--leader-elect-retry-period=2s] [--leader-elect-resource-namespace=kube-system]
  [--leader-elect-resource-name=kube-scheduler] [--identity=NAME] [--kube-api-qps=50] [--kube-api-burst=100]
  [--log-level=info]`;

export class UsageError extends Error {}

const seconds = (flag: string, v: string) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0) throw new UsageError(`--${flag}: not a positive duration: ${v}`);
  return ms / 1000;
};

const positive = (flag: string, v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, not ${v}`);
  return n;
};

export function parseFlags(argv: readonly string[]): SchedulerOptions {
  const o: SchedulerOptions = { ...DEFAULTS, kubeconfig: '', identity: `${hostname()}_${randomUUID()}` };
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${arg}\n${USAGE}`);
    const [, flag = '', value = ''] = m;
    switch (flag) {
      case 'kubeconfig': o.kubeconfig = value; break;
      case 'config': o.config = value; break;
      case 'bind-address': o.bindAddress = value; break;
      case 'port': o.port = Number(value); break;
      case 'leader-elect':
        if (value !== 'true' && value !== 'false') throw new UsageError('--leader-elect must be true or false');
        o.leaderElect = value === 'true';
        break;
      case 'leader-elect-lease-duration': o.leaseDurationSeconds = seconds(flag, value); break;
      case 'leader-elect-renew-deadline': o.renewDeadlineSeconds = seconds(flag, value); break;
      case 'leader-elect-retry-period': o.retryPeriodSeconds = seconds(flag, value); break;
      case 'leader-elect-resource-namespace': o.leaseNamespace = value; break;
      case 'leader-elect-resource-name': o.leaseName = value; break;
      case 'identity': o.identity = value; break;
      case 'kube-api-qps': o.qps = positive(flag, value); break;
      case 'kube-api-burst': o.burst = positive(flag, value); break;
      case 'log-level': o.logLevel = value; break;
      default: throw new UsageError(`unknown flag --${flag}\n${USAGE}`);
    }
  }
  if (!o.kubeconfig) throw new UsageError(`--kubeconfig is required\n${USAGE}`);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError('--port must be 0-65535');
  if (o.leaderElect && !(o.leaseDurationSeconds > o.renewDeadlineSeconds))
    throw new UsageError('--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline');
  return o;
}
