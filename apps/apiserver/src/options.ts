// The API server's options: one typed object with upstream-like flag names and defaults.
import { parseDuration as parseGoDuration } from '@k8ts/api';
export interface ApiServerOptions {
  etcdServers: string[];
  /** Key prefix in etcd (upstream --etcd-prefix); tests give each server its own. */
  etcdPrefix: string;
  bindAddress: string;
  /** 0 picks a free port */
  port: number;
  serviceClusterIPRange: string;
  serviceNodePortRange: { first: number; last: number };
  /** the address in the `kubernetes` Endpoints */
  advertiseAddress: string;
  logLevel: string;
  bookmarkIntervalMs: number;
  /** How often etcd's history is compacted (upstream --etcd-compaction-interval); 0 turns it off. */
  etcdCompactionIntervalMs: number;
  /** Events each resource's watch cache keeps for resuming watches (upstream --watch-cache-sizes). */
  watchCacheSize: number;
  /** generated/openapi.json; absent → OpenAPI is not served (and Strict validation is off) */
  openapiFile: string | undefined;
  /** Tolerations DefaultTolerationSeconds admission gives new pods (upstream --default-*-toleration-seconds). */
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

export const DEFAULTS: Omit<ApiServerOptions, 'etcdServers'> = {
  etcdPrefix: '/registry',
  bindAddress: '127.0.0.1',
  port: 6443,
  serviceClusterIPRange: '10.96.0.0/16',
  serviceNodePortRange: { first: 30000, last: 32767 },
  advertiseAddress: '127.0.0.1',
  logLevel: 'info',
  bookmarkIntervalMs: 10_000,
  watchCacheSize: 10_000,
  etcdCompactionIntervalMs: 5 * 60_000,
  openapiFile: undefined,
  defaultNotReadyTolerationSeconds: 300,
  defaultUnreachableTolerationSeconds: 300,
};

const USAGE = `usage: apiserver --etcd-servers=URL[,URL] [--etcd-prefix=/registry] [--bind-address=127.0.0.1]
  [--port=6443] [--service-cluster-ip-range=10.96.0.0/16] [--service-node-port-range=30000-32767]
  [--advertise-address=IP] [--log-level=info] [--openapi-file=PATH] [--watch-cache-size=10000] [--etcd-compaction-interval=5m]
  [--default-not-ready-toleration-seconds=300] [--default-unreachable-toleration-seconds=300]`;

export class UsageError extends Error {}

/** `5m`, `30s`, `250ms` or `0`. */
function parseDuration(v: string): number {
  const ms = parseGoDuration(v);
  if (ms === undefined) throw new UsageError(`not a duration: ${v} (use e.g. 5m, 30s, 0)`);
  return ms;
}

export function parseFlags(argv: string[]): ApiServerOptions {
  const o: ApiServerOptions = { ...DEFAULTS, etcdServers: [] };
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${arg}\n${USAGE}`);
    const [, flag, value = ''] = m;
    switch (flag) {
      case 'etcd-servers': o.etcdServers = value.split(',').filter(Boolean); break;
      case 'etcd-prefix': o.etcdPrefix = value.replace(/\/$/, ''); break;
      case 'bind-address': o.bindAddress = value; break;
      case 'port': o.port = Number(value); break;
      case 'service-cluster-ip-range': o.serviceClusterIPRange = value; break;
      case 'service-node-port-range': {
        const [a, b] = value.split('-').map(Number);
        o.serviceNodePortRange = { first: a!, last: b! };
        break;
      }
      case 'advertise-address': o.advertiseAddress = value; break;
      case 'log-level': o.logLevel = value; break;
      case 'openapi-file': o.openapiFile = value; break;
      case 'watch-cache-size': o.watchCacheSize = Number(value); break;
      case 'etcd-compaction-interval': o.etcdCompactionIntervalMs = parseDuration(value); break;
      case 'default-not-ready-toleration-seconds': o.defaultNotReadyTolerationSeconds = Number(value); break;
      case 'default-unreachable-toleration-seconds': o.defaultUnreachableTolerationSeconds = Number(value); break;
      default: throw new UsageError(`unknown flag --${flag}\n${USAGE}`);
    }
  }
  if (o.etcdServers.length === 0) throw new UsageError(`--etcd-servers is required\n${USAGE}`);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError(`--port must be 0-65535\n${USAGE}`);
  for (const [flag, v] of [['default-not-ready-toleration-seconds', o.defaultNotReadyTolerationSeconds], ['default-unreachable-toleration-seconds', o.defaultUnreachableTolerationSeconds]] as const)
    if (!Number.isInteger(v)) throw new UsageError(`--${flag} must be an integer\n${USAGE}`);
  return o;
}
