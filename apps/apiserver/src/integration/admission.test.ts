// Bootstrap, namespace lifecycle, cluster IP and node port allocation, and the pod subresources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const svc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});
const merge = { 'content-type': 'application/merge-patch+json' };

describe('bootstrap', () => {
  it('creates the system namespaces and the kubernetes Service', async () => {
    const ns = await h.call('GET', '/api/v1/namespaces');
    expect(ns.body.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(ns.body.items[0].status.phase).toBe('Active');
    expect(ns.body.items[0].metadata.labels['kubernetes.io/metadata.name']).toBe('default');
    const k = await h.call('GET', '/api/v1/namespaces/default/services/kubernetes');
    expect(k.body.spec.clusterIP).toBe('10.96.0.1');
    expect(k.body.spec.ports[0]).toMatchObject({ name: 'https', port: 443 });
  });

  it('refuses to delete the default namespace', async () => {
    const res = await h.call('DELETE', '/api/v1/namespaces/default');
    expect(res.status).toBe(403);
    expect(res.body.reason).toBe('Forbidden');
  });
});

describe('namespace lifecycle', () => {
  it('moves a deleted namespace to Terminating and refuses new content in it', async () => {
    expect((await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } })).status).toBe(201);
    const del = await h.call('DELETE', '/api/v1/namespaces/doomed');
    expect(del.status).toBe(202);
    expect(del.body.status.phase).toBe('Terminating');
    const create = await h.call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } });
    expect(create.status).toBe(403);
    expect(create.body.message).toContain('because it is being terminated');
    // The namespace controller's last step: empty spec.finalizers through /finalize.
    const ns = (await h.call('GET', '/api/v1/namespaces/doomed')).body;
    const fin = await h.call('PUT', '/api/v1/namespaces/doomed/finalize', { ...ns, spec: { finalizers: [] } });
    expect(fin.status).toBe(200);
    expect((await h.call('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
  });
});

describe('services', () => {
  it('allocates distinct cluster IPs in 10.96.0.0/16 and node ports in 30000-32767', async () => {
    const a = await h.call('POST', '/api/v1/namespaces/default/services', svc('a', { type: 'NodePort' }));
    const b = await h.call('POST', '/api/v1/namespaces/default/services', svc('b'));
    expect(a.status).toBe(201);
    expect(a.body.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(a.body.spec.clusterIPs).toEqual([a.body.spec.clusterIP]);
    expect(a.body.spec.clusterIP).not.toBe(b.body.spec.clusterIP);
    expect(a.body.spec).toMatchObject({ type: 'NodePort', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    expect(a.body.spec.ports[0]).toMatchObject({ protocol: 'TCP', targetPort: 80 });
    const port = a.body.spec.ports[0].nodePort;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(32767);

    const taken = await h.call('POST', '/api/v1/namespaces/default/services', svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] }));
    expect(taken.status).toBe(422);
    expect(taken.body.message).toContain('provided port is already allocated');
    const ipTaken = await h.call('POST', '/api/v1/namespaces/default/services', svc('d', { clusterIP: a.body.spec.clusterIP }));
    expect(ipTaken.status).toBe(422);
    expect(ipTaken.body.message).toContain('provided IP is already allocated');
    const outside = await h.call('POST', '/api/v1/namespaces/default/services', svc('e', { clusterIP: '10.97.0.1' }));
    expect(outside.status).toBe(422);
    expect(outside.body.message).toContain('not in the valid range');

    // Deleting a service releases its IP and port.
    await h.call('DELETE', '/api/v1/namespaces/default/services/a');
    const reuse = await h.call('POST', '/api/v1/namespaces/default/services', svc('f', { type: 'NodePort', clusterIP: a.body.spec.clusterIP, ports: [{ port: 80, nodePort: port }] }));
    expect(reuse.status).toBe(201);
  });

  it('keeps the cluster IP when an update omits it and refuses to change it', async () => {
    const s = await h.call('POST', '/api/v1/namespaces/default/services', svc('keep'));
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = s.body.spec;
    const put = await h.call('PUT', '/api/v1/namespaces/default/services/keep', { ...s.body, spec });
    expect(put.status).toBe(200);
    expect(put.body.spec.clusterIP).toBe(s.body.spec.clusterIP);
    const change = await h.call('PATCH', '/api/v1/namespaces/default/services/keep', { spec: { clusterIP: '10.96.200.200', clusterIPs: ['10.96.200.200'] } }, merge);
    expect(change.status).toBe(422);
  });

  it('gives headless services no address', async () => {
    const s = await h.call('POST', '/api/v1/namespaces/default/services', svc('headless', { clusterIP: 'None' }));
    expect(s.status).toBe(201);
    expect(s.body.spec.clusterIP).toBe('None');
  });
});

