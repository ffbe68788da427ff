import { FakeClock, Lister, Store, keyOf } from '@k8ts/client';
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { newControllerRef } from '../../controller/controller-ref.ts';
import { POD_INDEX_LABEL, POD_NAME_LABEL, newStatefulSetPod, revisionName } from './identity.ts';
import { REVISION_LABEL } from './revision.ts';
import { FakeStatefulSetPort } from './stateful-pod-control.ts';
import { StatefulSetSync } from './sync.ts';

const NOW = new Date('2025-01-01T00:00:00Z');
const template = (image = 'nginx:1'): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

function statefulSet(spec: Partial<StatefulSet['spec']> = {}, status: StatefulSet['status'] = { replicas: 0 }): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 2 },
    spec: { replicas: 3, serviceName: 'nginx', selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
    status,
  };
}

type PodState = 'ready' | 'pending' | 'terminating' | 'failed';

/** A pod of `set` at `ordinal`, built from `tpl` as the controller would, in the given state. */
function pod(set: StatefulSet, ordinal: number, state: PodState = 'ready', tpl = template()): Pod {
  const p = newStatefulSetPod(set, tpl, revisionName(set, tpl), ordinal, newControllerRef(set, 'apps/v1', 'StatefulSet'));
  const ready = state === 'ready' || state === 'terminating';
  return {
    ...p,
    metadata: { ...p.metadata, uid: `uid-${ordinal}`, ...(state === 'terminating' ? { deletionTimestamp: NOW.toISOString() } : {}) },
    status: {
      phase: state === 'failed' ? 'Failed' : ready ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: NOW.toISOString() }],
    },
  };
}

/** A sync over seeded stores; `sets`/`pods` stay live so a test can change them between syncs. */
function setup(set: StatefulSet, pods: Pod[]) {
  const sets = new Store<StatefulSet>();
  sets.set(set);
  const podStore = new Store<Pod>();
  for (const p of pods) podStore.set(p);
  const port = new FakeStatefulSetPort();
  port.sets.set('default/web', set);
  const requeued: string[] = [];
  const sync = new StatefulSetSync({
    sets: new Lister(sets), pods: new Lister(podStore), port, clock: new FakeClock(NOW),
    enqueueAfter: (key, ms) => requeued.push(`${key} ${ms}`),
  });
  return { sets, pods: podStore, port, requeued, sync };
}

async function run(set: StatefulSet, pods: Pod[]) {
  const h = setup(set, pods);
  await h.sync.sync('default/web');
  return h;
}

const OLD = template('nginx:1');
const NEW = template('nginx:2');

describe('StatefulSet sync: pod writes', () => {
  const oldSet = statefulSet({ template: OLD });
  const cases: { name: string; set: StatefulSet; pods: (set: StatefulSet) => Pod[]; want: string[] }[] = [
    { name: 'OrderedReady creates only the first pod', set: statefulSet(), pods: () => [], want: ['create web-0'] },
    { name: 'OrderedReady creates the next pod once its predecessors are ready', set: statefulSet(), pods: (s) => [pod(s, 0)], want: ['create web-1'] },
    { name: 'OrderedReady waits for a pending predecessor', set: statefulSet(), pods: (s) => [pod(s, 0), pod(s, 1, 'pending')], want: [] },
    { name: 'OrderedReady waits for a terminating predecessor', set: statefulSet(), pods: (s) => [pod(s, 0, 'terminating')], want: [] },
    { name: 'Parallel creates every missing pod at once', set: statefulSet({ podManagementPolicy: 'Parallel' }), pods: (s) => [pod(s, 1, 'pending')], want: ['create web-0', 'create web-2'] },
    { name: 'a failed pod is deleted to be recreated', set: statefulSet(), pods: (s) => [pod(s, 0, 'failed')], want: ['delete web-0'] },
    { name: 'scale down removes the highest ordinal first, one at a time', set: statefulSet({ replicas: 1 }), pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2)], want: ['delete web-2'] },
    { name: 'scale down waits while the condemned pod terminates', set: statefulSet({ replicas: 1 }), pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2, 'terminating')], want: [] },
    { name: 'scale down may remove the first unhealthy pod', set: statefulSet({ replicas: 1 }), pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2, 'pending')], want: ['delete web-2'] },
    { name: 'scale down keeps an unhealthy pod that a lower unhealthy pod precedes', set: statefulSet({ replicas: 1 }), pods: (s) => [pod(s, 0), pod(s, 1, 'pending'), pod(s, 2, 'pending')], want: [] },
    { name: 'Parallel scale down removes every condemned pod', set: statefulSet({ replicas: 1, podManagementPolicy: 'Parallel' }), pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2)], want: ['delete web-2', 'delete web-1'] },
    {
      name: 'rolling update replaces the highest old pod first',
      set: statefulSet({ template: NEW }, { replicas: 3, currentRevision: revisionName(oldSet, OLD) }),
      pods: () => [0, 1, 2].map((i) => pod(oldSet, i, 'ready', OLD)), want: ['delete web-2'],
    },
    {
      name: 'rolling update waits for the replacement to be ready',
      set: statefulSet({ template: NEW }, { replicas: 3, currentRevision: revisionName(oldSet, OLD) }),
      pods: (s) => [pod(oldSet, 0, 'ready', OLD), pod(oldSet, 1, 'ready', OLD), pod(s, 2, 'pending', NEW)], want: [],
    },
    {
      name: 'rolling update stops at the partition',
      set: statefulSet({ template: NEW, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, { replicas: 3, currentRevision: revisionName(oldSet, OLD) }),
      pods: (s) => [pod(oldSet, 0, 'ready', OLD), pod(oldSet, 1, 'ready', OLD), pod(s, 2, 'ready', NEW)], want: [],
    },
    {
      name: 'OnDelete never replaces pods itself',
      set: statefulSet({ template: NEW, updateStrategy: { type: 'OnDelete' } }, { replicas: 3, currentRevision: revisionName(oldSet, OLD) }),
      pods: () => [0, 1, 2].map((i) => pod(oldSet, i, 'ready', OLD)), want: [],
    },
  ];
  it.each(cases)('$name', async ({ set, pods, want }) => {
    const { port } = await run(set, pods(set));
    expect(port.podWrites).toEqual(want);
  });
});

