// The nodes `up` starts after the control plane. Node i is `k8ts-node-<i>` with pod CIDR
// 10.244.<i>.0/24 on the bridge `k8ts<i>`; everything it owns lives in <state>/nodes/<name>/:
// its private containerd (config, root, state, socket), the CNI conflist and host-local IPAM
// data, and the kubelet's root, pod logs and static-pod manifests. The kubelet is a component
// like the control plane's (its own process group, a log in logs/, a health URL).
//
// Tear-down goes through the runtime first — every pod sandbox stopped and removed over CRI, so
// CNI DEL releases its IP and its portmap/firewall rules — then containerd is stopped by PID and
// `cleanupContainerd` removes what it leaves (shims, mounts, runc state, cgroups); then the bridge
// and any rule still naming the node's pod CIDR. A node whose containerd is gone (a crash, a
// reboot) gets a fresh containerd on its own state first, so the CNI DELs still happen.
import { accessSync, constants } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import {
  buildBusyboxImage,
  buildPauseImage,
  cleanupContainerd,
  containerdPaths,
  CriClient,
  importImage,
  PAUSE_IMAGE_NAME,
  startContainerd,
  stopByPid,
  type ContainerdPaths,
} from '@k8ts/cri';
import { claimedIndices, noteBlackholes, releaseNodeIndex, takeBlackholes } from './claims.ts';
import type { ComponentSpec } from './components.ts';
import {
  assertRouteSafe,
  BLACKHOLES,
  CNI_CHAINS,
  cleanupIptables,
  deleteLink,
  ensureBlackholes,
  ensureIsolation,
  exec,
  linkExists,
  linkNames,
  POD_RANGE,
  presentCniChains,
  readIpForward,
  removeBlackholes,
  SERVICE_RANGE,
  writeIpForward,
  type Exec,
} from './host.ts';
import { isOurs } from './proc.ts';
import type { HostRecord } from './state.ts';

export const NODE_NAME_PREFIX = 'k8ts-node-';
export const CLUSTER_DNS = '10.96.0.10';
export const KUBELET_BUNDLE = 'apps/kubelet/dist/main.mjs';
export const CONFLIST_NAME = '10-k8ts.conflist';
/** The network name in the conflist (host-local keeps its leases under <ipamDir>/<network>). */
export const CNI_NETWORK = 'k8ts';

export interface NodeLayout {
  index: number;
  name: string;
  podCIDR: string;
  /** the bridge's own address, the pods' gateway */
  gateway: string;
  /** `k8ts<i>` — at most 15 characters, the kernel's limit */
  bridge: string;
  dir: string;
  kubeletDir: string;
  podLogsDir: string;
  manifestsDir: string;
  ipamDir: string;
  conflist: string;
  /** the kubelet's --cgroup-root; its pods' cgroups live below it */
  cgroupRoot: string;
  containerd: ContainerdPaths;
}

export function nodeLayout(nodesDir: string, index: number): NodeLayout {
  if (!Number.isInteger(index) || index < 0 || index > 254) throw new Error(`node index ${index} is outside 0-254`);
  const name = `${NODE_NAME_PREFIX}${index}`;
  const dir = join(nodesDir, name);
  const containerd = containerdPaths(dir);
  return {
    index,
    name,
    podCIDR: `10.244.${index}.0/24`,
    gateway: `10.244.${index}.1`,
    bridge: `k8ts${index}`,
    dir,
    kubeletDir: join(dir, 'kubelet'),
    podLogsDir: join(dir, 'pods-logs'),
    manifestsDir: join(dir, 'manifests'),
    ipamDir: join(dir, 'cni', 'ipam'),
    conflist: join(containerd.cniConfDir, CONFLIST_NAME),
    cgroupRoot: `/k8ts/${name}`,
    containerd,
  };
}

/** The node index of a directory name under nodes/ (`k8ts-node-3` → 3), or undefined. */
export function nodeIndexOf(dirName: string): number | undefined {
  const m = /^k8ts-node-(\d{1,3})$/.exec(dirName);
  const i = m ? Number(m[1]) : NaN;
  return i <= 254 ? i : undefined;
}

