// An e2e cluster: the real `./k8ts up` in its own state directory on free ports, beside any
// cluster a user runs, and `./k8ts down` afterwards (also when a test fails).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@k8ts/testing';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface Cluster {
  dir: string;
  kubeconfig: string;
  server: string;
  apiserverPort: number;
  schedulerPort: number;
  k8ts(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  kubectl(args: string[], opts?: { input?: string; env?: Record<string, string>; allowFail?: boolean }): Promise<{ stdout: string; stderr: string; code: number }>;
  down(): Promise<void>;
}

/** Polls `f` until it holds; throws after `ms`. */
export async function until(f: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !f(); ) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `nodes`: real nodes (containerd + kubelet) to start; 0 (the default here) is the control plane only. */
export async function upCluster(o: { nodes?: number } = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const apiserverPort = await freePort();
  const etcdPort = await freePort();
  const schedulerPort = await freePort();
  const controllerManagerPort = await freePort();
  const stateArgs = ['--state-dir', join(dir, 'state')];
  const k8ts = (...args: string[]) => run(join(ROOT, 'k8ts'), args, { cwd: ROOT, env: { ...process.env }, maxBuffer: 16 << 20 });
  try {
    await k8ts('up', ...stateArgs, '--etcd-port', String(etcdPort), '--apiserver-port', String(apiserverPort),
      '--scheduler-port', String(schedulerPort), '--controller-manager-port', String(controllerManagerPort), '--kubeconfig', kubeconfig,
      '--nodes', String(o.nodes ?? 0));
  } catch (e) {
    // A failed `up` stops what it started; its state directory still needs removing. The error
    // already carries stderr; its progress lines (stdout) say which component failed.
    await k8ts('down', ...stateArgs).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}${(e as { stdout?: string }).stdout ?? ''}`, { cause: e });
  }
  const cacheDir = join(dir, 'kubectl-cache');
  const kubectl: Cluster['kubectl'] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(KUBECTL, args, {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir, ...opts.env },
        maxBuffer: 32 << 20,
        timeout: 60_000,
      }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        if (err && !opts.allowFail) reject(new Error(`kubectl ${args.join(' ')} failed (${code}): ${stderr}${stdout}`));
        else resolve({ stdout, stderr, code });
      });
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  return {
    dir, kubeconfig, apiserverPort, schedulerPort, k8ts, kubectl,
    server: `http://127.0.0.1:${apiserverPort}`,
    async down() {
      await k8ts('down', ...stateArgs).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
