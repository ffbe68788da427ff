// pods/log, exec, attach and portforward proxied to a kubelet: a real etcd and API server, and a
// stand-in kubelet (HTTP + WebSocket on loopback) that records what reaches it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { pod, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let kubelet: Server;
let kubeletPort = 0;
let seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
/** how the stand-in answers /containerLogs */
let logAnswer: (url: URL, res: import('node:http').ServerResponse) => void;

beforeAll(async () => {
  h = await startHarness();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const url = new URL(req.url!, 'http://k');
    if (url.pathname.startsWith('/containerLogs/')) return logAnswer(url, res);
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Upgrade request required', reason: 'BadRequest', code: 400 }));
  });
  kubelet.on('upgrade', (req: IncomingMessage, socket, head) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    if (new URL(req.url!, 'http://k').pathname.endsWith('/init')) {
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'container not found ("init")', reason: 'NotFound', code: 404 });
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Echo stdin to stdout, then a Success status on channel 3 when stdin closes.
      ws.on('message', (m: Buffer) => {
        if (m[0] === 0) ws.send(Buffer.concat([Buffer.from([1]), m.subarray(1)]));
        if (m[0] === 255 && m[1] === 0) {
          ws.send(Buffer.concat([Buffer.from([3]), Buffer.from('{"metadata":{},"status":"Success"}')]));
          ws.close(1000);
        }
      });
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', () => r()));
  kubeletPort = (kubelet.address() as AddressInfo).port;

  const node = (name: string, port: number) => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    status: { addresses: [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } },
  });
  expect((await h.call('POST', '/api/v1/nodes', node('node-a', kubeletPort))).status).toBe(201);
  expect((await h.call('POST', '/api/v1/nodes', node('node-down', 1))).status).toBe(201);
  for (const [name, extra] of [
    ['web', { spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox' }] } }],
    ['two', { spec: { nodeName: 'node-a', initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] } }],
    ['pending', {}],
    ['orphan', { spec: { nodeName: 'node-gone', containers: [{ name: 'c', image: 'busybox' }] } }],
    ['down', { spec: { nodeName: 'node-down', containers: [{ name: 'c', image: 'busybox' }] } }],
  ] as const) {
    expect((await h.call('POST', '/api/v1/namespaces/default/pods', pod(name, extra))).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  kubelet?.closeAllConnections();
  await new Promise((r) => kubelet?.close(r));
  await h?.close();
});

beforeEach(() => {
  seen = [];
  logAnswer = (_url, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('a log\n');
});

const base = '/api/v1/namespaces/default/pods';

describe('pods/log through the API server', () => {
  it('proxies to the kubelet with the options translated, defaulting the only container', async () => {
    const r = await h.call('GET', `${base}/web/log?follow=true&tailLines=5&timestamps=true&previous=true&limitBytes=100&sinceSeconds=30`);
    expect(r.status).toBe(200);
    expect(r.text).toBe('a log\n');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(seen).toHaveLength(1);
    const u = new URL(seen[0]!.url, 'http://k');
    expect(u.pathname).toBe('/containerLogs/default/web/c');
    expect(Object.fromEntries(u.searchParams)).toEqual({ follow: 'true', previous: 'true', timestamps: 'true', sinceSeconds: '30', tailLines: '5', limitBytes: '100' });
  });

  it('streams a following log as the kubelet writes it', async () => {
    let finish!: () => void;
    logAnswer = (_url, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      finish = () => res.end('second\n');
    };
    const res = await fetch(`${h.url}${base}/web/log?follow=true`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first\n');
    finish();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    expect(rest).toBe('second\n');
  });

  it('passes the kubelet\'s Status through', async () => {
    logAnswer = (_url, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'previous terminated container "c" in pod "web" not found', reason: 'BadRequest', code: 400,
    }));
    const r = await h.call('GET', `${base}/web/log?previous=true`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'previous terminated container "c" in pod "web" not found' });
  });

  it('answers the upstream errors', async () => {
    expect((await h.call('GET', `${base}/nope/log`)).body).toMatchObject({ code: 404, message: 'pods "nope" not found' });
    expect((await h.call('GET', `${base}/two/log`)).body).toMatchObject({
      code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [init]',
    });
    expect((await h.call('GET', `${base}/two/log?container=z`)).body).toMatchObject({ code: 400, message: 'container z is not valid for pod two' });
    expect((await h.call('GET', `${base}/two/log?container=init`)).status).toBe(200);
    expect((await h.call('GET', `${base}/web/log?tailLines=-1`)).body).toMatchObject({
      code: 422, reason: 'Invalid', message: 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    });
    // Upstream: a pod not yet on a node has an empty log.
    expect(await h.call('GET', `${base}/pending/log`)).toMatchObject({ status: 200, text: '' });
    expect((await h.call('GET', `${base}/orphan/log`)).body).toMatchObject({ code: 404, message: 'nodes "node-gone" not found' });
    expect((await h.call('GET', `${base}/down/log`)).body).toMatchObject({ code: 500, message: expect.stringMatching(/^error dialing backend: dial tcp 127\.0\.0\.1:1: /) });
    expect((await h.call('PUT', `${base}/web/log`, {})).status).toBe(405);
  });
});