/**
 * bridge (gateway on the bridge, no masquerading: pods do not reach beyond this host; hairpin so a
 * pod reaches itself through a Service) with host-local IPAM in the node's own data directory and
 * routes only to the pod and service ranges; portmap for hostPorts; firewall so that forwarded pod
 * traffic is accepted whatever the FORWARD policy.
 */
export function renderCniConflist(l: NodeLayout): string {
  const conf = {
    cniVersion: '1.0.0',
    name: CNI_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge: l.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: l.podCIDR, gateway: l.gateway }]],
          routes: [{ dst: POD_RANGE }, { dst: SERVICE_RANGE }],
          dataDir: l.ipamDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'firewall', backend: 'iptables' },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}

export interface KubeletSpecOptions {
  repoRoot: string;
  layout: NodeLayout;
  kubeconfig: string;
  port: number;
  nodeBinary?: string;
  /** the kubelet bundle; default <repo>/apps/kubelet/dist/main.mjs */
  bundle?: string;
  logLevel?: string;
}

export const kubeletComponentName = (node: string) => `kubelet-${node}`;

export function kubeletSpec(o: KubeletSpecOptions): ComponentSpec {
  const l = o.layout;
  return {
    name: kubeletComponentName(l.name),
    command: o.nodeBinary ?? process.execPath,
    args: [
      o.bundle ?? join(o.repoRoot, KUBELET_BUNDLE),
      `--kubeconfig=${o.kubeconfig}`,
      `--hostname-override=${l.name}`,
      '--node-ip=127.0.0.1',
      '--address=127.0.0.1',
      `--port=${o.port}`,
      `--root-dir=${l.kubeletDir}`,
      `--pod-logs-dir=${l.podLogsDir}`,
      `--container-runtime-endpoint=unix://${l.containerd.socket}`,
      `--pod-cidr=${l.podCIDR}`,
      `--cluster-dns=${CLUSTER_DNS}`,
      `--pod-manifest-path=${l.manifestsDir}`,
      `--cgroup-root=${l.cgroupRoot}`,
      `--log-level=${o.logLevel ?? 'info'}`,
    ],
    ports: [o.port],
    health: `http://127.0.0.1:${o.port}/healthz`,
    readyTimeoutMs: 60_000,
  };
}

/** busybox and pause, built once from the host's static busybox into `dir`; returns the archives. */
export async function buildImages(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const [file, image] of [['busybox.oci.tar', await buildBusyboxImage()], ['pause.oci.tar', await buildPauseImage()]] as const) {
    const path = join(dir, file);
    await writeFile(path, image.archive);
    out.push(path);
  }
  return out;
}

/** An executable's absolute path from PATH (so `isOurs` can recognise the process), else the bare name. */
export function resolveBinary(name: string): string {
  if (name.includes('/')) return name;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch { /* next */ }
  }
  return name;
}

/** The longest unix socket path (sun_path less its terminating NUL). */
const MAX_SOCKET_PATH = 107;

export interface NodeRuntime {
  pid: number;
  /** what the process was started as, for `isOurs` */
  command: string;
  socket: string;
  endpoint: string;
}

export interface StartNodeRuntimeOptions {
  layout: NodeLayout;
  /** OCI archives to import (`buildImages`) */
  images: readonly string[];
  /** containerd's log file */
  log: string;
  containerdBinary?: string;
  run?: Exec;
  /** called with containerd's PID as soon as it runs, before images are imported */
  onStarted?: (pid: number, command: string) => Promise<void> | void;
}

/**
 * Prepares the node directory, writes the conflist in place (containerd 1.6 ignores a conf moved
 * into its conf_dir, and reads it only at start), adds the node's isolation rule, starts
 * containerd and imports the images. The bridge itself appears with the first pod.
 */
