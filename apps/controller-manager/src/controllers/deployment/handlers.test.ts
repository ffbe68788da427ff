import { Lister, Store } from '@k8ts/client';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { dep, pod, rsFor } from './fixtures.ts';
import { DeploymentHandlers } from './handlers.ts';

function handlers(ds: Deployment[], rss: ReplicaSet[], pods: Pod[]) {
  const keys: string[] = [];
  const lister = <T extends object>(objs: T[]) => {
    const s = new Store<never>();
    for (const o of objs) s.set(o as never);
    return new Lister(s) as never;
  };
  const h = new DeploymentHandlers({ deployments: lister(ds), replicaSets: lister(rss), pods: lister(pods), enqueue: (k) => void keys.push(k) });
  return { h, keys };
}

const other = (): Deployment => {
  const d = dep();
  d.metadata = { ...d.metadata, name: 'web2', uid: 'uid-web2' };
  return d;
};

describe('DeploymentHandlers', () => {
  const cases: { name: string; act: (h: DeploymentHandlers) => void; ds?: Deployment[]; rss?: ReplicaSet[]; pods?: Pod[]; want: string[] }[] = [
    { name: 'an owned ReplicaSet wakes its owner only', act: (h) => h.addReplicaSet(rsFor({ image: 'v1', replicas: 1 })), want: ['default/web'] },
    { name: 'an orphan wakes every Deployment that selects it', act: (h) => h.addReplicaSet(rsFor({ image: 'v1', replicas: 1, orphan: true })), want: ['default/web', 'default/web2'] },
    {
      name: 'an update with the same resourceVersion (relist) is ignored',
      act: (h) => h.updateReplicaSet(rsFor({ image: 'v1', replicas: 1 }), rsFor({ image: 'v1', replicas: 2 })), want: [],
    },
    {
      name: 'a ReplicaSet deleted (tombstone) wakes its owner',
      act: (h) => { const rs = rsFor({ image: 'v1', replicas: 1 }); h.deleteReplicaSet({ tombstone: true, key: 'default/x' as never, obj: rs }); }, want: ['default/web'],
    },
    {
      name: 'the last pod of a Recreate Deployment going wakes it',
      ds: [dep({ strategy: { type: 'Recreate' } })], rss: [rsFor({ image: 'v1', replicas: 0 })],
      act: (h) => h.deletePod(pod('p1', rsFor({ image: 'v1', replicas: 0 }))), want: ['default/web'],
    },
    {
      name: 'a pod going while others remain does not',
      ds: [dep({ strategy: { type: 'Recreate' } })], rss: [rsFor({ image: 'v1', replicas: 0 })], pods: [pod('p2', rsFor({ image: 'v1', replicas: 0 }))],
      act: (h) => h.deletePod(pod('p1', rsFor({ image: 'v1', replicas: 0 }))), want: [],
    },
    {
      name: 'pod deletions do not matter to RollingUpdate',
      rss: [rsFor({ image: 'v1', replicas: 0 })], act: (h) => h.deletePod(pod('p1', rsFor({ image: 'v1', replicas: 0 }))), want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { h, keys } = handlers(c.ds ?? [dep(), other()], c.rss ?? [], c.pods ?? []);
      c.act(h);
      expect(keys.sort()).toEqual(c.want);
    });
  }
});
