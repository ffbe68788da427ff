// Where a node's private containerd keeps everything, and its config file (version 2, the keys
// RUNTIME.md found to work on these machines; containerd 1.6).
import { join } from 'node:path';

export interface ContainerdPaths {
  nodeDir: string;
  config: string;
  root: string;
  state: string;
  /** the CRI endpoint */
  socket: string;
  ttrpcSocket: string;
  runcRoot: string;
  cniConfDir: string;
  log: string;
}

/** Everything lives under `nodeDir`; keep it short — unix socket paths are limited to 107 bytes. */
export function containerdPaths(nodeDir: string): ContainerdPaths {
  return {
    nodeDir,
    config: join(nodeDir, 'containerd.toml'),
    root: join(nodeDir, 'containerd', 'root'),
    state: join(nodeDir, 'containerd', 'state'),
    socket: join(nodeDir, 'containerd.sock'),
    ttrpcSocket: join(nodeDir, 'containerd-ttrpc.sock'),
    runcRoot: join(nodeDir, 'runc'),
    cniConfDir: join(nodeDir, 'cni', 'net.d'),
    log: join(nodeDir, 'containerd.log'),
  };
}

export interface ContainerdConfigOptions {
  nodeDir: string;
  /** Must already be imported: a missing sandbox image makes RunPodSandbox try a pull, which fails here. */
  sandboxImage: string;
  cniBinDir?: string;
}

export const DEFAULT_SANDBOX_IMAGE = 'registry.k8s.io/pause:3.10';
export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

const q = (s: string) => JSON.stringify(s); // TOML basic strings share JSON's escapes for what we write

export function renderContainerdConfig(o: ContainerdConfigOptions): string {
  const p = containerdPaths(o.nodeDir);
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${q(p.root)}`,
    `state = ${q(p.state)}`,
    '',
    '[grpc]',
    `  address = ${q(p.socket)}`,
    '',
    '[ttrpc]',
    `  address = ${q(p.ttrpcSocket)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${q(o.sandboxImage)}`,
    // root here lacks CAP_SYS_RESOURCE: without this every sandbox fails in runc create.
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    '',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    `  Root = ${q(p.runcRoot)}`,
    '',
    `[${cri}.cni]`,
    `  bin_dir = ${q(o.cniBinDir ?? DEFAULT_CNI_BIN_DIR)}`,
    `  conf_dir = ${q(p.cniConfDir)}`,
    '  max_conf_num = 1',
    '',
  ].join('\n');
}