describe('pod subresources', () => {
  it('binds a pod once through pods/binding', async () => {
    await h.call('POST', '/api/v1/namespaces/default/pods', pod('bind-me'));
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    const res = await h.call('POST', '/api/v1/namespaces/default/pods/bind-me/binding', binding);
    expect(res.status).toBe(201);
    const p = (await h.call('GET', '/api/v1/namespaces/default/pods/bind-me')).body;
    expect(p.spec.nodeName).toBe('node-1');
    expect(p.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const again = await h.call('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { ...binding, target: { name: 'node-2' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('is already assigned to node "node-1"');
  });

  it('deletes a bound pod gracefully: deletionTimestamp first, gone after a grace-0 delete', async () => {
    const del = await h.call('DELETE', '/api/v1/namespaces/default/pods/bind-me');
    expect(del.status).toBe(202);
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(30);
    const final = await h.call('DELETE', '/api/v1/namespaces/default/pods/bind-me', { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
    expect(final.status).toBe(200);
    expect((await h.call('GET', '/api/v1/namespaces/default/pods/bind-me')).status).toBe(404);
  });

  it('evicts unless a PodDisruptionBudget forbids it', async () => {
    await h.call('POST', '/api/v1/namespaces/default/pods', pod('evict-a', { metadata: { name: 'evict-a', labels: { app: 'guarded' } } }));
    await h.call('POST', '/api/v1/namespaces/default/pods', pod('evict-b', { metadata: { name: 'evict-b', labels: { app: 'free' } } }));
    const pdb = await h.call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });
    expect(pdb.status).toBe(201);
    const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });
    // Until the disruption controller has processed the budget, nothing may be evicted under it.
    const unprocessed = await h.call('POST', '/api/v1/namespaces/default/pods/evict-a/eviction', eviction('evict-a'));
    expect(unprocessed.status).toBe(429);
    expect(unprocessed.body.details.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget guard is still being processed by the server.' }]);
    await h.call('PUT', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard/status', {
      ...pdb.body, status: { observedGeneration: pdb.body.metadata.generation, disruptionsAllowed: 0, desiredHealthy: 1, currentHealthy: 1, expectedPods: 1 },
    });
    const refused = await h.call('POST', '/api/v1/namespaces/default/pods/evict-a/eviction', eviction('evict-a'));
    expect(refused.status).toBe(429);
    expect(refused.body.reason).toBe('TooManyRequests');
    expect(refused.body.message).toBe('Cannot evict pod as it would violate the pod\'s disruption budget.');
    expect(refused.body.details.causes[0].message).toBe('The disruption budget guard needs 1 healthy pods and has 1 currently');
    expect((await h.call('GET', '/api/v1/namespaces/default/pods/evict-a')).status).toBe(200);
    const ok = await h.call('POST', '/api/v1/namespaces/default/pods/evict-b/eviction', eviction('evict-b'));
    expect(ok.status).toBe(201);
    expect((await h.call('GET', '/api/v1/namespaces/default/pods/evict-b')).status).toBe(404);
  });

  it('reads and writes replicas through /scale', async () => {
    const rs = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'scaled' },
      spec: { replicas: 2, selector: { matchLabels: { app: 's' } }, template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    await h.call('POST', '/apis/apps/v1/namespaces/default/replicasets', rs);
    const scale = await h.call('GET', '/apis/apps/v1/namespaces/default/replicasets/scaled/scale');
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=s' } });
    const patched = await h.call('PATCH', '/apis/apps/v1/namespaces/default/replicasets/scaled/scale', { spec: { replicas: 5 } }, merge);
    expect(patched.status).toBe(200);
    expect(patched.body.spec.replicas).toBe(5);
    const rsNow = await h.call('GET', '/apis/apps/v1/namespaces/default/replicasets/scaled');
    expect(rsNow.body.spec.replicas).toBe(5);
    expect(rsNow.body.metadata.generation).toBe(2);
    const bad = await h.call('PUT', '/apis/apps/v1/namespaces/default/replicasets/scaled/scale', { ...scale.body, metadata: { name: 'scaled' }, spec: { replicas: -1 } });
    expect(bad.status).toBe(422);
  });
});

describe('priority admission', () => {
  // Admission reads classes from the watch cache, as upstream from its informer; a consistent
  // list waits until that cache has caught up with etcd, so the next pod sees the change.
  const synced = () => h.call('GET', '/apis/scheduling.k8s.io/v1/priorityclasses');
  const pc = async (name: string, value: number, extra: Record<string, unknown> = {}) => {
    const res = await h.call('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
    await synced();
    return res;
  };
  const created = async (name: string, spec: Record<string, unknown> = {}) => {
    const p = pod(name);
    return h.call('POST', '/api/v1/namespaces/default/pods', { ...p, spec: { ...p.spec, ...spec } });
  };

  it('takes the priority from the named class, refuses a missing class and a priority set by the client', async () => {
    expect((await pc('high', 1000, { preemptionPolicy: 'Never' })).status).toBe(201);
    const named = await created('prio-named', { priorityClassName: 'high' });
    expect(named.status).toBe(201);
    expect(named.body.spec).toMatchObject({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
    const missing = await created('prio-missing', { priorityClassName: 'nope' });
    expect(missing.status).toBe(403);
    expect(missing.body.message).toContain('no PriorityClass with name nope was found');
    const forged = await created('prio-forged', { priorityClassName: 'high', priority: 5 });
    expect(forged.status).toBe(403);
  });

  it('gives pods without a class the global default, the lowest if several claim it, and 0 once none does', async () => {
    expect((await created('prio-none-1')).body.spec.priority).toBe(0);
    expect((await pc('default-a', 700, { globalDefault: true })).status).toBe(201);
    expect((await created('prio-default-1')).body.spec).toMatchObject({ priorityClassName: 'default-a', priority: 700 });
    expect((await pc('default-b', 300, { globalDefault: true })).status).toBe(201);
    expect((await created('prio-default-2')).body.spec).toMatchObject({ priorityClassName: 'default-b', priority: 300 });
    for (const name of ['default-a', 'default-b']) expect((await h.call('DELETE', `/apis/scheduling.k8s.io/v1/priorityclasses/${name}`)).status).toBe(200);
    await synced();
    const after = (await created('prio-none-2')).body.spec;
    expect(after.priority).toBe(0);
    expect(after.priorityClassName).toBeUndefined();
  });
});
