// The kubelet server on the FakeRuntime: routes and errors, logs from the fake's log files,
// the stats summary, and exec/attach/port-forward relayed to a stand-in streaming server.
import { FakeRuntime, type AttachOptions, type ExecOptions } from '@k8ts/cri';
import type { Pod } from 'kubernetes-types/core/v1';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startKubeletServer, type KubeletServer } from './server.ts';
import type { HostReadings, Summary } from './stats.ts';
import { openChannels, runPod, startContainer, startStandInStreamServer, testPod } from './testing.ts';

/** The fake runtime, with streaming URLs on the stand-in server. */
class StreamingFake extends FakeRuntime {
  streamUrl = '';
  override async exec(id: string, o: ExecOptions) {
    await super.exec(id, o);
    return `${this.streamUrl}/exec/${id}`;
  }
  override async attach(id: string, o: AttachOptions) {
    await super.attach(id, o);
    return `${this.streamUrl}/attach/${id}`;
  }
  override async portForward(sandbox: string, ports: number[]) {
    await super.portForward(sandbox, ports);
    return `${this.streamUrl}/portforward/${sandbox}`;
  }
}

let dir = '';
let runtime: StreamingFake;
let stream: Awaited<ReturnType<typeof startStandInStreamServer>>;
let server: KubeletServer;
let healthy = true;
let cpuNs = 1_000_000_000n;
const pods: Pod[] = [];
const registry = new Registry();

const host = async (): Promise<HostReadings> => {
  cpuNs += 500_000_000n; // half a core-second per call
  return { cpuUsageNs: cpuNs, bootTime: new Date('2026-11-01T00:00:00Z'), meminfo: { MemTotal: 8_000, MemFree: 3_000, 'Inactive(file)': 1_000, AnonPages: 2_000 }, vmstat: { pgfault: 7, pgmajfault: 1 } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8ts-kserver-'));
  runtime = new StreamingFake({
    images: ['busybox'], writeLogFiles: true,
    behaviour: (c) => ({ logs: c.metadata?.name === 'main' ? [`attempt ${c.metadata?.attempt ?? 0}`] : [], memoryWorkingSetBytes: 1234 }),
  });
  stream = await startStandInStreamServer();
  runtime.streamUrl = stream.url;
  const pod = testPod('p', [{ name: 'main', image: 'busybox' }, { name: 'side', image: 'busybox' }]);
  pods.push(pod);
  const run = await runPod(runtime, pod, dir);
  await runtime.stopContainer(run.containers.main!, 0);
  await startContainer(runtime, pod, pod.spec!.containers[0]!, run.sandbox, run.sandboxConfig, { attempt: 1 });
  new Gauge({ name: 'k8ts_test_gauge', help: 'test', registers: [registry] }).set(3);
  server = await startKubeletServer({
    address: '127.0.0.1', port: 0, nodeName: 'node-1', runtime, images: runtime,
    pods: () => pods, healthy: () => healthy, registry, log: pino({ level: 'silent' }), readHost: host,
  });
});

afterAll(async () => {
  await server?.close();
  await stream?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type'), json: () => JSON.parse(text) };
};

describe('routes', () => {
  it('/healthz follows healthy()', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, text: 'ok' });
    healthy = false;
    expect((await get('/healthz')).status).toBe(500);
    healthy = true;
  });

  it('/pods is a v1 PodList, /metrics the registry, anything else a 404 Status', async () => {
    expect((await get('/pods')).json()).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods });
    const m = await get('/metrics');
    expect(m.text).toContain('k8ts_test_gauge 3');
    expect(m.type).toBe(registry.contentType);
    expect((await get('/nope')).json()).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
    expect((await get('/containerLogs/default/%E0%A4%A/main')).json()).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((await get('/exec/default/p/main?command=ls')).json()).toMatchObject({ code: 400, message: 'Upgrade request required' });
  });
});

describe('/containerLogs on the fake runtime', () => {
  it('serves the newest attempt, or the one before with previous=true', async () => {
    expect(await get('/containerLogs/default/p/main')).toMatchObject({ status: 200, text: 'attempt 1\n' });
    expect((await get('/containerLogs/default/p/main?previous=true')).text).toBe('attempt 0\n');
    expect((await get('/containerLogs/default/p/side?previous=true')).json()).toMatchObject({ code: 400, message: 'previous terminated container "side" in pod "p" not found' });
  });

  it('says a container without an attempt is waiting to start', async () => {
    pods.push(testPod('later', [{ name: 'c', image: 'busybox' }]));
    expect((await get('/containerLogs/default/later/c')).json()).toMatchObject({ code: 400, message: 'container "c" in pod "later" is waiting to start: ContainerCreating' });
  });
});

