import { describe, expect, it } from 'vitest';
import { GraphBuilder, referencesDiffs, type GraphEvent } from './graph-builder.ts';
import { add, cmId, del, ref, RecordingQueue, update, virtualDelete } from './testing.ts';

interface Case {
  name: string;
  /** Events before the ones under test; what they queue is not asserted. */
  setup: GraphEvent[];
  act: GraphEvent[];
  toDelete?: string[];
  toDeleteLater?: string[];
  toOrphan?: string[];
  check?(g: GraphBuilder): void;
}

const node = (g: GraphBuilder, name: string) => g.uidToNode.get(`uid-${name}`);
const dependents = (g: GraphBuilder, name: string) => [...(node(g, name)?.dependents ?? [])].map((d) => d.identity.name).sort();

const cases: Case[] = [
  {
    name: 'a dependent of an unseen owner creates a virtual owner and queues it for verification',
    setup: [],
    act: [add('dep', { owners: [ref('owner')] })],
    toDelete: ['owner'],
    check: (g) => {
      expect(node(g, 'owner')?.virtual).toBe(true);
      expect(node(g, 'owner')?.identity).toEqual(cmId('owner'));
      expect(dependents(g, 'owner')).toEqual(['dep']);
    },
  },
  {
    name: 'the owner observed later turns the virtual node into a real one, keeping its dependents',
    setup: [add('dep', { owners: [ref('owner')] })],
    act: [add('owner')],
    toDelete: [],
    check: (g) => {
      expect(node(g, 'owner')?.virtual).toBe(false);
      expect(dependents(g, 'owner')).toEqual(['dep']);
    },
  },
  {
    name: 'an owner observed under other coordinates than a dependent named: that dependent is checked',
    setup: [add('dep', { owners: [ref('owner', { uid: 'uid-real' })] })],
    act: [add('real')],
    toDelete: ['dep'],
    check: (g) => {
      expect(node(g, 'real')?.identity.name).toBe('real');
      expect(node(g, 'real')?.virtual).toBe(false);
    },
  },
  {
    name: 'a dependent naming a known owner in another namespace is checked',
    setup: [add('owner', { namespace: 'a' })],
    act: [add('dep', { namespace: 'b', owners: [ref('owner')] })],
    toDelete: ['dep'],
  },
  {
    name: 'deleting an owner queues its dependents and remembers it absent',
    setup: [add('owner'), add('a', { owners: [ref('owner')] }), add('b', { owners: [ref('owner')] })],
    act: [del('owner')],
    toDelete: ['a', 'b'],
    check: (g) => {
      expect(node(g, 'owner')).toBeUndefined();
      expect(g.absentOwners.has(cmId('owner'))).toBe(true);
    },
  },
  {
    name: 'an owner starting deletion with the orphan finalizer goes to attemptToOrphan',
    setup: [add('owner'), add('a', { owners: [ref('owner')] })],
    act: [update('owner', {}, { deleting: true, finalizers: ['orphan'] })],
    toDelete: [],
    toOrphan: ['owner'],
    check: (g) => expect(node(g, 'owner')?.beingDeleted).toBe(true),
  },
  {
    name: 'an owner first seen already deleting with the orphan finalizer is orphaned too',
    setup: [],
    act: [add('owner', { deleting: true, finalizers: ['orphan'] })],
    toDelete: [],
    toOrphan: ['owner'],
  },
  {
    name: 'an owner starting a foreground deletion queues its dependents, then itself',
    setup: [add('owner'), add('a', { owners: [ref('owner', { block: true })] }), add('b', { owners: [ref('owner')] })],
    act: [update('owner', {}, { deleting: true, finalizers: ['foregroundDeletion'] })],
    toDelete: ['a', 'b', 'owner'],
    check: (g) => {
      expect(node(g, 'owner')?.deletingDependents).toBe(true);
      expect(node(g, 'owner')?.blockingDependents().map((d) => d.identity.name)).toEqual(['a']);
    },
  },
  {
    name: 'an update that does not start a deletion queues nothing',
    setup: [add('owner', { deleting: true, finalizers: ['foregroundDeletion'] })],
    act: [update('owner', { deleting: true, finalizers: ['foregroundDeletion'] }, { deleting: true, finalizers: ['foregroundDeletion', 'x'] })],
    toDelete: [],
  },
  {
    name: 'a dependent dropping a blocking reference wakes the owner',
    setup: [add('owner'), add('dep', { owners: [ref('owner', { block: true })] })],
    act: [update('dep', { owners: [ref('owner', { block: true })] }, { owners: [] })],
    toDelete: ['owner'],
    check: (g) => expect(dependents(g, 'owner')).toEqual([]),
  },
  {
    name: 'a dependent unblocking its reference wakes the owner',
    setup: [add('owner'), add('dep', { owners: [ref('owner', { block: true })] })],
    act: [update('dep', { owners: [ref('owner', { block: true })] }, { owners: [ref('owner', { block: false })] })],
    toDelete: ['owner'],
  },
  {
    name: 'a dependent gaining an owner is linked under it',
    setup: [add('owner'), add('dep')],
    act: [update('dep', {}, { owners: [ref('owner')] })],
    toDelete: [],
    check: (g) => expect(dependents(g, 'owner')).toEqual(['dep']),
  },
  {
    name: 'a deleted dependent of an owner deleting in the foreground wakes the owner',
    setup: [add('owner', { deleting: true, finalizers: ['foregroundDeletion'] }), add('dep', { owners: [ref('owner', { block: true })] })],
    act: [del('dep')],
    toDelete: ['owner'],
    check: (g) => expect(dependents(g, 'owner')).toEqual([]),
  },
  {
    name: 'a verified-absent virtual owner is removed and its dependents queued',
    setup: [add('dep', { owners: [ref('ghost')] })],
    act: [virtualDelete(cmId('ghost'))],
    toDelete: ['dep'],
    check: (g) => {
      expect(node(g, 'ghost')).toBeUndefined();
      expect(g.absentOwners.has(cmId('ghost'))).toBe(true);
    },
  },
  {
    name: 'a virtual delete under other coordinates than an observed node keeps the node',
    setup: [add('owner'), add('dep', { owners: [ref('alias', { uid: 'uid-owner' })] })],
    act: [virtualDelete({ ...cmId('alias'), uid: 'uid-owner' })],
    toDelete: ['dep'],
    check: (g) => expect(node(g, 'owner')?.virtual).toBe(false),
  },
  {
    name: 'a virtual owner named two ways takes the other identity when the first is verified absent',
    setup: [add('d1', { owners: [ref('x', { uid: 'uid-o' })] }), add('d2', { owners: [ref('y', { uid: 'uid-o' })] })],
    act: [virtualDelete({ ...cmId('x'), uid: 'uid-o' })],
    toDelete: ['d1'],
    toDeleteLater: ['y'],
    check: (g) => {
      expect(g.uidToNode.get('uid-o')?.identity.name).toBe('y');
      expect(g.uidToNode.get('uid-o')?.virtual).toBe(true);
    },
  },
  {
    name: 'a delete for an unknown uid changes nothing',
    setup: [],
    act: [del('nobody')],
    toDelete: [],
  },
];

