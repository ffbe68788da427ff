import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Node, NodeCondition, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { Lease } from './health.ts';
import { ensurePodNodeIndex } from './pod-index.ts';
import { FakeNodeLifecyclePort } from './port.ts';
import { NodeLifecycleSync } from './sync.ts';

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cond = (type: string, status: string, heartbeat = T0): NodeCondition =>
  ({ type, status, lastHeartbeatTime: iso(heartbeat), lastTransitionTime: iso(T0 - 60_000) });
const node = (name: string, conditions?: NodeCondition[], extra: Partial<Node['spec']> = {}): Node => ({
  metadata: { name, creationTimestamp: iso(T0 - 3_600_000), resourceVersion: '1' },
  spec: { ...extra },
  ...(conditions ? { status: { conditions } } : {}),
});
const healthy = (name: string) => node(name, [cond('Ready', 'True'), cond('MemoryPressure', 'False'), cond('DiskPressure', 'False'), cond('PIDPressure', 'False')]);
const pod = (name: string, nodeName: string, ready = true): Pod => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const lease = (name: string, renewMs: number): Lease => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { renewTime: new Date(renewMs).toISOString() } });

function setup(nodes: Node[], pods: Pod[] = [], leases: Lease[] = []) {
  const clock = new FakeClock(T0);
  const nodeStore = new Store<Node>();
  const podStore = new Store<Pod>();
  const leaseStore = new Store<Lease>();
  nodes.forEach((n) => nodeStore.set(n));
  pods.forEach((p) => podStore.set(p));
  leases.forEach((l) => leaseStore.set(l));
  const podLister = new Lister(podStore);
  ensurePodNodeIndex(podLister);
  const port = new FakeNodeLifecyclePort({ node: (n) => nodeStore.set(n), pod: (p) => podStore.set(p) });
  const sync = new NodeLifecycleSync({
    nodes: new Lister(nodeStore), pods: podLister, leases: new Lister(leaseStore), clock, port,
    gracePeriodMs: 40_000, startupGracePeriodMs: 60_000,
  });
  return { clock, nodeStore, leaseStore, port, sync };
}