describe('/stats/summary on the fake runtime', () => {
  it('reports the node from /proc and each pod with its containers, CPU rates from consecutive calls', async () => {
    await get('/stats/summary');
    const s = (await get('/stats/summary')).json() as Summary;
    expect(s.node).toMatchObject({
      nodeName: 'node-1', startTime: '2026-11-01T00:00:00Z',
      memory: { usageBytes: 5_000, workingSetBytes: 4_000, availableBytes: 4_000, rssBytes: 2_000, pageFaults: 7, majorPageFaults: 1 },
      cpu: { usageCoreNanoSeconds: expect.any(Number), usageNanoCores: expect.any(Number) },
    });
    expect(s.node.cpu!.usageNanoCores).toBeGreaterThan(0);
    const p = s.pods.find((x) => x.podRef.name === 'p')!;
    expect(p.podRef).toEqual({ name: 'p', namespace: 'default', uid: 'uid-p' });
    expect(p.containers.map((c) => c.name).sort()).toEqual(['main', 'side']);
    expect(p.memory).toMatchObject({ workingSetBytes: 2468 });
    const summary = (await get('/stats/summary?only_cpu_and_memory=true')).json() as Summary;
    expect(summary.node.fs).toBeUndefined();
  });
});

describe('exec, attach and port-forward relayed to the streaming server', () => {
  const url = (path: string) => `${server.url}${path}`;

  it('opens the remotecommand streams, relays stdin and output, turns the v5 close frame into stdin EOF', async () => {
    const before = stream.sessions.length;
    const s = await openChannels(url('/exec/default/p/main?command=cat&command=-&stdin=true&stdout=true&stderr=true'));
    expect(s.protocol).toBe('v5.channel.k8s.io');
    s.send(0, 'abc');
    await s.waitFor(1, 'ABC');
    s.closeChannel(0);
    const r = await s.done;
    expect(r.out[1]?.toString()).toBe('ABC');
    expect(r.out[2]?.toString()).toBe('bye\n');
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
    const session = stream.sessions[before]!;
    expect(session.streams.map((h) => h.streamtype)).toEqual(['error', 'stdin', 'stdout', 'stderr']);
    expect(session).toMatchObject({ kind: 'exec', stdin: 'abc', stdinEnded: true });
    const call = runtime.calls.filter((c) => c.method === 'exec').at(-1)!;
    expect(call.args[1]).toEqual({ cmd: ['cat', '-'], stdin: true, stdout: true, stderr: true, tty: false });
  });

  it('with a terminal: no stderr stream, a resize stream, resize messages passed on', async () => {
    const before = stream.sessions.length;
    const s = await openChannels(url('/attach/default/p/main?stdin=true&stdout=true&stderr=true&tty=true'));
    s.send(4, '{"Width":80,"Height":24}');
    s.send(0, 'x');
    await s.waitFor(1, 'X');
    s.closeChannel(0);
    await s.done;
    const session = stream.sessions[before]!;
    expect(session.kind).toBe('attach');
    expect(session.streams.map((h) => h.streamtype)).toEqual(['error', 'stdin', 'stdout', 'resize']);
    expect(session.resizes).toEqual(['{"Width":80,"Height":24}']);
    expect(runtime.calls.filter((c) => c.method === 'attach').at(-1)!.args[1]).toEqual({ stdin: true, stdout: true, stderr: false, tty: true });
  });

  it('v4 has no close frame: 255 is ignored and the session ends when the client leaves', async () => {
    const before = stream.sessions.length;
    const s = await openChannels(url('/exec/default/p/main?command=cat&stdin=true&stdout=true'), ['v4.channel.k8s.io']);
    s.send(0, 'q');
    await s.waitFor(1, 'Q');
    s.closeChannel(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(stream.sessions[before]!.stdinEnded).toBe(false);
    s.ws.close();
    await s.done;
  });

  it('refuses before upgrading: unknown pod or container, nothing running, no protocol, not a WebSocket', async () => {
    await expect(openChannels(url('/exec/default/nope/main?command=ls&stdout=true'))).rejects.toMatchObject({ statusCode: 404 });
    await expect(openChannels(url('/exec/default/p/nope?command=ls&stdout=true'))).rejects.toMatchObject({ statusCode: 404 });
    await expect(openChannels(url('/exec/default/later/c?command=ls&stdout=true'))).rejects.toMatchObject({ statusCode: 404, body: expect.stringContaining('container not found') });
    await expect(openChannels(url('/exec/default/p/main?stdout=true'))).rejects.toMatchObject({ statusCode: 400, body: expect.stringContaining('at least 1 command') });
    await expect(openChannels(url('/exec/default/p/main?command=ls'))).rejects.toMatchObject({ statusCode: 400, body: expect.stringContaining('at least 1 of stdin, stdout, stderr') });
    await expect(openChannels(url('/exec/default/p/main?command=ls&stdout=true'), ['base64.channel.k8s.io'])).rejects.toMatchObject({
      statusCode: 403, body: expect.stringContaining('unable to negotiate protocol: client supports [base64.channel.k8s.io], server supports [v5.channel.k8s.io v4.channel.k8s.io]'),
    });
    const net = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const sock = net.connect(server.port, '127.0.0.1', () => sock.write('POST /exec/default/p/main?command=ls&stdout=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'));
      let got = '';
      sock.on('data', (d: Buffer) => (got += d.toString()));
      sock.on('close', () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(answer).toContain('use WebSocket or SPDY/3.1');
  });

  it('relays a SPDY client (older kubectl, or its fallback) stream for stream', async () => {
    const before = stream.sessions.length;
    const { dialSpdy } = await import('./spdy/dial.ts');
    await expect(dialSpdy(url('/exec/default/p/main?command=cat&stdin=1&stdout=1'), ['v9.channel.k8s.io'])).rejects.toMatchObject({ statusCode: 403 });
    const { session, protocol } = await dialSpdy(url('/exec/default/p/main?command=cat&stdin=1&stdout=1'), ['v4.channel.k8s.io', 'v3.channel.k8s.io']);
    expect(protocol).toBe('v4.channel.k8s.io');
    const error = session.open({ streamtype: 'error' });
    const stdin = session.open({ streamtype: 'stdin' });
    const stdout = session.open({ streamtype: 'stdout' });
    const read = (s: typeof stdout) => new Promise<string>((r) => {
      let t = '';
      s.on('data', (d: Buffer) => (t += d.toString()));
      s.on('end', () => r(t));
    });
    const [out, status] = [read(stdout), read(error)];
    stdin.end('spdy in');
    expect(await out).toBe('SPDY IN');
    expect(await status).toBe('{"metadata":{},"status":"Success"}');
    expect(stream.sessions[before]!.streams.map((h) => h.streamtype)).toEqual(['error', 'stdin', 'stdout']);
    session.close();
  });

  it('forwards ports over the plain WebSocket protocol, one stream pair per port', async () => {
    const before = stream.sessions.length;
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/portForward/default/p?port=8080&port=9090`, ['v4.channel.k8s.io']);
    const got: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (m: Buffer) => {
        got.push(m);
        if (got.length === 4) {
          ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('hi')]));
        }
        if (got.length === 5) resolve();
      });
    });
    expect(got.slice(0, 4)).toEqual([Buffer.from([0, 0x90, 0x1f]), Buffer.from([1, 0x90, 0x1f]), Buffer.from([2, 0x82, 0x23]), Buffer.from([3, 0x82, 0x23])]);
    expect(got[4]).toEqual(Buffer.concat([Buffer.from([2]), Buffer.from('port 9090: hi')]));
    ws.close();
    const session = stream.sessions[before]!;
    expect(session.streams).toEqual([
      { port: '8080', requestid: '0', streamtype: 'error' }, { port: '8080', requestid: '0', streamtype: 'data' },
      { port: '9090', requestid: '1', streamtype: 'error' }, { port: '9090', requestid: '1', streamtype: 'data' },
    ]);
    expect(runtime.calls.filter((c) => c.method === 'portForward').at(-1)!.args[1]).toEqual([8080, 9090]);
  });
});
