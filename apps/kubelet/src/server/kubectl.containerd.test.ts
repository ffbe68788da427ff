// End to end: /usr/bin/kubectl → the built API server → this kubelet server → a real private
// containerd. The Node object names 127.0.0.1 and the test server's port; the pod's containers
// run in a hostNetwork sandbox (no pod network: nothing is sent to a pod or service address).
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client } from '@k8ts/client';
import { CriClient, cleanupContainerd, DEFAULT_SANDBOX_IMAGE, importBaseImages, startContainerd, type ContainerdProcess } from '@k8ts/cri';
import { freePort, KUBECTL, startControlPlane, testKubectl, until, type ControlPlane, type TestKubectl } from '@k8ts/testing';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletServer, type KubeletServer } from './server.ts';
import { runPod } from './testing.ts';

const PODS = resourceFor('', 'v1', 'pods') as ResourceInfo;
const NODES = resourceFor('', 'v1', 'nodes') as ResourceInfo;

let cp: ControlPlane | undefined;
let kubectl: TestKubectl | undefined;
let client: Client | undefined;
let nodeDir = '';
let containerd: ContainerdProcess | undefined;
let cri: CriClient | undefined;
let server: KubeletServer | undefined;
let pods: Pod[] = [];
let httpPort = 0;
const children = new Set<ChildProcess>();

const sh = (name: string, script: string) => ({ name, image: 'busybox', command: ['sh', '-c', script] });

beforeAll(async () => {
  cp = await startControlPlane();
  kubectl = await testKubectl(cp.url);
  client = new Client({ config: { server: cp.url }, timeoutMs: 5_000 });
  nodeDir = await mkdtemp(join(tmpdir(), 'k8ts-kk-'));
  containerd = await startContainerd({ nodeDir, sandboxImage: DEFAULT_SANDBOX_IMAGE });
  await importBaseImages({ socket: containerd.paths.socket, dir: nodeDir });
  cri = new CriClient({ endpoint: containerd.endpoint, timeoutMs: 30_000 });
  server = await startKubeletServer({
    address: '127.0.0.1', port: 0, nodeName: 'node-e2e', runtime: cri, images: cri,
    pods: () => pods, healthy: () => true, registry: new Registry(), log: pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' }),
    logPollMs: 50,
  });
  await client.create<Node>(NODES, {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-e2e' },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-e2e' }], daemonEndpoints: { kubeletEndpoint: { Port: server.port } } },
  });
  httpPort = await freePort();
  const created = await client.create<Pod>(PODS, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' },
    spec: {
      nodeName: 'node-e2e', hostNetwork: true,
      containers: [
        sh('logger', 'echo one; echo two; echo three; exec sleep 3600'),
        sh('shell', 'exec sleep 3600'),
        sh('ticker', 'sleep 2; for i in 1 2 3; do echo "tick $i"; sleep 0.5; done'),
        { name: 'attachee', image: 'busybox', command: ['sh', '-c', 'read line; echo "got $line"'], stdin: true, stdinOnce: true },
        sh('httpd', `mkdir -p /www && echo hello-through-kubectl > /www/index.html && exec httpd -f -p 127.0.0.1:${httpPort} -h /www`),
      ],
    },
  });
  pods = [created];
  await runPod(cri, created, join(nodeDir, 'logs'));
  // kubectl port-forward wants a Running pod; no kubelet writes status here.
  const res = await fetch(`${cp.url}/api/v1/namespaces/default/pods/web/status`, {
    method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ status: { phase: 'Running' } }),
  });
  expect(res.status).toBe(200);
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.pid && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
  await server?.close();
  cri?.close();
  await containerd?.stop();
  if (nodeDir) await cleanupContainerd({ nodeDir });
  client?.close();
  await kubectl?.close();
  await cp?.stop();
}, 60_000);

/** kubectl with stdin, resolving with its exit code and output (never rejecting). */
function kubectlRun(args: string[], input?: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, KUBECONFIG: kubectl!.kubeconfig, KUBECACHEDIR: join(kubectl!.dir, 'cache'), HOME: kubectl!.dir, ...extraEnv };
    const child = spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

