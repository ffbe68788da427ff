import type { Labels } from '@k8ts/cri';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, LABELS, containerNameOf, restartCountOf } from './labels.ts';

describe('labels', () => {
  it('uses the upstream names', () => {
    expect(LABELS).toEqual({
      podName: 'io.kubernetes.pod.name',
      podNamespace: 'io.kubernetes.pod.namespace',
      podUid: 'io.kubernetes.pod.uid',
      containerName: 'io.kubernetes.container.name',
    });
    expect(ANNOTATIONS.restartCount).toBe('io.kubernetes.container.restartCount');
    expect(ANNOTATIONS.containerHash).toBe('io.kubernetes.container.hash');
  });

  it.each<{ name: string; annotations: Labels | null; want: number }>([
    { name: 'present', annotations: { [ANNOTATIONS.restartCount]: '3' }, want: 3 },
    { name: 'missing', annotations: {}, want: 0 },
    { name: 'malformed', annotations: { [ANNOTATIONS.restartCount]: 'x1' }, want: 0 },
    { name: 'no annotations at all', annotations: null, want: 0 },
  ])('restartCountOf: $name', ({ annotations, want }) => {
    expect(restartCountOf(annotations)).toBe(want);
  });

  it('containerNameOf reads the container label', () => {
    expect(containerNameOf({ [LABELS.containerName]: 'web' })).toBe('web');
    expect(containerNameOf(undefined)).toBe('');
  });
});
