// The kubelet server against a real private containerd (hostNetwork sandboxes only: no pod
// network exists, nothing is sent to a pod or service address): logs, exec, attach, port-forward
// and the stats summary, with WebSocket clients speaking the channel protocol as kubectl does.
import { CriClient, cleanupContainerd, DEFAULT_SANDBOX_IMAGE, importBaseImages, startContainerd, type ContainerdProcess } from '@k8ts/cri';
import { freePort, until } from '@k8ts/testing';
import type { Pod } from 'kubernetes-types/core/v1';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startKubeletServer, type KubeletServer } from './server.ts';
import type { Summary } from './stats.ts';
import { openChannels, runPod, startContainer, testPod } from './testing.ts';

let nodeDir = '';
let containerd: ContainerdProcess | undefined;
let cri: CriClient;
let server: KubeletServer | undefined;
const pods: Pod[] = [];
let httpPort = 0;
let ids: Record<string, string> = {};

const sh = (name: string, script: string) => ({ name, image: 'busybox', command: ['sh', '-c', script] });

beforeAll(async () => {
  nodeDir = await mkdtemp(join(tmpdir(), 'k8ts-ks-'));
  containerd = await startContainerd({ nodeDir, sandboxImage: DEFAULT_SANDBOX_IMAGE });
  await importBaseImages({ socket: containerd.paths.socket, dir: nodeDir });
  cri = new CriClient({ endpoint: containerd.endpoint, timeoutMs: 30_000 });
  httpPort = await freePort();
  const pod = testPod('web', [
    sh('logger', 'for i in 1 2 3 4 5; do echo "line $i"; done; sleep 0.2; echo "to stderr" >&2; sleep 0.2; printf "no newline"; sleep 0.3; echo " then newline"; exec sleep 3600'),
    sh('shell', 'exec sleep 3600'),
    { name: 'echoer', image: 'busybox', command: ['cat'], stdin: true },
    sh('httpd', `mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p 127.0.0.1:${httpPort} -h /www`),
    sh('ticker', 'for i in 1 2 3; do echo "tick $i"; sleep 0.4; done'),
    sh('relay', 'while true; do if [ -f /tmp/say ]; then cat /tmp/say; rm /tmp/say; fi; sleep 0.1; done'),
  ]);
  pods.push(pod);
  const run = await runPod(cri, pod, join(nodeDir, 'logs'));
  ids = run.containers;
  server = await startKubeletServer({
    address: '127.0.0.1', port: 0, nodeName: 'node-a', runtime: cri, images: cri,
    pods: () => pods, healthy: () => true, registry: new Registry(), log: pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' }),
    logPollMs: 50,
  });
  // Let the quick writers finish their first lines.
  await until(async () => (await fetch(`${server!.url}/containerLogs/default/web/logger`)).ok && (await (await fetch(`${server!.url}/containerLogs/default/web/logger`)).text()).includes('then newline'), 10_000, 'logger output');
}, 120_000);

afterAll(async () => {
  await server?.close();
  cri?.close();
  await containerd?.stop();
  if (nodeDir) await cleanupContainerd({ nodeDir });
}, 60_000);

const get = async (path: string) => {
  const res = await fetch(`${server!.url}${path}`);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
};

