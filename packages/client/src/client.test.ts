import { ApiError, resourceFor } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from './client.ts';
import { FakeClock, flush } from './clock.ts';
import { FakeApiServer } from './fake-apiserver.ts';
import type { WatchEvent } from './types.ts';

const pods = resourceFor('', 'v1', 'pods') as ResourceInfo;
const nodes = resourceFor('', 'v1', 'nodes') as ResourceInfo;
const deployments = resourceFor('apps', 'v1', 'deployments') as ResourceInfo;
const pod = (name: string, ns = 'default') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns } });

let server: FakeApiServer;
let client: Client;
beforeEach(async () => {
  server = await new FakeApiServer().start();
  client = new Client({ config: { server: server.url, token: 'sekret' }, userAgent: 'k8ts-test' });
});
afterEach(async () => {
  client.close();
  await server.stop();
});

describe('Client requests', () => {
  const cases: { name: string; call: (c: Client) => Promise<unknown>; method: string; url: string; type?: string; body?: unknown }[] = [
    { name: 'get a namespaced object', call: (c) => c.get(pods, 'p', 'ns1'), method: 'GET', url: '/api/v1/namespaces/ns1/pods/p' },
    { name: 'get a cluster-scoped object', call: (c) => c.get(nodes, 'n1'), method: 'GET', url: '/api/v1/nodes/n1' },
    {
      name: 'list with selectors and paging',
      call: (c) => c.list(deployments, { namespace: 'x', labelSelector: 'app=web', limit: 10, continue: 'abc' }),
      method: 'GET', url: '/apis/apps/v1/namespaces/x/deployments?labelSelector=app%3Dweb&limit=10&continue=abc',
    },
    { name: 'list across namespaces', call: (c) => c.list(pods), method: 'GET', url: '/api/v1/pods' },
    {
      name: 'create takes the namespace from the object',
      call: (c) => c.create(pods, pod('p', 'ns2'), { fieldManager: 'me', dryRun: true }),
      method: 'POST', url: '/api/v1/namespaces/ns2/pods?dryRun=All&fieldManager=me', type: 'application/json', body: pod('p', 'ns2'),
    },
    { name: 'update', call: (c) => c.update(pods, pod('p')), method: 'PUT', url: '/api/v1/namespaces/default/pods/p', type: 'application/json', body: pod('p') },
    { name: 'updateStatus', call: (c) => c.updateStatus(pods, pod('p')), method: 'PUT', url: '/api/v1/namespaces/default/pods/p/status', body: pod('p') },
    {
      name: 'strategic merge patch',
      call: (c) => c.patch(pods, 'p', { metadata: { labels: { a: 'b' } } }, 'strategic', { namespace: 'default' }),
      method: 'PATCH', url: '/api/v1/namespaces/default/pods/p', type: 'application/strategic-merge-patch+json', body: { metadata: { labels: { a: 'b' } } },
    },
    {
      name: 'json patch on a subresource',
      call: (c) => c.patch(deployments, 'd', [{ op: 'replace', path: '/spec/replicas', value: 3 }], 'json', { namespace: 'default', subresource: 'scale' }),
      method: 'PATCH', url: '/apis/apps/v1/namespaces/default/deployments/d/scale', type: 'application/json-patch+json',
    },
    {
      name: 'server-side apply with force',
      call: (c) => c.patch(pods, 'p', pod('p'), 'apply', { namespace: 'default', fieldManager: 'k8ts', force: true }),
      method: 'PATCH', url: '/api/v1/namespaces/default/pods/p?fieldManager=k8ts&force=true', type: 'application/apply-patch+yaml',
    },
    {
      name: 'delete sends DeleteOptions',
      call: (c) => c.delete(pods, 'p', { namespace: 'default', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } }),
      method: 'DELETE', url: '/api/v1/namespaces/default/pods/p', type: 'application/json',
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } },
    },
    {
      name: 'binding subresource',
      call: (c) => c.subresource('POST', pods, 'p', 'binding', { target: { kind: 'Node', name: 'n1' } }, 'default'),
      method: 'POST', url: '/api/v1/namespaces/default/pods/p/binding', type: 'application/json', body: { target: { kind: 'Node', name: 'n1' } },
    },
  ];
  it.each(cases)('$name', async ({ call, method, url, type, body }) => {
    server.respond = () => ({ status: 200, body: { items: [], metadata: { resourceVersion: '1' } } });
    await call(client);
    const got = server.requests.at(-1)!;
    expect(got.method).toBe(method);
    expect(got.url).toBe(url);
    expect(got.headers.authorization).toBe('Bearer sekret');
    expect(got.headers['user-agent']).toBe('k8ts-test');
    if (type) expect(got.headers['content-type']).toBe(type);
    if (body !== undefined) expect(JSON.parse(got.body)).toEqual(body);
  });

  it('refuses a namespaced call without a namespace', async () => {
    await expect(client.get(pods, 'p')).rejects.toThrow('a namespace is required for pods');
  });
});

