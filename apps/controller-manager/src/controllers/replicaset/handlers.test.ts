import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { DeletedFinalStateUnknown, ObjectKey } from '@k8ts/client';
import { env, pod, rs } from './fixtures.ts';
import { ReplicaSetHandlers } from './handlers.ts';

function setup(sets: ReplicaSet[]) {
  const e = env(sets);
  const queued: string[] = [];
  const later: { key: string; ms: number }[] = [];
  const h = new ReplicaSetHandlers({
    replicaSets: e.deps.replicaSets, expectations: e.expectations,
    enqueue: (k) => queued.push(k), enqueueAfter: (key, ms) => later.push({ key, ms }),
  });
  return { e, h, queued, later };
}

const web = rs();
const api = rs({ name: 'api', labels: { app: 'api' } });
const everything = rs({ name: 'all', labels: {} });
/** The pod's next version: `change` applied, resourceVersion moved on. */
const bump = (p: Pod, change: Partial<Pod> & { labels?: Record<string, string> }): Pod => {
  const { labels, ...rest } = change;
  const rv = String(Number(p.metadata?.resourceVersion ?? '1') + 1);
  return { ...p, ...rest, metadata: { ...p.metadata, ...rest.metadata, ...(labels ? { labels } : {}), resourceVersion: rv } };
};

describe('pod events', () => {
  const cases: { name: string; act: (h: ReplicaSetHandlers) => void; queued: string[]; later?: { key: string; ms: number }[] }[] = [
    { name: 'an owned pod added enqueues its owner', act: (h) => h.addPod(pod('p')), queued: ['default/web'] },
    { name: 'a pod owned by an unknown uid is ignored', act: (h) => h.addPod(pod('p', { owner: rs({ uid: 'stale' }) })), queued: [] },
    { name: 'an orphan added enqueues every ReplicaSet selecting it, never an empty selector', act: (h) => h.addPod(pod('p', { owner: null, labels: { app: 'api' } })), queued: ['default/api'] },
    {
      name: 'a relabelled orphan enqueues the ReplicaSets that now select it',
      act: (h) => { const p = pod('p', { owner: null, labels: { app: 'x' } }); h.updatePod(p, bump(p, { labels: { app: 'web' } })); },
      queued: ['default/web'],
    },
    {
      name: 'a controller ref change enqueues old and new owners',
      act: (h) => { const p = pod('p', { owner: api, labels: { app: 'web' } }); h.updatePod(p, bump(p, { metadata: { ownerReferences: pod('q').metadata!.ownerReferences! } })); },
      queued: ['default/api', 'default/web'],
    },
    { name: 'a resync (same resourceVersion) is ignored', act: (h) => { const p = pod('p'); h.updatePod(p, p); }, queued: [] },
    {
      name: 'becoming ready with minReadySeconds requeues after minReadySeconds + 1 s',
      act: (h) => { const p = pod('p', { owner: slow, labels: { app: 'slow' } }); h.updatePod(p, bump(p, { status: pod('x', { readyAt: 0 }).status! })); },
      queued: ['default/slow'], later: [{ key: 'default/slow', ms: 6000 }],
    },
  ];
  const slow = rs({ name: 'slow', labels: { app: 'slow' }, minReadySeconds: 5 });
  for (const c of cases) {
    it(c.name, () => {
      const { h, queued, later } = setup([web, api, everything, slow]);
      c.act(h);
      expect(queued).toEqual(c.queued);
      expect(later).toEqual(c.later ?? []);
    });
  }

  it('creations observed lower the owner\'s expectations', () => {
    const { e, h } = setup([web]);
    e.expectations.expectCreations('default/web', 2);
    h.addPod(pod('a'));
    h.addPod(pod('b', { owner: null }));
    expect(e.expectations.get('default/web')).toEqual({ add: 1, del: 0 });
  });

  it('a pod first seen terminating counts as a deletion, not a creation', () => {
    const { e, h } = setup([web]);
    e.expectations.expectDeletionsOf('default/web', ['default/a']);
    h.addPod(pod('a', { deleting: true }));
    expect(e.expectations.satisfied('default/web')).toBe(true);
  });

  it('a deletion seen only as a tombstone is observed', () => {
    const { e, h, queued } = setup([web]);
    e.expectations.expectDeletionsOf('default/web', ['default/a']);
    const tomb: DeletedFinalStateUnknown<Pod> = { tombstone: true, key: 'default/a' as ObjectKey, obj: pod('a') };
    h.deletePod(tomb);
    expect(e.expectations.satisfied('default/web')).toBe(true);
    expect(queued).toEqual(['default/web']);
  });
});

describe('ReplicaSet events', () => {
  it('a delete forgets expectations and enqueues the key', () => {
    const { e, h, queued } = setup([web]);
    e.expectations.expectCreations('default/web', 3);
    h.deleteReplicaSet(web);
    expect(e.expectations.get('default/web')).toBeUndefined();
    expect(queued).toEqual(['default/web']);
  });

  it('a re-created ReplicaSet seen as an update starts with clean expectations', () => {
    const { e, h, queued } = setup([web]);
    e.expectations.expectCreations('default/web', 3);
    h.updateReplicaSet(web, rs({ uid: 'uid-2' }));
    expect(e.expectations.get('default/web')).toBeUndefined();
    expect(queued).toEqual(['default/web', 'default/web']);
  });
});