export async function startNodeRuntime(o: StartNodeRuntimeOptions): Promise<NodeRuntime> {
  const l = o.layout;
  const run = o.run ?? exec;
  const long = [l.containerd.socket, l.containerd.ttrpcSocket].find((p) => Buffer.byteLength(p) > MAX_SOCKET_PATH);
  if (long) throw new Error(`${long} is longer than a unix socket path may be (${MAX_SOCKET_PATH} bytes); choose a shorter --state-dir`);
  if (await linkExists(l.bridge, run)) {
    throw new Error(`the bridge ${l.bridge} already exists: another k8ts cluster runs a node ${l.name}, or one left it behind (\`ip link del ${l.bridge}\` removes it)`);
  }
  for (const d of [l.dir, l.kubeletDir, l.podLogsDir, l.manifestsDir, l.ipamDir, l.containerd.cniConfDir]) await mkdir(d, { recursive: true });
  await writeFile(l.conflist, renderCniConflist(l));
  await ensureIsolation(l.name, l.podCIDR, run);
  const command = resolveBinary(o.containerdBinary ?? 'containerd');
  const proc = await startContainerd({ nodeDir: l.dir, sandboxImage: PAUSE_IMAGE_NAME, binary: command, log: o.log });
  try {
    await o.onStarted?.(proc.pid, command);
    for (const archivePath of o.images) await importImage({ socket: proc.paths.socket, archivePath });
  } catch (err) {
    await proc.stop(2_000);
    throw err;
  }
  return { pid: proc.pid, command, socket: proc.paths.socket, endpoint: proc.endpoint };
}

const exists = (p: string) => stat(p).then(() => true, () => false);

export interface TeardownNodeOptions {
  layout: NodeLayout;
  /** the node's containerd as recorded; a dead or foreign PID is ignored */
  containerd?: { pid: number; command: string };
  containerdBinary?: string;
  /** where a containerd started for the clean-up logs */
  log: string;
  run?: Exec;
  out: (line: string) => void;
  /** the run whose claim on the node's index is released at the end (see claims.ts) */
  stateDir?: string;
}

export interface TeardownReport {
  sandboxes: string[];
  /** a containerd had to be started to release the pods' network */
  restartedContainerd: boolean;
  bridgeDeleted: boolean;
  iptables: string[][];
}