describe('kubectl logs, exec, attach and port-forward through the API server and this kubelet', () => {
  it('kubectl logs, with --tail and --timestamps', async () => {
    await until(async () => (await kubectlRun(['logs', 'web', '-c', 'logger'])).stdout === 'one\ntwo\nthree\n', 10_000, 'the logger output');
    expect((await kubectlRun(['logs', 'web', '-c', 'logger', '--tail=1'])).stdout).toBe('three\n');
    expect((await kubectlRun(['logs', 'pod/web', '-c', 'logger', '--tail=1', '--timestamps'])).stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z three\n$/);
  });

  it('kubectl logs -f ends when the container ends', async () => {
    const r = await kubectlRun(['logs', '-f', 'web', '-c', 'ticker']);
    expect(r).toMatchObject({ code: 0, stdout: 'tick 1\ntick 2\ntick 3\n' });
  });

  it('kubectl logs --previous reports the missing attempt as upstream', async () => {
    const r = await kubectlRun(['logs', 'web', '-c', 'logger', '--previous']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('previous terminated container "logger" in pod "web" not found');
  });

  it('kubectl exec passes output and exits with the command\'s code', async () => {
    expect(await kubectlRun(['exec', 'web', '-c', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2'])).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    const failed = await kubectlRun(['exec', 'web', '-c', 'shell', '--', 'sh', '-c', 'exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('command terminated with exit code 3');
  });

  it('kubectl exec carries megabytes through the API server intact', async () => {
    const r = await kubectlRun(['exec', 'web', '-c', 'shell', '--', 'sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(3_000_000);
    expect(/^x+$/.test(r.stdout)).toBe(true);
  });

  it('kubectl exec -i feeds stdin and ends when it does', async () => {
    const r = await kubectlRun(['exec', '-i', 'web', '-c', 'shell', '--', 'sh', '-c', 'tr a-z A-Z; echo "[done]"'], 'hello stdin\n');
    expect(r).toMatchObject({ code: 0, stdout: 'HELLO STDIN\n[done]\n' });
  });

  it('kubectl attach -i talks to the container\'s own process', async () => {
    const r = await kubectlRun(['attach', '-i', 'web', '-c', 'attachee'], 'ping\n');
    expect(r.stdout).toContain('got ping');
  });

  it('kubectl exec over SPDY (kubectl\'s fallback, and older clients): exit code and stdin', async () => {
    const spdy = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    expect((await kubectlRun(['exec', 'web', '-c', 'shell', '--', 'sh', '-c', 'exit 4'], undefined, spdy)).code).toBe(4);
    expect(await kubectlRun(['exec', '-i', 'web', '-c', 'shell', '--', 'sh', '-c', 'tr a-z A-Z'], 'over spdy\n', spdy)).toMatchObject({ code: 0, stdout: 'OVER SPDY\n' });
  });

  it('kubectl exec into a container that is not running says so', async () => {
    const r = await kubectlRun(['exec', 'web', '-c', 'ticker', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('container not found ("ticker")');
  });

  it.each([
    ['WebSocket tunnel', {}],
    ['SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ])('kubectl port-forward reaches a port in the pod (%s)', async (_how, extraEnv) => {
    await until(async () => (await fetch(`http://127.0.0.1:${httpPort}/`).then((r) => r.text()).catch(() => '')).includes('hello'), 10_000, 'httpd up');
    const local = await freePort();
    const env = { ...process.env, KUBECONFIG: kubectl!.kubeconfig, KUBECACHEDIR: join(kubectl!.dir, 'cache'), HOME: kubectl!.dir, ...extraEnv };
    const child = spawn(KUBECTL, ['port-forward', '--address', '127.0.0.1', 'pod/web', `${local}:${httpPort}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(async () => out.includes('Forwarding from') || child.exitCode !== null, 15_000, 'port-forward to start');
      expect(out).toContain('Forwarding from');
      for (let i = 0; i < 3; i++) {
        const body = await (await fetch(`http://127.0.0.1:${local}/`)).text();
        expect(body).toBe('hello-through-kubectl\n');
      }
    } finally {
      process.kill(child.pid!, 'SIGTERM');
      children.delete(child);
    }
  });
});
