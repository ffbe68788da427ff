// HTTP and TCP probes against servers on 127.0.0.1 started here; timeouts run on a FakeClock.
import { FakeClock, flush } from '@k8ts/client';
import { FakeRuntime } from '@k8ts/cri';
import type { HTTPGetAction, Probe } from 'kubernetes-types/core/v1';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podWith } from './fixtures.ts';
import { runProbe } from './run.ts';
import type { ProbeContext, TcpConnector } from './types.ts';

let server: Server;
let other: Server;
let port = 0;
let otherPort = 0;
let hung: () => void = () => {};
const held: ServerResponse[] = [];

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = req.url ?? '/';
  const status = /^\/status\/(\d+)$/.exec(url);
  if (status) return res.writeHead(Number(status[1])).end('nope');
  switch (url) {
    case '/':
    case '/ok':
      return res.end('fine');
    case '/headers':
      return res.end(JSON.stringify({ host: req.headers.host, ua: req.headers['user-agent'], accept: req.headers.accept ?? null, custom: req.headers['x-custom'] ?? null }));
    case '/redirect-local':
      return res.writeHead(302, { location: '/ok' }).end();
    case '/redirect-other-host':
      return res.writeHead(302, { location: `http://localhost:${port}/ok` }).end('moved');
    case '/redirect-other-port':
      return res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/status/500` }).end();
    case '/redirect-absolute-headers':
      return res.writeHead(301, { location: `http://127.0.0.1:${port}/headers` }).end();
    case '/redirect-relative-headers':
      return res.writeHead(301, { location: '/headers' }).end();
    case '/redirect-no-location':
      return res.writeHead(302).end('where');
    case '/loop':
      return res.writeHead(302, { location: '/loop' }).end();
    case '/big':
      return res.end('y'.repeat(50_000));
    case '/hang':
      held.push(res);
      return hung();
    case '/drop':
      return req.socket.destroy();
    default:
      return res.writeHead(404).end();
  }
}

