// PodGC against a real API server: terminated pods beyond the threshold go oldest first, and pods
// bound to a node that does not exist go once the node has been missing for the quarantine.
import { resourceFor } from '@k8ts/api';
import type { Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podGCDescriptor } from '../controllers/podgc/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const NODES = resourceFor('', 'v1', 'nodes')!;
const pod = (name: string, node: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] },
});
const names = async (h: Harness) => (await h.client.list<Pod>(PODS, { namespace: 'default' })).items.map((p) => p.metadata?.name).sort();

describe('PodGC (integration)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ descriptors: [podGCDescriptor({ periodMs: 200, quarantineMs: 1_000 })], config: { terminatedPodGCThreshold: 2 }, kubelet: false });
    await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('deletes terminated pods beyond the threshold, oldest first', async () => {
    for (const name of ['done-a', 'done-b', 'done-c', 'done-d']) {
      await h.client.create(PODS, pod(name, 'n1'), { namespace: 'default' });
      await h.client.patch(PODS, name, { status: { phase: 'Succeeded' } }, 'merge', { namespace: 'default', subresource: 'status' });
    }
    await until(async () => (await names(h)).filter((n) => n?.startsWith('done-')).length === 2, 10_000, 'two terminated pods to be left');
    expect(await names(h)).toEqual(['done-c', 'done-d']);
  });

  it('deletes pods bound to a node that does not exist', async () => {
    await h.client.create(PODS, pod('orphan', 'ghost'), { namespace: 'default' });
    await h.client.create(PODS, pod('home', 'n1'), { namespace: 'default' });
    await until(async () => !(await names(h)).includes('orphan'), 10_000, 'the orphan to go');
    expect(await names(h)).toContain('home');
  });
});
