import { FakeClock, Lister, Store } from '@k8ts/client';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod, PodSpec, Taint } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { newControllerRef } from '../../controller/controller-ref.ts';
import { FakePodControl, podFromTemplate } from '../../controller/pod-control.ts';
import { templateHash } from '../statefulset/revision.ts';
import { daemonPodTemplate, targetNodeName } from './daemon-pod.ts';
import { FakeDaemonSetPort } from './ds-client.ts';
import { DaemonSetSync } from './sync.ts';

const NOW = new Date('2025-01-01T00:00:00Z');
const KEY = 'default/agent';

function daemonSet(spec: Partial<DaemonSet['spec']> & { podSpec?: Partial<PodSpec> } = {}): DaemonSet {
  const { podSpec, ...rest } = spec;
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid', generation: 3 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      ...rest,
    },
  };
}

const node = (name: string, o: { labels?: Record<string, string>; taints?: Taint[] } = {}): Node =>
  ({ metadata: { name, labels: o.labels ?? {} }, spec: { taints: o.taints ?? [] } });

type PodState = 'ready' | 'pending' | 'failed' | 'terminating';

/** A daemon pod on `nodeName` built from `ds`'s template (or an older one), created `age` seconds before NOW. */
function pod(ds: DaemonSet, nodeName: string, o: { name?: string; state?: PodState; age?: number; image?: string } = {}): Pod {
  const src = o.image ? daemonSet({ podSpec: { containers: [{ name: 'c', image: o.image }] } }) : ds;
  const p = podFromTemplate(daemonPodTemplate(src, templateHash(src.spec?.template), nodeName), ds, newControllerRef(ds, 'apps/v1', 'DaemonSet'), { name: o.name ?? `agent-${nodeName}` });
  const state = o.state ?? 'ready';
  const t = new Date(NOW.getTime() - (o.age ?? 60) * 1000).toISOString();
  return {
    ...p,
    metadata: { ...p.metadata, uid: `uid-${o.name ?? nodeName}`, creationTimestamp: t, ...(state === 'terminating' ? { deletionTimestamp: t } : {}) },
    status: {
      phase: state === 'failed' ? 'Failed' : state === 'pending' ? 'Pending' : 'Running',
      conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False', lastTransitionTime: t }],
    },
  };
}

function setup(ds: DaemonSet, nodes: Node[], pods: Pod[]) {
  const stores = { sets: new Store<DaemonSet>(), nodes: new Store<Node>(), pods: new Store<Pod>() };
  stores.sets.set(ds);
  for (const n of nodes) stores.nodes.set(n);
  for (const p of pods) stores.pods.set(p);
  const podControl = new FakePodControl();
  const port = new FakeDaemonSetPort();
  port.sets.set(KEY, ds);
  const events: string[] = [];
  const sync = new DaemonSetSync({
    sets: new Lister(stores.sets), nodes: new Lister(stores.nodes), pods: new Lister(stores.pods), podControl, port,
    recorder: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    clock: new FakeClock(NOW), enqueueAfter: () => undefined,
  });
  return { podControl, port, events, sync };
}

/** "create node-a" for a creation pinned to node-a, "delete agent-node-b" for a deletion. */
const writes = (pc: FakePodControl) => pc.calls.filter((c) => c.verb !== 'patch')
  .map((c) => (c.verb === 'create' ? `create ${targetNodeName(c.pod!)}` : `delete ${c.name}`));

const ABC = [node('node-a'), node('node-b'), node('node-c')];

