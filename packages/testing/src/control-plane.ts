// A real control plane for integration tests of the components that talk to it (scheduler,
// controller-manager, kubelet): a real etcd and the BUILT API server binary
// (apps/apiserver/dist/main.mjs, made by `npm test`'s set-up), on free loopback ports.
// `killApiServer()` + `startApiServer()` simulate losing the API server; `stop()` ends both.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEtcd, type EtcdProcess } from './etcd.ts';
import { freePort } from './ports.ts';

export const APISERVER_BUNDLE = fileURLToPath(new URL('../../../apps/apiserver/dist/main.mjs', import.meta.url));

export interface ControlPlane {
  /** `http://127.0.0.1:<port>` */
  url: string;
  etcd: EtcdProcess;
  readonly apiserverPid: number;
  /** SIGKILL the API server (etcd keeps running). */
  killApiServer(): Promise<void>;
  /** Start it again on the same port. */
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startControlPlane(opts: { apiserverArgs?: string[] } = {}): Promise<ControlPlane> {
  if (!existsSync(APISERVER_BUNDLE)) throw new Error(`${APISERVER_BUNDLE} is missing: build first (npm test does)`);
  const etcd = await startEtcd();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();
  let stderr = '';

  const launch = async () => {
    const args = [APISERVER_BUNDLE, `--etcd-servers=${etcd.endpoint}`, '--bind-address=127.0.0.1', `--port=${port}`, '--log-level=warn', ...(opts.apiserverArgs ?? [])];
    const c = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`apiserver exited with ${c.exitCode}: ${stderr}`);
      try {
        if ((await fetch(`${url}/readyz`)).ok) return;
      } catch { /* not yet listening */ }
      if (Date.now() > deadline) throw new Error(`apiserver not ready in 30s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c?.pid || c.exitCode !== null || c.signalCode !== null) return;
    try { process.kill(-c.pid, sig); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    try { process.kill(-c.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
  };
  try {
    await launch();
  } catch (e) {
    await kill('SIGKILL');
    await etcd.stop();
    throw e;
  }
  return {
    url,
    etcd,
    get apiserverPid() {
      return child?.pid ?? 0;
    },
    killApiServer: () => kill('SIGKILL'),
    startApiServer: launch,
    async stop() {
      await kill('SIGTERM');
      await etcd.stop();
    },
  };
}