describe('GraphBuilder', () => {
  it.each(cases)('$name', (c) => {
    const attemptToDelete = new RecordingQueue();
    const attemptToOrphan = new RecordingQueue();
    const g = new GraphBuilder({ attemptToDelete, attemptToOrphan });
    for (const e of c.setup) g.process(e);
    attemptToDelete.clear();
    attemptToOrphan.clear();
    for (const e of c.act) g.process(e);
    expect(attemptToDelete.added).toEqual(c.toDelete ?? []);
    expect(attemptToDelete.rateLimited).toEqual(c.toDeleteLater ?? []);
    expect(attemptToOrphan.added).toEqual(c.toOrphan ?? []);
    c.check?.(g);
  });
});

describe('referencesDiffs', () => {
  it.each([
    { name: 'no change', old: [ref('a')], now: [ref('a')], want: { added: [], removed: [], changed: 0 } },
    { name: 'added and removed', old: [ref('a')], now: [ref('b')], want: { added: ['b'], removed: ['a'], changed: 0 } },
    { name: 'changed in place', old: [ref('a', { block: true })], now: [ref('a', { block: false })], want: { added: [], removed: [], changed: 1 } },
  ])('$name', ({ old, now, want }) => {
    const d = referencesDiffs(old, now);
    expect({ added: d.added.map((r) => r.name), removed: d.removed.map((r) => r.name), changed: d.changed.length }).toEqual(want);
  });
});
