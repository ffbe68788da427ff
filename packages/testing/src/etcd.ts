// A real etcd for tests and benchmarks: its own data directory and free loopback ports.
// `kill()` + `restart()` simulate losing etcd (data kept); `stop()` ends it and removes its data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface EtcdProcess {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  readonly pid: number;
  dataDir: string;
  /** SIGKILL, keeping the data directory */
  kill(): Promise<void>;
  /** starts again on the same port and data */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const ETCD_BINARY = process.env.ETCD_BINARY ?? '/usr/bin/etcd';

export async function startEtcd(opts: { name?: string } = {}): Promise<EtcdProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-etcd-'));
  const client = await freePort();
  const peer = await freePort();
  const endpoint = `http://127.0.0.1:${client}`;
  const name = opts.name ?? 'test';
  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=${name}=http://127.0.0.1:${peer}`,
    '--log-level=error',
    '--quota-backend-bytes=4294967296',
  ];
  let child: ChildProcess;
  let exited: Promise<void>;
  let stderr = '';

  const launch = async () => {
    child = spawn(ETCD_BINARY, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}: ${stderr}`);
      try {
        if ((await fetch(`${endpoint}/health`)).ok) return;
      } catch { /* not yet listening */ }
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy in 15s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try { process.kill(-child.pid, sig); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
  };
  const handle: EtcdProcess = {
    endpoint,
    get pid() {
      return child.pid!;
    },
    dataDir,
    kill: () => signal('SIGKILL'),
    restart: launch,
    async stop() {
      await signal('SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await launch();
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}
