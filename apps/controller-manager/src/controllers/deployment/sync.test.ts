import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import { describe, expect, it } from 'vitest';
import { getCondition } from './conditions.ts';
import { at, dep, env, hashOf, lastStatus, pod, rsFor, rsName, scaled, type Env } from './fixtures.ts';
import { POD_TEMPLATE_HASH } from './hash.ts';
import { syncDeployment } from './sync.ts';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY, ROLLBACK_TO } from './util.ts';

const sync = (e: Env) => syncDeployment(e, 'default/web');
const rsWrites = (e: Env) => e.client.writes.filter((w) => w.verb === 'createRS' || w.verb === 'updateRS').map((w) => w.obj as ReplicaSet);
const progressing = (e: Env) => {
  const c = getCondition(lastStatus(e), 'Progressing');
  return c && `${c.status} ${c.reason} ${c.message}`;
};

describe('syncDeployment: creating the new ReplicaSet', () => {
  it('names, labels and annotates it by the template hash and revision 1, and reports progress', async () => {
    const e = env(dep({ replicas: 3 }));
    await sync(e);
    const [created] = e.client.of('createRS').map((w) => w.obj as ReplicaSet);
    const hash = hashOf('v1');
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(created?.metadata?.name).toBe(`web-${hash}`);
    expect(created?.metadata?.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH]: hash });
    expect(created?.spec?.selector.matchLabels).toEqual({ app: 'web', [POD_TEMPLATE_HASH]: hash });
    expect(created?.spec?.template?.metadata?.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH]: hash });
    expect(created?.metadata?.annotations).toEqual({ [REVISION]: '1', [DESIRED_REPLICAS]: '3', [MAX_REPLICAS]: '4' });
    expect(created?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true });
    expect(created?.spec?.replicas).toBe(3);
    expect(e.events).toEqual([`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`]);
    expect((e.client.of('updateDeployment')[0]?.obj as Deployment).metadata?.annotations?.[REVISION]).toBe('1');
    expect(progressing(e)).toBe(`True NewReplicaSetCreated Created new replica set "web-${hash}"`);
    expect(getCondition(lastStatus(e), 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });

  it('is stable: the same template always hashes to the same name, collisionCount changes it', async () => {
    const e1 = env(dep());
    const e2 = env(dep({ status: { collisionCount: 1 } }));
    await sync(e1);
    await sync(e2);
    expect(e1.client.of('createRS')[0]?.name).toBe(rsName('v1'));
    expect(e2.client.of('createRS')[0]?.name).not.toBe(rsName('v1'));
  });

  it('adopts a matching orphan ReplicaSet', async () => {
    const e = env(dep(), [rsFor({ image: 'v1', replicas: 3, available: 3, orphan: true })]);
    await sync(e);
    expect(e.client.of('patchRS')[0]).toMatchObject({ name: rsName('v1'), patch: { metadata: { ownerReferences: [{ kind: 'Deployment', uid: 'uid-web' }] } } });
  });

  it('refuses an empty selector with SelectingAll', async () => {
    const d = dep({ generation: 2 });
    d.spec!.selector = {};
    const e = env(d);
    await sync(e);
    expect(e.events).toEqual(['Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required.']);
    expect(lastStatus(e)?.observedGeneration).toBe(2);
    expect(e.client.of('createRS')).toEqual([]);
  });
});

