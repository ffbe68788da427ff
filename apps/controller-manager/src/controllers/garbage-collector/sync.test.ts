import { describe, expect, it } from 'vitest';
import { FakeGCPort, type FakeObject, type GCCall } from './fake-port.ts';
import { GraphBuilder, type GraphEvent } from './graph-builder.ts';
import type { Identity } from './graph.ts';
import { GCSync, type Outcome } from './sync.ts';
import { add, cmMeta, ref, RecordingQueue, type CMOptions } from './testing.ts';

const cm = (name: string, o: CMOptions = {}): FakeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: cmMeta(name, o) });

const pcId: Identity = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', name: 'pc', uid: 'uid-pc', namespace: '' };
const pcMeta = { name: 'pc', uid: 'uid-pc', ownerReferences: [ref('owner')] };

const FG = { deleting: true, finalizers: ['foregroundDeletion'] };
const del = (name: string, policy: 'Background' | 'Foreground' | 'Orphan'): GCCall => ({ op: 'delete', name, policy });
const dropRefs = (name: string, ...owners: string[]): GCCall => ({
  op: 'patch', name, type: 'strategic',
  patch: { metadata: { uid: `uid-${name}`, ownerReferences: owners.map((o) => ({ $patch: 'delete', uid: `uid-${o}` })) } },
});
const dropFinalizer = (name: string, finalizers: string[]): GCCall => ({
  op: 'patch', name, type: 'merge', patch: { metadata: { resourceVersion: '7', finalizers } },
});

interface Case {
  name: string;
  /** What the informers showed. */
  graph: GraphEvent[];
  /** What the API answers now. */
  api: FakeObject[];
  /** The node worked on, by uid. */
  item: string;
  run?: 'delete' | 'orphan';
  calls: GCCall[];
  outcome?: Outcome;
  virtualDeletes?: string[];
  queued?: string[];
  warnings?: string[];
  throws?: RegExp;
  conflicts?: string[];
}

