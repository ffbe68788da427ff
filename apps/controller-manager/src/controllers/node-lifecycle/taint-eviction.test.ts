import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { FakeEvictionPort } from './eviction-port.ts';
import { ensurePodNodeIndex } from './pod-index.ts';
import { TaintEviction } from './taint-eviction.ts';

const UNREACHABLE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const NOT_READY: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const tol = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
const node = (taints: Taint[]): Node => ({ metadata: { name: 'n1' }, spec: { taints } });
const pod = (name: string, tolerations: Toleration[] = []): Pod => ({ metadata: { name, namespace: 'ns' }, spec: { nodeName: 'n1', containers: [], tolerations } });

function setup(taints: Taint[], pods: Pod[]) {
  const clock = new FakeClock();
  const nodes = new Store<Node>();
  const podStore = new Store<Pod>();
  nodes.set(node(taints));
  pods.forEach((p) => podStore.set(p));
  const podLister = new Lister(podStore);
  ensurePodNodeIndex(podLister);
  const due: string[] = [];
  const port = new FakeEvictionPort();
  const ev = new TaintEviction({ pods: podLister, nodes: new Lister(nodes), clock, port, onDue: (k) => due.push(k) });
  return { clock, nodes, podStore, due, port, ev };
}

describe('taint-based eviction', () => {
  it.each([
    { name: 'no toleration: due at once', taints: [UNREACHABLE], tolerations: [], dueAfterMs: 0 },
    { name: 'tolerated for 2 s: due after 2 s', taints: [UNREACHABLE], tolerations: [tol(UNREACHABLE.key, 2)], dueAfterMs: 2_000 },
    { name: 'the shortest toleration used wins', taints: [UNREACHABLE, NOT_READY], tolerations: [tol(UNREACHABLE.key, 300), tol(NOT_READY.key, 30)], dueAfterMs: 30_000 },
    { name: 'one taint not tolerated: due at once', taints: [UNREACHABLE, NOT_READY], tolerations: [tol(UNREACHABLE.key, 300)], dueAfterMs: 0 },
    { name: 'negative seconds count as zero', taints: [UNREACHABLE], tolerations: [tol(UNREACHABLE.key, -5)], dueAfterMs: 0 },
    { name: 'tolerated forever: never', taints: [UNREACHABLE], tolerations: [tol(UNREACHABLE.key)], dueAfterMs: undefined },
    { name: 'tolerate-everything toleration: never', taints: [UNREACHABLE], tolerations: [{ operator: 'Exists' }], dueAfterMs: undefined },
    { name: 'NoSchedule taints do not evict', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }], tolerations: [], dueAfterMs: undefined },
  ])('$name', ({ taints, tolerations, dueAfterMs }) => {
    const { clock, due, ev } = setup(taints, [pod('p', tolerations)]);
    ev.evaluateNode('n1');
    if (dueAfterMs === undefined) {
      clock.step(3_600_000);
      expect(due).toEqual([]);
      return;
    }
    if (dueAfterMs > 0) {
      clock.step(dueAfterMs - 1);
      expect(due).toEqual([]);
      clock.step(1);
    }
    expect(due).toEqual(['ns/p']);
  });

  it('deletes a due pod with an event, and retries a failed deletion', async () => {
    const { clock, port, ev } = setup([UNREACHABLE], [pod('p', [tol(UNREACHABLE.key, 2)])]);
    ev.evaluatePod('ns/p');
    await ev.evictDue('ns/p');
    expect(port.evicted).toEqual([]);
    clock.step(2_000);
    port.failEvictions = 1;
    await expect(ev.evictDue('ns/p')).rejects.toThrow(/fake eviction failure/);
    await ev.evictDue('ns/p');
    expect(port.evicted).toEqual(['ns/p']);
    expect(port.events).toContainEqual({ pod: 'ns/p', reason: 'TaintManagerEviction', message: 'Marking for deletion Pod ns/p' });
    await ev.evictDue('ns/p');
    expect(port.evicted).toEqual(['ns/p']);
  });

  it('the taint going away cancels the timer with an event', async () => {
    const { clock, nodes, due, port, ev } = setup([UNREACHABLE], [pod('p', [tol(UNREACHABLE.key, 2)])]);
    ev.evaluateNode('n1');
    clock.step(1_000);
    nodes.set(node([]));
    ev.evaluateNode('n1');
    clock.step(5_000);
    expect(due).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(port.events).toEqual([{ pod: 'ns/p', reason: 'TaintManagerEviction', message: 'Cancelling deletion of Pod ns/p' }]);
  });

  it('time counts from when the pod was first seen tainted, even when its tolerations change', () => {
    const { clock, podStore, due, ev } = setup([UNREACHABLE], [pod('p', [tol(UNREACHABLE.key, 10)])]);
    ev.evaluatePod('ns/p');
    clock.step(6_000);
    ev.evaluatePod('ns/p');
    podStore.set(pod('p', [tol(UNREACHABLE.key, 8)]));
    ev.evaluatePod('ns/p');
    clock.step(1_999);
    expect(due).toEqual([]);
    clock.step(1);
    expect(due).toEqual(['ns/p']);
  });

  it('a new untolerated taint makes the pod due at once; a due pod whose taint went is not deleted', async () => {
    const { clock, nodes, due, port, ev } = setup([UNREACHABLE], [pod('p', [tol(UNREACHABLE.key, 10)])]);
    ev.evaluatePod('ns/p');
    clock.step(6_000);
    nodes.set(node([UNREACHABLE, { ...NOT_READY, effect: 'NoExecute' }]));
    ev.evaluatePod('ns/p');
    expect(due).toEqual(['ns/p']);
    nodes.set(node([]));
    ev.evaluatePod('ns/p');
    await ev.evictDue('ns/p');
    expect(port.evicted).toEqual([]);
  });

  it('pods that are gone or being deleted are forgotten quietly', () => {
    const { clock, podStore, due, port, ev } = setup([UNREACHABLE], [pod('p', [tol(UNREACHABLE.key, 2)])]);
    ev.evaluatePod('ns/p');
    podStore.delete('ns/p' as never);
    ev.evaluatePod('ns/p');
    clock.step(10_000);
    expect(due).toEqual([]);
    expect(port.events).toEqual([]);
  });
});
