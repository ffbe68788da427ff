import { RESOURCES } from '@k8ts/api';
import { describe, expect, it } from 'vitest';
import { collectedResources } from './controller.ts';

describe('collectedResources', () => {
  const plurals = collectedResources().map((r) => `${r.group}/${r.plural}`);
  it.each([
    { name: 'pods are collected', resource: '/pods', want: true },
    { name: 'replicasets are collected', resource: 'apps/replicasets', want: true },
    { name: 'namespaces (no deletecollection) are collected', resource: '/namespaces', want: true },
    { name: 'cluster-scoped priorityclasses are collected', resource: 'scheduling.k8s.io/priorityclasses', want: true },
    { name: 'events are ignored, as upstream', resource: '/events', want: false },
  ])('$name', ({ resource, want }) => {
    expect(plurals.includes(resource)).toBe(want);
  });

  it('leaves out a resource that cannot be watched or deleted', () => {
    const pods = RESOURCES.find((r) => r.plural === 'pods')!;
    expect(collectedResources([{ ...pods, verbs: ['get', 'list', 'delete'] }, { ...pods, verbs: ['list', 'watch'] }])).toEqual([]);
  });
});