describe('Client errors', () => {
  const cases: { name: string; status: number; body: unknown; code: number; reason: string; message: string }[] = [
    {
      name: 'a Status body becomes the same ApiError',
      status: 404, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "p" not found', details: { name: 'p', kind: 'pods' } },
      code: 404, reason: 'NotFound', message: 'pods "p" not found',
    },
    { name: 'a non-Status 5xx is an InternalError', status: 502, body: 'bad gateway', code: 502, reason: 'InternalError', message: 'unexpected response 502: bad gateway' },
  ];
  it.each(cases)('$name', async ({ status, body, code, reason, message }) => {
    server.respond = () => ({ status, body });
    const err = (await client.get(pods, 'p', 'default').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect({ code: err.code, reason: err.reason, message: err.message }).toEqual({ code, reason, message });
  });

  it('raw returns non-2xx answers without throwing', async () => {
    server.respond = () => ({ status: 418, body: { teapot: true } });
    const res = await client.raw('GET', '/healthz');
    expect(res.status).toBe(418);
    expect(JSON.parse(res.body.toString())).toEqual({ teapot: true });
  });
});

describe('Client watch', () => {
  it.each(['http', 'websocket'] as const)('streams events over %s from the given resourceVersion until aborted', async (transport) => {
    server.put(pod('a'));
    const rv = server.resourceVersion;
    server.put(pod('b'));
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of client.watch<{ metadata: { name: string } }>(pods, { resourceVersion: rv, allowWatchBookmarks: true, transport }, ac.signal)) {
        seen.push(`${e.type} ${e.type === 'ERROR' ? e.object.reason : e.object.metadata.name}`);
        if (seen.length === 2) server.remove('default', 'b');
        if (seen.length === 3) ac.abort();
      }
    })();
    while (server.watchCount === 0) await flush();
    server.put(pod('c'));
    await done;
    expect(seen).toEqual(['ADDED b', 'ADDED c', 'DELETED b']);
    expect(server.requests.at(-1)!.url).toContain('watch=true');
  });

  it('throws the 410 Expired that a too-old resourceVersion gets', async () => {
    server.put(pod('a'));
    server.compact();
    const events: WatchEvent<unknown>[] = [];
    const err = await (async () => {
      for await (const e of client.watch(pods, { resourceVersion: '1' })) events.push(e);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 410, reason: 'Expired' });
    expect(events).toEqual([]);
  });

  it('ends when the server ends the stream', async () => {
    const events: string[] = [];
    const done = (async () => {
      for await (const e of client.watch(pods, {})) events.push(e.type);
    })();
    while (server.watchCount === 0) await flush();
    server.closeWatches();
    await done;
    expect(events).toEqual([]);
  });
});

describe('Client rate limiting', () => {
  it('holds requests beyond the burst until the clock lets them through', async () => {
    const clock = new FakeClock(0);
    const limited = new Client({ config: { server: server.url }, qps: 1, burst: 1, clock });
    server.respond = () => ({ status: 200, body: {} });
    await limited.get(nodes, 'a');
    const second = limited.get(nodes, 'b');
    await flush();
    expect(server.requests).toHaveLength(1);
    clock.step(1000);
    await second;
    expect(server.requests).toHaveLength(2);
    limited.close();
  });

  it('with qps Infinity (the kubelet\'s heartbeat client) never holds a request', async () => {
    const clock = new FakeClock(0);
    const unlimited = new Client({ config: { server: server.url }, qps: Infinity, burst: 1, clock });
    server.respond = () => ({ status: 200, body: {} });
    await Promise.all(Array.from({ length: 20 }, (_, i) => unlimited.get(nodes, `n${i}`)));
    expect(server.requests).toHaveLength(20);
    unlimited.close();
  });
});
