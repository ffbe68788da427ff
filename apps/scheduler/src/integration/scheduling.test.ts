// The scheduler against a real API server and etcd: where pods land, and what a user sees when
// they cannot land anywhere. Each test starts from a cluster with no nodes and no pods.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { bound, pod, startHarness, until, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.client.raw('DELETE', '/api/v1/namespaces/default/pods?gracePeriodSeconds=0');
  await h.client.raw('DELETE', '/api/v1/nodes');
  await until(async () => h.scheduler.cache.nodeCount() === 0 && h.scheduler.cache.podCount() === 0, 20_000, 'an empty cache');
});

const nodeOf = async (name: string) => (await h.waitPod(name)).spec!.nodeName!;
const scheduledCondition = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

describe('placement', () => {
  it('spreads equal pods over equal nodes by score', async () => {
    for (const n of ['n1', 'n2', 'n3']) await h.createNode(n);
    for (let i = 0; i < 6; i++) await h.createPod(pod(`web-${i}`, { cpu: '500m', memory: '256Mi', labels: { app: 'web' } }));
    const nodes = await Promise.all(Array.from({ length: 6 }, (_, i) => nodeOf(`web-${i}`)));
    const counts = new Map<string, number>();
    for (const n of nodes) counts.set(n, (counts.get(n) ?? 0) + 1);
    const perNode = [...counts.values()].sort();
    expect(perNode).toEqual([2, 2, 2]);
  });

  it('records a Scheduled event and the PodScheduled condition on success', async () => {
    await h.createNode('only');
    await h.createPod(pod('hello'));
    expect(await nodeOf('hello')).toBe('only');
    const events = await until(async () => {
      const e = await h.eventsFor('hello');
      return e.length > 0 ? e : undefined;
    });
    expect(events.map((e) => [e.type, e.reason, e.message, e.source?.component])).toEqual([
      ['Normal', 'Scheduled', 'Successfully assigned default/hello to only', 'default-scheduler'],
    ]);
  });

  it.each([
    {
      name: 'a cordoned node is skipped',
      nodes: [{ name: 'cordoned', spec: { unschedulable: true } }, { name: 'open' }],
      pod: pod('p'),
      want: 'open',
    },
    {
      name: 'nodeSelector picks the labelled node',
      nodes: [{ name: 'plain' }, { name: 'ssd', labels: { disk: 'ssd' } }],
      pod: pod('p', { spec: { nodeSelector: { disk: 'ssd' } } }),
      want: 'ssd',
    },
    {
      name: 'required node affinity (NotIn) avoids a zone',
      nodes: [{ name: 'a', labels: { zone: 'a' } }, { name: 'b', labels: { zone: 'b' } }],
      pod: pod('p', {
        spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }] } } } },
      }),
      want: 'b',
    },
    {
      name: 'an untolerated NoSchedule taint keeps pods off',
      nodes: [{ name: 'tainted', spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }, { name: 'clean' }],
      pod: pod('p'),
      want: 'clean',
    },
    {
      name: 'a tolerated taint admits the pod (and the other node does not fit)',
      nodes: [{ name: 'tainted', spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }, { name: 'small', cpu: '100m' }],
      pod: pod('p', { cpu: '1', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }),
      want: 'tainted',
    },
    {
      name: 'resources: only the node with room fits',
      nodes: [{ name: 'small', cpu: '1' }, { name: 'big', cpu: '8' }],
      pod: pod('p', { cpu: '2' }),
      want: 'big',
    },
  ])('$name', async ({ nodes, pod: p, want }) => {
    for (const { name, ...o } of nodes) await h.createNode(name, o);
    await h.createPod(p);
    expect(await nodeOf('p')).toBe(want);
  });

  it('host ports: two pods asking for the same port land on different nodes', async () => {
    for (const n of ['n1', 'n2']) await h.createNode(n);
    const withPort = (name: string) => pod(name, { spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80, hostPort: 8080 }] }] } });
    await h.createPod(withPort('a'));
    const first = await nodeOf('a');
    await h.createPod(withPort('b'));
    const second = await nodeOf('b');
    expect(second).not.toBe(first);
  });

  it('pod anti-affinity keeps replicas apart and affinity puts a pod beside its peer', async () => {
    for (const n of ['n1', 'n2', 'n3']) await h.createNode(n);
    await h.createPod(pod('db', { labels: { app: 'db' } }));
    const dbNode = await nodeOf('db');
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } };
    const near = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } };
    await h.createPod(pod('away', { labels: { app: 'x' }, spec: { affinity: anti } }));
    await h.createPod(pod('beside', { labels: { app: 'y' }, spec: { affinity: near } }));
    expect(await nodeOf('away')).not.toBe(dbNode);
    expect(await nodeOf('beside')).toBe(dbNode);
  });

  it('topology spread (maxSkew 1 over zones) fills both zones evenly', async () => {
    for (const [n, zone] of [['a1', 'a'], ['a2', 'a'], ['b1', 'b']]) await h.createNode(n!, { labels: { 'topology.kubernetes.io/zone': zone! } });
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] };
    const zones: string[] = [];
    for (let i = 0; i < 4; i++) {
      await h.createPod(pod(`s-${i}`, { labels: { app: 'spread' }, spec: spread }));
      zones.push((await nodeOf(`s-${i}`)).startsWith('a') ? 'a' : 'b');
    }
    expect(zones.filter((z) => z === 'a')).toHaveLength(2);
    expect(zones.filter((z) => z === 'b')).toHaveLength(2);
  });
});

describe('a pod that fits nowhere', () => {
  it('gets the upstream condition, message and event, then lands as soon as a node that fits appears', async () => {
    await h.createNode('n1', { cpu: '1' });
    await h.createNode('n2', { cpu: '1', spec: { unschedulable: true } });
    await h.createNode('n3', { cpu: '1', spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } });
    await h.createPod(pod('big', { cpu: '2' }));
    const message = '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable. '
      + 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.';
    const pending = await h.waitPod('big', (p) => scheduledCondition(p)?.status === 'False');
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(scheduledCondition(pending)).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    const events = await until(async () => (await h.eventsFor('big')).find((e) => e.reason === 'FailedScheduling'));
    expect([events.type, events.message]).toEqual(['Warning', message]);

    await h.createNode('n4', { cpu: '4' });
    const landed = await h.waitPod('big', bound, 15_000);
    expect(landed.spec?.nodeName).toBe('n4');
  });

  it('with no nodes at all says so', async () => {
    await h.createPod(pod('lonely'));
    const p = await h.waitPod('lonely', (x) => scheduledCondition(x)?.status === 'False');
    expect(scheduledCondition(p)?.message).toBe('no nodes available to schedule pods');
  });
});
