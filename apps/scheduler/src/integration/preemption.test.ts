// Preemption against a real API server: a high-priority pod that fits nowhere evicts the
// lowest-priority pods it needs gone (through the eviction API), is nominated to that node, and
// lands there once the victims have gone. There is no kubelet here, so the test finishes the
// victims' graceful deletion itself, as a kubelet would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFor } from '@k8ts/api';
import type { Pod } from 'kubernetes-types/core/v1';
import { bound, pod, PODS, startHarness, until, type Harness } from './harness.ts';

const PRIORITY_CLASSES = resourceFor('scheduling.k8s.io', 'v1', 'priorityclasses')!;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (const [name, value] of [['low', 100], ['mid', 500], ['high', 1000]] as const)
    await h.client.create(PRIORITY_CLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
});
afterAll(async () => {
  await h?.close();
});

describe('preemption', () => {
  it('evicts the lowest-priority victims, nominates the node, then binds there', async () => {
    await h.createNode('n1', { cpu: '2' });
    await h.createNode('n2', { cpu: '2' });
    // n1: two low pods; n2: one mid and one low. Each takes 1 cpu: both nodes are full.
    await h.createPod(pod('low-a', { cpu: '1', priority: 'low', spec: { nodeName: 'n1' } }));
    await h.createPod(pod('low-b', { cpu: '1', priority: 'low', spec: { nodeName: 'n1' } }));
    await h.createPod(pod('mid-c', { cpu: '1', priority: 'mid', spec: { nodeName: 'n2' } }));
    await h.createPod(pod('low-d', { cpu: '1', priority: 'low', spec: { nodeName: 'n2' } }));
    await until(async () => h.scheduler.cache.podCount() === 4, 10_000, 'the cache to hold the four pods');

    await h.createPod(pod('urgent', { cpu: '1', priority: 'high' }));
    // One cpu is needed. On n1 one low pod suffices; on n2 evicting low-d also suffices, but
    // n1's highest victim priority (low) ties with n2's (low-d alone): the first criteria tie, so
    // either node is right as long as exactly one low pod goes and mid-c stays.
    const nominated = await h.waitPod('urgent', (p) => Boolean(p.status?.nominatedNodeName));
    const node = nominated.status!.nominatedNodeName!;
    expect(['n1', 'n2']).toContain(node);

    const all = (await h.client.list<Pod>(PODS, { namespace: 'default' })).items;
    const terminating = all.filter((p) => p.metadata?.deletionTimestamp).map((p) => p.metadata!.name);
    const gone = ['low-a', 'low-b', 'low-d'].filter((n) => !all.some((p) => p.metadata?.name === n));
    const victims = [...terminating, ...gone];
    expect(victims).toHaveLength(1);
    expect(victims[0]).toMatch(/^low-/);
    expect(all.find((p) => p.metadata?.name === 'mid-c')?.metadata?.deletionTimestamp).toBeUndefined();
    const victim = all.find((p) => p.metadata?.name === victims[0]);
    if (victim) {
      expect(victim.spec?.nodeName).toBe(node);
      expect(victim.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'PreemptionByScheduler' });
      await h.client.delete(PODS, victim.metadata!.name!, { namespace: 'default', gracePeriodSeconds: 0 });
    }

    const landed = await h.waitPod('urgent', bound, 20_000);
    expect(landed.spec?.nodeName).toBe(node);
  });

  it('never evicts pods of equal or higher priority', async () => {
    await h.createNode('solo', { cpu: '1' });
    await h.createPod(pod('keeper', { cpu: '1', priority: 'high', spec: { nodeName: 'solo' } }));
    await h.createPod(pod('hopeful', { cpu: '1', priority: 'high', spec: { nodeSelector: { 'kubernetes.io/hostname': 'solo' } } }));
    const p = await h.waitPod('hopeful', (x) => x.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false);
    expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toContain('preemption: 0/');
    expect((await h.getPod('keeper')).metadata?.deletionTimestamp).toBeUndefined();
  });
});
