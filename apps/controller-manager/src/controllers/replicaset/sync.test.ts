import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { ApiError } from '@k8ts/api';
import { keyOf } from '@k8ts/client';
import { FakePodControl } from '../../controller/pod-control.ts';
import { env, pod, rs, T0, type Env } from './fixtures.ts';
import { ReplicaSetHandlers } from './handlers.ts';
import { slowStartBatch, syncReplicaSet } from './sync.ts';

const KEY = 'default/web';
const lastStatus = (e: Env) => e.rsClient.statusUpdates.at(-1)?.status;
const run = (e: Env, key = KEY) => syncReplicaSet(e.deps, key);
const handlers = (e: Env) => new ReplicaSetHandlers({ replicaSets: e.deps.replicaSets, expectations: e.expectations, enqueue: () => {}, enqueueAfter: () => {} });

describe('slowStartBatch', () => {
  const cases = [
    { name: 'all succeed in batches 1, 2, 4, 3', count: 10, failAt: 0, calls: 10, successes: 10 },
    { name: 'a failure in the third batch skips the rest', count: 10, failAt: 4, calls: 7, successes: 6 },
    { name: 'a failure in the first call stops at once', count: 500, failAt: 1, calls: 1, successes: 0 },
    { name: 'nothing to do', count: 0, failAt: 0, calls: 0, successes: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      let calls = 0;
      const got = await slowStartBatch(c.count, 1, async () => {
        if (++calls === c.failAt) throw new Error('boom');
      });
      expect(calls).toBe(c.calls);
      expect(got.successes).toBe(c.successes);
      expect(got.error?.message).toBe(c.failAt ? 'boom' : undefined);
    });
  }
});

describe('syncReplicaSet: scaling up', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet, and expects them', async () => {
    const e = env([rs({ replicas: 3 })], [pod('web-1')]);
    await run(e);
    expect(e.podControl.creates).toHaveLength(2);
    const created = e.podControl.creates[0]!.pod!;
    expect(created.metadata?.generateName).toBe('web-');
    expect(created.metadata?.labels).toEqual({ app: 'web' });
    expect(created.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    expect(e.expectations.get(KEY)).toEqual({ add: 2, del: 0 });
    expect(lastStatus(e)).toMatchObject({ replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
  });

  it('caps one sync at burstReplicas', async () => {
    const e = env([rs({ replicas: 10 })], [], { burstReplicas: 4 });
    await run(e);
    expect(e.podControl.creates).toHaveLength(4);
  });

  it('does not create again until the creations are observed', async () => {
    const e = env([rs({ replicas: 2 })]);
    await run(e);
    await run(e);
    expect(e.podControl.creates).toHaveLength(2);
    for (const c of e.podControl.creates) {
      e.podStore.set(c.pod!);
      handlers(e).addPod(c.pod!);
    }
    expect(e.expectations.satisfied(KEY)).toBe(true);
    e.podStore.delete(keyOf('default', e.podControl.creates[0]!.name!));
    await run(e);
    expect(e.podControl.creates).toHaveLength(3);
  });

  it('expired expectations no longer block', async () => {
    const e = env([rs({ replicas: 1 })]);
    await run(e);
    e.clock.step(5 * 60_000 + 1);
    await run(e);
    expect(e.podControl.creates).toHaveLength(2);
  });

  it('on a create error: stops the slow start, lowers expectations, sets ReplicaFailure and fails the sync', async () => {
    const e = env([rs({ replicas: 5 })]);
    e.podControl.failCreates = 1;
    await expect(run(e)).rejects.toThrow('fake create failure');
    expect(e.podControl.creates).toHaveLength(0);
    expect(e.expectations.satisfied(KEY)).toBe(true);
    expect(lastStatus(e)?.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'fake create failure', lastTransitionTime: '2025-01-01T00:00:00Z' },
    ]);
  });

  it('a sync that succeeds removes ReplicaFailure', async () => {
    const failing = rs({ replicas: 1, status: { replicas: 0, observedGeneration: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'x' }] } });
    const e = env([failing]);
    await run(e);
    expect(e.podControl.creates).toHaveLength(1);
    expect(lastStatus(e)?.conditions).toBeUndefined();
  });

  it('a namespace being terminated is not a failure', async () => {
    const e = env([rs({ replicas: 2 })]);
    e.deps.podControl = Object.assign(Object.create(e.podControl) as FakePodControl, {
      createPod: async () => { throw new ApiError(403, 'Forbidden', 'pods "x" is forbidden: unable to create new content in namespace default because it is being terminated'); },
    });
    await run(e);
    expect(lastStatus(e)?.conditions).toBeUndefined();
  });
});

