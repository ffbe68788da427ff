// The DaemonSet controller against a real API server and etcd over object-only nodes (Node objects
// with no kubelet behind them; the harness's fake kubelet marks pods Ready). No scheduler runs:
// the controller's pods stay unbound, pinned to their node by required node affinity.
import { resourceFor } from '@k8ts/api';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor } from '../controllers/daemonset/index.ts';
import { DAEMONSETS } from '../controllers/daemonset/ds-client.ts';
import { targetNodeName } from '../controllers/daemonset/daemon-pod.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const NODES = resourceFor('', 'v1', 'nodes')!;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ descriptors: [descriptor] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function createNode(name: string, taints: Taint[] = []): Promise<void> {
  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints } };
  await h.client.create(NODES, node);
  await h.client.patch(NODES, name, { status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } } }, 'merge', { subresource: 'status' });
}

const agent: DaemonSet = {
  apiVersion: 'apps/v1', kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } },
  },
};

const livePods = async () => (await h.client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=agent' })).items
  .filter((p) => !p.metadata?.deletionTimestamp);

const settled = (nodes: string[]) => until(async () => {
  const [ds, pods] = await Promise.all([h.client.get<DaemonSet>(DAEMONSETS, 'agent', 'default'), livePods()]);
  const on = pods.map(targetNodeName).sort();
  const s = ds.status;
  return JSON.stringify(on) === JSON.stringify(nodes) && s?.desiredNumberScheduled === nodes.length && s.numberReady === nodes.length
    && s.observedGeneration === ds.metadata?.generation && { ds, pods };
}, 30_000, `agent pods on ${nodes.join(', ')}`);

describe('DaemonSet controller', () => {
  it('runs one pinned, tolerant pod per eligible node and none on a tainted node', async () => {
    for (const n of ['node-a', 'node-b', 'node-c']) await createNode(n);
    await createNode('node-tainted', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    await h.client.create(DAEMONSETS, agent, { namespace: 'default' });
    const { ds, pods } = await settled(['node-a', 'node-b', 'node-c']);
    expect(ds.status).toMatchObject({ currentNumberScheduled: 3, numberMisscheduled: 0, updatedNumberScheduled: 3, numberAvailable: 3 });
    const pod = pods.find((p) => targetNodeName(p) === 'node-a')!;
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-a'] }] }],
    });
    expect(pod.spec?.tolerations?.map((t) => `${t.key}:${t.operator}:${t.effect}:${t.tolerationSeconds ?? '-'}`)).toEqual(expect.arrayContaining([
      'node.kubernetes.io/not-ready:Exists:NoExecute:-',
      'node.kubernetes.io/unreachable:Exists:NoExecute:-',
      'node.kubernetes.io/disk-pressure:Exists:NoSchedule:-',
      'node.kubernetes.io/memory-pressure:Exists:NoSchedule:-',
      'node.kubernetes.io/pid-pressure:Exists:NoSchedule:-',
      'node.kubernetes.io/unschedulable:Exists:NoSchedule:-',
    ]));
    expect(pod.metadata?.labels?.['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
  });

  it('follows nodes as they are added and deleted', async () => {
    await createNode('node-d');
    await settled(['node-a', 'node-b', 'node-c', 'node-d']);
    await h.client.delete(NODES, 'node-d');
    await settled(['node-a', 'node-b', 'node-c']);
  });

  it('rolls a new template out to every node', async () => {
    await h.client.patch(DAEMONSETS, 'agent', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, 'merge', { namespace: 'default' });
    const { ds } = await until(async () => {
      const r = await settled(['node-a', 'node-b', 'node-c']);
      return r.ds.status?.updatedNumberScheduled === 3 && r.pods.every((p) => p.spec?.containers[0]?.image === 'agent:2') && r;
    }, 30_000, 'every pod updated');
    expect(ds.status?.numberUnavailable ?? 0).toBe(0);
  });
});
