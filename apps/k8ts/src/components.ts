// The cluster as an ordered list of components (k3s style): each is started only once the
// one before it is ready — etcd, then the API server, then the scheduler and the controller
// manager; nodes join this list as they land. A component is data; `startComponent` runs any of them.
import { join } from 'node:path';
import { waitHealthy } from './health.ts';
import { spawnDetached, type Exit } from './proc.ts';
import type { StatePaths } from './state.ts';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  /** Loopback ports it listens on, all checked free before anything starts; `status` shows the first. */
  ports: [number, ...number[]];
  /** Probed for readiness by `up` and for health by `status`. */
  health: string;
  readyTimeoutMs: number;
}

export interface Running {
  pid: number;
  ready: Promise<void>;
  done: Promise<Exit>;
}

export function startComponent(spec: ComponentSpec, paths: StatePaths): Running {
  const { pid, done } = spawnDetached(spec.command, spec.args, paths.log(spec.name));
  const ready = waitHealthy(spec.health, { exited: done, timeoutMs: spec.readyTimeoutMs });
  return { pid, ready, done };
}

export interface ControlPlaneOptions {
  repoRoot: string;
  paths: StatePaths;
  etcdPort: number;
  etcdPeerPort: number;
  apiserverPort: number;
  schedulerPort: number;
  controllerManagerPort: number;
  etcdBinary?: string;
  nodeBinary?: string;
}

export function controlPlane(o: ControlPlaneOptions): ComponentSpec[] {
  const etcd = `http://127.0.0.1:${o.etcdPort}`;
  const peer = `http://127.0.0.1:${o.etcdPeerPort}`;
  const apiserver = `http://127.0.0.1:${o.apiserverPort}`;
  return [
    {
      name: 'etcd',
      command: o.etcdBinary ?? process.env.ETCD_BINARY ?? '/usr/bin/etcd',
      args: [
        '--name=k8ts',
        `--data-dir=${o.paths.etcdData}`,
        `--listen-client-urls=${etcd}`,
        `--advertise-client-urls=${etcd}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=k8ts=${peer}`,
        '--logger=zap',
        '--log-outputs=stderr',
      ],
      ports: [o.etcdPort, o.etcdPeerPort],
      health: `${etcd}/health`,
      readyTimeoutMs: 30_000,
    },
    {
      name: 'apiserver',
      command: o.nodeBinary ?? process.execPath,
      args: [
        join(o.repoRoot, 'apps/apiserver/dist/main.mjs'),
        `--etcd-servers=${etcd}`,
        '--etcd-prefix=/registry',
        '--bind-address=127.0.0.1',
        `--port=${o.apiserverPort}`,
      ],
      ports: [o.apiserverPort],
      health: `${apiserver}/readyz`,
      readyTimeoutMs: 60_000,
    },
    {
      name: 'scheduler',
      command: o.nodeBinary ?? process.execPath,
      args: [
        join(o.repoRoot, 'apps/scheduler/dist/main.mjs'),
        `--kubeconfig=${o.paths.componentKubeconfig}`,
        '--bind-address=127.0.0.1',
        `--port=${o.schedulerPort}`,
      ],
      ports: [o.schedulerPort],
      health: `http://127.0.0.1:${o.schedulerPort}/readyz`,
      readyTimeoutMs: 60_000,
    },
    {
      name: 'controller-manager',
      command: o.nodeBinary ?? process.execPath,
      args: [
        join(o.repoRoot, 'apps/controller-manager/dist/main.mjs'),
        `--kubeconfig=${o.paths.componentKubeconfig}`,
        '--bind-address=127.0.0.1',
        `--port=${o.controllerManagerPort}`,
      ],
      ports: [o.controllerManagerPort],
      health: `http://127.0.0.1:${o.controllerManagerPort}/readyz`,
      readyTimeoutMs: 60_000,
    },
  ];
}