describe('syncReplicaSet: scaling down', () => {
  it('deletes the surplus by rank and expects exactly those deletions', async () => {
    const pods = [
      pod('ready-old', { node: 'n1', readyAt: 0 }),
      pod('pending', { node: 'n1' }),
      pod('unscheduled'),
      pod('ready-new', { node: 'n2', readyAt: 100 }),
    ];
    const e = env([rs({ replicas: 2 })], pods, { now: T0 + 3_600_000 });
    await run(e);
    expect(e.podControl.deletes.map((c) => c.name).sort()).toEqual(['pending', 'unscheduled']);
    expect(e.expectations.get(KEY)).toEqual({ add: 0, del: 2 });
    const h = handlers(e);
    h.updatePod(pods[2]!, { ...pods[2]!, metadata: { ...pods[2]!.metadata, resourceVersion: '2', deletionTimestamp: '2025-01-01T01:00:00Z' } });
    h.deletePod(pods[2]!); // the same pod gone for good counts once
    expect(e.expectations.get(KEY)).toEqual({ add: 0, del: 1 });
    h.deletePod(pods[1]!);
    expect(e.expectations.satisfied(KEY)).toBe(true);
  });

  it('spreads survivors using the pods of sibling ReplicaSets with the same owner', async () => {
    const a = rs({ name: 'a', labels: { app: 'a' }, owner: 'dep-uid', replicas: 1 });
    const b = rs({ name: 'b', labels: { app: 'b' }, owner: 'dep-uid', replicas: 1 });
    const pods = [
      pod('a-1', { owner: a, labels: { app: 'a' }, node: 'n1', readyAt: 0 }),
      pod('a-2', { owner: a, labels: { app: 'a' }, node: 'n2', readyAt: 0 }),
      pod('b-1', { owner: b, labels: { app: 'b' }, node: 'n2', readyAt: 0 }),
    ];
    const e = env([a, b], pods);
    await run(e, 'default/a');
    expect(e.podControl.deletes.map((c) => c.name)).toEqual(['a-2']);
  });

  it('a failed deletion is no longer expected and fails the sync with FailedDelete', async () => {
    const e = env([rs({ replicas: 0 })], [pod('p1', { node: 'n', readyAt: 0 })]);
    e.podControl.failDeletes = 1;
    await expect(run(e)).rejects.toThrow('fake delete failure');
    expect(e.expectations.satisfied(KEY)).toBe(true);
    expect(lastStatus(e)?.conditions?.[0]).toMatchObject({ type: 'ReplicaFailure', reason: 'FailedDelete' });
  });

  it('a ReplicaSet being deleted neither creates nor deletes, but still reports', async () => {
    const e = env([rs({ replicas: 3, deleting: true })], [pod('p1')]);
    await run(e);
    expect(e.podControl.calls).toEqual([]);
    expect(lastStatus(e)?.replicas).toBe(1);
  });
});