describe('syncDeployment: RollingUpdate steps', () => {
  const cases: { name: string; d: Deployment; rss: ReplicaSet[]; want: string[]; events?: string[] }[] = [
    {
      name: 'new template: the new ReplicaSet surges by maxSurge (25% of 3 rounds up to 1), old ones wait',
      d: dep({ image: 'v2' }),
      rss: [rsFor({ image: 'v1', replicas: 3, available: 3 })],
      want: [`createRS ${rsName('v2')}=1`],
      events: [`Normal ScalingReplicaSet Scaled up replica set ${rsName('v2')} from 0 to 1`],
    },
    {
      name: 'new pod available: old scaled down by the available surplus over desired − maxUnavailable',
      d: dep({ image: 'v2' }),
      rss: [rsFor({ image: 'v1', replicas: 3, available: 3 }), rsFor({ image: 'v2', replicas: 1, available: 1, revision: 2, createdAt: 10 })],
      want: [`updateRS ${rsName('v1')}=2`],
      events: [`Normal ScalingReplicaSet Scaled down replica set ${rsName('v1')} from 3 to 2`],
    },
    {
      name: 'room under maxSurge: the new ReplicaSet scales up first',
      d: dep({ image: 'v2' }),
      rss: [rsFor({ image: 'v1', replicas: 2, available: 2 }), rsFor({ image: 'v2', replicas: 1, available: 1, revision: 2, createdAt: 10 })],
      want: [`updateRS ${rsName('v2')}=2`],
    },
    {
      name: 'maxUnavailable 0, maxSurge 1 of 10 with the new pod not ready: nothing moves',
      d: dep({ image: 'v2', replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
      rss: [
        rsFor({ image: 'v1', replicas: 10, available: 10, desired: 10, max: 11 }),
        rsFor({ image: 'v2', replicas: 1, available: 0, revision: 2, desired: 10, max: 11, createdAt: 10 }),
      ],
      want: [],
    },
    {
      name: 'unhealthy old replicas are removed first, within the budget',
      d: dep({ image: 'v2', replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } }),
      rss: [
        rsFor({ image: 'v1', replicas: 4, available: 2, desired: 4, max: 4 }),
        rsFor({ image: 'v2', replicas: 0, available: 0, revision: 2, desired: 4, max: 4, createdAt: 10 }),
      ],
      // budget = 4 total − 3 min available − 0 new unavailable = 1: one unhealthy replica goes
      want: [`updateRS ${rsName('v1')}=3`],
    },
    {
      name: 'new ReplicaSet above desired (scaled down mid-rollout) comes down to desired',
      d: dep({ image: 'v2', replicas: 2 }),
      rss: [rsFor({ image: 'v2', replicas: 3, available: 3, desired: 2, max: 3 })],
      want: [`updateRS ${rsName('v2')}=2`],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const e = env(c.d, c.rss);
      await sync(e);
      expect(scaled(e)).toEqual(c.want);
      if (c.events) expect(e.events).toEqual(c.events);
    });
  }
});