describe('kubelet server: logs from a real containerd', () => {
  it('serves the whole log, joining partial lines, stdout and stderr together', async () => {
    const r = await get('/containerLogs/default/web/logger');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.text).toBe('line 1\nline 2\nline 3\nline 4\nline 5\nto stderr\nno newline then newline\n');
  });

  it('honours tailLines, timestamps and limitBytes', async () => {
    expect((await get('/containerLogs/default/web/logger?tailLines=2')).text).toBe('to stderr\nno newline then newline\n');
    expect((await get('/containerLogs/default/web/logger?tailLines=0')).text).toBe('');
    expect((await get('/containerLogs/default/web/logger?limitBytes=10')).text).toBe('line 1\nlin');
    const ts = (await get('/containerLogs/default/web/logger?tailLines=1&timestamps=true')).text;
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z no newline then newline\n$/);
    expect((await get('/containerLogs/default/web/logger?sinceTime=2999-01-01T00:00:00Z')).text).toBe('');
    expect((await get('/containerLogs/default/web/logger?sinceSeconds=600')).text).toContain('line 1\n');
  });

  it('follows a log until the container exits and the file is drained', async () => {
    const t0 = Date.now();
    const r = await get('/containerLogs/default/web/ticker?follow=true');
    expect(r.text).toBe('tick 1\ntick 2\ntick 3\n');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('streams appended lines while following, and stops when the client goes away', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${server!.url}/containerLogs/default/web/relay?follow=true`, { signal: ctl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    // Write into the container's stdout: PID 1's fd 1 is the log pipe.
    // The container prints what appears in /tmp/say.
    await cri.execSync(ids.relay!, ['sh', '-c', 'echo appended > /tmp/say.new && mv /tmp/say.new /tmp/say'], 5);
    let got = '';
    while (!got.includes('appended\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      got += Buffer.from(value).toString();
    }
    expect(got).toBe('appended\n');
    ctl.abort();
  });

  it('answers errors as Status objects with upstream messages', async () => {
    const missingPod = await get('/containerLogs/default/nope/logger');
    expect(missingPod.status).toBe(404);
    expect(JSON.parse(missingPod.text)).toMatchObject({ kind: 'Status', code: 404, message: 'pod "nope" does not exist' });
    const missingContainer = await get('/containerLogs/default/web/nope');
    expect(JSON.parse(missingContainer.text)).toMatchObject({ code: 404, message: 'container "nope" not found in pod "web"' });
    const previous = await get('/containerLogs/default/web/logger?previous=true');
    expect(previous.status).toBe(400);
    expect(JSON.parse(previous.text)).toMatchObject({ reason: 'BadRequest', message: 'previous terminated container "logger" in pod "web" not found' });
    const bad = await get('/containerLogs/default/web/logger?tailLines=-1');
    expect(bad.status).toBe(422);
  });

  it('serves the previous attempt with previous=true', async () => {
    const pod = testPod('restarts', [sh('c', 'echo "attempt $ATTEMPT"')]);
    pods.push(pod);
    const run = await runPod(cri, { ...pod, spec: { ...pod.spec!, containers: [sh('c', 'echo first')] } }, join(nodeDir, 'logs'));
    await until(async () => (await cri.containerStatus(run.containers.c!)).status?.state === 'CONTAINER_EXITED', 10_000, 'first attempt exits');
    await startContainer(cri, pod, sh('c', 'echo second; sleep 3600'), run.sandbox, run.sandboxConfig, { attempt: 1 });
    await until(async () => (await get('/containerLogs/default/restarts/c')).text === 'second\n', 10_000, 'second attempt logs');
    expect((await get('/containerLogs/default/restarts/c?previous=true')).text).toBe('first\n');
  });
});

describe('kubelet server: exec and attach against a real containerd', () => {
  const execUrl = (container: string, cmd: string[], q = 'stdout=true&stderr=true') =>
    `${server!.url}/exec/default/web/${container}?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${q}`;

  it('runs a command and reports its exit code as a NonZeroExitCode Status (v5)', async () => {
    const s = await openChannels(execUrl('shell', ['sh', '-c', 'echo out; echo err >&2; exit 3']));
    expect(s.protocol).toBe('v5.channel.k8s.io');
    const r = await s.done;
    expect(r.out[1]?.toString()).toBe('out\n');
    expect(r.out[2]?.toString()).toBe('err\n');
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    expect(r.closeCode).toBe(1000);
  });

  it('reports Success for exit 0, over v4 as well', async () => {
    const s = await openChannels(execUrl('shell', ['echo', 'hi']), ['v4.channel.k8s.io']);
    expect(s.protocol).toBe('v4.channel.k8s.io');
    const r = await s.done;
    expect(r.out[1]?.toString()).toBe('hi\n');
    expect(r.status).toMatchObject({ status: 'Success' });
  });

  it('passes stdin through and ends the command when the client closes stdin (v5 close frame)', async () => {
    const s = await openChannels(execUrl('shell', ['sh', '-c', 'cat; echo "[eof]"'], 'stdin=true&stdout=true&stderr=true'));
    s.send(0, 'hello ');
    s.send(0, 'world\n');
    await s.waitFor(1, 'hello world\n');
    s.closeChannel(0);
    const r = await s.done;
    expect(r.out[1]?.toString()).toBe('hello world\n[eof]\n');
    expect(r.status).toMatchObject({ status: 'Success' });
  });

  it('moves megabytes both ways intact', async () => {
    const out = await openChannels(execUrl('shell', ['sh', '-c', 'head -c 5000000 /dev/zero | tr "\\0" x']));
    const r = await out.done;
    expect(r.out[1]?.length).toBe(5_000_000);
    expect(r.out[1]?.every((b) => b === 0x78)).toBe(true);
    const input = await openChannels(execUrl('shell', ['wc', '-c'], 'stdin=true&stdout=true'));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 48; i++) input.send(0, chunk);
    input.closeChannel(0);
    const w = await input.done;
    expect(w.out[1]?.toString().trim()).toBe(String(48 * 64 * 1024));
    expect(w.status).toMatchObject({ status: 'Success' });
  });

  it('runs with a terminal and applies resize messages', async () => {
    const s = await openChannels(execUrl('shell', ['sh', '-c', 'sleep 0.5; stty size'], 'stdin=true&stdout=true&tty=true'));
    s.send(4, JSON.stringify({ Width: 123, Height: 45 }));
    const out = await s.waitFor(1, '45 123');
    expect(out).toContain('45 123');
    s.closeChannel(0);
    const r = await s.done;
    expect(r.status).toMatchObject({ status: 'Success' });
  });

  it('attaches to a running container', async () => {
    const s = await openChannels(`${server!.url}/attach/default/web/echoer?stdin=true&stdout=true&stderr=true`);
    s.send(0, 'ping\n');
    await s.waitFor(1, 'ping\n');
    s.ws.close();
    await s.done;
  });

  it('refuses what it cannot serve with a Status', async () => {
    await expect(openChannels(execUrl('nope', ['true']))).rejects.toMatchObject({ statusCode: 404 });
    await expect(openChannels(execUrl('ticker', ['true']))).rejects.toMatchObject({ statusCode: 404, body: expect.stringContaining('container not found (\\"ticker\\")') });
    await expect(openChannels(execUrl('shell', ['true']), ['channel.k8s.io'])).rejects.toMatchObject({ statusCode: 403 });
    const plain = await fetch(execUrl('shell', ['true']));
    expect(plain.status).toBe(400);
  });
});

describe('kubelet server: port-forward, stats and the rest', () => {
  it('forwards a port over the plain WebSocket protocol', async () => {
    await until(async () => (await fetch(`http://127.0.0.1:${httpPort}/`).then((r) => r.text()).catch(() => '')).includes('hello-from-httpd'), 10_000, 'httpd up');
    const ws = new WebSocket(`${server!.url.replace('http', 'ws')}/portForward/default/web?port=${httpPort}`, ['v4.channel.k8s.io']);
    const chunks: Buffer[] = [];
    const prefixes: Buffer[] = [];
    let errors = '';
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (m: Buffer) => {
        if (m.length === 3 && prefixes.length < 2) return void prefixes.push(m);
        if (m[0] === 0) chunks.push(m.subarray(1));
        else errors += m.subarray(1).toString();
      });
      ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(`GET / HTTP/1.0\r\nHost: x\r\n\r\n`)])));
      ws.on('close', () => resolve());
    });
    expect(prefixes).toEqual([Buffer.from([0, httpPort & 0xff, httpPort >> 8]), Buffer.from([1, httpPort & 0xff, httpPort >> 8])]);
    expect(errors).toBe('');
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.[01] 200 OK[\s\S]*hello-from-httpd\n$/);
  });

  it('summarises node and pod stats', async () => {
    const first = (await (await fetch(`${server!.url}/stats/summary`)).json()) as Summary;
    await new Promise((r) => setTimeout(r, 200));
    const s = (await (await fetch(`${server!.url}/stats/summary`)).json()) as Summary;
    expect(first.node.nodeName).toBe('node-a');
    expect(s.node).toMatchObject({
      nodeName: 'node-a',
      cpu: { usageCoreNanoSeconds: expect.any(Number), usageNanoCores: expect.any(Number) },
      memory: { workingSetBytes: expect.any(Number), usageBytes: expect.any(Number), availableBytes: expect.any(Number) },
    });
    const web = s.pods.find((p) => p.podRef.name === 'web')!;
    expect(web).toMatchObject({ podRef: { name: 'web', namespace: 'default', uid: 'uid-web' }, cpu: { usageCoreNanoSeconds: expect.any(Number) }, memory: { workingSetBytes: expect.any(Number) } });
    expect(web.containers.map((c) => c.name).sort()).toEqual(['echoer', 'httpd', 'logger', 'relay', 'shell']);
    const shell = web.containers.find((c) => c.name === 'shell');
    expect(shell).toMatchObject({ cpu: { usageCoreNanoSeconds: expect.any(Number), usageNanoCores: expect.any(Number) }, memory: { workingSetBytes: expect.any(Number) } });
  });

  it('serves healthz, pods and metrics', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, text: 'ok' });
    const list = JSON.parse((await get('/pods')).text);
    expect(list).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(list.items.map((p: Pod) => p.metadata?.name)).toContain('web');
    expect((await get('/metrics')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
  });
});