describe('syncReplicaSet: claiming pods', () => {
  const other = rs({ name: 'other', uid: 'uid-other' });
  const cases: { name: string; pods: Pod[]; patched: Record<string, unknown>; replicas: number }[] = [
    {
      name: 'adopts a matching orphan',
      pods: [pod('orphan', { owner: null })],
      patched: { orphan: { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }], uid: 'uid-orphan' } } },
      replicas: 1,
    },
    {
      name: 'releases an owned pod whose labels no longer match',
      pods: [pod('strayed', { labels: { app: 'other' } })],
      patched: { strayed: { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'uid-web' }], uid: 'uid-strayed' } } },
      replicas: 0,
    },
    { name: "ignores pods another controller owns", pods: [pod('theirs', { owner: other })], patched: {}, replicas: 0 },
    { name: 'ignores orphans that do not match', pods: [pod('stranger', { owner: null, labels: { app: 'x' } })], patched: {}, replicas: 0 },
    { name: 'ignores inactive pods', pods: [pod('done', { phase: 'Succeeded' }), pod('going', { deleting: true })], patched: {}, replicas: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const e = env([rs({ replicas: 0 }), other], c.pods);
      await run(e);
      const patches = Object.fromEntries(e.podControl.calls.filter((x) => x.verb === 'patch').map((x) => [x.name, x.patch]));
      expect(patches).toEqual(c.patched);
      expect(lastStatus(e)?.replicas ?? 0).toBe(c.replicas);
    });
  }

  it('does not adopt when the ReplicaSet read fresh is another object', async () => {
    const e = env([rs({ replicas: 1 })], [pod('orphan', { owner: null })]);
    e.rsClient.objects.set(KEY, rs({ uid: 'uid-new' }));
    await expect(run(e)).rejects.toThrow('original ReplicaSet default/web is gone: got uid uid-new, wanted uid-web');
    expect(e.podControl.calls).toEqual([]);
  });
});

describe('syncReplicaSet: status', () => {
  const cases: { name: string; set: ReplicaSet; pods: Pod[]; want: Record<string, number>; requeueMs?: number }[] = [
    {
      name: 'counts ready and available with minReadySeconds',
      set: rs({ replicas: 3, minReadySeconds: 10 }),
      pods: [pod('a', { node: 'n', readyAt: 0 }), pod('b', { node: 'n', readyAt: 95 }), pod('c', { node: 'n' })],
      want: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1 },
      requeueMs: 10_000,
    },
    {
      name: 'ready is available at once without minReadySeconds',
      set: rs({ replicas: 2 }),
      pods: [pod('a', { node: 'n', readyAt: 99 }), pod('b', { node: 'n', readyAt: 99 })],
      want: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
    {
      name: 'fully labeled needs every template label, not just the selector',
      set: rs({ replicas: 2, labels: { app: 'web' }, templateLabels: { app: 'web', tier: 'fe' } }),
      pods: [pod('a', { labels: { app: 'web', tier: 'fe' } }), pod('b', { labels: { app: 'web' } })],
      want: { replicas: 2, fullyLabeledReplicas: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const e = env([c.set], c.pods, { now: T0 + 100_000 });
      await run(e);
      expect(lastStatus(e)).toMatchObject(c.want);
      expect(e.requeued).toEqual(c.requeueMs ? [{ key: KEY, ms: c.requeueMs }] : []);
    });
  }

  it('writes nothing when the status is already right', async () => {
    const set = rs({ replicas: 1, generation: 4, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 } });
    const e = env([set], [pod('a', { node: 'n', readyAt: 0 })]);
    await run(e);
    expect(e.rsClient.statusUpdates).toEqual([]);
  });

  it('records a new generation even when the counts are unchanged', async () => {
    const set = rs({ replicas: 1, generation: 5, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 } });
    const e = env([set], [pod('a', { node: 'n', readyAt: 0 })]);
    await run(e);
    expect(lastStatus(e)?.observedGeneration).toBe(5);
  });

  it('retries a failed status write once on a fresh read', async () => {
    const e = env([rs({ replicas: 0 })], [pod('a')]);
    e.rsClient.failUpdates = 1;
    await run(e);
    expect(e.rsClient.statusUpdates).toHaveLength(1);
  });

  it('forgets the expectations of a ReplicaSet that is gone', async () => {
    const e = env([]);
    e.expectations.expectCreations(KEY, 3);
    await run(e);
    expect(e.expectations.get(KEY)).toBeUndefined();
  });
});
