import { describe, expect, it } from 'vitest';
import { kubeletSpec, nodeIndexOf, nodeLayout, renderCniConflist } from './nodes.ts';

describe('nodeLayout', () => {
  it.each([
    { index: 0, name: 'k8ts-node-0', podCIDR: '10.244.0.0/24', gateway: '10.244.0.1', bridge: 'k8ts0' },
    { index: 7, name: 'k8ts-node-7', podCIDR: '10.244.7.0/24', gateway: '10.244.7.1', bridge: 'k8ts7' },
    { index: 250, name: 'k8ts-node-250', podCIDR: '10.244.250.0/24', gateway: '10.244.250.1', bridge: 'k8ts250' },
  ])('node $index', ({ index, name, podCIDR, gateway, bridge }) => {
    const l = nodeLayout('/s/nodes', index);
    expect(l).toMatchObject({ index, name, podCIDR, gateway, bridge, dir: `/s/nodes/${name}`, cgroupRoot: `/k8ts/${name}` });
    expect(l.bridge.length).toBeLessThanOrEqual(15);
    expect([l.kubeletDir, l.podLogsDir, l.manifestsDir, l.ipamDir, l.conflist, l.containerd.socket]).toEqual([
      `/s/nodes/${name}/kubelet`,
      `/s/nodes/${name}/pods-logs`,
      `/s/nodes/${name}/manifests`,
      `/s/nodes/${name}/cni/ipam`,
      `/s/nodes/${name}/cni/net.d/10-k8ts.conflist`,
      `/s/nodes/${name}/containerd.sock`,
    ]);
  });

  it.each([-1, 255, 1.5])('refuses index %s', (i) => expect(() => nodeLayout('/s', i)).toThrow(/outside 0-254/));

  it.each([
    { dir: 'k8ts-node-0', want: 0 },
    { dir: 'k8ts-node-250', want: 250 },
    { dir: 'k8ts-node-255', want: undefined },
    { dir: 'k8ts-node-x', want: undefined },
    { dir: 'other', want: undefined },
  ])('nodeIndexOf($dir) = $want', ({ dir, want }) => expect(nodeIndexOf(dir)).toBe(want));
});

describe('renderCniConflist', () => {
  it('bridge without masquerading, host-local in the node dir, routes to pods and services only, portmap, firewall', () => {
    const conf = JSON.parse(renderCniConflist(nodeLayout('/s/nodes', 3)));
    expect(conf).toEqual({
      cniVersion: '1.0.0',
      name: 'k8ts',
      plugins: [
        {
          type: 'bridge',
          bridge: 'k8ts3',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: '10.244.3.0/24', gateway: '10.244.3.1' }]],
            routes: [{ dst: '10.244.0.0/16' }, { dst: '10.96.0.0/16' }],
            dataDir: '/s/nodes/k8ts-node-3/cni/ipam',
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'firewall', backend: 'iptables' },
      ],
    });
  });
});

describe('kubeletSpec', () => {
  it.each([
    { name: 'default bundle', bundle: undefined, want: '/repo/apps/kubelet/dist/main.mjs' },
    { name: 'a substitute bundle', bundle: '/tmp/fake-kubelet.mjs', want: '/tmp/fake-kubelet.mjs' },
  ])('$name', ({ bundle, want }) => {
    const spec = kubeletSpec({
      repoRoot: '/repo',
      layout: nodeLayout('/s/nodes', 1),
      kubeconfig: '/s/components.kubeconfig',
      port: 41234,
      nodeBinary: '/usr/bin/node',
      ...(bundle ? { bundle } : {}),
    });
    expect(spec).toEqual({
      name: 'kubelet-k8ts-node-1',
      command: '/usr/bin/node',
      args: [
        want,
        '--kubeconfig=/s/components.kubeconfig',
        '--hostname-override=k8ts-node-1',
        '--node-ip=127.0.0.1',
        '--address=127.0.0.1',
        '--port=41234',
        '--root-dir=/s/nodes/k8ts-node-1/kubelet',
        '--pod-logs-dir=/s/nodes/k8ts-node-1/pods-logs',
        '--container-runtime-endpoint=unix:///s/nodes/k8ts-node-1/containerd.sock',
        '--pod-cidr=10.244.1.0/24',
        '--cluster-dns=10.96.0.10',
        '--pod-manifest-path=/s/nodes/k8ts-node-1/manifests',
        '--cgroup-root=/k8ts/k8ts-node-1',
        '--log-level=info',
      ],
      ports: [41234],
      health: 'http://127.0.0.1:41234/healthz',
      readyTimeoutMs: 60_000,
    });
  });
});
