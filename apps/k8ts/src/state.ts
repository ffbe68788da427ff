// The state directory `up` owns: logs/<component>.log, run/<component>.pid, etcd/ (data),
// nodes/<node>/ (each node's containerd, CNI and kubelet directories), images/ (the OCI archives
// every node imports) and state.json naming every component's and node's PIDs and ports, and what
// `up` changed on the host, which `status` and `down` read back.
// state.json is created exclusively, so two concurrent `up`s on one directory cannot both proceed.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ComponentRecord {
  name: string;
  pid: number;
  port: number;
  /** every port it listens on (etcd: client, peer), so a restart can reuse them */
  ports?: number[];
  /** The URL `status` probes: `/health` for etcd, `/readyz` for the API server. */
  health: string;
  log: string;
  /** The executable it was started as; a live PID running anything else is not ours. */
  command: string;
}

export interface NodeRecord {
  name: string;
  /** node i: pod CIDR 10.244.<i>.0/24, bridge k8ts<i>, directory nodes/k8ts-node-<i> */
  index: number;
  containerd: { pid: number; command: string; log: string };
  /** set once the kubelet was started */
  kubelet?: ComponentRecord;
}

/** What `up` changed on the host before its first node, so `down` undoes exactly that. */
export interface HostRecord {
  /** blackhole routes `up` added (one that already existed is not listed and stays) */
  blackholes: string[];
  /** CNI shared chains present before `up` (`filter/CNI-FORWARD`, …); those stay */
  cniChainsBefore: string[];
  /** net.ipv4.ip_forward before the first bridge turned it on */
  ipForwardBefore?: string;
}

export interface State {
  version: 1;
  startedAt: string;
  stateDir: string;
  /** Absolute path of the kubeconfig `up` wrote, once it wrote it. */
  kubeconfig?: string;
  components: ComponentRecord[];
  host?: HostRecord;
  nodes?: NodeRecord[];
}

export interface StatePaths {
  root: string;
  logs: string;
  run: string;
  etcdData: string;
  /** one directory per node */
  nodes: string;
  /** the busybox and pause archives, built once per `up` */
  images: string;
  stateFile: string;
  /** The kubeconfig the control-plane components connect with. */
  componentKubeconfig: string;
  log(component: string): string;
  pidFile(component: string): string;
}

export function statePaths(root: string): StatePaths {
  const logs = join(root, 'logs');
  const run = join(root, 'run');
  return {
    root,
    logs,
    run,
    etcdData: join(root, 'etcd'),
    nodes: join(root, 'nodes'),
    images: join(root, 'images'),
    stateFile: join(root, 'state.json'),
    componentKubeconfig: join(root, 'components.kubeconfig'),
    log: (c) => join(logs, `${c}.log`),
    pidFile: (c) => join(run, `${c}.pid`),
  };
}

/** The recorded state, or `undefined` when the directory holds none. */
export async function readState(paths: StatePaths): Promise<State | undefined> {
  let text: string;
  try {
    text = await readFile(paths.stateFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const state = JSON.parse(text) as Partial<State>;
  if (state.version !== 1 || !Array.isArray(state.components)) {
    throw new Error(`${paths.stateFile} is not a k8ts state file`);
  }
  return state as State;
}

/** Creates state.json; fails with EEXIST when another `up` holds the directory. */
export async function createState(paths: StatePaths, state: State): Promise<void> {
  await mkdir(paths.root, { recursive: true });
  await writeFile(paths.stateFile, json(state), { flag: 'wx' });
}

/** Replaces state.json atomically and refreshes the PID files, so readers never see half a file. */
export async function saveState(paths: StatePaths, state: State): Promise<void> {
  await mkdir(paths.run, { recursive: true });
  for (const c of state.components) await writeFile(paths.pidFile(c.name), `${c.pid}\n`);
  for (const n of state.nodes ?? []) {
    if (n.containerd.pid > 0) await writeFile(paths.pidFile(`containerd-${n.name}`), `${n.containerd.pid}\n`);
    if (n.kubelet) await writeFile(paths.pidFile(n.kubelet.name), `${n.kubelet.pid}\n`);
  }
  const tmp = `${paths.stateFile}.tmp`;
  await writeFile(tmp, json(state));
  await rename(tmp, paths.stateFile);
}

/** Forgets a run (state.json and PID files) but keeps its logs and etcd data. */
export async function clearRun(paths: StatePaths): Promise<void> {
  await rm(paths.stateFile, { force: true });
  await rm(`${paths.stateFile}.tmp`, { force: true });
  await rm(paths.run, { recursive: true, force: true });
}

const json = (state: State) => `${JSON.stringify(state, null, 2)}\n`;
