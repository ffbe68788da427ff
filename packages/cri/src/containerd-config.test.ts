import { describe, expect, it } from 'vitest';
import { containerdPaths, renderContainerdConfig } from './containerd-config.ts';
import { mountsUnder } from './cleanup.ts';

describe('renderContainerdConfig', () => {
  it('puts every path under the node dir and sets the keys these machines need', () => {
    expect(renderContainerdConfig({ nodeDir: '/var/lib/k8ts/n1', sandboxImage: 'registry.k8s.io/pause:3.10' })).toMatchInlineSnapshot(`
      "version = 2
      root = "/var/lib/k8ts/n1/containerd/root"
      state = "/var/lib/k8ts/n1/containerd/state"

      [grpc]
        address = "/var/lib/k8ts/n1/containerd.sock"

      [ttrpc]
        address = "/var/lib/k8ts/n1/containerd-ttrpc.sock"

      [plugins."io.containerd.grpc.v1.cri"]
        sandbox_image = "registry.k8s.io/pause:3.10"
        restrict_oom_score_adj = true
        netns_mounts_under_state_dir = true
        stream_server_address = "127.0.0.1"
        stream_server_port = "0"

      [plugins."io.containerd.grpc.v1.cri".containerd]
        snapshotter = "overlayfs"
        default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "/var/lib/k8ts/n1/runc"

      [plugins."io.containerd.grpc.v1.cri".cni]
        bin_dir = "/usr/lib/cni"
        conf_dir = "/var/lib/k8ts/n1/cni/net.d"
        max_conf_num = 1
      "
    `);
  });

  it('escapes paths as TOML strings', () => {
    expect(renderContainerdConfig({ nodeDir: '/tmp/a "b"', sandboxImage: 'p' })).toContain('root = "/tmp/a \\"b\\"/containerd/root"');
    expect(containerdPaths('/n').socket).toBe('/n/containerd.sock');
  });
});

describe('mountsUnder', () => {
  const info = [
    '22 1 0:21 / / rw - ext4 /dev/vda rw',
    '30 22 0:40 / /tmp/n1/containerd/state/x/rootfs rw - overlay overlay rw',
    '31 22 0:41 / /tmp/n1/containerd/state/io.containerd.grpc.v1.cri/sandboxes/a/shm rw - tmpfs shm rw',
    '32 22 0:42 / /tmp/n10/other rw - tmpfs t rw',
    '33 22 0:43 / /tmp/n1/with\\040space rw - tmpfs t rw',
  ].join('\n');
  it.each([
    { name: 'deepest first, only below the dir', dir: '/tmp/n1', want: ['/tmp/n1/containerd/state/io.containerd.grpc.v1.cri/sandboxes/a/shm', '/tmp/n1/containerd/state/x/rootfs', '/tmp/n1/with space'] },
    { name: 'a sibling prefix is not below', dir: '/tmp/n10/', want: ['/tmp/n10/other'] },
    { name: 'nothing mounted', dir: '/srv', want: [] },
  ])('$name', ({ dir, want }) => expect(mountsUnder(info, dir)).toEqual(want));
});
