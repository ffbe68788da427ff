import type { Node, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { Amount } from '../framework/node-info.ts';
import { makeNode, makePod } from '../framework/testing.ts';
import { SchedulerCache } from './cache.ts';

type Op =
  | { addNode: Node }
  | { removeNode: Node }
  | { assume: Pod }
  | { finish: Pod }
  | { forget: Pod }
  | { add: Pod }
  | { update: [Pod, Pod] }
  | { remove: Pod };

function apply(cache: SchedulerCache, op: Op): void {
  if ('addNode' in op) cache.addNode(op.addNode);
  else if ('removeNode' in op) cache.removeNode(op.removeNode);
  else if ('assume' in op) cache.assumePod(op.assume);
  else if ('finish' in op) cache.finishBinding(op.finish);
  else if ('forget' in op) cache.forgetPod(op.forget);
  else if ('add' in op) cache.addPod(op.add);
  else if ('update' in op) cache.updatePod(op.update[0], op.update[1]);
  else cache.removePod(op.remove);
}

/** Per node: requested milli-cpu and pod names; what the snapshot lists; assumed pod names. */
function state(cache: SchedulerCache) {
  const d = cache.dump();
  return {
    nodes: Object.fromEntries(d.nodes.map((n) => [n.name, { cpu: n.requested.milliCPU, pods: n.pods.map((p) => p.split('/')[1]) }])),
    snapshot: cache.snapshot().nodeInfos.map((n) => n.name),
    assumed: d.assumedPods.map((a) => `${a.pod.split('/')[1]}@${a.node}${a.bindingFinished ? ' (bound)' : ''}`),
  };
}

const n1 = makeNode('n1');
const n2 = makeNode('n2');
const p1 = makePod('p1', { uid: 'u1', node: 'n1', requests: { cpu: '500m' } });
const p1OnN2 = makePod('p1', { uid: 'u1', node: 'n2', requests: { cpu: '500m' } });
const p1Bigger = makePod('p1', { uid: 'u1', node: 'n1', requests: { cpu: '700m' } });
const p2 = makePod('p2', { uid: 'u2', node: 'n1', requests: { cpu: '1' } });

describe('SchedulerCache', () => {
  const cases: { name: string; ops: Op[]; want: ReturnType<typeof state>; error?: string }[] = [
    {
      name: 'assume counts the pod at once',
      ops: [{ addNode: n1 }, { assume: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: ['p1@n1'] },
    },
    {
      name: 'assume then add confirms without double counting',
      ops: [{ addNode: n1 }, { assume: p1 }, { finish: p1 }, { add: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: [] },
    },
    {
      name: 'finishBinding marks the assumed pod',
      ops: [{ addNode: n1 }, { assume: p1 }, { finish: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: ['p1@n1 (bound)'] },
    },
    {
      name: 'assume then forget releases',
      ops: [{ addNode: n1 }, { assume: p1 }, { forget: p1 }],
      want: { nodes: { n1: { cpu: 0, pods: [] } }, snapshot: ['n1'], assumed: [] },
    },
    {
      name: 'assumed on n1 but reported bound to n2 moves',
      ops: [{ addNode: n1 }, { addNode: n2 }, { assume: p1 }, { add: p1OnN2 }],
      want: { nodes: { n1: { cpu: 0, pods: [] }, n2: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1', 'n2'], assumed: [] },
    },
    {
      name: 'update replaces the counted requests',
      ops: [{ addNode: n1 }, { add: p1 }, { add: p2 }, { update: [p1, p1Bigger] }],
      want: { nodes: { n1: { cpu: 1700, pods: ['p2', 'p1'] } }, snapshot: ['n1'], assumed: [] },
    },
    {
      name: 'update moving nodes moves the pod',
      ops: [{ addNode: n1 }, { addNode: n2 }, { add: p1 }, { update: [p1, p1OnN2] }],
      want: { nodes: { n1: { cpu: 0, pods: [] }, n2: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1', 'n2'], assumed: [] },
    },
    {
      name: 'a pod before its node waits without a node object, left out of snapshots',
      ops: [{ add: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: [], assumed: [] },
    },
    {
      name: 'then the node arrives and already holds it',
      ops: [{ add: p1 }, { addNode: n1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: [] },
    },
    {
      name: 'node removal with pods keeps them until they are removed',
      ops: [{ addNode: n1 }, { add: p1 }, { removeNode: n1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: [], assumed: [] },
    },
    {
      name: 'and the last pod removal drops the node entirely',
      ops: [{ addNode: n1 }, { add: p1 }, { removeNode: n1 }, { remove: p1 }],
      want: { nodes: {}, snapshot: [], assumed: [] },
    },
    {
      name: 'removing the pod uses the cached object (no negative totals)',
      ops: [{ addNode: n1 }, { add: p1Bigger }, { remove: p1 }],
      want: { nodes: { n1: { cpu: 0, pods: [] } }, snapshot: ['n1'], assumed: [] },
    },
    {
      name: 'removing twice fails and leaves totals at zero',
      ops: [{ addNode: n1 }, { add: p1 }, { remove: p1 }, { remove: p1 }],
      want: { nodes: { n1: { cpu: 0, pods: [] } }, snapshot: ['n1'], assumed: [] },
      error: 'pod u1(default/p1) is not found in scheduler cache, so cannot be removed from it',
    },
    {
      name: 'assuming a pod already in the cache fails',
      ops: [{ addNode: n1 }, { add: p1 }, { assume: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: [] },
      error: "pod u1(default/p1) is in the cache, so can't be assumed",
    },
    {
      name: 'forgetting a pod that was not assumed fails',
      ops: [{ addNode: n1 }, { add: p1 }, { forget: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: [] },
      error: "pod u1(default/p1) wasn't assumed so cannot be forgotten",
    },
    {
      name: 'forgetting on another node than assumed fails',
      ops: [{ addNode: n1 }, { assume: p1 }, { forget: p1OnN2 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: ['p1@n1'] },
      error: 'pod u1(default/p1) was assumed on n2 but assigned to n1',
    },
    {
      name: 'adding an added pod again fails',
      ops: [{ addNode: n1 }, { add: p1 }, { add: p1 }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: [] },
      error: 'pod u1(default/p1) was already in added state',
    },
    {
      name: 'updating an assumed pod fails',
      ops: [{ addNode: n1 }, { assume: p1 }, { update: [p1, p1Bigger] }],
      want: { nodes: { n1: { cpu: 500, pods: ['p1'] } }, snapshot: ['n1'], assumed: ['p1@n1'] },
      error: 'assumed pod u1(default/p1) should not be updated',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const cache = new SchedulerCache();
      const last = c.ops.length - 1;
      c.ops.slice(0, last).forEach((op) => apply(cache, op));
      if (c.error) expect(() => apply(cache, c.ops[last]!)).toThrow(c.error);
      else apply(cache, c.ops[last]!);
      expect(state(cache)).toEqual(c.want);
    });
  }

  it('refuses pods without uid or nodeName', () => {
    const cache = new SchedulerCache();
    expect(() => cache.addPod({ metadata: { name: 'x', namespace: 'd' } })).toThrow('cannot get cache key for pod with empty UID');
    expect(() => cache.assumePod(makePod('x', { uid: 'ux' }))).toThrow("has no nodeName, so can't be assumed");
  });
});

describe('SchedulerCache snapshot', () => {
  it('re-clones only changed nodes and never hands out its own NodeInfos', () => {
    const cache = new SchedulerCache();
    cache.addNode(n1);
    cache.addNode(n2);
    const s1 = cache.snapshot();
    expect(cache.snapshot()).toBe(s1);
    cache.assumePod(p1);
    const s2 = cache.snapshot();
    expect(s2).not.toBe(s1);
    expect(s2.get('n2')).toBe(s1.get('n2'));
    expect(s2.get('n1')).not.toBe(s1.get('n1'));
    expect(s1.get('n1')?.requested.milliCPU).toBe(0);
    expect(s2.get('n1')?.requested.milliCPU).toBe(500);
    s2.get('n1')!.removePod(p1); // a plugin scribbling on its snapshot does not reach the cache
    expect(cache.dump().nodes.find((n) => n.name === 'n1')?.requested.milliCPU).toBe(500);
  });

  it('counts the nodes holding an image, and counts again once a Node changes', () => {
    const withImage = (name: string, ...images: string[]) => makeNode(name, { status: { images: images.map((i) => ({ names: [i], sizeBytes: 1 })) } });
    const cache = new SchedulerCache();
    cache.addNode(withImage('a', 'busybox:1.36'));
    cache.addNode(withImage('b', 'docker.io/library/busybox:1.36'));
    cache.addNode(withImage('c'));
    expect(cache.snapshot().imageNumNodes('docker.io/library/busybox:1.36')).toBe(2);
    cache.assumePod(makePod('p', { uid: 'u-img', node: 'c' }));
    expect(cache.snapshot().imageNumNodes('docker.io/library/busybox:1.36')).toBe(2); // pods do not change it
    cache.updateNode(withImage('c'), withImage('c', 'busybox:1.36'));
    expect(cache.snapshot().imageNumNodes('docker.io/library/busybox:1.36')).toBe(3);
    cache.removeNode(withImage('a', 'busybox:1.36'));
    expect(cache.snapshot().imageNumNodes('docker.io/library/busybox:1.36')).toBe(2);
  });

  it('interleaves zones, keeping each zone in arrival order', () => {
    const cache = new SchedulerCache();
    const zoned = (name: string, zone: string) => makeNode(name, { labels: { 'topology.kubernetes.io/zone': zone } });
    for (const n of [zoned('a1', 'a'), zoned('a2', 'a'), zoned('a3', 'a'), zoned('b1', 'b'), makeNode('plain')]) cache.addNode(n);
    expect(cache.snapshot().nodeInfos.map((n) => n.name)).toEqual(['a1', 'b1', 'plain', 'a2', 'a3']);
    cache.updateNode(zoned('a1', 'a'), zoned('a1', 'b'));
    expect(cache.snapshot().nodeInfos.map((n) => n.name)).toEqual(['a2', 'b1', 'plain', 'a3', 'a1']);
    expect(cache.nodeCount()).toBe(5);
  });

  it('carries namespace labels, and a removed node drops out', () => {
    const cache = new SchedulerCache();
    cache.addNode(n1);
    cache.addNamespace({ metadata: { name: 'team', labels: { env: 'prod' } } });
    const s1 = cache.snapshot();
    expect(s1.namespaceLabels('team')).toEqual({ env: 'prod' });
    cache.updateNamespace(undefined, { metadata: { name: 'team', labels: { env: 'dev' } } });
    cache.removeNode(n1);
    const s2 = cache.snapshot();
    expect(s1.namespaceLabels('team')).toEqual({ env: 'prod' });
    expect(s2.namespaceLabels('team')).toEqual({ env: 'dev' });
    expect(s2.nodeInfos).toEqual([]);
    cache.removeNamespace({ metadata: { name: 'team' } });
    expect(cache.snapshot().namespaceLabels('team')).toBeUndefined();
  });

  it('counts affinity pods per node for the snapshot lists', () => {
    const cache = new SchedulerCache();
    cache.addNode(n1);
    cache.addNode(n2);
    const anti = makePod('anti', {
      uid: 'ua',
      node: 'n2',
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: {} }] } } },
    });
    cache.addPod(anti);
    const s = cache.snapshot();
    expect(s.havePodsWithRequiredAntiAffinity.map((n) => n.name)).toEqual(['n2']);
    expect(cache.isAssumedPod(anti)).toBe(false);
    expect(cache.getPod(anti)).toBe(anti);
    expect(cache.podCount()).toBe(1);
  });
});

describe('SchedulerCache incremental snapshot', () => {
  const anti = (name: string, node: string) =>
    makePod(name, {
      uid: `u-${name}`,
      node,
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: {} }] } } },
    });
  const names = (infos: readonly { name: string }[]) => infos.map((n) => n.name);

  it('keeps the affinity lists pointing at the current clones', () => {
    const cache = new SchedulerCache();
    [n1, n2].forEach((n) => cache.addNode(n));
    cache.snapshot();
    const a = anti('a', 'n2');
    cache.addPod(a);
    const s1 = cache.snapshot();
    expect(names(s1.havePodsWithAffinity)).toEqual(['n2']);
    expect(s1.havePodsWithRequiredAntiAffinity[0]).toBe(s1.get('n2'));
    const b = anti('b', 'n2');
    cache.addPod(b);
    const s2 = cache.snapshot();
    expect(s2.havePodsWithRequiredAntiAffinity[0]).toBe(s2.get('n2'));
    expect(s2.get('n2')?.pods).toHaveLength(2);
    expect(s1.get('n2')?.pods).toHaveLength(1);
    cache.removePod(a);
    cache.removePod(b);
    expect(cache.snapshot().havePodsWithAffinity).toEqual([]);
  });

  it('matches a snapshot rebuilt from scratch after any sequence of changes, and earlier snapshots stay as they were', () => {
    let seed = 11;
    const rand = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    const cache = new SchedulerCache();
    const nodes = ['a', 'b', 'c', 'd'].map((name, i) => makeNode(name, { labels: { 'topology.kubernetes.io/zone': `z${i % 2}` } }));
    const bound = new Map<string, Pod>();
    const present = new Set<string>();
    // What the amounts say, beside the objects they copy: packing must move them, not change them.
    const view = (s: ReturnType<SchedulerCache['snapshot']>) => ({
      nodes: s.nodeInfos.map((n) => [n.name, n.requested.milliCPU, n.amount(Amount.RequestedCpu), n.pods.length, n.amount(Amount.Pods)]),
      affinity: names(s.havePodsWithAffinity),
      anti: names(s.havePodsWithRequiredAntiAffinity),
    });
    const earlier: { snapshot: ReturnType<SchedulerCache['snapshot']>; seen: string }[] = [];
    for (let step = 0; step < 400; step++) {
      const node = nodes[rand(nodes.length)]!;
      const name = node.metadata!.name!;
      switch (rand(4)) {
        case 0:
          if (present.has(name)) {
            cache.removeNode(node);
            present.delete(name);
          } else {
            cache.addNode(node);
            present.add(name);
          }
          break;
        case 1: {
          const p = rand(2) ? anti(`p${step}`, name) : makePod(`p${step}`, { uid: `u-p${step}`, node: name, requests: { cpu: '100m' } });
          cache.addPod(p);
          bound.set(p.metadata!.uid!, p);
          break;
        }
        case 2: {
          const victim = [...bound.values()][rand(bound.size)];
          if (victim) {
            cache.removePod(victim);
            bound.delete(victim.metadata!.uid!);
          }
          break;
        }
        default:
          break;
      }
      if (rand(3) === 0) continue; // not every change is followed by a cycle
      const got = cache.snapshot();
      const fresh = new SchedulerCache();
      for (const n of nodes) if (present.has(n.metadata!.name!)) fresh.addNode(n);
      for (const p of bound.values()) fresh.addPod(p);
      const want = fresh.snapshot();
      expect(new Set(view(got).nodes.map((n) => JSON.stringify(n)))).toEqual(new Set(view(want).nodes.map((n) => JSON.stringify(n))));
      expect(new Set(view(got).affinity)).toEqual(new Set(view(want).affinity));
      expect(new Set(view(got).anti)).toEqual(new Set(view(want).anti));
      for (const n of got.nodeInfos) {
        expect(n.requested.milliCPU).toBeGreaterThanOrEqual(0);
        expect([n.amount(Amount.RequestedCpu), n.amount(Amount.Pods)]).toEqual([n.requested.milliCPU, n.pods.length]);
      }
      earlier.push({ snapshot: got, seen: JSON.stringify(view(got)) });
    }
    for (const e of earlier) expect(JSON.stringify(view(e.snapshot))).toBe(e.seen);
  });
});
