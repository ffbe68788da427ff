import { Lister, Store } from '@k8ts/client';
import type { Node } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { CidrSet } from './cidr-set.ts';
import { FakeNodeCidrPort, NodeIpamSync } from './sync.ts';

const node = (name: string, podCIDR?: string): Node => ({ metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });

function setup(nodes: Node[], cidr = '10.244.0.0/16', mask = 24) {
  const store = new Store<Node>();
  for (const n of nodes) store.set(n);
  const port = new FakeNodeCidrPort();
  const cidrs = new CidrSet(cidr, mask);
  const sync = new NodeIpamSync({ nodes: new Lister(store), cidrs, port });
  sync.occupyExisting();
  return { store, port, cidrs, sync };
}

describe('CidrSet', () => {
  it.each([
    { name: 'first /24 of a /16', cidr: '10.244.0.0/16', mask: 24, want: ['10.244.0.0/24', '10.244.1.0/24'] },
    { name: 'host bits in the cluster CIDR are ignored', cidr: '10.244.3.7/16', mask: 24, want: ['10.244.0.0/24', '10.244.1.0/24'] },
    { name: '/26 subnets', cidr: '192.168.0.0/24', mask: 26, want: ['192.168.0.0/26', '192.168.0.64/26'] },
  ])('$name', ({ cidr, mask, want }) => {
    const s = new CidrSet(cidr, mask);
    expect([s.allocate(), s.allocate()]).toEqual(want);
  });

  it('is round-robin, runs out, and refuses foreign subnets', () => {
    const s = new CidrSet('10.0.0.0/30', 31);
    expect(s.allocate()).toBe('10.0.0.0/31');
    s.release('10.0.0.0/31');
    expect(s.allocate()).toBe('10.0.0.2/31');
    expect(s.allocate()).toBe('10.0.0.0/31');
    expect(s.allocate()).toBeUndefined();
    expect(s.occupy('10.0.1.0/31')).toBe(false);
    expect(s.occupy('10.0.0.0/24')).toBe(false);
    expect(() => new CidrSet('10.0.0.0/24', 16)).toThrow(/does not fit/);
  });
});

describe('node-ipam sync', () => {
  it.each([
    { name: 'new node gets the first free /24', nodes: [node('a')], key: 'a', want: [{ node: 'a', cidrs: ['10.244.0.0/24'] }] },
    { name: 'existing allocations survive a restart', nodes: [node('a', '10.244.0.0/24'), node('b', '10.244.1.0/24'), node('c')], key: 'c', want: [{ node: 'c', cidrs: ['10.244.2.0/24'] }] },
    { name: 'a node with a CIDR is left alone', nodes: [node('a', '10.244.7.0/24')], key: 'a', want: [] },
    { name: 'a deleted node is a no-op', nodes: [], key: 'gone', want: [] },
  ])('$name', async ({ nodes, key, want }) => {
    const { port, sync } = setup(nodes);
    await sync.sync(key);
    expect(port.patches).toEqual(want);
  });

  it('releases a deleted node\'s subnet for reuse', async () => {
    const { store, port, cidrs, sync } = setup([node('a', '10.0.0.0/25'), node('b')], '10.0.0.0/24', 25);
    await sync.sync('b');
    expect(port.patches).toEqual([{ node: 'b', cidrs: ['10.0.0.128/25'] }]);
    expect(cidrs.free).toBe(0);
    store.delete('a' as never);
    await sync.sync('a');
    expect(cidrs.free).toBe(1);
    store.set(node('c'));
    await sync.sync('c');
    expect(port.patches.at(-1)).toEqual({ node: 'c', cidrs: ['10.0.0.0/25'] });
  });

  it('records CIDRNotAvailable and retries when the range is full', async () => {
    const { store, port, sync } = setup([node('a', '10.0.0.0/25'), node('b', '10.0.0.128/25'), node('c')], '10.0.0.0/24', 25);
    await expect(sync.sync('c')).rejects.toThrow(/no remaining CIDRs/);
    expect(port.events).toEqual([{ node: 'c', reason: 'CIDRNotAvailable', message: 'Node c status is now: CIDRNotAvailable' }]);
    store.delete('b' as never);
    await sync.sync('b');
    await sync.sync('c');
    expect(port.patches).toEqual([{ node: 'c', cidrs: ['10.0.0.128/25'] }]);
  });

  it('gives the subnet back when the patch fails', async () => {
    const { port, cidrs, sync } = setup([node('a')], '10.0.0.0/24', 25);
    port.failPatches = 1;
    await expect(sync.sync('a')).rejects.toThrow(/fake patch failure/);
    expect(cidrs.free).toBe(2);
    expect(port.events.map((e) => e.reason)).toEqual(['CIDRAssignmentFailed']);
  });
});
