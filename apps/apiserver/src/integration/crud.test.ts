import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const PODS = '/api/v1/namespaces/default/pods';

describe('objects in etcd through the API', () => {
  it('creates, reads, lists and deletes a pod with upstream metadata', async () => {
    const created = await h.call('POST', PODS, pod('crud-a'));
    expect(created.status).toBe(201);
    const meta = created.body.metadata;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta.namespace).toBe('default');
    expect(created.body.status).toMatchObject({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(created.body.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler' });

    // resourceVersion is the etcd mod revision
    const keys = await h.etcdKeys('pods/default/crud-a');
    expect(keys).toEqual(['/registry/pods/default/crud-a']);

    const got = await h.call('GET', `${PODS}/crud-a`);
    expect(got.status).toBe(200);
    expect(got.body.metadata.resourceVersion).toBe(meta.resourceVersion);

    const list = await h.call('GET', PODS);
    expect(list.body.kind).toBe('PodList');
    expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(meta.resourceVersion));
    expect(list.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain('crud-a');

    const del = await h.call('DELETE', `${PODS}/crud-a`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.name).toBe('crud-a');
    expect((await h.call('GET', `${PODS}/crud-a`)).status).toBe(404);
    expect(await h.etcdKeys('pods/default/crud-a')).toEqual([]);
  });

  it('answers 409 AlreadyExists for a taken name and 409 Conflict for a stale resourceVersion', async () => {
    const first = await h.call('POST', PODS, pod('crud-b'));
    expect(first.status).toBe(201);
    const again = await h.call('POST', PODS, pod('crud-b'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: 'pods "crud-b" already exists', code: 409 });

    const stale = { ...first.body, metadata: { ...first.body.metadata, labels: { app: 'x' } } };
    const ok = await h.call('PUT', `${PODS}/crud-b`, stale);
    expect(ok.status).toBe(200);
    const conflict = await h.call('PUT', `${PODS}/crud-b`, stale);
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.message).toContain('the object has been modified');
  });

  it('fills generateName and keeps generation for spec changes only', async () => {
    const dep = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { generateName: 'web-' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    };
    const res = await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', dep);
    expect(res.status).toBe(201);
    const name: string = res.body.metadata.name;
    expect(name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(res.body.metadata.generation).toBe(1);
    expect(res.body.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    expect(res.body.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });

    const path = `/apis/apps/v1/namespaces/default/deployments/${name}`;
    const labelled = await h.call('PATCH', path, { metadata: { labels: { tier: 'front' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(labelled.status).toBe(200);
    expect(labelled.body.metadata.generation).toBe(1);
    const scaled = await h.call('PATCH', path, { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
    expect(scaled.body.metadata.generation).toBe(2);

    // status is only written through /status, and /status writes only status
    const withStatus = await h.call('PATCH', path, { status: { replicas: 7 }, spec: { replicas: 9 } }, { 'content-type': 'application/merge-patch+json' });
    expect(withStatus.body.status.replicas).toBeUndefined();
    expect(withStatus.body.spec.replicas).toBe(9);
    const statusOnly = await h.call('PATCH', `${path}/status`, { status: { replicas: 7 }, spec: { replicas: 1 } }, { 'content-type': 'application/merge-patch+json' });
    expect(statusOnly.status).toBe(200);
    expect(statusOnly.body.status.replicas).toBe(7);
    expect(statusOnly.body.spec.replicas).toBe(9);
  });

  it('deletes in two phases while finalizers remain', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', finalizers: ['example.com/hold'] }, data: { a: '1' } };
    expect((await h.call('POST', '/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    const del = await h.call('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    expect(del.status).toBe(202);
    const held = await h.call('GET', '/api/v1/namespaces/default/configmaps/fin');
    expect(held.body.metadata.deletionTimestamp).toBeTruthy();
    const released = await h.call('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
    expect(released.status).toBe(200);
    expect((await h.call('GET', '/api/v1/namespaces/default/configmaps/fin')).status).toBe(404);
  });

  it('keeps ownerReferences and adds the Foreground finalizer on request', async () => {
    const cm = {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '6f0b5c1e-1111-4222-8333-444455556666', controller: true }] },
    };
    const res = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect(res.body.metadata.ownerReferences[0].name).toBe('rs');
    const del = await h.call('DELETE', '/api/v1/namespaces/default/configmaps/owned', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
    expect(del.status).toBe(202);
    const held = await h.call('GET', '/api/v1/namespaces/default/configmaps/owned');
    expect(held.body.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('pages lists with limit and continue, and filters by label and field', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4']) {
      await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `page-${n}`, labels: { set: 'paging', n } } });
    }
    const first = await h.call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=set%3Dpaging&limit=3');
    expect(first.body.items).toHaveLength(3);
    expect(first.body.metadata.continue).toBeTruthy();
    const rest = await h.call('GET', `/api/v1/namespaces/default/configmaps?labelSelector=set%3Dpaging&limit=3&continue=${first.body.metadata.continue}`);
    expect(rest.body.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual(['page-p4']);
    expect(rest.body.metadata.continue).toBeUndefined();

    const notIn = await h.call('GET', `/api/v1/namespaces/default/configmaps?labelSelector=${encodeURIComponent('set=paging,n notin (p1,p2)')}`);
    expect(notIn.body.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual(['page-p3', 'page-p4']);
    const byName = await h.call('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dpage-p2');
    expect(byName.body.items).toHaveLength(1);
    const badField = await h.call('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=spec.nodeName%3Dx');
    expect(badField.status).toBe(400);
  });

  it('lists at an exact revision for resourceVersionMatch=Exact and for paged lists, not older than it otherwise', async () => {
    const a = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'rv-a', labels: { set: 'rv' } } });
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'rv-b', labels: { set: 'rv' } } });
    const rv = a.body.metadata.resourceVersion;
    const names = (r: { body: { items: { metadata: { name: string } }[] } }) => r.body.items.map((i) => i.metadata.name);
    const base = '/api/v1/namespaces/default/configmaps?labelSelector=set%3Drv';
    expect(names(await h.call('GET', `${base}&resourceVersion=${rv}&resourceVersionMatch=Exact`))).toEqual(['rv-a']);
    expect(names(await h.call('GET', `${base}&resourceVersion=${rv}&limit=10`))).toEqual(['rv-a']);
    expect(names(await h.call('GET', `${base}&resourceVersion=${rv}`))).toEqual(['rv-a', 'rv-b']);
    expect(names(await h.call('GET', `${base}&resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`))).toEqual(['rv-a', 'rv-b']);
  });

  it('serves pods with spec.nodeName and status.phase field selectors across namespaces', async () => {
    await h.call('POST', PODS, pod('unbound'));
    const unscheduled = await h.call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3D');
    expect(unscheduled.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain('unbound');
    const pending = await h.call('GET', '/api/v1/pods?fieldSelector=status.phase%3DRunning');
    expect(pending.body.items).toHaveLength(0);
  });

  it('retries conflicting patches that do not pin a resourceVersion, and refuses those that do', async () => {
    const cm = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'contended' } });
    const merge = { 'content-type': 'application/merge-patch+json' };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      h.call('PATCH', '/api/v1/namespaces/default/configmaps/contended', { metadata: { labels: { [`l${i}`]: 'x' } } }, merge)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const final = await h.call('GET', '/api/v1/namespaces/default/configmaps/contended');
    expect(Object.keys(final.body.metadata.labels).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `l${i}`).sort());
    const stale = await h.call('PATCH', '/api/v1/namespaces/default/configmaps/contended', { metadata: { resourceVersion: cm.body.metadata.resourceVersion, labels: { late: 'x' } } }, merge);
    expect(stale.status).toBe(409);
  });

  it('does nothing on dryRun=All', async () => {
    const res = await h.call('POST', `${PODS}?dryRun=All`, pod('dry'));
    expect(res.status).toBe(201);
    expect(res.body.metadata.uid).toBeTruthy();
    expect((await h.call('GET', `${PODS}/dry`)).status).toBe(404);
    expect(await h.etcdKeys('pods/default/dry')).toEqual([]);
  });
});