describe('syncDeployment: scaling', () => {
  it('spreads a scale-up mid-rollout across ReplicaSets in proportion (10 → 20)', async () => {
    // Sized for 10 (max 13 with 25% surge); now 20 (max 25): 12 more split 8:5 by size.
    const d = dep({ image: 'v2', replicas: 20, status: { replicas: 13 } });
    const e = env(d, [
      rsFor({ image: 'v1', replicas: 8, available: 8, desired: 10, max: 13 }),
      rsFor({ image: 'v2', replicas: 5, available: 0, revision: 2, desired: 10, max: 13, createdAt: 10 }),
    ]);
    await sync(e);
    expect(scaled(e)).toEqual([`updateRS ${rsName('v1')}=15`, `updateRS ${rsName('v2')}=10`]);
    expect(rsWrites(e).map((rs) => rs.metadata?.annotations?.[DESIRED_REPLICAS])).toEqual(['20', '20']);
    expect(e.events).toEqual([
      `Normal ScalingReplicaSet Scaled up replica set ${rsName('v1')} from 8 to 15`,
      `Normal ScalingReplicaSet Scaled up replica set ${rsName('v2')} from 5 to 10`,
    ]);
  });

  it('scales the only active ReplicaSet to the new count', async () => {
    const e = env(dep({ replicas: 5 }), [rsFor({ image: 'v1', replicas: 3, available: 3 })]);
    await sync(e);
    expect(scaled(e)).toEqual([`updateRS ${rsName('v1')}=5`]);
    expect(e.events).toEqual([`Normal ScalingReplicaSet Scaled up replica set ${rsName('v1')} from 3 to 5`]);
  });

  it('paused: applies the scale but does not roll out the new template', async () => {
    const e = env(dep({ image: 'v2', replicas: 5, paused: true }), [rsFor({ image: 'v1', replicas: 3, available: 3 })]);
    await sync(e);
    expect(scaled(e)).toEqual([`updateRS ${rsName('v1')}=5`]);
    expect(e.client.of('updateStatus')[0]?.obj?.status).toMatchObject({ conditions: [{ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }] });
  });

  it('resumed: records DeploymentResumed, then rolls out', async () => {
    const paused = { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused', lastUpdateTime: at(0), lastTransitionTime: at(0) };
    const e = env(dep({ image: 'v2', status: { conditions: [paused] } }), [rsFor({ image: 'v1', replicas: 3, available: 3 })]);
    await sync(e);
    expect(getCondition(e.client.of('updateStatus')[0]?.obj?.status as Deployment['status'], 'Progressing')?.reason).toBe('DeploymentResumed');
    expect(scaled(e)).toEqual([`createRS ${rsName('v2')}=1`]);
  });
});

describe('syncDeployment: Recreate', () => {
  const recreate = { type: 'Recreate' as const };
  it('scales every old ReplicaSet to 0 before creating anything', async () => {
    const e = env(dep({ image: 'v2', strategy: recreate }), [rsFor({ image: 'v1', replicas: 3, available: 3, max: 3 })]);
    await sync(e);
    expect(scaled(e)).toEqual([`updateRS ${rsName('v1')}=0`]);
  });

  it('waits while an old pod is still running', async () => {
    const old = rsFor({ image: 'v1', replicas: 0, actual: 0, max: 3 });
    const e = env(dep({ image: 'v2', strategy: recreate }), [old], [pod('p1', old)]);
    await sync(e);
    expect(scaled(e)).toEqual([]);
  });

  it('creates the new ReplicaSet at full size once old pods are gone (terminal ones do not count)', async () => {
    const old = rsFor({ image: 'v1', replicas: 0, actual: 0, max: 3 });
    const e = env(dep({ image: 'v2', strategy: recreate }), [old], [pod('p1', old, 'Succeeded')]);
    await sync(e);
    expect(scaled(e)).toEqual([`createRS ${rsName('v2')}=3`]);
    expect(rsWrites(e)[0]?.metadata?.annotations?.[REVISION]).toBe('2');
  });
});

describe('syncDeployment: history and rollback', () => {
  it('deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit once complete', async () => {
    const d = dep({ image: 'v4', revisionHistoryLimit: 1, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } });
    const e = env(d, [
      rsFor({ image: 'v1', replicas: 0, revision: 1 }),
      rsFor({ image: 'v2', replicas: 0, revision: 2, createdAt: 1 }),
      rsFor({ image: 'v3', replicas: 0, revision: 3, createdAt: 2 }),
      rsFor({ image: 'v4', replicas: 3, available: 3, revision: 4, createdAt: 3 }),
    ]);
    await sync(e);
    expect(e.client.of('deleteRS').map((w) => w.name)).toEqual([rsName('v1'), rsName('v2')]);
  });

  it('a template equal to an old revision (kubectl rollout undo) brings that ReplicaSet back as the newest revision', async () => {
    const e = env(dep({ image: 'v1' }), [
      rsFor({ image: 'v1', replicas: 0, revision: 1 }),
      rsFor({ image: 'v2', replicas: 3, available: 3, revision: 2, createdAt: 10 }),
    ]);
    await sync(e);
    expect(e.client.of('createRS')).toEqual([]);
    const [bumped] = rsWrites(e);
    expect(bumped?.metadata?.name).toBe(rsName('v1'));
    expect(bumped?.metadata?.annotations).toMatchObject({ [REVISION]: '3', [REVISION_HISTORY]: '1' });
    expect(scaled(e)).toEqual([`updateRS ${rsName('v1')}=0`, `updateRS ${rsName('v1')}=1`]);
    expect((e.client.of('updateDeployment')[0]?.obj as Deployment).metadata?.annotations?.[REVISION]).toBe('3');
  });

  it('the legacy rollback annotation copies the revision\'s template and annotations back and clears itself', async () => {
    const d = dep({ image: 'v2', annotations: { [ROLLBACK_TO]: '0', [REVISION]: '2', 'kubernetes.io/change-cause': 'v2' } });
    const v1 = rsFor({ image: 'v1', replicas: 0, revision: 1 });
    v1.metadata!.annotations!['kubernetes.io/change-cause'] = 'v1';
    const e = env(d, [v1, rsFor({ image: 'v2', replicas: 3, available: 3, revision: 2, createdAt: 10 })]);
    await sync(e);
    const updated = e.client.of('updateDeployment').at(-1)?.obj as Deployment;
    expect(updated.spec?.template.spec?.containers[0]?.image).toBe('v1');
    expect(updated.spec?.template.metadata?.labels).toEqual({ app: 'web' });
    expect(updated.metadata?.annotations).toEqual({ [REVISION]: '2', 'kubernetes.io/change-cause': 'v1' });
    expect(e.events).toEqual(['Normal DeploymentRollback Rolled back deployment "web" to revision 1']);
  });

  it('a legacy rollback to a missing revision gives up with a warning', async () => {
    const e = env(dep({ annotations: { [ROLLBACK_TO]: '7' } }), [rsFor({ image: 'v1', replicas: 3, available: 3 })]);
    await sync(e);
    expect(e.events).toEqual(['Warning DeploymentRollbackRevisionNotFound Unable to find the revision to rollback to.']);
    expect((e.client.of('updateDeployment').at(-1)?.obj as Deployment).metadata?.annotations?.[ROLLBACK_TO]).toBeUndefined();
  });
});