const cases: Case[] = [
  {
    name: 'a dependent whose only owner is gone is deleted in the background',
    graph: [add('dep', { owners: [ref('owner', { block: true })] })],
    api: [cm('dep', { owners: [ref('owner', { block: true })] })],
    item: 'uid-dep',
    calls: [del('dep', 'Background')],
  },
  {
    name: 'an owner that exists with another uid is dangling',
    graph: [add('owner', { uid: 'uid-new' }), add('dep', { owners: [ref('owner')] })],
    api: [cm('owner', { uid: 'uid-new' }), cm('dep', { owners: [ref('owner')] })],
    item: 'uid-dep',
    calls: [del('dep', 'Background')],
  },
  {
    name: 'a dependent with a solid owner only loses its dangling reference',
    graph: [add('solid'), add('dep', { owners: [ref('solid'), ref('gone')] })],
    api: [cm('solid'), cm('dep', { owners: [ref('solid'), ref('gone')] })],
    item: 'uid-dep',
    calls: [dropRefs('dep', 'gone')],
  },
  {
    name: 'a dependent whose owners all stand is left alone',
    graph: [add('a'), add('b'), add('dep', { owners: [ref('a'), ref('b')] })],
    api: [cm('a'), cm('b'), cm('dep', { owners: [ref('a'), ref('b')] })],
    item: 'uid-dep',
    calls: [],
  },
  {
    name: 'an object without owners is left alone',
    graph: [add('lone')],
    api: [cm('lone')],
    item: 'uid-lone',
    calls: [],
  },
  {
    name: 'a solid owner plus one deleting in the foreground: the waiting reference is dropped',
    graph: [add('solid'), add('fg', FG), add('dep', { owners: [ref('solid'), ref('fg')] })],
    api: [cm('solid'), cm('fg', FG), cm('dep', { owners: [ref('solid'), ref('fg')] })],
    item: 'uid-dep',
    calls: [dropRefs('dep', 'fg')],
  },
  {
    name: 'the owner deletes in the foreground and the dependent has none of its own: background',
    graph: [add('fg', FG), add('dep', { owners: [ref('fg', { block: true })] })],
    api: [cm('fg', FG), cm('dep', { owners: [ref('fg', { block: true })] })],
    item: 'uid-dep',
    calls: [del('dep', 'Background')],
  },
  {
    name: 'the owner deletes in the foreground and the dependent has dependents: foreground',
    graph: [add('fg', FG), add('mid', { owners: [ref('fg', { block: true })] }), add('leaf', { owners: [ref('mid', { block: true })] })],
    api: [cm('fg', FG), cm('mid', { owners: [ref('fg', { block: true })] })],
    item: 'uid-mid',
    calls: [del('mid', 'Foreground')],
  },
  {
    name: 'a cycle with a dependent already waiting on us: unblock our references, then foreground',
    graph: [
      add('fg', FG),
      add('mid', { owners: [ref('fg', { block: true })] }),
      add('leaf', { owners: [ref('mid', { block: true })], ...FG }),
    ],
    api: [cm('fg', FG), cm('mid', { owners: [ref('fg', { block: true })] })],
    item: 'uid-mid',
    calls: [
      { op: 'patch', name: 'mid', type: 'strategic', patch: { metadata: { uid: 'uid-mid', ownerReferences: [{ ...ref('fg'), blockOwnerDeletion: false }] } } },
      del('mid', 'Foreground'),
    ],
  },
  {
    name: 'a collected dependent keeps the orphan propagation it already asked for',
    graph: [add('dep', { owners: [ref('gone')], finalizers: ['orphan'] })],
    api: [cm('dep', { owners: [ref('gone')], finalizers: ['orphan'] })],
    item: 'uid-dep',
    calls: [del('dep', 'Orphan')],
  },
  {
    name: 'an object being deleted (not in the foreground) needs nothing, not even a read',
    graph: [add('dep', { owners: [ref('gone')], deleting: true, finalizers: ['x'] })],
    api: [],
    item: 'uid-dep',
    calls: [],
  },
  {
    name: 'an object the API no longer has is reported as a virtual delete',
    graph: [add('dep', { owners: [ref('gone')] })],
    api: [],
    item: 'uid-dep',
    calls: [],
    outcome: 'forget',
    virtualDeletes: ['dep'],
  },
  {
    name: 'a virtual owner the API does not have is reported as a virtual delete',
    graph: [add('dep', { owners: [ref('ghost')] })],
    api: [cm('dep', { owners: [ref('ghost')] })],
    item: 'uid-ghost',
    calls: [],
    outcome: 'forget',
    virtualDeletes: ['ghost'],
  },
  {
    name: 'a virtual owner that exists but is not observed yet is checked again later',
    graph: [add('dep', { owners: [ref('owner')] })],
    api: [cm('owner'), cm('dep', { owners: [ref('owner')] })],
    item: 'uid-owner',
    calls: [],
    outcome: 'requeue',
  },
  {
    name: 'a foreground deletion with a blocking dependent left nudges the dependent',
    graph: [add('fg', FG), add('dep', { owners: [ref('fg', { block: true })] }), add('free', { owners: [ref('fg')] })],
    api: [cm('fg', FG)],
    item: 'uid-fg',
    calls: [],
    queued: ['dep'],
  },
  {
    name: 'a foreground deletion with no blocking dependent left drops its finalizer',
    graph: [add('fg', { ...FG, finalizers: ['a', 'foregroundDeletion'] }), add('free', { owners: [ref('fg')] })],
    api: [cm('fg', { ...FG, finalizers: ['a', 'foregroundDeletion'] })],
    item: 'uid-fg',
    calls: [dropFinalizer('fg', ['a'])],
  },
  {
    name: 'a cluster-scoped object naming a namespaced owner is reported and dropped',
    graph: [{ type: 'add', identity: pcId, meta: pcMeta }],
    api: [{ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: pcMeta }],
    item: 'uid-pc',
    calls: [],
    outcome: 'forget',
    warnings: ['OwnerRefInvalidNamespace: ownerRef [v1/ConfigMap, namespace: , name: owner, uid: uid-owner] does not exist in namespace ""'],
  },
  {
    name: 'orphaning drops the owner from every dependent, then the orphan finalizer',
    graph: [add('owner', { deleting: true, finalizers: ['orphan'] }), add('a', { owners: [ref('owner')] }), add('b', { owners: [ref('owner'), ref('x')] })],
    api: [cm('owner', { deleting: true, finalizers: ['orphan'] })],
    item: 'uid-owner',
    run: 'orphan',
    calls: [dropRefs('a', 'owner'), dropRefs('b', 'owner'), dropFinalizer('owner', [])],
  },
  {
    name: 'orphaning stops before the finalizer when a dependent cannot be patched',
    graph: [add('owner', { deleting: true, finalizers: ['orphan'] }), add('a', { owners: [ref('owner')] })],
    api: [cm('owner', { deleting: true, finalizers: ['orphan'] })],
    item: 'uid-owner',
    run: 'orphan',
    conflicts: ['a'],
    calls: [],
    throws: /orphaning \[v1\/ConfigMap, namespace: default, name: a, uid: uid-a\]/,
  },
];