describe('StatefulSet sync: pods and status', () => {
  it('creates pods with the stable identity', async () => {
    const { port } = await run(statefulSet(), []);
    const created = port.calls[0]?.pod;
    expect(created?.metadata?.name).toBe('web-0');
    expect(created?.metadata?.labels).toEqual({ app: 'web', [POD_NAME_LABEL]: 'web-0', [POD_INDEX_LABEL]: '0', [REVISION_LABEL]: revisionName(statefulSet(), template()) });
    expect(created?.spec?.hostname).toBe('web-0');
    expect(created?.spec?.subdomain).toBe('nginx');
    expect(created?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true });
  });

  it('writes status with the counts and revisions', async () => {
    const set = statefulSet();
    const rev = revisionName(set, template());
    const { port } = await run(set, [pod(set, 0), pod(set, 1), pod(set, 2, 'pending')]);
    expect(port.lastStatus).toEqual({
      observedGeneration: 2, replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 3, updatedReplicas: 3,
      currentRevision: rev, updateRevision: rev, collisionCount: 0,
    });
  });

  it('completes a rolling update once every replica is updated and ready', async () => {
    const set = statefulSet({ template: NEW }, { replicas: 3, currentRevision: revisionName(statefulSet(), OLD) });
    const { port } = await run(set, [0, 1, 2].map((i) => pod(set, i, 'ready', NEW)));
    expect(port.lastStatus).toMatchObject({ currentRevision: revisionName(set, NEW), updateRevision: revisionName(set, NEW), currentReplicas: 3, updatedReplicas: 3 });
  });

  it('skips the status write when nothing changed', async () => {
    const set = statefulSet();
    const rev = revisionName(set, template());
    const synced = statefulSet({}, { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: rev, updateRevision: rev });
    const { port } = await run(synced, [0, 1, 2].map((i) => pod(set, i)));
    expect(port.calls).toEqual([]);
  });

  it('requeues after minReadySeconds while ready pods are not yet available', async () => {
    const set = statefulSet({ minReadySeconds: 10 });
    const { port, requeued } = await run(set, [pod(set, 0)]);
    expect(port.podWrites).toEqual([]);
    expect(requeued).toEqual(['default/web 10000']);
  });

  it('adopts an orphan whose name and labels match', async () => {
    const set = statefulSet({ replicas: 1 });
    const orphan = pod(set, 0);
    orphan.metadata!.ownerReferences = [];
    const { port } = await run(set, [orphan]);
    expect(port.calls[0]).toMatchObject({ verb: 'patch', name: 'web-0', patch: { metadata: { ownerReferences: [{ uid: 'set-uid', controller: true }] } } });
  });

  it('restores identity labels removed from a pod', async () => {
    const set = statefulSet({ replicas: 1 });
    const p = pod(set, 0);
    delete p.metadata!.labels![POD_INDEX_LABEL];
    const { port } = await run(set, [p]);
    expect(port.calls[0]).toEqual({ verb: 'update', name: 'web-0', patch: { metadata: { labels: { [POD_NAME_LABEL]: 'web-0', [POD_INDEX_LABEL]: '0' } } } });
  });

  it('recreates a pod below the partition at the current revision it has seen', async () => {
    const old = statefulSet({ template: OLD });
    const h = await run(old, [0, 1, 2].map((i) => pod(old, i, 'ready', OLD)));
    expect(h.port.podWrites).toEqual([]);
    // The same controller then sees the new template with partition 1, and web-0 gone.
    h.sets.set(statefulSet({ template: NEW, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, { replicas: 3, currentRevision: revisionName(old, OLD) }));
    h.pods.delete(keyOf('default', 'web-0'));
    await h.sync.sync('default/web');
    const created = h.port.calls.find((c) => c.verb === 'create')?.pod;
    expect(created?.metadata?.labels?.[REVISION_LABEL]).toBe(revisionName(old, OLD));
    expect(created?.spec?.containers[0]?.image).toBe('nginx:1');
  });
});