describe('syncDeployment: status and progress', () => {
  const updatedAt = (t: number) => ({ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName('v1')}" is progressing.`, lastUpdateTime: at(t), lastTransitionTime: at(t) });
  const stuck = () => [rsFor({ image: 'v1', replicas: 3, actual: 3, available: 1, revision: 1 })];
  const stuckStatus = (t: number) => ({
    observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 2,
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: at(0), lastTransitionTime: at(0) },
      updatedAt(t),
    ],
  });

  it('reports a finished rollout as NewReplicaSetAvailable and Available', async () => {
    const e = env(dep({ status: { conditions: [updatedAt(0)] } }), [rsFor({ image: 'v1', replicas: 3, available: 3 })], [], Date.UTC(2025, 0, 1, 0, 1));
    await sync(e);
    expect(lastStatus(e)).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    expect(getCondition(lastStatus(e), 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(progressing(e)).toBe(`True NewReplicaSetAvailable ReplicaSet "${rsName('v1')}" has successfully progressed.`);
    expect(getCondition(lastStatus(e), 'Progressing')?.lastTransitionTime).toBe(at(0));
  });

  it('without progress, requeues for the deadline, then reports ProgressDeadlineExceeded', async () => {
    const d = dep({ progressDeadlineSeconds: 10, status: stuckStatus(0), annotations: { [REVISION]: '1' } });
    const before = env(d, stuck(), [], Date.UTC(2025, 0, 1, 0, 0, 4));
    await sync(before);
    expect(before.client.of('updateStatus')).toEqual([]);
    expect(before.requeues).toEqual([{ key: 'default/web', ms: 7000 }]);

    const after = env(d, stuck(), [], Date.UTC(2025, 0, 1, 0, 0, 11));
    await sync(after);
    expect(progressing(after)).toBe(`False ProgressDeadlineExceeded ReplicaSet "${rsName('v1')}" has timed out progressing.`);
  });

  it('progress refreshes lastUpdateTime of ReplicaSetUpdated and keeps lastTransitionTime', async () => {
    const d = dep({ progressDeadlineSeconds: 10, status: stuckStatus(0) });
    const e = env(d, [rsFor({ image: 'v1', replicas: 3, available: 2 })], [], Date.UTC(2025, 0, 1, 0, 0, 8));
    await sync(e);
    expect(getCondition(lastStatus(e), 'Progressing')).toMatchObject({ reason: 'ReplicaSetUpdated', lastUpdateTime: at(8), lastTransitionTime: at(0) });
    expect(lastStatus(e)?.availableReplicas).toBe(2);
  });

  it('copies a ReplicaSet\'s ReplicaFailure condition', async () => {
    const rs = rsFor({ image: 'v1', replicas: 3, actual: 0 });
    rs.status!.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: at(0) }];
    const e = env(dep(), [rs]);
    await sync(e);
    expect(getCondition(lastStatus(e), 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate', message: 'quota' });
  });
});
