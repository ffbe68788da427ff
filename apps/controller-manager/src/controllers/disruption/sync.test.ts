import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { describe, expect, it } from 'vitest';
import { scaledValue } from './budget.ts';
import { FakeDisruptionPort } from './port.ts';
import { DisruptionSync } from './sync.ts';

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ref = (kind: string, name: string): OwnerReference => ({ apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true });

const pod = (name: string, o: { ready?: boolean; owner?: OwnerReference; deleting?: boolean; labels?: Record<string, string> } = {}): Pod => ({
  metadata: {
    name, namespace: 'ns', labels: o.labels ?? { app: 'web' },
    ...(o.owner ? { ownerReferences: [o.owner] } : {}), ...(o.deleting ? { deletionTimestamp: iso(T0) } : {}),
  },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const pdb = (spec: Partial<PodDisruptionBudget['spec']>, status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({
  metadata: { name: 'budget', namespace: 'ns', generation: 2 },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  ...(status ? { status } : {}),
});
const rs = (name: string, replicas: number, owner?: OwnerReference): ReplicaSet =>
  ({ metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(owner ? { ownerReferences: [owner] } : {}) }, spec: { replicas, selector: {} } } as ReplicaSet);
const dep = (name: string, replicas: number): Deployment => ({ metadata: { name, namespace: 'ns', uid: `uid-${name}` }, spec: { replicas, selector: {}, template: {} } });
const sts = (name: string, replicas: number): StatefulSet => ({ metadata: { name, namespace: 'ns', uid: `uid-${name}` }, spec: { replicas, selector: {}, template: {}, serviceName: '' } });

function setup(budget: PodDisruptionBudget, pods: Pod[], owners: { rs?: ReplicaSet[]; dep?: Deployment[]; sts?: StatefulSet[] } = {}) {
  const stores = { pdbs: new Store<PodDisruptionBudget>(), pods: new Store<Pod>(), rs: new Store<ReplicaSet>(), dep: new Store<Deployment>(), sts: new Store<StatefulSet>() };
  stores.pdbs.set(budget);
  pods.forEach((p) => stores.pods.set(p));
  owners.rs?.forEach((x) => stores.rs.set(x));
  owners.dep?.forEach((x) => stores.dep.set(x));
  owners.sts?.forEach((x) => stores.sts.set(x));
  const port = new FakeDisruptionPort((p) => stores.pdbs.set(p));
  const requeues: { key: string; ms: number }[] = [];
  const podRequeues: number[] = [];
  const sync = new DisruptionSync({
    pdbs: new Lister(stores.pdbs), pods: new Lister(stores.pods), replicaSets: new Lister(stores.rs), deployments: new Lister(stores.dep), statefulSets: new Lister(stores.sts),
    clock: new FakeClock(T0), port, requeueAfter: (key, ms) => void requeues.push({ key, ms }), requeuePodAfter: (_key, ms) => void podRequeues.push(ms),
  });
  return { stores, port, requeues, podRequeues, sync };
}

const summary = (p: PodDisruptionBudget | undefined) => {
  const s = p?.status;
  const c = s?.conditions?.find((x) => x.type === 'DisruptionAllowed');
  return { expected: s?.expectedPods, desired: s?.desiredHealthy, healthy: s?.currentHealthy, allowed: s?.disruptionsAllowed, condition: `${c?.status}/${c?.reason}`, observedGeneration: s?.observedGeneration };
};

const rsPods = (n: number, readyN = n) => Array.from({ length: n }, (_, i) => pod(`p${i}`, { owner: ref('ReplicaSet', 'web-rs'), ready: i < readyN }));

describe('scaledValue', () => {
  it.each([
    { name: 'integer', v: 2, total: 10, want: 2 },
    { name: 'percent rounds up', v: '25%', total: 5, want: 2 },
    { name: 'exact percent', v: '50%', total: 4, want: 2 },
    { name: 'zero total', v: '50%', total: 0, want: 0 },
  ])('$name', ({ v, total, want }) => expect(scaledValue(v, total)).toBe(want));

  it('refuses a string without %', () => expect(() => scaledValue('3', 4)).toThrow(/invalid value for IntOrString/));
});

describe('disruption sync', () => {
  it.each([
    { name: 'minAvailable integer: counts pods, not controllers', spec: { minAvailable: 2 }, pods: rsPods(3), owners: {}, want: { expected: 3, desired: 2, healthy: 3, allowed: 1, condition: 'True/SufficientPods' } },
    { name: 'minAvailable not met', spec: { minAvailable: 3 }, pods: rsPods(3, 2), owners: {}, want: { expected: 3, desired: 3, healthy: 2, allowed: 0, condition: 'False/InsufficientPods' } },
    { name: 'minAvailable percent from the ReplicaSet scale', spec: { minAvailable: '50%' }, pods: rsPods(3), owners: { rs: [rs('web-rs', 5)] }, want: { expected: 5, desired: 3, healthy: 3, allowed: 0, condition: 'False/InsufficientPods' } },
    { name: 'maxUnavailable integer', spec: { maxUnavailable: 1 }, pods: rsPods(4), owners: { rs: [rs('web-rs', 4)] }, want: { expected: 4, desired: 3, healthy: 4, allowed: 1, condition: 'True/SufficientPods' } },
    { name: 'maxUnavailable percent rounds up', spec: { maxUnavailable: '30%' }, pods: rsPods(4), owners: { rs: [rs('web-rs', 4)] }, want: { expected: 4, desired: 2, healthy: 4, allowed: 2, condition: 'True/SufficientPods' } },
    { name: 'maxUnavailable beyond scale: desired floors at 0', spec: { maxUnavailable: 9 }, pods: rsPods(2), owners: { rs: [rs('web-rs', 2)] }, want: { expected: 2, desired: 0, healthy: 2, allowed: 2, condition: 'True/SufficientPods' } },
    {
      name: 'a Deployment\'s ReplicaSet counts through the Deployment',
      spec: { maxUnavailable: 1 },
      pods: rsPods(3),
      owners: { rs: [rs('web-rs', 3, ref('Deployment', 'web'))], dep: [dep('web', 6)] },
      want: { expected: 6, desired: 5, healthy: 3, allowed: 0, condition: 'False/InsufficientPods' },
    },
    {
      name: 'StatefulSet plus ReplicaSet are summed',
      spec: { maxUnavailable: '50%' },
      pods: [pod('s0', { owner: ref('StatefulSet', 'db') }), pod('s1', { owner: ref('StatefulSet', 'db') }), pod('r0', { owner: ref('ReplicaSet', 'web-rs') })],
      owners: { sts: [sts('db', 2)], rs: [rs('web-rs', 2)] },
      want: { expected: 4, desired: 2, healthy: 3, allowed: 1, condition: 'True/SufficientPods' },
    },
    { name: 'pods being deleted are not healthy', spec: { minAvailable: 1 }, pods: [pod('a'), pod('b', { deleting: true })], owners: {}, want: { expected: 2, desired: 1, healthy: 1, allowed: 0, condition: 'False/InsufficientPods' } },
    { name: 'no pods: nothing allowed', spec: { minAvailable: 0 }, pods: [], owners: {}, want: { expected: 0, desired: 0, healthy: 0, allowed: 0, condition: 'False/InsufficientPods' } },
  ])('$name', async ({ spec, pods, owners, want }) => {
    const { stores, sync } = setup(pdb(spec as PodDisruptionBudget['spec']), pods, owners);
    await sync.sync('ns/budget');
    expect(summary(stores.pdbs.get('ns/budget' as never))).toEqual({ ...want, observedGeneration: 2 });
  });

  it('fails safe when a pod\'s controller cannot be found, and is retried', async () => {
    const before = { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 };
    const { stores, port, sync } = setup(pdb({ maxUnavailable: 1 }, before), rsPods(3));
    await expect(sync.sync('ns/budget')).rejects.toThrow('found no controllers for pod "p0"');
    const s = stores.pdbs.get('ns/budget' as never)?.status;
    expect(s?.disruptionsAllowed).toBe(0);
    expect(s?.conditions).toMatchObject([{ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "p0"' }]);
    expect(port.events.map((e) => e.reason)).toEqual(['CalculateExpectedPodCountFailed']);
  });

  it('warns about pods without a controller for relative budgets', async () => {
    const { port, sync } = setup(pdb({ maxUnavailable: 1 }), [pod('bare')]);
    await sync.sync('ns/budget');
    expect(port.events).toMatchObject([{ name: 'PodDisruptionBudget/budget', type: 'Warning', reason: 'UnmanagedPods' }]);
  });

  it('recent evictions are not healthy and are rechecked; old ones are dropped with NotDeleted', async () => {
    const status = { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 2, disruptedPods: { p0: iso(T0 - 30_000), p1: iso(T0 - 121_000), gone: iso(T0) } };
    const { stores, port, requeues, sync } = setup(pdb({ minAvailable: 1 }, status), rsPods(3));
    await sync.sync('ns/budget');
    const s = stores.pdbs.get('ns/budget' as never)?.status;
    expect(s?.disruptedPods).toEqual({ p0: iso(T0 - 30_000) });
    expect(s?.currentHealthy).toBe(2);
    expect(requeues).toEqual([{ key: 'ns/budget', ms: 90_001 }]);
    expect(port.events.filter((e) => e.reason === 'NotDeleted').map((e) => e.name)).toEqual(['Pod/p1']);
  });

  it('writes nothing when the status is current; keeps the transition time while the status holds', async () => {
    const { stores, port, sync } = setup(pdb({ minAvailable: 1 }), rsPods(2));
    await sync.sync('ns/budget');
    await sync.sync('ns/budget');
    expect(port.updates).toHaveLength(1);
    const t = stores.pdbs.get('ns/budget' as never)?.status?.conditions?.[0]?.lastTransitionTime;
    stores.pods.set(pod('p2', { owner: ref('ReplicaSet', 'web-rs') }));
    await sync.sync('ns/budget');
    expect(port.updates).toHaveLength(2);
    expect(stores.pdbs.get('ns/budget' as never)?.status?.conditions?.[0]?.lastTransitionTime).toBe(t);
  });

  it('finds the budgets a pod falls under', () => {
    const { sync } = setup(pdb({ minAvailable: 1 }), []);
    expect(sync.budgetsFor(pod('x')).map((b) => b.metadata?.name)).toEqual(['budget']);
    expect(sync.budgetsFor(pod('y', { labels: { app: 'other' } }))).toEqual([]);
  });
});

describe('stale DisruptionTarget conditions', () => {
  const marked = (o: { reason?: string; sinceMs?: number; phase?: string; deleting?: boolean } = {}): Pod => {
    const status = { phase: o.phase ?? 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: o.reason ?? 'DeletionByTaintManager', lastTransitionTime: iso(T0 - (o.sinceMs ?? 0)) }] };
    return { ...pod('m', { deleting: o.deleting ?? false }), status };
  };
  it.each([
    { name: 'older than 2 minutes: reset to False', p: marked({ sinceMs: 120_000 }), want: { reset: true, requeue: undefined } },
    { name: 'younger: looked at again when it goes stale', p: marked({ sinceMs: 30_000 }), want: { reset: false, requeue: 90_000 } },
    { name: 'set by the kubelet: left alone', p: marked({ sinceMs: 600_000, reason: 'TerminationByKubelet' }), want: { reset: false, requeue: undefined } },
    { name: 'terminal pod: left alone', p: marked({ sinceMs: 600_000, phase: 'Failed' }), want: { reset: false, requeue: undefined } },
    { name: 'terminating pod: left alone', p: marked({ sinceMs: 600_000, deleting: true }), want: { reset: false, requeue: undefined } },
  ])('$name', async ({ p, want }) => {
    const { port, podRequeues, sync } = setup(pdb({ minAvailable: 1 }), [p]);
    await sync.syncStalePod('ns/m');
    expect(port.podUpdates.length > 0).toBe(want.reset);
    if (want.reset) expect(port.podUpdates[0]?.status?.conditions?.[0]).toMatchObject({ type: 'DisruptionTarget', status: 'False', lastTransitionTime: iso(T0) });
    expect(podRequeues[0]).toBe(want.requeue);
  });
});
