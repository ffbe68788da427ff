// The real kubectl against a test API server: a kubeconfig of its own and a private cache, so
// tests never touch ~/.kube and can run side by side.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

/** A kubeconfig naming one plain-HTTP server, with no credentials (the test API server needs none). */
export async function writeTestKubeconfig(path: string, server: string): Promise<void> {
  await writeFile(path, [
    'apiVersion: v1', 'kind: Config', 'current-context: t',
    `clusters: [{name: t, cluster: {server: "${server}"}}]`,
    'users: [{name: t, user: {}}]',
    'contexts: [{name: t, context: {cluster: t, user: t}}]', '',
  ].join('\n'));
}

export interface TestKubectl {
  dir: string;
  kubeconfig: string;
  /** Runs kubectl; resolves with stdout, rejects (with stderr in the message) on a non-zero exit. */
  run(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function testKubectl(server: string): Promise<TestKubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeTestKubeconfig(kubeconfig, server);
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  return {
    dir,
    kubeconfig,
    run: async (...args) => (await run(KUBECTL, args, { env, maxBuffer: 32 << 20 })).stdout,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
