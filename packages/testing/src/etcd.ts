// A real etcd for tests and benchmarks: its own data directory and free loopback ports,
// stopped (process group killed, directory removed) by `stop()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface EtcdProcess {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

export const ETCD_BINARY = process.env.ETCD_BINARY ?? '/usr/bin/etcd';

export async function startEtcd(opts: { name?: string } = {}): Promise<EtcdProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-etcd-'));
  const client = await freePort();
  const peer = await freePort();
  const endpoint = `http://127.0.0.1:${client}`;
  const child: ChildProcess = spawn(
    ETCD_BINARY,
    [
      `--name=${opts.name ?? 'test'}`,
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=${opts.name ?? 'test'}=http://127.0.0.1:${peer}`,
      '--log-level=error',
      '--quota-backend-bytes=4294967296',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`etcd exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const res = await fetch(`${endpoint}/health`);
      if (res.ok) break;
    } catch { /* not yet listening */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy in 15s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { endpoint, pid: child.pid!, dataDir, stop };
}
