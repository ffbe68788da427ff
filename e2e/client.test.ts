// Our own client (packages/client) against a real cluster: what every later component builds on.
import { resourceFor } from '@k8ts/api';
import { Client, Informer, LeaderElector, leasePort, loadKubeconfig, type KubeObject, type WatchEvent } from '@k8ts/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, upCluster, type Cluster } from './cluster.ts';

let c: Cluster;
let client: Client;
beforeAll(async () => {
  c = await upCluster();
  client = new Client({ config: loadKubeconfig(c.kubeconfig), userAgent: 'k8ts-e2e' });
}, 120_000);
afterAll(async () => {
  client?.close();
  await c?.down();
});

const CM = resourceFor('', 'v1', 'configmaps')!;
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
type ConfigMap = KubeObject & { data?: Record<string, string> };


async function collect(transport: 'http' | 'websocket', resourceVersion: string, n: number) {
  const ac = new AbortController();
  const events: WatchEvent<ConfigMap>[] = [];
  for await (const ev of client.watch<ConfigMap>(CM, { namespace: 'default', resourceVersion, transport }, ac.signal)) {
    events.push(ev);
    if (events.length === n) ac.abort();
  }
  return events.map((e) => `${e.type} ${(e.object as ConfigMap).metadata?.name}`);
}

describe('@k8ts/client against the API server', () => {
  it('creates, reads, patches, lists and deletes, and turns errors into ApiError', async () => {
    const made = await client.create<ConfigMap>(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'default' }, data: { a: '1' } });
    expect(made.metadata?.uid).toBeTruthy();
    const patched = await client.patch<ConfigMap>(CM, 'c1', { data: { a: '2' } }, 'merge', { namespace: 'default' });
    expect(patched.data?.a).toBe('2');
    const list = await client.list<ConfigMap>(CM, { namespace: 'default' });
    expect(list.items.map((i) => i.metadata?.name)).toContain('c1');
    await expect(client.get(CM, 'missing', 'default')).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
    await expect(client.create(CM, made)).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists' });
    await client.delete(CM, 'c1', { namespace: 'default' });
    await expect(client.get(CM, 'c1', 'default')).rejects.toMatchObject({ code: 404 });
  });

  it('watches over chunked HTTP and over WebSocket alike', async () => {
    const { metadata } = await client.list<ConfigMap>(CM, { namespace: 'default' });
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', namespace: 'default' } });
    await client.delete(CM, 'w1', { namespace: 'default' });
    for (const transport of ['http', 'websocket'] as const) {
      expect(await collect(transport, metadata.resourceVersion, 2)).toEqual(['ADDED w1', 'DELETED w1']);
    }
  });

  it('keeps an informer in step with adds, updates and deletes', async () => {
    const informer = new Informer<ConfigMap>({ client, resource: CM, namespace: 'default' });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
      onUpdate: (_old, o) => seen.push(`update ${o.metadata?.name} ${o.data?.v ?? ''}`),
      onDelete: (o) => seen.push(`delete ${'tombstone' in o ? o.obj.metadata?.name : o.metadata?.name}`),
    });
    const ac = new AbortController();
    void informer.start(ac.signal);
    await informer.waitForSync();
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'i1', namespace: 'default' }, data: { v: '1' } });
    await client.patch(CM, 'i1', { data: { v: '2' } }, 'merge', { namespace: 'default' });
    await client.delete(CM, 'i1', { namespace: 'default' });
    await until(() => seen.includes('delete i1'));
    ac.abort();
    expect(seen.filter((s) => s.includes('i1'))).toEqual(['add i1', 'update i1 2', 'delete i1']);
    expect(informer.lister.get('default/i1' as never)).toBeUndefined();
  });

  it('elects one leader on a Lease in kube-system', async () => {
    const ac = new AbortController();
    let leading = false;
    const elector = new LeaderElector({
      port: leasePort(client), namespace: 'kube-system', name: 'e2e-lock', identity: 'e2e-1',
      callbacks: { onStartedLeading: () => void (leading = true), onStoppedLeading: () => void (leading = false) },
      leaseDurationSeconds: 5, renewDeadlineSeconds: 3, retryPeriodSeconds: 1,
    });
    const run = elector.run(ac.signal);
    await until(() => leading);
    const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(LEASES, 'e2e-lock', 'kube-system');
    expect(lease.spec?.holderIdentity).toBe('e2e-1');
    ac.abort();
    await run;
  });
});