const listen = (s: Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

beforeAll(async () => {
  server = createHttpServer(handle);
  other = createHttpServer(handle);
  port = await listen(server);
  otherPort = await listen(other);
});
afterAll(async () => {
  for (const r of held) r.destroy();
  await Promise.all([server, other].map((s) => new Promise((r) => s.close(r))));
});

function ctxFor(probe: Probe, extra: Partial<ProbeContext> = {}): ProbeContext {
  const pod = podWith({ livenessProbe: probe, ports: [{ name: 'web', containerPort: port }] });
  return { pod, container: pod.spec!.containers[0]!, containerId: 'c1', podIP: '127.0.0.1', runtime: new FakeRuntime(), ...extra };
}

const get = (action: Partial<HTTPGetAction>): Probe => ({ httpGet: { port, ...action } });

describe('httpGet probes', () => {
  it.each([
    { name: '200 is success with the body', probe: () => get({ path: '/ok' }), want: { result: 'Success', output: 'fine' } },
    { name: 'named container port', probe: () => get({ port: 'web', path: '/ok' }), want: { result: 'Success', output: 'fine' } },
    { name: 'empty path requests /', probe: () => get({}), want: { result: 'Success', output: 'fine' } },
    { name: 'any 3xx left is success with a warning', probe: () => get({ path: '/status/399' }), want: { result: 'Success', warning: true, output: 'Probe terminated redirects, Response body: nope' } },
    { name: '500 is failure', probe: () => get({ path: '/status/500' }), want: { result: 'Failure', output: 'HTTP probe failed with statuscode: 500' } },
    { name: '404 is failure', probe: () => get({ path: '/missing' }), want: { result: 'Failure', output: 'HTTP probe failed with statuscode: 404' } },
    { name: 'same-host redirect is followed', probe: () => get({ path: '/redirect-local' }), want: { result: 'Success', output: 'fine' } },
    {
      name: 'same host name on another port is followed',
      probe: () => get({ path: '/redirect-other-port' }),
      want: { result: 'Failure', output: 'HTTP probe failed with statuscode: 500' },
    },
    {
      name: 'redirect to another host is success with a warning',
      probe: () => get({ path: '/redirect-other-host' }),
      want: { result: 'Success', warning: true, output: 'Probe terminated redirects, Response body: moved' },
    },
    {
      name: 'redirect without Location ends as a warning',
      probe: () => get({ path: '/redirect-no-location' }),
      want: { result: 'Success', warning: true, output: 'Probe terminated redirects, Response body: where' },
    },
    {
      name: 'redirect loop stops after 10',
      probe: () => get({ path: '/loop' }),
      want: { result: 'Failure', output: 'Get "http://127.0.0.1:PORT/loop": stopped after 10 redirects' },
    },
    { name: 'body read stops at 10 KiB', probe: () => get({ path: '/big' }), want: { result: 'Success', output: 'y'.repeat(10_240) } },
    { name: 'unknown port name errors', probe: () => get({ port: 'admin' }), want: { result: 'Unknown', output: '', error: 'strconv.Atoi: parsing "admin": invalid syntax' } },
    { name: 'connection dropped without a response', probe: () => get({ path: '/drop' }), want: { result: 'Failure', output: 'Get "http://127.0.0.1:PORT/drop": EOF' } },
  ])('$name', async ({ probe, want }) => {
    const out = await runProbe(probe(), ctxFor(probe()));
    expect(out).toEqual({ ...want, output: want.output.replace('PORT', String(port)) });
  });

  it('reports connection refused as Go does', async () => {
    const closed = await closedPort();
    const out = await runProbe({ httpGet: { port: closed, path: '/healthz' } }, ctxFor(get({})));
    expect(out).toEqual({ result: 'Failure', output: `Get "http://127.0.0.1:${closed}/healthz": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });

  it.each([
    { name: 'defaults', headers: [], want: { host: `127.0.0.1:PORT`, ua: 'kube-probe/1.32', accept: '*/*', custom: null } },
    {
      name: 'spec headers, case-insensitive override of User-Agent',
      headers: [{ name: 'user-agent', value: 'mine' }, { name: 'X-Custom', value: 'v' }],
      want: { host: `127.0.0.1:PORT`, ua: 'mine', accept: '*/*', custom: 'v' },
    },
    { name: 'empty Accept removes it', headers: [{ name: 'Accept', value: '' }], want: { host: `127.0.0.1:PORT`, ua: 'kube-probe/1.32', accept: null, custom: null } },
    { name: 'Host header', headers: [{ name: 'Host', value: 'example.test' }], want: { host: 'example.test', ua: 'kube-probe/1.32', accept: '*/*', custom: null } },
  ])('request headers: $name', async ({ headers, want }) => {
    const out = await runProbe(get({ path: '/headers', httpHeaders: headers }), ctxFor(get({})));
    expect(out.result).toBe('Success');
    expect(JSON.parse(out.output)).toEqual({ ...want, host: want.host.replace('PORT', String(port)) });
  });

  it.each([
    { name: 'kept through a relative redirect', path: '/redirect-relative-headers', host: 'example.test' },
    { name: 'dropped on an absolute redirect', path: '/redirect-absolute-headers', host: 'PORT' },
  ])('custom Host header $name', async ({ path, host }) => {
    const out = await runProbe(get({ path, httpHeaders: [{ name: 'Host', value: 'example.test' }] }), ctxFor(get({})));
    expect(JSON.parse(out.output).host).toBe(host === 'PORT' ? `127.0.0.1:${port}` : host);
  });

  it('times out on the injected clock', async () => {
    const clock = new FakeClock();
    const arrived = new Promise<void>((r) => (hung = r));
    const pending = runProbe(get({ path: '/hang' }), ctxFor(get({}), { clock }));
    await arrived;
    clock.step(999);
    await flush();
    clock.step(1);
    expect(await pending).toEqual({
      result: 'Failure',
      output: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });
});

async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

describe('tcpSocket probes', () => {
  it('succeeds when the port accepts', async () => {
    expect(await runProbe({ tcpSocket: { port } }, ctxFor(get({})))).toEqual({ result: 'Success', output: '' });
  });

  it('uses tcpSocket.host and a named port', async () => {
    const probe: Probe = { tcpSocket: { port: 'web', host: '127.0.0.1' } };
    expect(await runProbe(probe, { ...ctxFor(get({})), podIP: '' })).toEqual({ result: 'Success', output: '' });
  });

  it('fails with Go dial text when refused', async () => {
    const closed = await closedPort();
    expect(await runProbe({ tcpSocket: { port: closed } }, ctxFor(get({})))).toEqual({
      result: 'Failure',
      output: `dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
  });

  it('times out on the injected clock', async () => {
    const clock = new FakeClock();
    const hanging: TcpConnector = (_h, _p, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const pending = runProbe({ tcpSocket: { port: 8080 }, timeoutSeconds: 2 }, ctxFor(get({}), { clock, tcpConnect: hanging, podIP: '127.0.0.1' }));
    clock.step(2000);
    expect(await pending).toEqual({ result: 'Failure', output: 'dial tcp 127.0.0.1:8080: i/o timeout' });
  });
});

describe('other handlers', () => {
  it.each([
    { name: 'grpc is not supported', probe: { grpc: { port: 9000 } }, want: { result: 'Unknown', output: 'grpc probes are not supported', error: 'grpc probes are not supported' } },
    { name: 'no handler', probe: {}, want: { result: 'Unknown', output: '', error: 'missing probe handler for web_default(uid-1):app' } },
  ])('$name', async ({ probe, want }) => {
    expect(await runProbe(probe, ctxFor(get({})))).toEqual(want);
  });
});
