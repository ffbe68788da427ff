// The ReplicaSet controller against a real API server and etcd, with the harness's fake kubelet
// making pods Ready and finishing their deletion; kubectl reads the result.
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor } from '../controllers/replicaset/index.ts';
import { REPLICASETS } from '../controllers/replicaset/rs-client.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ descriptors: [descriptor] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const kubectl = (...args: string[]) => h.kubectl(...args);

const newRS = (name: string, replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

/** The live (not terminating) pods labelled for `app`. */
async function livePods(app: string): Promise<Pod[]> {
  const list = await h.client.list<Pod>(PODS, { namespace: 'default', labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

const settledAt = (name: string, n: number) => until(async () => {
  const [pods, rs] = await Promise.all([livePods(name), h.client.get<ReplicaSet>(REPLICASETS, name, 'default')]);
  const s = rs.status;
  return pods.length === n && s?.replicas === n && s.readyReplicas === n && s.availableReplicas === n &&
    s.observedGeneration === rs.metadata?.generation && { pods, rs };
}, 30_000, `${name} to settle at ${n} ready pods`);

describe('ReplicaSet controller', () => {
  it('creates the replicas, owned by the ReplicaSet, and reports them ready', async () => {
    const created = await h.client.create<ReplicaSet>(REPLICASETS, newRS('web', 3));
    const { pods } = await settledAt('web', 3);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata?.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
  });

  it('replaces a deleted pod', async () => {
    const [victim] = await livePods('web');
    await h.client.delete(PODS, victim!.metadata!.name!, { namespace: 'default' });
    const { pods } = await settledAt('web', 3);
    expect(pods.map((p) => p.metadata?.name)).not.toContain(victim!.metadata!.name);
  });

  it('scales through /scale and through spec.replicas', async () => {
    await h.client.subresource('PATCH', REPLICASETS, 'web', 'scale', { spec: { replicas: 5 } }, 'default');
    await settledAt('web', 5);
    await h.client.patch(REPLICASETS, 'web', { spec: { replicas: 1 } }, 'merge', { namespace: 'default' });
    await settledAt('web', 1);
  });

  it('adopts a matching orphan instead of creating a pod', async () => {
    await h.client.create<Pod>(PODS, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'adopt' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    const created = await h.client.create<ReplicaSet>(REPLICASETS, newRS('adopt', 1));
    const { pods } = await settledAt('adopt', 1);
    expect(pods[0]?.metadata?.name).toBe('stray');
    expect(pods[0]?.metadata?.ownerReferences?.[0]?.uid).toBe(created.metadata?.uid);
  });

  // Ready times are whole seconds, so 2 s leaves at least one in which the pods are ready, not available.
  it('counts pods available only after minReadySeconds, with no further pod event', async () => {
    await h.client.create<ReplicaSet>(REPLICASETS, { ...newRS('slow', 2), spec: { ...newRS('slow', 2).spec!, minReadySeconds: 2 } });
    const early = await until(async () => {
      const rs = await h.client.get<ReplicaSet>(REPLICASETS, 'slow', 'default');
      return rs.status?.readyReplicas === 2 && rs;
    }, 20_000, 'slow to have 2 ready pods');
    expect(early.status?.availableReplicas ?? 0).toBeLessThan(2);
    await settledAt('slow', 2);
  });

  it('releases a pod whose labels no longer match, and replaces it', async () => {
    const [pod] = await livePods('adopt');
    await h.client.patch(PODS, pod!.metadata!.name!, { metadata: { labels: { app: 'elsewhere' } } }, 'merge', { namespace: 'default' });
    await settledAt('adopt', 1);
    const released = await until(async () => {
      const p = await h.client.get<Pod>(PODS, pod!.metadata!.name!, 'default');
      return (p.metadata?.ownerReferences ?? []).length === 0 && p;
    }, 20_000, 'the pod to be released');
    expect(released.metadata?.labels).toEqual({ app: 'elsewhere' });
  });

  it('kubectl get rs shows DESIRED, CURRENT and READY', async () => {
    await h.client.patch(REPLICASETS, 'web', { spec: { replicas: 2 } }, 'merge', { namespace: 'default' });
    await settledAt('web', 2);
    const out = await kubectl('get', 'rs', 'web');
    const [header, row] = out.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(row?.split(/\s+/).slice(0, 4)).toEqual(['web', '2', '2', '2']);
  });

  it('records SuccessfulCreate events from replicaset-controller', async () => {
    const events = await until(async () => {
      const out = JSON.parse(await kubectl('get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'json')) as {
        items: { reason: string; message: string; source?: { component?: string } }[];
      };
      return out.items.some((e) => e.reason === 'SuccessfulDelete') && out.items;
    }, 20_000, 'events for web');
    const create = events.find((e) => e.reason === 'SuccessfulCreate');
    expect(create?.message).toMatch(/^Created pod: web-[a-z0-9]{5}$/);
    expect(create?.source?.component).toBe('replicaset-controller');
  });
});
