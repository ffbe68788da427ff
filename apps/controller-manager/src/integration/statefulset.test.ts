// The StatefulSet controller against a real API server and etcd, with the harness's fake kubelet
// making pods Ready and finishing their deletion: ordered creation with stable names, scale down
// from the highest ordinal, and a rolling update held at a partition.
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { resourceFor } from '@k8ts/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor } from '../controllers/statefulset/index.ts';
import { STATEFULSETS } from '../controllers/statefulset/stateful-pod-control.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const EVENTS = resourceFor('', 'v1', 'events')!;
let h: Harness;
/** Pod watch events as "ADDED web-0", in the order the API server sent them. */
const seen: string[] = [];
const watching = new AbortController();

beforeAll(async () => {
  h = await startHarness({ descriptors: [descriptor] });
  // Watch from a list's resourceVersion so no event between here and the first test is missed.
  const { metadata } = await h.client.list<Pod>(PODS, { namespace: 'default' });
  void (async () => {
    for await (const e of h.client.watch<Pod>(PODS, { namespace: 'default', resourceVersion: metadata?.resourceVersion }, watching.signal)) {
      if (e.type === 'ADDED' || e.type === 'DELETED') seen.push(`${e.type} ${e.object.metadata?.name}`);
    }
  })().catch(() => undefined);
}, 60_000);

afterAll(async () => {
  watching.abort();
  await h?.stop();
});

const web = (image: string): StatefulSet => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 3, serviceName: 'nginx',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

const getSet = () => h.client.get<StatefulSet>(STATEFULSETS, 'web', 'default');
const livePods = async () => (await h.client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items
  .filter((p) => !p.metadata?.deletionTimestamp)
  .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));

const settled = (n: number) => until(async () => {
  const [set, pods] = await Promise.all([getSet(), livePods()]);
  const s = set.status;
  return pods.length === n && s?.replicas === n && s.readyReplicas === n && s.updatedReplicas === n
    && s.observedGeneration === set.metadata?.generation && set;
}, 30_000, `web to settle at ${n} ready pods`);

describe('StatefulSet controller', () => {
  it('creates pods in order with stable names and identity', async () => {
    await h.client.create(STATEFULSETS, web('nginx:1'), { namespace: 'default' });
    const set = await settled(3);
    expect(seen.filter((e) => e.startsWith('ADDED'))).toEqual(['ADDED web-0', 'ADDED web-1', 'ADDED web-2']);
    const pods = await livePods();
    expect(pods.map((p) => [p.metadata?.name, p.spec?.hostname, p.spec?.subdomain, p.metadata?.labels?.['apps.kubernetes.io/pod-index']]))
      .toEqual([['web-0', 'web-0', 'nginx', '0'], ['web-1', 'web-1', 'nginx', '1'], ['web-2', 'web-2', 'nginx', '2']]);
    expect(set.status?.currentRevision).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(set.status?.updateRevision).toBe(set.status?.currentRevision);
    const events = await until(async () => {
      const list = await h.client.list<Event>(EVENTS, { namespace: 'default' });
      const msgs = list.items.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message);
      return msgs.length >= 3 && msgs;
    }, 10_000, 'create events');
    expect(events).toContain('create Pod web-0 in StatefulSet web successful');
  });

  it('scales down from the highest ordinal', async () => {
    seen.length = 0;
    await h.client.patch(STATEFULSETS, 'web', { spec: { replicas: 1 } }, 'merge', { namespace: 'default' });
    await settled(1);
    expect(seen.filter((e) => e.startsWith('DELETED'))).toEqual(['DELETED web-2', 'DELETED web-1']);
    expect((await livePods()).map((p) => p.metadata?.name)).toEqual(['web-0']);
  });

  it('rolls out a new template down to the partition only', async () => {
    await h.client.patch(STATEFULSETS, 'web', { spec: { replicas: 3 } }, 'merge', { namespace: 'default' });
    const before = await settled(3);
    seen.length = 0;
    await h.client.patch(STATEFULSETS, 'web', {
      spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    }, 'merge', { namespace: 'default' });
    const set = await until(async () => {
      const [s, pods] = await Promise.all([getSet(), livePods()]);
      return pods.length === 3 && s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 && s.status.currentReplicas === 1 && s;
    }, 30_000, 'web-1 and web-2 updated');
    expect(set.status?.currentRevision).toBe(before.status?.currentRevision);
    expect(set.status?.updateRevision).not.toBe(set.status?.currentRevision);
    const images = (await livePods()).map((p) => `${p.metadata?.name} ${p.spec?.containers[0]?.image}`);
    expect(images).toEqual(['web-0 nginx:1', 'web-1 nginx:2', 'web-2 nginx:2']);
    expect(seen.filter((e) => e.startsWith('DELETED'))).toEqual(['DELETED web-2', 'DELETED web-1']);
  });
});
