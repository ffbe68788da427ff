// The disruption controller against a real API server: a budget's disruptionsAllowed follows its
// pods becoming ready, and the eviction subresource, which spends it, refuses once it is 0.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor } from '../controllers/disruption/index.ts';
import { PODS, readyStatus, startHarness, until, type Harness } from './harness.ts';

const PDBS = resourceFor('policy', 'v1', 'poddisruptionbudgets')!;
const pod = (name: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
});

describe('disruption controller (integration)', () => {
  let h: Harness;
  const budget = async () => h.client.get<PodDisruptionBudget>(PDBS, 'web', 'default');
  const allowedIs = (n: number, healthy: number, expected = 3) => until(async () => {
    const s = (await budget()).status;
    return s?.disruptionsAllowed === n && s.currentHealthy === healthy && s.expectedPods === expected && s;
  }, 10_000, `disruptionsAllowed ${n} with ${healthy} of ${expected} healthy`);
  const evict = (name: string) => h.client.subresource('POST', PODS, name, 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } }, 'default');
  const makeReady = async (name: string) => {
    const p = await h.client.get<Pod>(PODS, name, 'default');
    await h.client.patch(PODS, name, { status: readyStatus(p, new Date()) }, 'merge', { namespace: 'default', subresource: 'status' });
  };

  beforeAll(async () => {
    h = await startHarness({ descriptors: [descriptor], kubelet: false });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('follows readiness and lets evictions through only while disruptions are allowed', async () => {
    await h.client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } }, { namespace: 'default' });
    for (const n of ['w0', 'w1', 'w2']) await h.client.create(PODS, pod(n), { namespace: 'default' });
    const first = await allowedIs(0, 0);
    expect(first).toMatchObject({ expectedPods: 3, desiredHealthy: 2, observedGeneration: 1 });
    expect(first.conditions).toMatchObject([{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }]);
    await expect(evict('w0')).rejects.toSatisfy((e) => e instanceof ApiError && e.code === 429);

    await makeReady('w0');
    await makeReady('w1');
    await allowedIs(0, 2);
    await makeReady('w2');
    const ready = await allowedIs(1, 3);
    expect(ready.conditions).toMatchObject([{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }]);

    await evict('w0');
    await allowedIs(0, 2);
    // Once the evicted pod is seen terminating it leaves disruptedPods.
    await until(async () => Object.keys((await budget()).status?.disruptedPods ?? {}).length === 0 && (await h.client.get<Pod>(PODS, 'w0', 'default')).metadata?.deletionTimestamp, 10_000, 'disruptedPods to empty');
    await expect(evict('w1')).rejects.toSatisfy((e) => e instanceof ApiError && e.code === 429);
  }, 60_000);
});