describe('pods/exec, attach and portforward through the API server', () => {
  const wsUrl = (path: string) => `${h.url.replace('http', 'ws')}${base}/${path}`;
  const open = (path: string, protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io']) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(wsUrl(path), protocols);
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(body), { status: res.statusCode, body: JSON.parse(body) })));
    });
    ws.on('error', reject);
  });

  it('joins the client to the kubelet: sub-protocol, path, parameters and frames pass through', async () => {
    const ws = await open('web/exec?command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&stderr=true&tty=false');
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    const u = new URL(seen[0]!.url, 'http://k');
    expect(u.pathname).toBe('/exec/default/web/c');
    expect(u.searchParams.getAll('command')).toEqual(['sh', '-c', 'echo hi']);
    expect(Object.fromEntries([...u.searchParams].filter(([k]) => k !== 'command'))).toEqual({ stdin: '1', stdout: '1', stderr: '1' });
    expect(seen[0]!.headers.host).toBe(`127.0.0.1:${kubeletPort}`);
    const got: Buffer[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (m: Buffer) => got.push(m));
    ws.send(Buffer.from([0, ...Buffer.from('hello')]));
    ws.send(Buffer.from([255, 0]));
    expect(await closed).toBe(1000);
    expect(got.map((m) => [m[0], m.subarray(1).toString()])).toEqual([[1, 'hello'], [3, '{"metadata":{},"status":"Success"}']]);
  });

  it('sends attach and portforward to their kubelet paths', async () => {
    (await open('two/attach?container=b&stdout=true')).close();
    expect(seen[0]!.url).toBe('/attach/default/two/b?stdout=1');
    (await open('web/portforward?ports=8080,9090')).close();
    expect(seen[1]!.url).toBe('/portForward/default/web?port=8080&port=9090');
  });

  it('refuses with the upstream errors, and passes the kubelet\'s refusal through', async () => {
    await expect(open('nope/exec?command=true&stdout=true')).rejects.toMatchObject({ status: 404, body: { message: 'pods "nope" not found' } });
    await expect(open('pending/exec?command=true&stdout=true')).rejects.toMatchObject({ status: 400, body: { message: 'pod pending does not have a host assigned' } });
    await expect(open('two/exec?command=true&stdout=true')).rejects.toMatchObject({ status: 400, body: { message: expect.stringContaining('a container name must be specified for pod two') } });
    await expect(open('down/exec?command=true&stdout=true')).rejects.toMatchObject({ status: 500, body: { message: expect.stringContaining('error dialing backend') } });
    await expect(open('two/exec?container=nope&command=true&stdout=true')).rejects.toMatchObject({ status: 400, body: { message: 'container nope is not valid for pod two' } });
    await expect(open('two/exec?container=init&command=true&stdout=true')).rejects.toMatchObject({ status: 404, body: { message: 'container not found ("init")' } });
    const plain = await h.call('POST', `${base}/web/exec?command=true&stdout=true`);
    expect(plain.body).toMatchObject({ code: 400, message: 'Upgrade request required' });
  });
});
