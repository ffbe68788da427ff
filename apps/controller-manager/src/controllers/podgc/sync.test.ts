import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { FakePodGCPort } from './port.ts';
import { PodGC } from './sync.ts';

const T0 = Date.UTC(2025, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pod = (name: string, o: { phase?: string; reason?: string; createdS?: number; node?: string; deleting?: boolean } = {}): Pod => ({
  metadata: { name, namespace: 'ns', creationTimestamp: at(o.createdS ?? 0), ...(o.deleting ? { deletionTimestamp: at(100) } : {}) },
  spec: { containers: [], ...(o.node === undefined ? { nodeName: 'n1' } : o.node ? { nodeName: o.node } : {}) },
  status: { phase: o.phase ?? 'Running', ...(o.reason ? { reason: o.reason } : {}) },
});
const node = (name: string, o: { ready?: boolean; outOfService?: boolean } = {}): Node => ({
  metadata: { name },
  spec: o.outOfService ? { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } : {},
  status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

function setup(pods: Pod[], nodes: Node[] = [node('n1')], threshold = 2) {
  const clock = new FakeClock(T0);
  const podStore = new Store<Pod>();
  const nodeStore = new Store<Node>();
  pods.forEach((p) => podStore.set(p));
  nodes.forEach((n) => nodeStore.set(n));
  const port = new FakePodGCPort();
  const gc = new PodGC({ pods: new Lister(podStore), nodes: new Lister(nodeStore), clock, port, terminatedPodThreshold: threshold, quarantineMs: 40_000 });
  return { clock, nodeStore, port, gc };
}

describe('PodGC', () => {
  it.each([
    {
      name: 'terminated beyond the threshold: oldest first',
      pods: [pod('new', { phase: 'Succeeded', createdS: 30 }), pod('old', { phase: 'Failed', createdS: 10 }), pod('mid', { phase: 'Succeeded', createdS: 20 }), pod('oldest', { phase: 'Succeeded', createdS: 5 }), pod('running', { createdS: 1 })],
      threshold: 2, want: ['ns/oldest', 'ns/old'],
    },
    {
      name: 'evicted pods go first, ties by name',
      pods: [pod('b', { phase: 'Succeeded' }), pod('a', { phase: 'Succeeded' }), pod('ev', { phase: 'Failed', reason: 'Evicted', createdS: 99 })],
      threshold: 1, want: ['ns/ev', 'ns/a'],
    },
    { name: 'at the threshold: nothing', pods: [pod('a', { phase: 'Succeeded' }), pod('b', { phase: 'Failed' })], threshold: 2, want: [] },
    { name: 'threshold 0 turns it off', pods: [pod('a', { phase: 'Succeeded' })], threshold: 0, want: [] },
    { name: 'unscheduled and terminating', pods: [pod('u', { node: '', deleting: true }), pod('pending', { node: '' })], threshold: 10, want: ['ns/u'] },
  ])('$name', async ({ pods, threshold, want }) => {
    const { port, gc } = setup(pods, [node('n1')], threshold);
    expect(await gc.gc()).toEqual([]);
    expect(port.deleted.map((d) => d.pod)).toEqual(want);
  });

  it('terminating pods on an out-of-service node that is not ready are force-deleted', async () => {
    const { port, gc } = setup(
      [pod('a', { node: 'down', deleting: true }), pod('b', { node: 'down' }), pod('c', { node: 'tainted-but-ready', deleting: true })],
      [node('down', { ready: false, outOfService: true }), node('tainted-but-ready', { outOfService: true })],
    );
    await gc.gc();
    expect(port.deleted).toEqual([{ pod: 'ns/a', markedFailed: true }]);
  });

  it('orphans: quarantined, then checked against the API, then failed with DeletionByPodGC and deleted', async () => {
    const { clock, port, gc } = setup([pod('orphan', { node: 'gone' }), pod('done', { node: 'gone', phase: 'Succeeded' }), pod('fine')], [node('n1')], 10);
    await gc.gc();
    clock.step(39_000);
    await gc.gc();
    expect(port.nodeChecks).toEqual([]);
    expect(port.deleted).toEqual([]);
    clock.step(1_000);
    await gc.gc();
    expect(port.nodeChecks).toEqual(['gone']);
    expect(port.deleted).toEqual([
      { pod: 'ns/orphan', markedFailed: true, condition: 'DisruptionTarget/DeletionByPodGC' },
      { pod: 'ns/done', markedFailed: false },
    ]);
  });

  it('a node the cache lags on but the API has keeps its pods', async () => {
    const { clock, port, gc } = setup([pod('p', { node: 'late' })], [], 10);
    port.nodes.add('late');
    await gc.gc();
    clock.step(40_000);
    await gc.gc();
    expect(port.nodeChecks).toEqual(['late']);
    expect(port.deleted).toEqual([]);
  });

  it('a node that shows up during quarantine is forgiven', async () => {
    const { clock, nodeStore, port, gc } = setup([pod('p', { node: 'slow' })], [], 10);
    await gc.gc();
    nodeStore.set(node('slow'));
    clock.step(40_000);
    await gc.gc();
    expect(port.nodeChecks).toEqual([]);
    expect(port.deleted).toEqual([]);
  });
});
