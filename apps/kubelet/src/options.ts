// The kubelet's command line, with upstream's flag names where upstream has one. Parsing is pure
// so every rule is table-tested; main.ts turns a UsageError into exit code 2.
import { hostname } from 'node:os';
import { booleanFlag, durationMs, UsageError } from '@k8ts/client';

export interface KubeletOptions {
  kubeconfig: string;
  /** The Node's name (--hostname-override); with --hollow-nodes, the prefix of every name. */
  nodeName: string;
  /** InternalIP of the Node and hostIP of its pods; default: the first non-loopback IPv4. */
  nodeIP?: string;
  /** Where the kubelet's HTTP server listens (--address, --port; port 0 picks a free one). */
  address: string;
  port: number;
  rootDir: string;
  podLogsDir: string;
  /** unix:///path/to/containerd.sock */
  runtimeEndpoint: string;
  /** Registered as the Node's spec.podCIDR (the node IPAM controller then keeps it). */
  podCIDR?: string;
  clusterDNS: string[];
  clusterDomain: string;
  /** Static pod manifests (--pod-manifest-path); none when unset. */
  staticPodPath?: string;
  cgroupRoot: string;
  maxPods: number;
  nodeLabels: Record<string, string>;
  nodeStatusUpdateMs: number;
  /** How often the PLEG relists the runtime (upstream: 1 s). */
  relistMs: number;
  /** Every pod is synced at least this often even without events (--sync-frequency, 1 min). */
  syncMs: number;
  /** CrashLoopBackOff: first delay and cap (upstream 10 s and 5 min; shorter for tests). */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Run this many hollow kubelets on fake runtimes in this process instead of one real one. */
  hollowNodes: number;
  logLevel: string;
}

export const KUBELET_USAGE = `usage: kubelet --kubeconfig=PATH [--hostname-override=NAME] [--node-ip=IP]
  [--address=127.0.0.1] [--port=10250] [--root-dir=/var/lib/kubelet] [--pod-logs-dir=/var/log/pods]
  [--container-runtime-endpoint=unix:///run/containerd/containerd.sock] [--pod-cidr=CIDR]
  [--cluster-dns=10.96.0.10] [--cluster-domain=cluster.local] [--pod-manifest-path=DIR]
  [--cgroup-root=/] [--max-pods=110] [--node-labels=k=v,…] [--node-status-update-frequency=10s]
  [--sync-frequency=1m] [--pleg-relist-period=1s] [--crash-loop-back-off-initial=10s]
  [--crash-loop-back-off-max=5m] [--hollow-nodes=N] [--log-level=info]`;

export const kubeletDefaults = (): KubeletOptions => ({
  kubeconfig: '', nodeName: hostname().toLowerCase(), address: '127.0.0.1', port: 10250,
  rootDir: '/var/lib/kubelet', podLogsDir: '/var/log/pods', runtimeEndpoint: 'unix:///run/containerd/containerd.sock',
  clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', cgroupRoot: '/', maxPods: 110, nodeLabels: {},
  nodeStatusUpdateMs: 10_000, relistMs: 1_000, syncMs: 60_000, backoffInitialMs: 10_000, backoffMaxMs: 300_000,
  hollowNodes: 0, logLevel: 'info',
});

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const octetsOk = (m: RegExpExecArray, n: number) => m.slice(1, 1 + n).every((o) => Number(o) <= 255);

function labelsFlag(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',').filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--node-labels: "${pair}" is not key=value`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

function integer(flag: string, value: string, min: number, max: number): number {
  // Digits only: Number('') is 0, so an empty --port=$UNSET must not mean "any free port".
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer in ${min}-${max}, not ${value}`);
  return n;
}

export function parseKubeletFlags(argv: readonly string[]): KubeletOptions {
  const o = kubeletDefaults();
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${arg}\n${KUBELET_USAGE}`);
    const [, flag = '', value = ''] = m;
    switch (flag) {
      case 'kubeconfig': o.kubeconfig = value; break;
      case 'hostname-override': o.nodeName = value.toLowerCase(); break;
      case 'node-ip': {
        const ip = IPV4.exec(value);
        if (!ip || !octetsOk(ip, 4)) throw new UsageError(`--node-ip: not an IPv4 address: ${value}`);
        o.nodeIP = value;
        break;
      }
      case 'address': o.address = value; break;
      case 'port': o.port = integer(flag, value, 0, 65535); break;
      case 'root-dir': o.rootDir = value; break;
      case 'pod-logs-dir': o.podLogsDir = value; break;
      case 'container-runtime-endpoint':
        if (!value.startsWith('unix://')) throw new UsageError('--container-runtime-endpoint must be unix:///path');
        o.runtimeEndpoint = value;
        break;
      case 'pod-cidr': {
        const c = CIDR.exec(value);
        if (!c || !octetsOk(c, 4) || Number(c[5]) > 32) throw new UsageError(`--pod-cidr: not an IPv4 CIDR: ${value}`);
        o.podCIDR = value;
        break;
      }
      case 'cluster-dns': o.clusterDNS = value.split(',').filter(Boolean); break;
      case 'cluster-domain': o.clusterDomain = value; break;
      case 'pod-manifest-path': if (value) o.staticPodPath = value; else delete o.staticPodPath; break;
      case 'cgroup-root': o.cgroupRoot = value; break;
      case 'max-pods': o.maxPods = integer(flag, value, 1, 100_000); break;
      case 'node-labels': o.nodeLabels = labelsFlag(value); break;
      case 'node-status-update-frequency': o.nodeStatusUpdateMs = durationMs(flag, value); break;
      case 'sync-frequency': o.syncMs = durationMs(flag, value); break;
      case 'pleg-relist-period': o.relistMs = durationMs(flag, value); break;
      case 'crash-loop-back-off-initial': o.backoffInitialMs = durationMs(flag, value); break;
      case 'crash-loop-back-off-max': o.backoffMaxMs = durationMs(flag, value); break;
      case 'hollow-nodes': o.hollowNodes = integer(flag, value, 0, 10_000); break;
      case 'register-node': if (!booleanFlag(flag, value)) throw new UsageError('--register-node=false is not supported'); break;
      case 'log-level': o.logLevel = value; break;
      default: throw new UsageError(`unknown flag --${flag}\n${KUBELET_USAGE}`);
    }
  }
  if (!o.kubeconfig) throw new UsageError(`--kubeconfig is required\n${KUBELET_USAGE}`);
  if (!o.nodeName) throw new UsageError('--hostname-override must not be empty');
  if (o.backoffMaxMs < o.backoffInitialMs) throw new UsageError('--crash-loop-back-off-max must not be below --crash-loop-back-off-initial');
  return o;
}
