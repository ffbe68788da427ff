// What every control-plane component shares on its command line and at shutdown, named as
// upstream's component-base flags: where the API server is (--kubeconfig), where to serve
// health and metrics, leader election, client-side rate limits, log level. Each component adds
// its own flags on top; parsing stays pure so every rule can be table-tested.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { parseDuration } from '@k8ts/api';

/** A mistake on the command line; the component prints it and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

export interface ComponentFlags {
  kubeconfig: string;
  bindAddress: string;
  /** /healthz, /readyz and /metrics; 0 picks a free port. */
  port: number;
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  leaseNamespace: string;
  leaseName: string;
  /** Who we are in the Lease: host name plus a random suffix, as upstream. */
  identity: string;
  qps: number;
  burst: number;
  logLevel: string;
}

/** Upstream's defaults, with the port, Lease name and rate limits each component sets. */
export const componentDefaults = (o: { port: number; leaseName: string; qps: number; burst: number }): ComponentFlags => ({
  kubeconfig: '', bindAddress: '127.0.0.1', port: o.port, leaderElect: true,
  leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2,
  leaseNamespace: 'kube-system', leaseName: o.leaseName, identity: `${hostname()}_${randomUUID()}`,
  qps: o.qps, burst: o.burst, logLevel: 'info',
});

export const COMPONENT_USAGE = `--kubeconfig=PATH [--bind-address=127.0.0.1] [--port=N]
  [--leader-elect=true] [--leader-elect-lease-duration=15s] [--leader-elect-renew-deadline=10s]
  [--leader-elect-retry-period=2s] [--leader-elect-resource-namespace=kube-system]
  [--leader-elect-resource-name=NAME] [--identity=NAME] [--kube-api-qps=N] [--kube-api-burst=N] [--log-level=info]`;

export const durationMs = (flag: string, v: string): number => {
  const n = parseDuration(v);
  if (n === undefined || n <= 0) throw new UsageError(`--${flag}: not a positive duration: ${v}`);
  return n;
};

export const positiveNumber = (flag: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, not ${v}`);
  return n;
};

export const booleanFlag = (flag: string, v: string): boolean => {
  if (v !== 'true' && v !== 'false') throw new UsageError(`--${flag} must be true or false`);
  return v === 'true';
};

/** Applies one shared flag; false when `flag` is not one of them (the component's own, or unknown). */
export function applyComponentFlag(o: ComponentFlags, flag: string, value: string): boolean {
  switch (flag) {
    case 'kubeconfig': o.kubeconfig = value; return true;
    case 'bind-address': o.bindAddress = value; return true;
    case 'port': o.port = Number(value); return true;
    case 'leader-elect': o.leaderElect = booleanFlag(flag, value); return true;
    case 'leader-elect-lease-duration': o.leaseDurationSeconds = durationMs(flag, value) / 1000; return true;
    case 'leader-elect-renew-deadline': o.renewDeadlineSeconds = durationMs(flag, value) / 1000; return true;
    case 'leader-elect-retry-period': o.retryPeriodSeconds = durationMs(flag, value) / 1000; return true;
    case 'leader-elect-resource-namespace': o.leaseNamespace = value; return true;
    case 'leader-elect-resource-name': o.leaseName = value; return true;
    case 'identity': o.identity = value; return true;
    case 'kube-api-qps': o.qps = positiveNumber(flag, value); return true;
    case 'kube-api-burst': o.burst = positiveNumber(flag, value); return true;
    case 'log-level': o.logLevel = value; return true;
    default: return false;
  }
}

/**
 * Parses `--name=value` arguments: shared flags first, then `own(flag, value)` for the
 * component's (returning false for an unknown flag); validates the shared ones at the end.
 */
export function parseComponentArgs<T extends ComponentFlags>(argv: readonly string[], o: T, usage: string, own: (flag: string, value: string) => boolean): T {
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${arg}\n${usage}`);
    const [, flag = '', value = ''] = m;
    if (!applyComponentFlag(o, flag, value) && !own(flag, value)) throw new UsageError(`unknown flag --${flag}\n${usage}`);
  }
  if (!o.kubeconfig) throw new UsageError(`--kubeconfig is required\n${usage}`);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError('--port must be 0-65535');
  if (o.leaderElect && !(o.leaseDurationSeconds > o.renewDeadlineSeconds))
    throw new UsageError('--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline');
  return o;
}

/** The Lease settings when leader election is on. */
export const leaderElectionOf = (o: ComponentFlags): LeaderElectionConfig | undefined =>
  o.leaderElect
    ? { namespace: o.leaseNamespace, name: o.leaseName, leaseDurationSeconds: o.leaseDurationSeconds, renewDeadlineSeconds: o.renewDeadlineSeconds, retryPeriodSeconds: o.retryPeriodSeconds }
    : undefined;

/**
 * Runs `run(signal)` until SIGTERM/SIGINT, then aborts it, waits up to 5 s for it to finish
 * (time for a leader to give up its Lease), runs `cleanup` and exits 0.
 */
export async function runUntilSignalled(run: (signal: AbortSignal) => Promise<void>, o: { onSignal(signal: string): void; cleanup(): Promise<void> | void }): Promise<void> {
  const ac = new AbortController();
  // Every informer, timer and lease loop of the component listens on this one signal.
  setMaxListeners(0, ac.signal);
  const running = run(ac.signal);
  const stop = async (signal: string) => {
    o.onSignal(signal);
    ac.abort();
    await Promise.race([running, new Promise((r) => setTimeout(r, 5000))]);
    await o.cleanup();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await running;
}
