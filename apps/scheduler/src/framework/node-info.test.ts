import { describe, expect, it } from 'vitest';
import { Amount, AMOUNTS, NodeInfo } from './node-info.ts';
import { newPodInfo } from './pod-info.ts';
import { makeNode, makePod } from './testing.ts';

/** What amount() reads, and the same numbers read from the objects they copy. */
function totals(n: NodeInfo) {
  const a = (k: Amount) => n.amount(k);
  return {
    fromAmounts: {
      allocatable: [a(Amount.AllocatableCpu), a(Amount.AllocatableMemory), a(Amount.AllowedPods)],
      requested: [a(Amount.RequestedCpu), a(Amount.RequestedMemory)],
      nonZero: [a(Amount.NonZeroRequestedCpu), a(Amount.NonZeroRequestedMemory)],
      pods: a(Amount.Pods),
    },
    fromObjects: {
      allocatable: [n.allocatable.milliCPU, n.allocatable.memory, n.allocatable.allowedPodNumber],
      requested: [n.requested.milliCPU, n.requested.memory],
      nonZero: [n.nonZeroRequested.milliCPU, n.nonZeroRequested.memory],
      pods: n.pods.length,
    },
  };
}

const Gi = 2 ** 30;

describe('NodeInfo.amount', () => {
  it('follows the node, added and removed pods, and copies', () => {
    const node = new NodeInfo(makeNode('n1', { allocatable: { cpu: '8', memory: '64Gi', pods: '20' } }));
    const big = makePod('big', { requests: { cpu: '1500m', memory: '40Gi' } });
    const empty = makePod('empty'); // counts as 100m / 200Mi when scoring
    node.addPod(newPodInfo(big));
    node.addPod(newPodInfo(empty));

    let t = totals(node);
    expect(t.fromAmounts).toEqual({
      allocatable: [8000, 64 * Gi, 20],
      requested: [1500, 40 * Gi],
      nonZero: [1600, 40 * Gi + 200 * 2 ** 20],
      pods: 2,
    });
    expect(t.fromAmounts).toEqual(t.fromObjects);

    const copy = node.clone();
    expect(copy.removePod(big)).toBe(true);
    t = totals(copy);
    expect(t.fromAmounts).toEqual({ allocatable: [8000, 64 * Gi, 20], requested: [0, 0], nonZero: [100, 200 * 2 ** 20], pods: 1 });
    expect(t.fromAmounts).toEqual(t.fromObjects);
    // The original keeps its own totals.
    expect(totals(node).fromAmounts.pods).toBe(2);
    expect(totals(node).fromAmounts.requested).toEqual([1500, 40 * Gi]);

    expect(copy.removePod(big)).toBe(false);
    copy.setNode(makeNode('n1', { allocatable: { cpu: '2', memory: '1Gi', pods: '5' } }));
    t = totals(copy);
    expect(t.fromAmounts.allocatable).toEqual([2000, Gi, 5]);
    expect(t.fromAmounts).toEqual(t.fromObjects);
  });

  it('keeps its numbers when moved into a table, and changes only its own row there', () => {
    const a = new NodeInfo(makeNode('a'), [makePod('p', { requests: { cpu: '1' } })]);
    const b = new NodeInfo(makeNode('b', { allocatable: { cpu: '2' } }));
    const table = new Float64Array(3 * AMOUNTS);
    a.moveAmounts(table, 0);
    b.moveAmounts(table, 2 * AMOUNTS);
    expect(totals(a).fromAmounts).toEqual(totals(a).fromObjects);
    expect(totals(b).fromAmounts).toEqual(totals(b).fromObjects);
    b.addPod(newPodInfo(makePod('q', { requests: { cpu: '500m' } })));
    expect(totals(b).fromAmounts.requested[0]).toBe(500);
    expect(totals(a).fromAmounts.requested[0]).toBe(1000);
    expect([...table.subarray(AMOUNTS, 2 * AMOUNTS)]).toEqual(new Array(AMOUNTS).fill(0));
    // A copy has numbers of its own.
    const copy = a.clone();
    copy.addPod(newPodInfo(makePod('r', { requests: { cpu: '2' } })));
    expect(totals(copy).fromAmounts.requested[0]).toBe(3000);
    expect(totals(a).fromAmounts.requested[0]).toBe(1000);
  });
});