/** Everything of one node, in an order that releases the network through CNI first. Idempotent. */
export async function teardownNode(o: TeardownNodeOptions): Promise<TeardownReport> {
  const l = o.layout;
  const run = o.run ?? exec;
  const warn = (m: string) => o.out(`! ${l.name}: ${m}`);
  const report: TeardownReport = { sandboxes: [], restartedContainerd: false, bridgeDeleted: false, iptables: [] };

  let pid = o.containerd && isOurs(o.containerd.pid, o.containerd.command) ? o.containerd.pid : undefined;
  const sandboxesOnDisk = (await readdir(join(l.containerd.root, 'io.containerd.grpc.v1.cri', 'sandboxes')).catch(() => [])).length > 0;
  if (pid === undefined && sandboxesOnDisk && (await exists(l.conflist))) {
    try {
      const command = resolveBinary(o.containerdBinary ?? 'containerd');
      const proc = await startContainerd({ nodeDir: l.dir, sandboxImage: PAUSE_IMAGE_NAME, binary: command, log: o.log });
      pid = proc.pid;
      report.restartedContainerd = true;
    } catch (err) {
      warn(`could not start containerd to release the pods' network (${(err as Error).message}); cleaning up directly`);
    }
  }
  if (pid !== undefined) {
    const cri = new CriClient({ endpoint: `unix://${l.containerd.socket}`, timeoutMs: 30_000 });
    try {
      for (const sb of await cri.listPodSandbox()) {
        try {
          await cri.stopPodSandbox(sb.id);
          await cri.removePodSandbox(sb.id);
          report.sandboxes.push(sb.id);
        } catch (err) {
          warn(`pod sandbox ${sb.id}: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      warn(`listing pod sandboxes: ${(err as Error).message}`);
    } finally {
      cri.close();
    }
    await stopByPid(pid, 5_000);
  }
  if (await exists(l.dir)) await cleanupContainerd({ nodeDir: l.dir, cgroupParents: [l.cgroupRoot] });
  report.bridgeDeleted = await deleteLink(l.bridge, run);
  report.iptables = await cleanupIptables({ podCIDRs: [l.podCIDR], nodes: [l.name], removableChains: [] }, run, warn);
  if (o.stateDir) await releaseNodeIndex(o.stateDir, l.index);
  return report;
}

/** Node layouts found under `nodesDir` (for a `down` without state, or nodes the state missed). */
export async function discoverNodes(nodesDir: string): Promise<NodeLayout[]> {
  const names = await readdir(nodesDir).catch(() => [] as string[]);
  return names.flatMap((n) => {
    const i = nodeIndexOf(n);
    return i === undefined ? [] : [nodeLayout(nodesDir, i)];
  }).sort((a, b) => a.index - b.index);
}

/** Whether something outside the claims uses index i: its bridge or its cgroup subtree exists. */
export async function indexBusy(index: number, run: Exec = exec): Promise<boolean> {
  const l = nodeLayout('/', index);
  return (await linkExists(l.bridge, run)) || (await exists(join('/sys/fs/cgroup/pids', l.cgroupRoot))) || (await exists(join('/sys/fs/cgroup/memory', l.cgroupRoot)));
}

/** An address in the pod range no node uses (`up` stops at MAX_NODES), probed to prove the blackhole. */
export const PROBE_POD_IP = '10.244.200.9';
export const PROBE_SERVICE_IP = '10.96.200.9';

/**
 * Before any node: remember which CNI chains and which ip_forward the host had, add the blackhole
 * routes, and prove with `ip route get` that pod and service addresses cannot reach a gateway.
 * `onRoutes` hears the routes created as soon as they exist (so a crash still leaves them recorded).
 */
export async function prepareHost(o: { run?: Exec; onRecord?: (r: HostRecord) => Promise<void> | void; claimDir?: string } = {}): Promise<HostRecord> {
  const run = o.run ?? exec;
  const record: HostRecord = { blackholes: [], cniChainsBefore: await presentCniChains(run), ipForwardBefore: await readIpForward() };
  record.blackholes = await ensureBlackholes(run, BLACKHOLES);
  await noteBlackholes(record.blackholes, o.claimDir);
  await o.onRecord?.(record);
  await assertRouteSafe(PROBE_POD_IP, run);
  await assertRouteSafe(PROBE_SERVICE_IP, run);
  return record;
}

/**
 * After every node is gone: the CNI shared chains that were not there before and that no pod uses
 * any more, ip_forward as it was (unless another CNI bridge still needs it), and our routes.
 */
export async function teardownHost(record: HostRecord, o: { run?: Exec; out: (line: string) => void; podCIDRs?: readonly string[]; claimDir?: string }): Promise<void> {
  const run = o.run ?? exec;
  const warn = (m: string) => o.out(`! host: ${m}`);
  const removableChains = CNI_CHAINS.filter((c) => !record.cniChainsBefore.includes(c));
  await cleanupIptables({ podCIDRs: o.podCIDRs ?? [], nodes: [], removableChains }, run, warn);
  if (record.ipForwardBefore === '0') {
    const others = (await linkNames(run)).filter((n) => /^(k8ts\d+|cni\d+|docker\d+|br-.*)$/.test(n));
    if (others.length === 0) await writeIpForward('0').catch((err: Error) => warn(`ip_forward: ${err.message}`));
  }
  // The routes are shared: while another cluster's nodes exist (a claim, or a node bridge) they
  // stay, and the last cluster's tear-down removes every range k8ts added (claims.ts).
  const others = [
    ...(await claimedIndices(o.claimDir)).map((i) => `claimed node index ${i}`),
    ...(await linkNames(run)).filter((n) => /^k8ts\d+$/.test(n)),
  ];
  if (others.length > 0) {
    if (record.blackholes.length > 0) o.out(`! host: the blackhole routes stay for the nodes still running (${others.join(', ')})`);
    return;
  }
  const ours = new Set([...record.blackholes, ...(await takeBlackholes(o.claimDir))]);
  await removeBlackholes(run, [...ours]);
}