describe('GCSync', () => {
  it.each(cases)('$name', async (c) => {
    const attemptToDelete = new RecordingQueue();
    const graph = new GraphBuilder({ attemptToDelete, attemptToOrphan: new RecordingQueue() });
    for (const e of c.graph) graph.process(e);
    attemptToDelete.clear();
    const port = new FakeGCPort(c.api);
    for (const n of c.conflicts ?? []) port.conflicts.add(n);
    const virtualDeletes: string[] = [];
    const sync = new GCSync({ graph, port, attemptToDelete, enqueueVirtualDelete: (id) => virtualDeletes.push(id.name) });
    const item = graph.uidToNode.get(c.item)!;
    const result = c.run === 'orphan' ? sync.attemptToOrphan(item).then(() => 'forget' as const) : sync.attemptToDelete(item);
    if (c.throws) await expect(result).rejects.toThrow(c.throws);
    else expect(await result).toBe(c.outcome ?? 'forget');
    expect(port.calls).toEqual(c.calls);
    expect(virtualDeletes).toEqual(c.virtualDeletes ?? []);
    expect(attemptToDelete.added).toEqual(c.queued ?? []);
    expect(port.warnings.map((w) => `${w.reason}: ${w.message}`)).toEqual(c.warnings ?? []);
  });

  it('a removed virtual node is forgotten without asking the API', async () => {
    const q = new RecordingQueue();
    const graph = new GraphBuilder({ attemptToDelete: q, attemptToOrphan: q });
    graph.process(add('dep', { owners: [ref('ghost')] }));
    const ghost = graph.uidToNode.get('uid-ghost')!;
    graph.process({ type: 'delete', identity: ghost.identity, meta: {}, virtual: true });
    const port = new FakeGCPort();
    const sync = new GCSync({ graph, port, attemptToDelete: q, enqueueVirtualDelete: () => undefined });
    expect(await sync.attemptToDelete(ghost)).toBe('forget');
    expect(port.gets).toEqual([]);
  });

  it('remembers a verified-absent owner and does not ask again', async () => {
    const q = new RecordingQueue();
    const graph = new GraphBuilder({ attemptToDelete: q, attemptToOrphan: q });
    graph.process(add('a', { owners: [ref('gone')] }));
    graph.process(add('b', { owners: [ref('gone')] }));
    const port = new FakeGCPort([cm('a', { owners: [ref('gone')] }), cm('b', { owners: [ref('gone')] })]);
    const sync = new GCSync({ graph, port, attemptToDelete: q, enqueueVirtualDelete: () => undefined });
    await sync.attemptToDelete(graph.uidToNode.get('uid-a')!);
    await sync.attemptToDelete(graph.uidToNode.get('uid-b')!);
    expect(port.gets).toEqual(['a', 'gone', 'b']);
    expect(port.calls).toEqual([del('a', 'Background'), del('b', 'Background')]);
  });
});
