// Bad input gets a Status with the upstream code and reason — and etcd holds nothing afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.call('POST', '/api/v1/namespaces/default/pods', pod('existing'));
});
afterAll(async () => {
  await h?.close();
});

const PODS = '/api/v1/namespaces/default/pods';
const big = 'x'.repeat(3 * 1024 * 1024 + 10);

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  code: number;
  reason: string;
  message?: RegExp | string;
  field?: string;
}

const cases: Case[] = [
  { name: 'malformed JSON', method: 'POST', path: PODS, body: '{"metadata": {', code: 400, reason: 'BadRequest' },
  { name: 'malformed YAML', method: 'POST', path: PODS, body: 'metadata: [a\n  b: }', headers: { 'content-type': 'application/yaml' }, code: 400, reason: 'BadRequest' },
  { name: 'kind not matching the path', method: 'POST', path: PODS, body: { ...pod('k'), kind: 'Service' }, code: 400, reason: 'BadRequest', message: /kind/ },
  { name: 'apiVersion not matching the path', method: 'POST', path: PODS, body: { ...pod('k'), apiVersion: 'apps/v1' }, code: 400, reason: 'BadRequest', message: /API version/ },
  { name: 'name in body differs from the path', method: 'PUT', path: `${PODS}/existing`, body: pod('other'), code: 400, reason: 'BadRequest', message: /does not match the name on the URL/ },
  { name: 'namespace in body differs from the path', method: 'POST', path: PODS, body: { ...pod('ns'), metadata: { name: 'ns', namespace: 'kube-system' } }, code: 400, reason: 'BadRequest' },
  { name: 'invalid name', method: 'POST', path: PODS, body: pod('Bad_Name'), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { name: 'missing name', method: 'POST', path: PODS, body: { ...pod('x'), metadata: {} }, code: 422, reason: 'Invalid', field: 'metadata.name' },
  { name: 'no containers', method: 'POST', path: PODS, body: { ...pod('x'), spec: { containers: [] } }, code: 422, reason: 'Invalid', field: 'spec.containers' },
  { name: 'container without image', method: 'POST', path: PODS, body: { ...pod('x'), spec: { containers: [{ name: 'c' }] } }, code: 422, reason: 'Invalid', field: 'spec.containers[0].image', message: /spec\.containers\[0\]\.image: Required value/ },
  { name: 'container without name', method: 'POST', path: PODS, body: { ...pod('x'), spec: { containers: [{ image: 'busybox' }] } }, code: 422, reason: 'Invalid', field: 'spec.containers[0].name' },
  { name: 'duplicate container names', method: 'POST', path: PODS, body: { ...pod('x'), spec: { containers: [{ name: 'c', image: 'a' }, { name: 'c', image: 'b' }] } }, code: 422, reason: 'Invalid', field: 'spec.containers[1].name' },
  { name: 'bad quantity', method: 'POST', path: PODS, body: { ...pod('x'), spec: { containers: [{ name: 'c', image: 'a', resources: { limits: { cpu: 'lots' } } }] } }, code: 422, reason: 'Invalid' },
  { name: 'bad label value', method: 'POST', path: PODS, body: { ...pod('x'), metadata: { name: 'x', labels: { app: 'not valid!' } } }, code: 422, reason: 'Invalid', field: 'metadata.labels' },
  {
    name: 'negative replicas', method: 'POST', path: '/apis/apps/v1/namespaces/default/replicasets',
    body: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'neg' }, spec: { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    code: 422, reason: 'Invalid', field: 'spec.replicas',
  },
  { name: 'immutable pod spec', method: 'PATCH', path: `${PODS}/existing`, body: { spec: { restartPolicy: 'Never' } }, headers: { 'content-type': 'application/merge-patch+json' }, code: 422, reason: 'Invalid' },
  { name: 'existing name', method: 'POST', path: PODS, body: pod('existing'), code: 409, reason: 'AlreadyExists' },
  { name: 'unknown resource', method: 'GET', path: '/api/v1/namespaces/default/widgets', code: 404, reason: 'NotFound' },
  { name: 'missing object', method: 'GET', path: `${PODS}/nope`, code: 404, reason: 'NotFound', message: 'pods "nope" not found' },
  { name: 'unsupported media type', method: 'POST', path: PODS, body: 'x', headers: { 'content-type': 'text/plain' }, code: 415, reason: 'UnsupportedMediaType' },
  { name: 'unsupported patch type', method: 'PATCH', path: `${PODS}/existing`, body: '{}', headers: { 'content-type': 'application/json' }, code: 415, reason: 'UnsupportedMediaType' },
  { name: 'body over 3 MiB', method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: JSON.stringify({ metadata: { name: 'big' }, data: { a: big } }), code: 413, reason: 'RequestEntityTooLarge' },
  { name: 'create into a missing namespace', method: 'POST', path: '/api/v1/namespaces/nowhere/pods', body: pod('x'), code: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found' },
  { name: 'bad label selector', method: 'GET', path: `${PODS}?labelSelector=${encodeURIComponent('a in (b')}`, code: 400, reason: 'BadRequest' },
  { name: 'bad resourceVersion', method: 'GET', path: `${PODS}?resourceVersion=abc`, code: 400, reason: 'BadRequest' },
  { name: 'a JSON array body', method: 'POST', path: PODS, body: '[1,2]', code: 400, reason: 'BadRequest' },
];

describe('bad input', () => {
  it.each(cases)('$name → $code $reason', async (c) => {
    const before = await h.etcdKeys();
    const res = await h.call(c.method, c.path, c.body, c.headers);
    expect(res.status).toBe(c.code);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: c.reason, code: c.code });
    if (c.message) expect(res.body.message).toMatch(c.message);
    if (c.field) expect(res.body.details.causes.map((x: { field: string }) => x.field)).toContain(c.field);
    // nothing half-written: etcd holds exactly what it held before
    expect(await h.etcdKeys()).toEqual(before);
  });

  it('refuses a watch from a compacted revision with 410 Expired', async () => {
    const a = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'compact-me' } });
    const rv = Number(a.body.metadata.resourceVersion);
    for (let i = 0; i < 3; i++) {
      await h.call('PATCH', '/api/v1/namespaces/default/configmaps/compact-me', { data: { i: String(i) } }, { 'content-type': 'application/merge-patch+json' });
    }
    // Restart the server after compacting: its new cache window starts past `rv`.
    const { Etcd3 } = await import('etcd3');
    const c = new Etcd3({ hosts: [h.etcd.endpoint] });
    const head = Number((await c.kv.range({ key: Buffer.from('\0'), keys_only: true, limit: 1 })).header.revision);
    await c.kv.compact({ revision: head, physical: true });
    c.close();
    const list = await h.call('GET', `/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact&resourceVersion=${rv}`);
    expect(list.status).toBe(410);
    expect(list.body.reason).toBe('Expired');
  });
});
