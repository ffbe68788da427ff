import { hostname } from 'node:os';
import { UsageError } from '@k8ts/client';
import { describe, expect, it } from 'vitest';
import { kubeletDefaults, parseKubeletFlags, type KubeletOptions } from './options.ts';

const KC = '--kubeconfig=/etc/k8ts/kubelet.conf';

describe('parseKubeletFlags', () => {
  it('defaults: upstream ports, paths, periods and back-off', () => {
    expect(parseKubeletFlags([KC])).toEqual({
      kubeconfig: '/etc/k8ts/kubelet.conf', nodeName: hostname().toLowerCase(), address: '127.0.0.1', port: 10250,
      rootDir: '/var/lib/kubelet', podLogsDir: '/var/log/pods', runtimeEndpoint: 'unix:///run/containerd/containerd.sock',
      clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', cgroupRoot: '/', maxPods: 110, nodeLabels: {},
      nodeStatusUpdateMs: 10_000, relistMs: 1_000, syncMs: 60_000, backoffInitialMs: 10_000, backoffMaxMs: 300_000,
      hollowNodes: 0, logLevel: 'info',
    } satisfies KubeletOptions);
  });

  const cases: { name: string; argv: string[]; want: Partial<KubeletOptions> }[] = [
    { name: '--hostname-override is lower-cased', argv: ['--hostname-override=Node-A'], want: { nodeName: 'node-a' } },
    { name: '--node-ip', argv: ['--node-ip=192.168.1.10'], want: { nodeIP: '192.168.1.10' } },
    { name: '--address and --port', argv: ['--address=0.0.0.0', '--port=10255'], want: { address: '0.0.0.0', port: 10255 } },
    { name: '--port=0 picks a free port', argv: ['--port=0'], want: { port: 0 } },
    { name: '--root-dir and --pod-logs-dir', argv: ['--root-dir=/tmp/kl', '--pod-logs-dir=/tmp/logs'], want: { rootDir: '/tmp/kl', podLogsDir: '/tmp/logs' } },
    { name: '--container-runtime-endpoint', argv: ['--container-runtime-endpoint=unix:///run/k8ts/n1/containerd.sock'], want: { runtimeEndpoint: 'unix:///run/k8ts/n1/containerd.sock' } },
    { name: '--pod-cidr', argv: ['--pod-cidr=10.244.1.0/24'], want: { podCIDR: '10.244.1.0/24' } },
    { name: '--cluster-dns takes a list', argv: ['--cluster-dns=10.96.0.10,10.96.0.11'], want: { clusterDNS: ['10.96.0.10', '10.96.0.11'] } },
    { name: '--cluster-dns empty means none', argv: ['--cluster-dns='], want: { clusterDNS: [] } },
    { name: '--cluster-domain', argv: ['--cluster-domain=k8ts.local'], want: { clusterDomain: 'k8ts.local' } },
    { name: '--pod-manifest-path', argv: ['--pod-manifest-path=/etc/k8ts/manifests'], want: { staticPodPath: '/etc/k8ts/manifests' } },
    { name: '--cgroup-root', argv: ['--cgroup-root=/k8ts/n1'], want: { cgroupRoot: '/k8ts/n1' } },
    { name: '--max-pods', argv: ['--max-pods=250'], want: { maxPods: 250 } },
    { name: '--node-labels', argv: ['--node-labels=zone=a,node-role.kubernetes.io/worker=,gpu=nvidia=yes'], want: { nodeLabels: { zone: 'a', 'node-role.kubernetes.io/worker': '', gpu: 'nvidia=yes' } } },
    { name: '--node-status-update-frequency', argv: ['--node-status-update-frequency=4s'], want: { nodeStatusUpdateMs: 4000 } },
    { name: '--sync-frequency', argv: ['--sync-frequency=90s'], want: { syncMs: 90_000 } },
    { name: 'a duration without a unit is seconds', argv: ['--sync-frequency=60'], want: { syncMs: 60_000 } },
    { name: '--pleg-relist-period', argv: ['--pleg-relist-period=500ms'], want: { relistMs: 500 } },
    { name: 'crash-loop back-off initial and max', argv: ['--crash-loop-back-off-initial=1s', '--crash-loop-back-off-max=20s'], want: { backoffInitialMs: 1000, backoffMaxMs: 20_000 } },
    { name: '--hollow-nodes', argv: ['--hollow-nodes=50'], want: { hollowNodes: 50 } },
    { name: '--register-node=true is accepted', argv: ['--register-node=true'], want: {} },
    { name: '--log-level', argv: ['--log-level=debug'], want: { logLevel: 'debug' } },
    { name: 'the last of a repeated flag wins', argv: ['--max-pods=10', '--max-pods=20'], want: { maxPods: 20 } },
  ];
  it.each(cases)('$name', ({ argv, want }) => {
    expect(parseKubeletFlags([KC, ...argv])).toEqual({ ...kubeletDefaults(), kubeconfig: '/etc/k8ts/kubelet.conf', ...want });
  });

  it('an empty --pod-manifest-path means no static pods', () => {
    expect(parseKubeletFlags([KC, '--pod-manifest-path=/x', '--pod-manifest-path='])).not.toHaveProperty('staticPodPath');
  });

  const errors: { name: string; argv: string[]; message: string | RegExp }[] = [
    { name: 'no --kubeconfig', argv: [], message: /^--kubeconfig is required\nusage: kubelet --kubeconfig=PATH/ },
    { name: 'an empty --kubeconfig', argv: ['--kubeconfig='], message: /^--kubeconfig is required\n/ },
    { name: 'an unknown flag', argv: [KC, '--feature-gates=X=true'], message: /^unknown flag --feature-gates\nusage: kubelet/ },
    { name: 'a positional argument', argv: [KC, 'extra'], message: /^unexpected argument extra\nusage: kubelet/ },
    { name: 'a flag without a value', argv: [KC, '--register-node'], message: /^unexpected argument --register-node\n/ },
    { name: 'an empty node name', argv: [KC, '--hostname-override='], message: '--hostname-override must not be empty' },
    { name: 'a --node-ip that is not IPv4', argv: [KC, '--node-ip=node-1'], message: '--node-ip: not an IPv4 address: node-1' },
    { name: 'a --node-ip octet over 255', argv: [KC, '--node-ip=10.0.0.256'], message: '--node-ip: not an IPv4 address: 10.0.0.256' },
    { name: 'a --port out of range', argv: [KC, '--port=65536'], message: '--port must be an integer in 0-65535, not 65536' },
    { name: 'a --port that is not a number', argv: [KC, '--port=http'], message: '--port must be an integer in 0-65535, not http' },
    { name: 'an empty --port', argv: [KC, '--port='], message: '--port must be an integer in 0-65535, not ' },
    { name: 'a fractional --max-pods', argv: [KC, '--max-pods=1.5'], message: '--max-pods must be an integer in 1-100000, not 1.5' },
    { name: '--max-pods=0', argv: [KC, '--max-pods=0'], message: '--max-pods must be an integer in 1-100000, not 0' },
    { name: 'negative --hollow-nodes', argv: [KC, '--hollow-nodes=-1'], message: '--hollow-nodes must be an integer in 0-10000, not -1' },
    { name: 'a TCP runtime endpoint', argv: [KC, '--container-runtime-endpoint=tcp://127.0.0.1:1234'], message: '--container-runtime-endpoint must be unix:///path' },
    { name: 'a --pod-cidr without a prefix', argv: [KC, '--pod-cidr=10.244.1.0'], message: '--pod-cidr: not an IPv4 CIDR: 10.244.1.0' },
    { name: 'a --pod-cidr prefix over 32', argv: [KC, '--pod-cidr=10.244.1.0/33'], message: '--pod-cidr: not an IPv4 CIDR: 10.244.1.0/33' },
    { name: 'a node label without =', argv: [KC, '--node-labels=zone'], message: '--node-labels: "zone" is not key=value' },
    { name: 'a node label without a key', argv: [KC, '--node-labels==a'], message: '--node-labels: "=a" is not key=value' },
    { name: 'a duration that is not one', argv: [KC, '--sync-frequency=often'], message: '--sync-frequency: not a positive duration: often' },
    { name: 'a zero duration', argv: [KC, '--pleg-relist-period=0s'], message: '--pleg-relist-period: not a positive duration: 0s' },
    { name: '--register-node=false', argv: [KC, '--register-node=false'], message: '--register-node=false is not supported' },
    { name: '--register-node=maybe', argv: [KC, '--register-node=maybe'], message: '--register-node must be true or false' },
    {
      name: 'a back-off cap below its start',
      argv: [KC, '--crash-loop-back-off-initial=10m'],
      message: '--crash-loop-back-off-max must not be below --crash-loop-back-off-initial',
    },
  ];
  it.each(errors)('refuses $name', ({ argv, message }) => {
    let thrown: unknown;
    try {
      parseKubeletFlags(argv);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
    else expect((thrown as Error).message).toMatch(message);
  });
});