describe('DaemonSet sync: pod writes', () => {
  const ds = daemonSet();
  const cases: { name: string; ds?: DaemonSet; nodes: Node[]; pods?: (ds: DaemonSet) => Pod[]; want: string[] }[] = [
    { name: 'one pod per node', nodes: ABC, want: ['create node-a', 'create node-b', 'create node-c'] },
    { name: 'only nodes with a pod missing', nodes: ABC, pods: (d) => [pod(d, 'node-a'), pod(d, 'node-c')], want: ['create node-b'] },
    { name: 'nodeSelector limits the nodes', ds: daemonSet({ podSpec: { nodeSelector: { disk: 'ssd' } } }), nodes: [node('node-a', { labels: { disk: 'ssd' } }), node('node-b')], want: ['create node-a'] },
    {
      name: 'required node affinity limits the nodes',
      ds: daemonSet({ podSpec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }] } } } } }),
      nodes: [node('node-a', { labels: { zone: 'z2' } }), node('node-b', { labels: { zone: 'z1' } })], want: ['create node-b'],
    },
    { name: 'no pod on a node with an untolerated NoSchedule taint', nodes: [node('node-a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })], want: [] },
    { name: 'a pod already on a NoSchedule-tainted node stays', nodes: [node('node-a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })], pods: (d) => [pod(d, 'node-a')], want: [] },
    { name: 'an untolerated NoExecute taint evicts the pod', nodes: [node('node-a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] })], pods: (d) => [pod(d, 'node-a')], want: ['delete agent-node-a'] },
    {
      name: 'a toleration in the template admits the tainted node',
      ds: daemonSet({ podSpec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } }),
      nodes: [node('node-a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })], want: ['create node-a'],
    },
    { name: 'daemon tolerations admit cordoned and unreachable nodes', nodes: [node('node-a', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] })], want: ['create node-a'] },
    { name: 'surplus pods on a node: the oldest stays', nodes: [node('node-a')], pods: (d) => [pod(d, 'node-a', { name: 'old', age: 100 }), pod(d, 'node-a', { name: 'young', age: 10 })], want: ['delete young'] },
    { name: 'a failed pod is deleted', nodes: [node('node-a')], pods: (d) => [pod(d, 'node-a', { state: 'failed' })], want: ['delete agent-node-a'] },
    { name: 'a terminating pod is waited for', nodes: [node('node-a')], pods: (d) => [pod(d, 'node-a', { state: 'terminating' })], want: [] },
    { name: 'an unscheduled pod pinned to a vanished node is deleted', nodes: [node('node-a')], pods: (d) => [pod(d, 'node-a'), pod(d, 'node-gone')], want: ['delete agent-node-gone'] },
    {
      name: 'rolling update deletes one old available pod (maxUnavailable 1)',
      nodes: ABC, pods: (d) => ABC.map((n) => pod(d, n.metadata!.name!, { image: 'agent:0' })), want: ['delete agent-node-a'],
    },
    {
      name: 'rolling update waits while a new pod is unavailable',
      nodes: ABC, pods: (d) => [pod(d, 'node-a', { state: 'pending' }), pod(d, 'node-b', { image: 'agent:0' }), pod(d, 'node-c', { image: 'agent:0' })], want: [],
    },
    {
      // Unavailable old pods do not use up maxUnavailable (upstream counts them as replacements).
      name: 'rolling update replaces unavailable old pods beyond the budget',
      nodes: ABC, pods: (d) => [pod(d, 'node-a', { image: 'agent:0', state: 'pending' }), pod(d, 'node-b', { image: 'agent:0', state: 'pending' }), pod(d, 'node-c', { image: 'agent:0' })],
      want: ['delete agent-node-a', 'delete agent-node-b', 'delete agent-node-c'],
    },
    {
      name: 'rolling update with maxUnavailable 50% of 3 deletes two',
      ds: daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } } }),
      nodes: ABC, pods: (d) => ABC.map((n) => pod(d, n.metadata!.name!, { image: 'agent:0' })), want: ['delete agent-node-a', 'delete agent-node-b'],
    },
    {
      name: 'surge creates a new pod beside an old one',
      ds: daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }),
      nodes: ABC, pods: (d) => ABC.map((n) => pod(d, n.metadata!.name!, { image: 'agent:0' })), want: ['create node-a'],
    },
    {
      name: 'surge deletes the old pod once the new one is available',
      ds: daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }),
      nodes: [node('node-a')], pods: (d) => [pod(d, 'node-a', { name: 'old', image: 'agent:0', age: 100 }), pod(d, 'node-a', { name: 'new', age: 10 })], want: ['delete old'],
    },
    {
      name: 'OnDelete leaves old pods alone',
      ds: daemonSet({ updateStrategy: { type: 'OnDelete' } }),
      nodes: ABC, pods: (d) => ABC.map((n) => pod(d, n.metadata!.name!, { image: 'agent:0' })), want: [],
    },
  ];
  it.each(cases)('$name', async (c) => {
    const set = c.ds ?? ds;
    const h = setup(set, c.nodes, c.pods?.(set) ?? []);
    await h.sync.sync(KEY);
    expect(writes(h.podControl)).toEqual(c.want);
  });
});

describe('DaemonSet sync: pods, expectations and status', () => {
  it('creates unbound pods pinned by node affinity, with the daemon tolerations and the revision label', async () => {
    const ds = daemonSet({ podSpec: { hostNetwork: true, tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] } });
    const h = setup(ds, [node('node-a')], []);
    await h.sync.sync(KEY);
    const created = h.podControl.creates[0]?.pod;
    expect(created?.spec?.nodeName).toBeUndefined();
    expect(created?.spec?.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-a'] }] }] } } });
    expect(created?.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(created?.metadata?.labels).toEqual({ app: 'agent', 'controller-revision-hash': templateHash(ds.spec?.template) });
    expect(created?.metadata?.generateName).toBe('agent-');
  });

  it('does not act again until its creations are observed, and keeps observedGeneration', async () => {
    const ds = daemonSet();
    const h = setup(ds, ABC, []);
    await h.sync.sync(KEY);
    await h.sync.sync(KEY);
    expect(h.podControl.creates).toHaveLength(3);
    expect(h.sync.expectations.get(KEY)).toEqual({ add: 3, del: 0 });
    expect(h.port.statuses[0]).toMatchObject({ observedGeneration: 3, desiredNumberScheduled: 3, currentNumberScheduled: 0 });
    // The second sync (stored status still empty) refreshes counts without raising observedGeneration.
    expect(h.port.statuses[1]).toMatchObject({ observedGeneration: 0, desiredNumberScheduled: 3 });
  });

  it('lowers expectations for creations that failed or were skipped', async () => {
    const h = setup(daemonSet(), ABC, []);
    h.podControl.failCreates = 1;
    await expect(h.sync.sync(KEY)).rejects.toThrow(/fake create failure/);
    expect(h.sync.expectations.satisfied(KEY)).toBe(true);
    expect(h.podControl.creates).toHaveLength(0);
  });

  it('warns about a failed daemon pod', async () => {
    const ds = daemonSet();
    const h = setup(ds, [node('node-a')], [pod(ds, 'node-a', { state: 'failed' })]);
    await h.sync.sync(KEY);
    expect(h.events).toEqual(['Warning FailedDaemonPod Found failed daemon pod default/agent-node-a on node node-a, will try to kill it']);
  });

  it('writes every status count', async () => {
    const ds = daemonSet();
    const tainted = node('node-t', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    const h = setup(ds, [...ABC, tainted], [
      pod(ds, 'node-a'), pod(ds, 'node-b', { state: 'pending' }), pod(ds, 'node-c', { image: 'agent:0' }), pod(ds, 'node-t'),
    ]);
    await h.sync.sync(KEY);
    expect(h.port.statuses.at(-1)).toEqual({
      observedGeneration: 3, desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 1, numberReady: 2,
      updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 1,
    });
  });
});