const conditionsOf = (n: Node | undefined) => Object.fromEntries((n?.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason ?? ''}`]));

describe('node health', () => {
  it.each([
    { name: 'silent past the grace period: Unknown', silentMs: 40_001, want: 'Unknown/NodeStatusUnknown' },
    { name: 'not yet past the grace period: untouched', silentMs: 40_000, want: 'True/' },
  ])('$name', async ({ silentMs, want }) => {
    const { clock, nodeStore, sync } = setup([healthy('n1')]);
    await sync.monitor();
    clock.step(silentMs);
    await sync.monitor();
    expect(conditionsOf(nodeStore.get('n1' as never))).toEqual({ Ready: want, MemoryPressure: want.replace('True', 'False'), DiskPressure: want.replace('True', 'False'), PIDPressure: want.replace('True', 'False') });
  });

  it('a renewed Lease keeps the node alive; a stale one does not', async () => {
    const { clock, nodeStore, leaseStore, port, sync } = setup([healthy('n1')], [], [lease('n1', T0)]);
    await sync.monitor();
    for (let i = 1; i <= 6; i++) {
      clock.step(10_000);
      leaseStore.set(lease('n1', T0 + i * 10_000));
      await sync.monitor();
    }
    expect(port.statusUpdates).toEqual([]);
    clock.step(40_001);
    await sync.monitor();
    const n = nodeStore.get('n1' as never)!;
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: iso(T0),
    });
  });

  it('records RegisteredNode and RemovingNode as nodes come and go', async () => {
    const { nodeStore, port, sync } = setup([healthy('n1')]);
    await sync.monitor();
    await sync.monitor();
    nodeStore.delete('n1' as never);
    await sync.monitor();
    expect(port.events).toEqual([
      { node: 'n1', reason: 'RegisteredNode', message: 'Node n1 event: Registered Node n1 in Controller' },
      { node: 'n1', reason: 'RemovingNode', message: 'Node n1 event: Removing Node n1 from Controller' },
    ]);
  });

  it('a node that never posted status gets the startup grace period, then NodeStatusNeverUpdated', async () => {
    const fresh: Node = { metadata: { name: 'n1', creationTimestamp: iso(T0), resourceVersion: '1' }, spec: {} };
    const { clock, nodeStore, port, sync } = setup([fresh]);
    clock.step(59_000);
    await sync.monitor();
    expect(port.statusUpdates).toEqual([]);
    clock.step(2_000);
    await sync.monitor();
    expect(conditionsOf(nodeStore.get('n1' as never))).toEqual({
      Ready: 'Unknown/NodeStatusNeverUpdated', MemoryPressure: 'Unknown/NodeStatusNeverUpdated', DiskPressure: 'Unknown/NodeStatusNeverUpdated', PIDPressure: 'Unknown/NodeStatusNeverUpdated',
    });
    expect(nodeStore.get('n1' as never)?.spec?.taints).toMatchObject([{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]);
  });
});

describe('NoExecute taints and pods', () => {
  it('Unknown: unreachable taint, NodeNotReady, pods marked not ready; back to Ready: taint removed', async () => {
    const { clock, nodeStore, port, sync } = setup([healthy('n1'), healthy('n2')], [pod('a', 'n1'), pod('b', 'n1', false), pod('c', 'n2')]);
    await sync.monitor();
    clock.step(41_000);
    nodeStore.set({ ...healthy('n2'), status: { conditions: [cond('Ready', 'True', T0 + 41_000)] } });
    await sync.monitor();
    expect(port.taintWrites).toMatchObject([{ node: 'n1', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0 + 41_000) }] }]);
    expect(port.notReadyPods).toEqual(['default/a']);
    expect(port.events.filter((e) => e.reason === 'NodeNotReady')).toEqual([{ node: 'n1', reason: 'NodeNotReady', message: 'Node n1 status is now: NodeNotReady' }]);

    nodeStore.set({ ...nodeStore.get('n1' as never)!, status: { conditions: [cond('Ready', 'True', T0 + 42_000)] } });
    clock.step(1_000);
    await sync.monitor();
    expect(port.taintWrites.at(-1)).toEqual({ node: 'n1', taints: [] });
  });

  it('pods are still marked when the taint write fails, and retried next period when marking fails', async () => {
    const { clock, port, sync } = setup([healthy('n1')], [pod('a', 'n1')]);
    await sync.monitor();
    clock.step(41_000);
    port.failTaintWrites = 1;
    port.failPodWrites = 1;
    expect((await sync.monitor()).map((e) => e.message)).toEqual(['fake pod status conflict']);
    expect(port.notReadyPods).toEqual([]);
    clock.step(500);
    expect(await sync.monitor()).toEqual([]);
    expect(port.notReadyPods).toEqual(['default/a']);
    expect(port.taintWrites.map((w) => w.taints.map((t) => t.key))).toEqual([['node.kubernetes.io/unreachable']]);
  });

  it.each([
    { name: 'Ready=False: not-ready replaces unreachable', ready: 'False', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], want: ['node.kubernetes.io/not-ready:NoExecute'] },
    { name: 'other NoExecute taints are kept', ready: 'True', taints: [{ key: 'example.com/x', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], want: ['example.com/x:NoExecute'] },
  ])('$name', async ({ ready, taints, want }) => {
    const n = { ...node('n1', [cond('Ready', ready)], { taints }) };
    const { nodeStore, sync } = setup([n]);
    await sync.monitor();
    expect(nodeStore.get('n1' as never)?.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(want);
  });

  it('a pod turning up Ready on a not-ready node is marked not ready', async () => {
    const { port, sync } = setup([node('n1', [cond('Ready', 'False')])], [pod('late', 'n1')]);
    await sync.syncPod('default/late');
    expect(port.notReadyPods).toEqual([]);
    await sync.monitor();
    await sync.syncPod('default/late');
    expect(port.notReadyPods).toEqual(['default/late']);
  });
});

describe('NoSchedule taints by condition', () => {
  it.each([
    { name: 'memory pressure', n: node('n', [cond('Ready', 'True'), cond('MemoryPressure', 'True')]), want: ['node.kubernetes.io/memory-pressure'] },
    { name: 'not ready and disk pressure', n: node('n', [cond('Ready', 'False'), cond('DiskPressure', 'True')]), want: ['node.kubernetes.io/not-ready', 'node.kubernetes.io/disk-pressure'] },
    { name: 'unknown', n: node('n', [cond('Ready', 'Unknown')]), want: ['node.kubernetes.io/unreachable'] },
    { name: 'cordoned', n: node('n', [cond('Ready', 'True')], { unschedulable: true }), want: ['node.kubernetes.io/unschedulable'] },
    {
      name: 'stale ones removed, foreign ones kept',
      n: node('n', [cond('Ready', 'True')], { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      want: ['dedicated'],
    },
  ])('$name', async ({ n, want }) => {
    const { nodeStore, sync } = setup([n]);
    await sync.syncNode('n');
    expect(nodeStore.get('n' as never)?.spec?.taints?.filter((t) => t.effect === 'NoSchedule').map((t) => t.key)).toEqual(want);
  });

  it('writes nothing when the taints are right', async () => {
    const { port, sync } = setup([node('n', [cond('Ready', 'True')])]);
    await sync.syncNode('n');
    await sync.syncNode('gone');
    expect(port.taintWrites).toEqual([]);
  });
});
