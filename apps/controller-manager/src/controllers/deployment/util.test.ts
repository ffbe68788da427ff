import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import { describe, expect, it } from 'vitest';
import { dep, rsFor, template } from './fixtures.ts';
import { equalIgnoreHash, POD_TEMPLATE_HASH, templateHash } from './hash.ts';
import { newRSNewReplicas, setNewReplicaSetAnnotations } from './replicasets.ts';
import { findActiveOrLatest, getProportion, isSaturated } from './scale.ts';
import { lastRevision, maxSurge, maxUnavailable, resolveFenceposts, REVISION, REVISION_HISTORY } from './util.ts';

describe('resolveFenceposts', () => {
  const cases: { name: string; surge?: number | string; unavailable?: number | string; desired: number; want?: [number, number]; error?: boolean }[] = [
    { name: 'both 0% of 0: unavailable becomes 1', surge: '0%', unavailable: '0%', desired: 0, want: [0, 1] },
    { name: '39% of 10: surge rounds up, unavailable down', surge: '39%', unavailable: '39%', desired: 10, want: [4, 3] },
    { name: '25% of 3', surge: '25%', unavailable: '25%', desired: 3, want: [1, 0] },
    { name: '25% of 1', surge: '25%', unavailable: '25%', desired: 1, want: [1, 0] },
    { name: 'ints as given', surge: 2, unavailable: 1, desired: 5, want: [2, 1] },
    { name: 'both unset', desired: 5, want: [0, 1] },
    { name: 'not a percentage', surge: 'oops', unavailable: '1%', desired: 10, error: true },
    { name: 'bad unavailable', surge: '55%', unavailable: 'urg', desired: 10, error: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) expect(() => resolveFenceposts(c.surge, c.unavailable, c.desired)).toThrow(/invalid value for IntOrString/);
      else expect(resolveFenceposts(c.surge, c.unavailable, c.desired)).toEqual(c.want);
    });
  }

  it('maxUnavailable is capped at replicas and 0 for Recreate; maxSurge 0 for Recreate', () => {
    const big = dep({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } } });
    expect(maxUnavailable(big)).toBe(3);
    const recreate = dep({ strategy: { type: 'Recreate' } });
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0]);
  });
});

describe('newRSNewReplicas', () => {
  const cases: { name: string; recreate?: boolean; desired: number; newReplicas: number; surge: number; old: number; want: number }[] = [
    { name: 'cannot scale up: total already at desired + surge', desired: 1, newReplicas: 5, surge: 1, old: 5, want: 5 },
    { name: 'scale up, not past desired', desired: 6, newReplicas: 2, surge: 10, old: 4, want: 6 },
    { name: 'scale up by the room left under surge', desired: 10, newReplicas: 0, surge: 2, old: 10, want: 2 },
    { name: 'recreate: straight to desired', recreate: true, desired: 3, newReplicas: 1, surge: 1, old: 0, want: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = dep({ replicas: c.desired, strategy: c.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: c.surge, maxUnavailable: 0 } } });
      const newRS = rsFor({ image: 'v2', replicas: c.newReplicas });
      expect(newRSNewReplicas(d, [rsFor({ image: 'v1', replicas: c.old }), newRS], newRS)).toBe(c.want);
    });
  }
});

describe('getProportion', () => {
  const cases: { name: string; rs: ReplicaSet; replicas: number; toAdd: number; added: number; want: number }[] = [
    { name: 'scale up 10 → 20 (max 13 → 25): 8 of 13 gets 7', rs: rsFor({ image: 'v1', replicas: 8, max: 13 }), replicas: 20, toAdd: 12, added: 0, want: 7 },
    { name: 'never more than what is left to add', rs: rsFor({ image: 'v1', replicas: 8, max: 13 }), replicas: 20, toAdd: 12, added: 10, want: 2 },
    { name: 'scale down 20 → 10 (max 25 → 13)', rs: rsFor({ image: 'v1', replicas: 15, max: 25 }), replicas: 10, toAdd: -12, added: 0, want: -7 },
    { name: 'to zero: the whole size', rs: rsFor({ image: 'v1', replicas: 4, max: 5 }), replicas: 0, toAdd: -4, added: 0, want: -4 },
    { name: 'an empty ReplicaSet gets nothing', rs: rsFor({ image: 'v1', replicas: 0, max: 5 }), replicas: 10, toAdd: 5, added: 0, want: 0 },
  ];
  for (const c of cases) it(c.name, () => expect(getProportion(c.rs, dep({ replicas: c.replicas }), c.toAdd, c.added)).toBe(c.want));
});

describe('ReplicaSet choice', () => {
  it('findActiveOrLatest: the only active one, else the newest, else none', () => {
    const a = rsFor({ image: 'a', replicas: 0, createdAt: 1 });
    const b = rsFor({ image: 'b', replicas: 0, createdAt: 2 });
    const c = rsFor({ image: 'c', replicas: 2, createdAt: 3 });
    expect(findActiveOrLatest(undefined, [a, b])?.metadata?.name).toBe(b.metadata?.name);
    expect(findActiveOrLatest(a, [b, c])?.metadata?.name).toBe(c.metadata?.name);
    expect(findActiveOrLatest(c, [rsFor({ image: 'd', replicas: 1 })])).toBeUndefined();
  });

  it('isSaturated needs size, desired annotation and availability all at desired', () => {
    expect(isSaturated(dep({ replicas: 3 }), rsFor({ image: 'v1', replicas: 3, available: 3 }))).toBe(true);
    expect(isSaturated(dep({ replicas: 3 }), rsFor({ image: 'v1', replicas: 3, available: 2 }))).toBe(false);
    expect(isSaturated(dep({ replicas: 3 }), rsFor({ image: 'v1', replicas: 3, available: 3, desired: 2 }))).toBe(false);
  });

  it('lastRevision is the second highest', () => {
    expect(lastRevision([1, 5, 3].map((r, i) => rsFor({ image: `v${i}`, replicas: 0, revision: r })))).toBe(3);
  });
});

describe('annotations and hash', () => {
  it('a rollback appends the revision it had to revision-history', () => {
    const rs = rsFor({ image: 'v1', replicas: 0, revision: 3 });
    rs.metadata!.annotations![REVISION_HISTORY] = '1';
    expect(setNewReplicaSetAnnotations(dep({ annotations: { team: 'a' } }), rs, 5, true)).toBe(true);
    expect(rs.metadata?.annotations).toMatchObject({ [REVISION]: '5', [REVISION_HISTORY]: '1,3', team: 'a' });
    expect(setNewReplicaSetAnnotations(dep({ annotations: { team: 'a' } }), rs, 4, true)).toBe(false);
  });

  it('the hash ignores key order and empty values; equality ignores the hash label', () => {
    const t = template('v1');
    const reordered = { spec: { containers: [{ image: 'v1', name: 'c', env: [] }] }, metadata: { labels: { app: 'web' }, annotations: {} } };
    expect(templateHash(reordered)).toBe(templateHash(t));
    expect(templateHash(template('v2'))).not.toBe(templateHash(t));
    const hashed = { ...t, metadata: { labels: { app: 'web', [POD_TEMPLATE_HASH]: 'x' } } };
    expect(equalIgnoreHash(hashed, t)).toBe(true);
    expect(equalIgnoreHash(template('v2'), t)).toBe(false);
  });
});
