// The garbage collector against a real API server and etcd: owners and dependents are created by
// hand with ownerReferences (no other controller runs), then deleted with each propagation
// policy, through the client and through kubectl's --cascade flag.
import { randomUUID } from 'node:crypto';
import { ApiError, resourceFor } from '@k8ts/api';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor } from '../controllers/garbage-collector/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const CONFIGMAPS = resourceFor('', 'v1', 'configmaps')!;
const REPLICASETS = resourceFor('apps', 'v1', 'replicasets')!;
const NS = 'default';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ descriptors: [descriptor] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const kubectl = (...args: string[]) => h.kubectl(...args);

const refTo = (o: { apiVersion?: string; kind?: string; metadata?: { name?: string; uid?: string } }, block = false): OwnerReference => ({
  apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, uid: o.metadata!.uid!, ...(block ? { blockOwnerDeletion: true } : {}),
});

const configMap = (name: string, owners: OwnerReference[] = [], finalizers?: string[]) =>
  h.client.create<ConfigMap>(CONFIGMAPS, {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, namespace: NS, ownerReferences: owners, ...(finalizers ? { finalizers } : {}) },
    data: { k: 'v' },
  });

async function getCM(name: string): Promise<ConfigMap | undefined> {
  try {
    return await h.client.get<ConfigMap>(CONFIGMAPS, name, NS);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

const gone = (name: string) => until(async () => (await getCM(name)) === undefined, 20_000, `configmap ${name} to be deleted`);

describe('garbage collector', () => {
  it('deletes the dependents of an owner deleted in the background', async () => {
    const owner = await configMap('bg-owner');
    await configMap('bg-a', [refTo(owner)]);
    await configMap('bg-b', [refTo(owner, true)]);
    await h.client.delete(CONFIGMAPS, 'bg-owner', { namespace: NS, propagationPolicy: 'Background' });
    await Promise.all([gone('bg-a'), gone('bg-b')]);
  });

  it('kubectl delete rs (cascade background by default) removes the pods it owns', async () => {
    const rs = await h.client.create<ReplicaSet>(REPLICASETS, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    for (const name of ['web-1', 'web-2']) {
      await h.client.create<Pod>(PODS, {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, namespace: NS, labels: { app: 'web' }, ownerReferences: [{ ...refTo(rs, true), controller: true }] },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      });
    }
    await kubectl('delete', 'rs', 'web');
    await until(async () => (await h.client.list<Pod>(PODS, { namespace: NS, labelSelector: 'app=web' })).items.length === 0, 20_000, 'the pods to go');
  });

  it('kubectl delete rs --cascade=foreground removes the pods first, then the ReplicaSet', async () => {
    const rs = await h.client.create<ReplicaSet>(REPLICASETS, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api', namespace: NS },
      spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await h.client.create<Pod>(PODS, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'api-1', namespace: NS, labels: { app: 'api' }, ownerReferences: [{ ...refTo(rs, true), controller: true }] },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await kubectl('delete', 'rs', 'api', '--cascade=foreground');
    const pods = await h.client.list<Pod>(PODS, { namespace: NS, labelSelector: 'app=api' });
    expect(pods.items).toEqual([]);
  });

  it('keeps a foreground-deleted owner until its blocking dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-held', [refTo(owner, true)], ['k8ts.test/hold']);
    await configMap('fg-free', [refTo(owner)]);
    await kubectl('delete', 'configmap', 'fg-owner', '--cascade=foreground', '--wait=false');
    const held = await until(async () => {
      const d = await getCM('fg-held');
      return d?.metadata?.deletionTimestamp ? d : undefined;
    }, 20_000, 'the held dependent to be deleting');
    await gone('fg-free');
    // The dependent is deleted in the foreground too only when it has dependents; it has none.
    expect(held.metadata?.finalizers).toEqual(['k8ts.test/hold']);
    const waiting = await getCM('fg-owner');
    expect(waiting?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(waiting?.metadata?.deletionTimestamp).toBeDefined();
    await h.client.patch(CONFIGMAPS, 'fg-held', { metadata: { finalizers: null } }, 'merge', { namespace: NS });
    await Promise.all([gone('fg-held'), gone('fg-owner')]);
  });

  it('deletes a chain in the foreground from the leaves up', async () => {
    const root = await configMap('chain-root');
    const mid = await configMap('chain-mid', [refTo(root, true)]);
    await configMap('chain-leaf', [refTo(mid, true)]);
    await h.client.delete(CONFIGMAPS, 'chain-root', { namespace: NS, propagationPolicy: 'Foreground' });
    await Promise.all([gone('chain-leaf'), gone('chain-mid'), gone('chain-root')]);
  });

  it('kubectl delete --cascade=orphan keeps the dependents and drops their reference', async () => {
    const owner = await configMap('or-owner');
    const other = await configMap('or-other');
    await configMap('or-a', [refTo(owner, true)]);
    await configMap('or-b', [refTo(owner), refTo(other)]);
    await kubectl('delete', 'configmap', 'or-owner', '--cascade=orphan');
    await gone('or-owner');
    const [a, b] = await Promise.all([getCM('or-a'), getCM('or-b')]);
    expect(a?.metadata?.ownerReferences ?? []).toEqual([]);
    expect(b?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['or-other']);
    expect(a?.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('collects a dependent whose owner never existed, or exists with another uid', async () => {
    const impostor = await configMap('dg-owner');
    await configMap('dg-never', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'dg-nobody', uid: randomUUID() }]);
    await configMap('dg-other-uid', [{ ...refTo(impostor), uid: randomUUID() }]);
    await Promise.all([gone('dg-never'), gone('dg-other-uid')]);
    expect(await getCM('dg-owner')).toBeDefined();
  });

  it('only drops the dangling reference when another owner stands', async () => {
    const solid = await configMap('mix-solid');
    await configMap('mix-dep', [refTo(solid), { apiVersion: 'v1', kind: 'ConfigMap', name: 'mix-gone', uid: randomUUID() }]);
    const dep = await until(async () => {
      const d = await getCM('mix-dep');
      return d?.metadata?.ownerReferences?.length === 1 ? d : undefined;
    }, 20_000, 'the dangling reference to be dropped');
    expect(dep.metadata?.ownerReferences?.[0]?.name).toBe('mix-solid');
  });
});
